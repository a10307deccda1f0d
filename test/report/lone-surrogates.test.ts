/**
 * A lone surrogate in a value (a YAML escape `"\udfff"` in a manifest: the yaml reader takes it, no UTF-8
 * file can hold it) reached `--format json`, `sarif` and `gitlab` as the JSON escape `\udfff`, which parses
 * back into a string no UTF-8 can encode: Python's json.dump of mchard's report to a file raised
 * "UnicodeEncodeError: 'utf-8' codec can't encode character '\udfff'", jq printed U+FFFD. Now such a
 * character is written as the text `\udfff`, as the text report shows it; the baseline keeps its keys exact.
 *
 * Real: the built program's outputs, parsed and re-encoded as UTF-8 the way a consumer does, and the SARIF
 * log validated against the SARIF 2.1.0 schema.
 */
import { run, TempDir } from '../cli/helpers.js';
import { sarifErrors } from './sarif-schema.js';
import { safeJson } from '../../src/report/visible.js';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string in a parsed document. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

describe('lone surrogates in JSON outputs', () => {
  let tmp: TempDir;
  let manifest: string;
  beforeAll(() => {
    tmp = new TempDir();
    manifest = tmp.write(
      'deploy.yaml',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: "mc\\ud800x"',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: memcached',
        '          image: memcached:1.6',
        '          args: ["-l", "0.0.0.0", "-m", "\\udfff64", "-c", "\\ud83d\\ude00"]',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => tmp.cleanup());

  it.each(['json', 'sarif', 'gitlab'])('--format %s holds only strings UTF-8 can encode', async (format) => {
    const r = await run(['lint', '--format', format, manifest]);
    const doc = JSON.parse(r.out) as unknown;
    const all = strings(doc);
    // Before: "-m \udfff64 is not a number..." with the lone surrogate itself.
    expect(all.filter((s) => LONE.test(s))).toEqual([]);
    // Encoded as UTF-8 and read back, every string is itself (a lone surrogate would come back as U+FFFD).
    for (const s of all) expect(Buffer.from(s, 'utf8').toString('utf8')).toBe(s);
    // Shown as the text report shows it; a surrogate pair (an emoji) stays itself.
    expect(r.out).toContain('-m \\\\udfff64');
    if (format === 'sarif') expect(sarifErrors(doc)).toEqual([]);
  });

  it('text shows the same escape', async () => {
    const r = await run(['lint', manifest]);
    expect(r.out).toContain('-m \\udfff64');
  });

  it('a backslash before "u" is not taken for an escape, and the baseline keeps exact values', () => {
    const value = { a: 'x\udfff \\udfff \\\udc00 \ud83d\ude00' };
    expect(JSON.parse(safeJson(value))).toEqual({ a: 'x\\udfff \\udfff \\\\udc00 \ud83d\ude00' });
    expect(JSON.parse(safeJson(value, 2, true))).toEqual(value);
  });
});
