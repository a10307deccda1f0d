import { formatText } from '../../src/report/text.js';
import { formatReport, FORMATS } from '../../src/report/index.js';
import { summarize } from '../../src/report/types.js';
import { FILES, input, finding } from './fixtures.js';

describe('text report', () => {
  it('prints one finding a line, then the summary', () => {
    expect(formatText(input())).toBe(
      [
        '/etc/memcached.conf:12:1  error  MC101  listens on every interface  (slug-mc101)',
        '/etc/memcached.conf:14:1  warning  MC502  -vv logs every request  (slug-mc502)',
        '/etc/sysconfig/memcached:1:6  info  MC301  the default port  (slug-mc301)',
        '1 error, 1 warning, 1 info in 3 files',
        '',
      ].join('\n'),
    );
  });

  it('pluralises the summary', () => {
    const f = { path: 'a', dialect: 'debian' as const, findings: [finding('MC101', 'error', 'x', [1, 1, 1, 2]), finding('MC101', 'error', 'y', [2, 1, 2, 2])] };
    expect(formatText(input([f]))).toMatch(/\n2 errors, 0 warnings, 0 infos in 1 file\n$/);
  });

  it('says "no problems found" when clean', () => {
    expect(formatText(input([FILES[2]]))).toBe('no problems found (0 errors, 0 warnings, 0 infos in 1 file)\n');
    expect(formatText(input([]))).toBe('no problems found (0 errors, 0 warnings, 0 infos in 0 files)\n');
  });

  it('colours severities, locations and slugs only when asked', () => {
    const plain = formatText(input());
    const colored = formatText(input(FILES, { color: true }));
    expect(plain).not.toContain('\x1b[');
    expect(colored).toContain('\x1b[1m/etc/memcached.conf:12:1\x1b[22m  \x1b[31merror\x1b[39m  MC101');
    expect(colored).toContain('\x1b[33mwarning\x1b[39m');
    expect(colored).toContain('\x1b[34minfo\x1b[39m');
    expect(colored).toContain('\x1b[2m(slug-mc101)\x1b[22m');
    // Without the escapes it is the plain report.
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(plain);
    expect(formatText(input([FILES[2]], { color: true }))).toContain('\x1b[32mno problems found');
  });
});

describe('formatReport', () => {
  it('offers text, json, sarif, github and gitlab', () => {
    expect(FORMATS).toEqual(['text', 'json', 'sarif', 'github', 'gitlab']);
    for (const f of FORMATS) expect(typeof formatReport(f, input())).toBe('string');
    expect(formatReport('text', input())).toBe(formatText(input()));
  });

  it('summarize counts each severity', () => {
    expect(summarize(FILES)).toEqual({ errors: 1, warnings: 1, infos: 1 });
    expect(summarize([])).toEqual({ errors: 0, warnings: 0, infos: 0 });
  });
});
