/**
 * A file mchard refused to read, in every output format: a refusal, never an error finding about
 * memcached, and every format stays valid (SARIF against the official schema).
 */
import { detectDialect, type DialectRefusal } from '../../src/dialects/detect.js';
import { formatReport, reportWriter, type Format } from '../../src/report/index.js';
import type { FileReport } from '../../src/report/types.js';
import { sarifErrors } from './sarif-schema.js';
import { FILES, RULE_SET } from './fixtures.js';

const refusal = detectDialect('/srv/app/Dockerfile', 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n') as DialectRefusal;
const refused: FileReport = { path: '/srv/app/Dockerfile', dialect: null, findings: [], detection: refusal };
const read: FileReport = { ...FILES[0], detection: detectDialect('/etc/memcached.conf', '-l 0.0.0.0\n') };
const files = [read, refused];
const input = { files, rules: RULE_SET, color: false, toolVersion: '1.2.3' };

describe('a refused file in the reports', () => {
  it('is refused (the fixture)', () => {
    expect(refusal.refused).toBe(true);
    expect(refusal.looksLike).toBe('a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached');
  });

  it('json: a refused entry with what it looks like, dialect null, no findings; the read file says who reads it', () => {
    const j = JSON.parse(formatReport('json', input));
    expect(j.files[1]).toEqual({
      path: '/srv/app/Dockerfile',
      dialect: null,
      refused: { looksLike: 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached', reason: 'name', message: refusal.message },
      findings: [],
    });
    expect(j.files[0]).toMatchObject({ dialect: 'debian', dialectReason: 'path', dialectConfidence: 'certain', readBy: "Debian's systemd-memcached-wrapper" });
    expect(j.summary).toEqual({ errors: 1, warnings: 1, infos: 0, refused: 1 });
  });

  it('sarif: a tool execution notification, not a result; the log stays valid', () => {
    const log = JSON.parse(formatReport('sarif', input));
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['MC101', 'MC502']);
    expect(log.runs[0].invocations).toEqual([
      {
        executionSuccessful: false,
        workingDirectory: { uri: expect.stringMatching(/^file:\/\/\/.*\/$/) },
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: `/srv/app/Dockerfile: ${refusal.message}` },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///srv/app/Dockerfile' } } }],
            descriptor: { id: 'refused' },
            properties: { looksLike: 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached' },
          },
        ],
      },
    ]);
    // Without a refusal the invocation is successful and has no notification.
    expect(JSON.parse(formatReport('sarif', { ...input, files: [read] })).runs[0].invocations).toEqual([{ executionSuccessful: true, workingDirectory: expect.anything() }]);
  });

  it('github: one error annotation on the file, titled as a refusal, not a rule', () => {
    const out = formatReport('github', input).trim().split('\n');
    expect(out.at(-1)).toMatch(/^::error file=\/srv\/app\/Dockerfile,title=mchard did not read this file::not read: it is a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached/);
    expect(out.at(-1)).not.toMatch(/MC\d{3}/);
  });

  it('text: no finding line; the summary counts the files read and says how many were not', () => {
    const text = formatReport('text', input);
    expect(text).not.toContain('Dockerfile');
    expect(text.trim().split('\n').at(-1)).toBe('1 error, 1 warning, 0 infos in 1 file; 1 file not read');
    const only = formatReport('text', { ...input, files: [refused] });
    expect(only).toBe('0 errors, 0 warnings, 0 infos in 0 files; 1 file not read\n');
  });

  it('the streaming writer gives the same text as the one-shot formatter, in every format', () => {
    for (const format of ['text', 'json', 'sarif', 'github'] as Format[]) {
      let out = '';
      const w = reportWriter(format, { rules: RULE_SET, color: false, toolVersion: '1.2.3' }, (t) => (out += t));
      for (const f of files) w.file(f);
      w.end();
      expect({ format, out }).toEqual({ format, out: formatReport(format, input) });
    }
  });
});
