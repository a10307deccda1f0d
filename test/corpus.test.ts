/**
 * Every file of the shared corpus is read, parsed, inspected and linted without a crash, prints back
 * byte for byte, and its findings are kept as a snapshot so any change in what mchard says shows in review.
 * Its dialect is detected from the path it has in its repository (MANIFEST.tsv), as it would be in a
 * checkout; a file mchard refuses is snapshotted as the refusal, and still parsed (as Debian's) to prove
 * no input crashes a dialect.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeConfig } from '../src/input.js';
import { detectDialect } from '../src/dialects/detect.js';
import { loadDialect } from '../src/dialects/index.js';
import { lintSource } from '../src/engine/lint.js';
import { defaultRuleOptions } from '../src/engine/defaults.js';
import { RULES } from '../rules/index.js';
import { SHARED } from './helpers/paths.js';

const root = join(SHARED, 'corpus');
/** Each file's path in its repository, from the manifest. */
const original = new Map<string, string>(
  readFileSync(join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => [l.split('\t')[0], l.split('\t')[2]] as [string, string]),
);
const files = ['debian', 'sysconfig', 'other'].flatMap((d) => readdirSync(join(root, d)).sort().map((f) => join(d, f)));

describe('shared corpus', () => {
  it('has the ~90 files the manifest lists', () => {
    expect(files.length).toBeGreaterThanOrEqual(90);
  });

  it.each(files)('%s: reads, round-trips and lints without a crash', async (rel) => {
    const bytes = readFileSync(join(root, rel));
    const source = decodeConfig(rel, bytes);
    const detection = detectDialect(join('/srv/checkout', original.get(rel) ?? rel), source.text);
    const dialect = detection.refused ? 'debian' : detection.dialect;
    await loadDialect(dialect);
    const result = lintSource(source, dialect, { rules: RULES, options: defaultRuleOptions() });
    expect(Buffer.from(result.config.print(), 'utf8').equals(bytes)).toBe(true);
    for (const f of result.findings) {
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.line).toBeLessThanOrEqual(source.lineCount);
    }
    const summary = result.findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`);
    if (detection.refused) {
      expect({ refused: detection.looksLike, reason: detection.reason, candidates: detection.candidates }).toMatchSnapshot();
      return;
    }
    const st = result.model.startup;
    const startup = st.unknown ? `unknown (${st.unknown.depends})` : st.ok ? 'starts' : `exit ${st.exitCode}`;
    expect({ dialect, reason: detection.reason, startup, findings: summary }).toMatchSnapshot();
  });
});
