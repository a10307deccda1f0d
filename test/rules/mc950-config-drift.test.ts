import { utimesSync } from 'node:fs';
import { loadDialect } from '../../src/dialects/index.js';
import { expectationOf } from '../../src/audit/expect.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { findings, lintText } from '../helpers/lint.js';
import { TempDir } from '../cli/helpers.js';
import { auditRun, facts, proc, tcp } from '../audit/facts.js';
import type { FileMatch } from '../../src/audit/types.js';

let tmp: TempDir;
beforeAll(async () => {
  await loadDialect('argv');
  tmp = new TempDir();
});
afterAll(() => tmp.cleanup());

async function matchOf(text: string, name = 'memcached.conf', method: FileMatch['method'] = 'listener'): Promise<FileMatch> {
  return { expectation: await expectationOf(tmp.write(name, text), defaultRuleOptions()), method };
}

const WILD = [tcp('0.0.0.0', 11211), tcp('::', 11211)];

describe('MC950 config-drift', () => {
  it('reports the file saying loopback while the process listens on every interface, as an error', async () => {
    const match = await matchOf('-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n', 'memcached.conf', 'pidfile');
    const r = auditRun(facts(proc(['-u', 'memcache', '-m', '64', '-p', '11211'], { user: 'memcache' }), WILD, { match }));
    const f = findings(r, 'MC950');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message).toBe(
      `restart needed: ${match.expectation.path} would not start this process as it runs: the file says tcp 127.0.0.1:11211, the process listens on tcp 0.0.0.0:11211, tcp [::]:11211`,
    );
  });

  it('matched only by the port both name: the restart is advice on the condition that the file starts it, and says what would tell', async () => {
    const match = await matchOf('-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n');
    const r = auditRun(facts(proc(['-u', 'memcache', '-m', '64', '-p', '11211'], { user: 'memcache' }), WILD, { match }));
    expect(findings(r, 'MC950').map((f) => f.message)).toEqual([
      `restart needed if ${match.expectation.path} is what starts this process (matched only by a port or socket it holds; its unit or its -P pid file would tell): the file would not start it as it runs: the file says tcp 127.0.0.1:11211, the process listens on tcp 0.0.0.0:11211, tcp [::]:11211`,
    ]);
  });

  it('is a warning when only options differ, and quotes them', async () => {
    const match = await matchOf('-u nobody\n-m 128\n-p 11211\n-l 127.0.0.1\n');
    const r = auditRun(facts(proc(['-u', 'nobody', '-m', '64', '-p', '11211', '-l', '127.0.0.1']), [tcp('127.0.0.1', 11211)], { match }));
    const f = findings(r, 'MC950');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].message).toContain('the file now gives "-m 128" where the process was started with "-m 64"');
  });

  it('reports another user, as an error when the process runs as root', async () => {
    const match = await matchOf('-u memcache\n-p 11211\n-l 127.0.0.1\n');
    const held = [tcp('127.0.0.1', 11211)];
    const asRoot = auditRun(facts(proc(['-u', 'root', '-p', '11211', '-l', '127.0.0.1'], { uid: 0, user: 'root' }), held, { match }));
    expect(findings(asRoot, 'MC950').map((f) => [f.severity, f.message.includes('the file runs memcached as memcache, the process runs as root')])).toEqual([['error', true]]);
    const asOther = auditRun(facts(proc(['-u', 'nobody', '-p', '11211', '-l', '127.0.0.1']), held, { match }));
    expect(findings(asOther, 'MC950').map((f) => f.severity)).toEqual(['warning']);
  });

  it('reports a file that would no longer start memcached (real exit status: -t 0 exits 1)', async () => {
    const match = await matchOf('-u nobody\n-p 11211\n-l 127.0.0.1\n-t 0\n');
    const r = auditRun(facts(proc(['-u', 'nobody', '-p', '11211', '-l', '127.0.0.1']), [tcp('127.0.0.1', 11211)], { match }));
    const f = findings(r, 'MC950');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message).toContain('the file as it is now would make memcached exit 1 (Number of threads must be greater than 0)');
  });

  it('says when the file changed after the process started', async () => {
    const match = await matchOf('-u nobody\n-p 11211\n-l 127.0.0.1\n', 'memcached_edited.conf');
    const p = { ...proc(['-u', 'nobody', '-p', '11211']), startedAt: match.expectation.modifiedAt! - 60_000 };
    expect(findings(auditRun(facts(p, WILD, { match })), 'MC950')[0].message).toMatch(/\(the file changed after the process started\)$/);
    const later = { ...p, startedAt: match.expectation.modifiedAt! + 60_000 };
    expect(findings(auditRun(facts(later, WILD, { match })), 'MC950')[0].message).not.toContain('changed after');
    utimesSync(match.expectation.path, new Date(), new Date());
  });

  it('stays quiet when the process is what the file starts, or when no file matches', async () => {
    const match = await matchOf('-u nobody\n-p 11211\n-l 127.0.0.1\n');
    const words = ['-u', 'nobody', '-p', '11211', '-l', '127.0.0.1'];
    expect(findings(auditRun(facts(proc(words), [tcp('127.0.0.1', 11211)], { match })), 'MC950')).toHaveLength(0);
    expect(findings(auditRun(facts(proc(['-u', 'nobody', '-p', '11211']), WILD)), 'MC950')).toHaveLength(0);
  });

  it('is never reported by lint', () => {
    expect(findings(lintText('-u memcache\n-p 11211\n'), 'MC950')).toHaveLength(0);
  });
});
