import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { fixText } from './helpers.js';
import { loadDialect } from '../../src/dialects/index.js';
import { encodeEnvValue } from '../../src/fix/edit-compose-env.js';
import { editCompose } from '../../src/fix/edit-compose.js';
import type { ComposeConfig } from '../../src/dialects/compose.js';
import { lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const PATH = '/srv/app/docker-compose.yml';
const fix = (text: string) => fixText(text, 'compose', {}, PATH);
const lint = (text: string) => lintText(text, { dialect: 'compose', path: PATH });
const argvAfter = (text: string) => lint(text).config.argv.map((t) => t.value);

beforeAll(async () => {
  await loadDialect('compose');
});

describe("Bitnami's environment: in Compose, fixed in its own variables", () => {
  it('adds environment: after image: with MEMCACHED_EXTRA_FLAGS (real file 079), and nothing else changes', () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/real/compose/079-bitnami-bitnami-docker-memcached-docker-compose.yml'), 'utf8');
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(p.applied.map((a) => a.ruleId)).toEqual(['MC111', 'MC504']);
    expect(p.text).toBe(
      text.replace(
        '    image: docker.io/bitnami/memcached:1\n',
        '    image: docker.io/bitnami/memcached:1\n    environment:\n      MEMCACHED_EXTRA_FLAGS: "-U 0"  # mchard: added (MC111)\n',
      ).replace('"-U 0"  # mchard: added (MC111)', '"-U 0 -X"  # mchard: added (MC111)'),
    );
    expect(argvAfter(p.text)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-U', '0', '-X']);
    // Never -l 127.0.0.1 inside a container: MC101 stays, without a fix.
    expect(p.after.findings.filter((f) => f.ruleId === 'MC101').map((f) => f.fix)).toEqual([null]);
    expect(p.text).not.toMatch(/127\.0\.0\.1/);
  });

  it('edits MEMCACHED_EXTRA_FLAGS word by word in its own style, and removes what it should', () => {
    const text = 'services:\n  cache:\n    image: bitnami/memcached:1.6.39\n    environment:\n      MEMCACHED_CACHE_SIZE: "256"  # sized for prod\n      MEMCACHED_EXTRA_FLAGS: \'-A -vv -X\'\n';
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(p.text).toBe("services:\n  cache:\n    image: bitnami/memcached:1.6.39\n    environment:\n      MEMCACHED_CACHE_SIZE: \"256\"  # sized for prod\n      MEMCACHED_EXTRA_FLAGS: '-X -U 0'\n");
    expect(argvAfter(p.text)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-m', '256', '-X', '-U', '0']);
    expect(p.touchedLines).toEqual([6]);
  });

  it('appends entries to a list-form environment', () => {
    const text = 'services:\n  cache:\n    image: bitnamilegacy/memcached:1.6.39\n    environment:\n      - MEMCACHED_CACHE_SIZE=64\n';
    const p = fix(text);
    expect(p.text).toBe('services:\n  cache:\n    image: bitnamilegacy/memcached:1.6.39\n    environment:\n      - MEMCACHED_CACHE_SIZE=64\n      - MEMCACHED_EXTRA_FLAGS=-U 0 -X  # mchard: added (MC111)\n');
    expect(parseDocument(p.text).errors).toEqual([]);
  });

  it('escapes $ so Compose does not interpolate what mchard writes', () => {
    expect(encodeEnvValue('a$b', 'PLAIN')).toBe('"a$$b"');
    expect(encodeEnvValue('-U 0', 'PLAIN')).toBe('-U 0');
    expect(encodeEnvValue('0', 'PLAIN')).toBe('"0"');
    expect(encodeEnvValue('true', 'PLAIN')).toBe('"true"');
    expect(encodeEnvValue("it's", 'QUOTE_SINGLE')).toBe("'it''s'");
  });

  it("refuses what the start script itself passes, and what depends on the host", () => {
    const fixed = fix('services:\n  cache:\n    image: bitnami/memcached:1.6.39\n    environment:\n      MEMCACHED_EXTRA_FLAGS: "${FLAGS}"\n');
    expect(fixed.changed).toBe(false);
    // The script's own -p, -u and -v cannot be removed or changed in environment:.
    const r = lint('services:\n  cache:\n    image: bitnami/memcached:1.6.39\n');
    const ev = (letter: string) => r.model.applied.options.find((o) => o.spec.short === letter)!;
    const label = { ruleId: 'MC000', slug: 'test' };
    const conf = r.config as ComposeConfig;
    expect(editCompose({ config: conf, model: r.model, intents: [{ kind: 'remove-option', option: ev('p') }], label, fresh: new Set() })).toEqual({ ok: false, reason: expect.stringMatching(/run.sh: -p \$MEMCACHED_PORT_NUMBER; mchard does not change the image's start script/) });
    expect(editCompose({ config: conf, model: r.model, intents: [{ kind: 'set-option', letter: 'u', value: 'nobody' }], label, fresh: new Set() })).toEqual({ ok: false, reason: expect.stringMatching(/MEMCACHED_DAEMON_USER is fixed/) });
    // -p is the image's variable: set there.
    const port = editCompose({ config: conf, model: r.model, intents: [{ kind: 'set-option', letter: 'p', value: '11311', replace: ev('p') }], label, fresh: new Set() });
    expect(port.ok && port.output.text).toBe('services:\n  cache:\n    image: bitnami/memcached:1.6.39\n    environment:\n      MEMCACHED_PORT_NUMBER: "11311"  # mchard: added (MC000)\n');
    const multi = fix('services:\n  cache:\n    image: bitnami/memcached:1.6.39\n    environment:\n      MEMCACHED_EXTRA_FLAGS: |\n        -A\n        -X\n');
    expect(multi.failed.length).toBeGreaterThan(0);
    for (const f of multi.failed) expect(f.reason).toMatch(/several lines/);
    expect(multi.changed).toBe(false);
  });

  it('a fixed file re-lints clean of what it fixed, and keeps its comments', () => {
    const text = 'services:\n  # the cache\n  cache:\n    image: bitnami/memcached:1.6.39 # pinned\n    environment:\n      MEMCACHED_EXTRA_FLAGS: -vv # debugging\n';
    const p = fix(text);
    expect(p.text).toContain('# the cache');
    expect(p.text).toContain('# pinned');
    expect(p.text).toContain('# debugging');
    expect(p.after.findings.filter((f) => f.fix)).toEqual([]);
    expect(lint(p.text).model.applied.settings.verbose).toBe(1);
  });
});
