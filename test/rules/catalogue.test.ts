import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../rules/index.js';
import { lintText, findings } from '../helpers/lint.js';
import { loadDialect } from '../../src/dialects/index.js';
import type { HostFacts } from '../../src/memcached/startup.js';

/** Where the catalogue lives: `$MCHARD_RULES_MD`, or the repository's copy of the shared catalogue (test/fixtures/shared). */
function cataloguePath(): string {
  const candidates = [process.env.MCHARD_RULES_MD, fileURLToPath(new URL('../fixtures/shared/RULES.md', import.meta.url))].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`rule catalogue RULES.md not found (looked at ${candidates.join(', ')})`);
  return found;
}

/** The rule table of the catalogue: ID, slug and default severity per row. */
function catalogue(): Map<string, { slug: string; severity: string }> {
  const text = readFileSync(cataloguePath(), 'utf8');
  const rows = new Map<string, { slug: string; severity: string }>();
  for (const line of text.split('\n')) {
    const m = /^\|\s*(MC\d{3})\s*\|\s*([a-z0-9-]+)\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (!m) continue;
    // "info; warning when ..." or "error (world bits); ...": the default is the first word.
    rows.set(m[1], { slug: m[2], severity: /^(error|warning|info)/.exec(m[3])?.[1] ?? m[3] });
  }
  return rows;
}

/** Rules the lint engine never reports on a parsed file (the command line emits MC001 for unreadable files). */
const NOT_FROM_LINT = new Set(['MC001']);
/**
 * The machine a rule's examples are judged on where host checks apply (MC916): the distributions' service
 * users and the standard ones, and loopback only. Every other rule ignores it (ctx.onThisHost).
 */
const EXAMPLE_HOST: HostFacts = {
  root: true,
  userExists: (name) => ['root', 'nobody', 'daemon', 'memcache', 'memcached'].includes(name),
  addressIsLocal: (address) => address.startsWith('127.') || address === '::1',
};

/**
 * mchard-only rules are documented in their modules (and docs/rules/), not in the shared catalogue: MC910 and up,
 * for the dialects added after it (systemd, rc.conf, supervisord...) and for `audit` (MC95x), and MC003 (a
 * malformed suppression directive).
 */
const mchardOnly = (id: string) => id >= 'MC910' || id === 'MC003';

describe('rule catalogue', () => {
  const table = catalogue();

  it('parses the catalogue table', () => {
    expect(table.size).toBeGreaterThanOrEqual(40);
    expect(table.get('MC101')).toEqual({ slug: 'listen-all-interfaces', severity: 'error' });
  });

  it('has unique IDs and slugs', () => {
    const ids = RULES.map((r) => r.id);
    const slugs = RULES.map((r) => r.slug);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  describe.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    it('matches its catalogue row (ID, slug, default severity)', () => {
      const row = table.get(id);
      if (!row && mchardOnly(id)) return;
      expect(row).toBeDefined();
      expect(rule.slug).toBe(row!.slug);
      expect(rule.severity).toBe(row!.severity);
    });

    it('has complete documentation', () => {
      expect(rule.summary.length).toBeGreaterThan(0);
      expect(rule.docs.what.length).toBeGreaterThan(0);
      expect(rule.docs.why.length).toBeGreaterThan(0);
      expect(rule.docs.fix.length).toBeGreaterThan(0);
      expect(rule.sources.length).toBeGreaterThan(0);
      expect(rule.docs.example.bad).not.toBe(rule.docs.example.good);
    });

    if (NOT_FROM_LINT.has(id) || rule.phase === 'audit') {
      it('is not reported by lint, on either example', async () => {
        const { dialect, good, bad } = rule.docs.example;
        await loadDialect(dialect);
        expect(findings(lintText(good, { dialect }), id)).toHaveLength(0);
        // An audit rule reads a running process (test/rules/mc95x-*.test.ts); lint never reports it.
        if (rule.phase === 'audit') expect(findings(lintText(bad, { dialect }), id)).toHaveLength(0);
      });
    } else {
      it('reports its bad example and not its good one', async () => {
        const { dialect, bad, good } = rule.docs.example;
        await loadDialect(dialect);
        expect(findings(lintText(bad, { dialect, thisHost: EXAMPLE_HOST }), id).length).toBeGreaterThan(0);
        expect(findings(lintText(good, { dialect, thisHost: EXAMPLE_HOST }), id)).toHaveLength(0);
      });
    }
  });
});
