/**
 * One bad file never costs the others (issue 13 §5), for fix as for lint (lint's own test is in
 * lint.test.ts): a rule that throws on one file (the test catalogue's TST999) makes that file one line on
 * standard error and an MC001 entry in the report, exit 2, while the other file is fixed and reported in
 * every format. And a failure that escapes every per-file handler still names the file being processed.
 */
import { jest } from '@jest/globals';
import { TEST_RULES } from './test-rules.js';
import { errorLines, run, TempDir } from './helpers.js';

jest.unstable_mockModule('../../rules/index.js', () => ({ RULES: TEST_RULES }));

let tmp: TempDir;
beforeAll(() => {
  tmp = new TempDir();
});
afterAll(() => tmp.cleanup());

describe('fix: a file whose check fails inside mchard', () => {
  it.each(['text', 'json', 'sarif', 'github'])('--format %s: one line for it, exit 2, the other file fixed and reported', async (format) => {
    const crash = tmp.write(`${format}/crash/memcached.conf`, '#crash\n-l 0.0.0.0\n');
    const bad = tmp.write(`${format}/bad/memcached.conf`, '-u memcache\n-l 0.0.0.0\n');
    const saved = process.env.MCHARD_DEBUG;
    delete process.env.MCHARD_DEBUG;
    try {
      const r = await run(['fix', '--dry-run', '--format', format, crash, bad]);
      expect(r.code).toBe(2);
      const line = `mchard: ${crash}: internal error while checking this file (TypeError: test rule crashed); please report it; not fixed`;
      expect(errorLines(r.err).filter((l) => l.startsWith('mchard: '))).toEqual([line]);
      expect(r.err + r.out).not.toMatch(/\n\s+at /);
      // The other file's diff was shown, and it is in the report.
      expect(r.out + r.err).toContain(`--- ${bad}\toriginal`);
      if (format === 'json') {
        const doc = JSON.parse(r.out) as { files: { path: string; findings: { ruleId: string }[] }[] };
        expect(doc.files.map((f) => f.path)).toEqual([crash, bad]);
        expect(doc.files[0].findings.map((f) => f.ruleId)).toEqual(['MC001']);
        expect(doc.files[1].findings.map((f) => f.ruleId)).toContain('TST100');
      } else if (format === 'sarif') {
        // The failed file is a tool execution notification (not an alert); the other file's findings are results.
        const doc = JSON.parse(r.out) as { runs: { results: { ruleId: string }[]; invocations: { executionSuccessful: boolean; toolExecutionNotifications: { descriptor: { id: string } }[] }[] }[] };
        expect(doc.runs[0].results.map((x) => x.ruleId)).toContain('TST100');
        expect(doc.runs[0].results.map((x) => x.ruleId)).not.toContain('MC001');
        expect(doc.runs[0].invocations[0].executionSuccessful).toBe(false);
        expect(doc.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.descriptor.id)).toEqual(['failed']);
      } else if (format === 'github') {
        expect(r.out).toMatch(/^::error file=.*crash.*MC001/m);
        expect(r.out).toMatch(/^::error file=.*bad.*TST100/m);
      } else {
        expect(r.out).toContain(`${crash}:1:1  error  MC001  internal error while checking this file`);
        expect(r.out).toContain(`${bad}:2:4  error  TST100`);
      }
    } finally {
      if (saved !== undefined) process.env.MCHARD_DEBUG = saved;
    }
  });
});

describe('the top-level handler', () => {
  it('names the file being processed when a failure escapes every per-file handler', async () => {
    const { main } = await import('../../src/cli/main.js');
    const { currentFile } = await import('../../src/cli/io.js');
    const { captureIo } = await import('./helpers.js');
    // A command module that fails in the middle of a file: stands in for any bug outside the handlers.
    const io = captureIo();
    const failing = main(['lint', tmp.write('x/memcached.conf', '-l 0.0.0.0\n')], {
      ...io,
      out: () => {
        currentFile.path = '/srv/evil\x1b[2J.conf';
        throw new RangeError('Maximum call stack size exceeded');
      },
    });
    expect(await failing).toBe(2);
    expect(io.stderr.join('')).toBe('mchard: internal error while processing /srv/evil\\x1b[2J.conf: Maximum call stack size exceeded\n');
  });
});
