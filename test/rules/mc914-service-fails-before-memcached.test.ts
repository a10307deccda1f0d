/**
 * MC914 service-fails-before-memcached: one error where the program that starts memcached fails first, and
 * no option finding computed from a command line memcached never reads. Real-program checks are in
 * test/integration/launch-failure-real.test.ts (Debian's wrapper and dash, systemd-analyze).
 */
import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText, pointedText } from '../helpers/lint.js';
import type { DialectName } from '../../src/dialects/types.js';

beforeAll(async () => {
  for (const d of ['systemd', 'openrc', 'rcconf', 'argv'] as const) await loadDialect(d);
});

/** The rule IDs a file gets, sorted. */
const ids = (text: string, dialect: DialectName = 'debian', path?: string) => lintText(text, { dialect, ...(path ? { path } : {}) }).findings.map((f) => f.ruleId).sort();

describe('MC914 service-fails-before-memcached', () => {
  it('Debian: /bin/sh rejects the line; the error points at it, with dash\'s message and status', () => {
    const r = lintText('-u root\n-l 0.0.0.0\n-U 11211\n-l 127.0.0.1 ;;\n');
    const f = findings(r, 'MC914');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', line: 4 });
    expect(pointedText(r, f[0])).toBe(';;');
    expect(f[0].message).toBe(
      'the service fails before memcached runs (exit status 2): /bin/sh: sh: 1: Syntax error: ";;" unexpected (memcached never starts); memcached\'s options were not checked',
    );
    // -u root, -l 0.0.0.0 and -U 11211 would be MC201, MC101, MC110: memcached never reads them.
    expect(r.findings.map((x) => x.ruleId)).toEqual(['MC902', 'MC914']);
    expect(r.model.startup).toMatchObject({ ok: false, stage: 'launch', exitCode: 2, certain: true });
    expect(r.model.listeners).toEqual([]);
    expect(r.model.runsAs).toBeNull();
  });

  it('Debian: an unbalanced parenthesis, an unterminated quote, a bad substitution', () => {
    expect(ids('-u memcache\n-m 64)\n')).toEqual(['MC902', 'MC914']);
    expect(ids('-u memcache\n-l (127.0.0.1\n')).toEqual(['MC902', 'MC914']);
    expect(ids('-u memcache\n-o "ssl_ciphers=HIGH\n')).toEqual(['MC902', 'MC914']);
    expect(ids('-u memcache\n-l ${addr x}\n')).toEqual(['MC902', 'MC914']);
  });

  it('Debian: a failure after which sh goes on says the status is not its own', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1 <9 ; true\n');
    const f = findings(r, 'MC914');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('the service fails before memcached runs (with the exit status of the commands after it)');
  });

  it('without the failing text, the options are judged again', () => {
    expect(ids('-u root\n-l 0.0.0.0\n-U 11211\n-l 127.0.0.1\n')).toEqual(expect.arrayContaining(['MC101', 'MC110', 'MC201']));
    expect(ids('-u root\n-l 0.0.0.0\n-U 11211\n-l 127.0.0.1\n')).not.toContain('MC914');
  });

  it('systemd refuses the unit: no exit status is claimed', () => {
    const unit = '[Service]\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0\nExecStart=/usr/bin/memcached -l 0.0.0.0\n';
    const r = lintText(unit, { dialect: 'systemd', path: '/etc/systemd/system/memcached.service' });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC914']);
    expect(r.findings[0].message).toMatch(/^the service fails before memcached runs: the unit has 2 ExecStart= commands/);
    expect(ids('[Service\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0\n', 'systemd', '/etc/systemd/system/memcached.service')).toEqual(['MC914']);
  });

  it('OpenRC and FreeBSD rc cannot source the file; a bare command line with an unterminated quote', () => {
    expect(ids('MEMCACHED_OPTS="-l 0.0.0.0\n', 'openrc', '/etc/conf.d/memcached')).toEqual(['MC914']);
    expect(ids('memcached_enable="YES"\nmemcached_flags="-l 0.0.0.0\n', 'rcconf', '/etc/rc.conf')).toEqual(['MC914']);
    expect(ids('-u root -l "0.0.0.0\n', 'argv', '/srv/memcached.args')).toEqual(['MC914']);
  });

  it('a template: a failure only some renderings meet is MC910, not MC914, and no option is judged', () => {
    const r = lintText('-u root\n-l 0.0.0.0\n{% if extra %}\n-c 1024)\n{% endif %}\n', { path: 'templates/memcached.conf.j2' });
    expect(findings(r, 'MC914')).toEqual([]);
    const f = findings(r, 'MC910');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('the template decides whether the service fails before memcached runs');
    expect(r.findings.filter((x) => /^MC[1-8]\d\d$/.test(x.ruleId))).toEqual([]);
    expect(r.model.startup).toMatchObject({ ok: false, stage: 'launch', unknown: { depends: 'template' } });
  });

  it('a template: a failure on a literal line, whatever the tags after it render, is MC914', () => {
    expect(ids('-u root\n-l 0.0.0.0 ;;\n-c {{ connections }}\n', 'debian', 'templates/memcached.conf.j2')).toEqual(['MC902', 'MC914']);
    // An unterminated quote is decided by what follows it: a later tag may close it.
    const open = ids('-u root\n-o "ssl_ciphers=HIGH\n-c {{ connections }}\n', 'debian', 'templates/memcached.conf.j2');
    expect(open).not.toContain('MC914');
    expect(open).toContain('MC910');
  });
});
