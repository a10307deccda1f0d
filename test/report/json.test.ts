import { formatJson } from '../../src/report/json.js';
import { FILES, input } from './fixtures.js';

describe('json report', () => {
  it('has files and a summary, with exactly the documented finding fields', () => {
    const j = JSON.parse(formatJson(input()));
    expect(j).toEqual({
      files: [
        {
          path: '/etc/memcached.conf',
          dialect: 'debian',
          findings: [
            { ruleId: 'MC101', slug: 'slug-mc101', severity: 'error', message: 'listens on every interface', line: 12, column: 1, endLine: 12, endColumn: 11, fixable: true },
            { ruleId: 'MC502', slug: 'slug-mc502', severity: 'warning', message: '-vv logs every request', line: 14, column: 1, endLine: 14, endColumn: 4, fixable: false },
          ],
        },
        {
          path: '/etc/sysconfig/memcached',
          dialect: 'sysconfig',
          findings: [{ ruleId: 'MC301', slug: 'slug-mc301', severity: 'info', message: 'the default port', line: 1, column: 6, endLine: 1, endColumn: 13, fixable: false }],
        },
        { path: 'clean.conf', dialect: 'debian', findings: [] },
      ],
      summary: { errors: 1, warnings: 1, infos: 1, refused: 0 },
    });
  });

  it('is valid JSON ending in a newline, and never coloured', () => {
    const out = formatJson(input(FILES, { color: true }));
    expect(out.endsWith('}\n')).toBe(true);
    expect(out).not.toContain('\x1b[');
  });

  it('an unreadable file has a null dialect', () => {
    const j = JSON.parse(formatJson(input([{ path: 'x', dialect: null, findings: [] }])));
    expect(j.files[0].dialect).toBeNull();
    expect(j.summary).toEqual({ errors: 0, warnings: 0, infos: 0, refused: 0 });
  });
});
