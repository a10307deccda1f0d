/**
 * The systemd dialect: ExecStart= words and their spans, `$`/`${}` expansion from Environment= and
 * EnvironmentFile= (read through the sysconfig parser), unknown and unset variables, User=, Type=,
 * drop-ins, and units that do not run memcached. The unit syntax itself is checked against systemd 252
 * in test/integration/systemd-parse.test.ts.
 */
import { SourceText } from '../../src/source.js';
import { parseSystemd, type SystemdOptions } from '../../src/dialects/systemd.js';
import { splitRelaxUnquote, replaceEnvWord } from '../../src/dialects/systemd-exec.js';
import { splitWordsRelaxUnquote } from '../../src/dialects/sysconfig.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadDialect } from '../../src/dialects/index.js';
import { lintText, findings } from '../helpers/lint.js';
import fc from 'fast-check';

const files = (map: Record<string, string>): SystemdOptions => ({ readFile: (p) => map[p] ?? null });
const parse = (text: string, opts: SystemdOptions = files({}), path = '/etc/systemd/system/memcached.service') => parseSystemd(new SourceText(path, text), opts);
const unit = (service: string) => `[Unit]\nDescription=memcached\n\n[Service]\n${service}\n\n[Install]\nWantedBy=multi-user.target\n`;
const lint = (text: string, path = '/etc/systemd/system/memcached.service') => lintText(text, { dialect: 'systemd', path });

beforeAll(async () => {
  await loadDialect('systemd');
});

describe('ExecStart=', () => {
  it('gives memcached its arguments, each spanning its word, quotes and escapes resolved', () => {
    const text = unit(`ExecStart=/usr/bin/memcached -l "127.0.0.1" \\\n    -U 0 -o 'ssl_ciphers=A B' \\x2dv`);
    const c = parse(text);
    expect(c.argv.map((t) => t.value)).toEqual(['-l', '127.0.0.1', '-U', '0', '-o', 'ssl_ciphers=A B', '-v']);
    expect(c.argv.map((t) => text.slice(t.span!.start, t.span!.end))).toEqual(['-l', '"127.0.0.1"', '-U', '0', '-o', "'ssl_ciphers=A B'", '\\x2dv']);
    expect(c.argv[1].note).toContain('"127.0.0.1"');
    expect(c.argvExact).toBe(true);
    expect(c.print()).toBe(text);
  });

  it('a drop-in resets ExecStart= with an empty assignment; the last command runs', () => {
    const text = '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 127.0.0.1\n';
    const c = parse(text, files({}), '/etc/systemd/system/memcached.service.d/override.conf');
    expect(c.dropIn).toBe(true);
    expect(c.unit.name).toBe('memcached.service');
    expect(c.argv.map((t) => t.value)).toEqual(['-l', '127.0.0.1']);
    const envOnly = parse('[Service]\nEnvironment=OPTIONS=-v\n', files({}), '/etc/systemd/system/memcached.service.d/o.conf');
    expect(envOnly.argvUnknown).toMatch(/drop-in does not set ExecStart/);
    expect(envOnly.launchFailure).toBeNull();
  });

  it("a drop-in's ExecStart= without an empty ExecStart= first is added to the unit's own: systemd refuses the unit", () => {
    const at = '/etc/systemd/system/memcached.service.d/override.conf';
    const c = parse('[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache\n', files({}), at);
    expect(c.launchFailure?.reason).toMatch(/adds this command to the one memcached\.service already has.*only allowed for Type=oneshot/);
    expect(c.launchFailure?.unknown).toBeUndefined();
    const r = lint('[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache\n', at);
    expect(r.model.startup.ok).toBe(false);
    // For a unit that is not memcached's own package unit, what it already has decides.
    const other = parse('[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache\n', files({}), '/etc/systemd/system/cache.service.d/override.conf');
    expect(other.launchFailure?.unknown?.decide).toMatch(/systemctl cat cache\.service/);
    // Reset first (the real drop-in 201), or Type=oneshot: no refusal.
    expect(parse('[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 127.0.0.1\n', files({}), at).launchFailure).toBeNull();
    expect(parse('[Service]\nType=oneshot\nExecStart=/usr/bin/memcached -l 127.0.0.1\n', files({}), at).launchFailure).toBeNull();
    // In a whole unit a single ExecStart= is all there is.
    expect(parse(unit('ExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache')).launchFailure).toBeNull();
  });

  it("a drop-in's variables may come from the unit it extends (RHEL's EnvironmentFile=/etc/sysconfig/memcached): unknown, not unset", () => {
    const at = '/etc/systemd/system/memcached.service.d/override.conf';
    const text = '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -p ${PORT} -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS -l 127.0.0.1\n';
    const c = parse(text, files({}), at);
    expect(c.notes.filter((n) => n.kind === 'unset-variable')).toEqual([]);
    expect(c.argvUnknown).toMatch(/\$PORT.*\$OPTIONS.*the unit this drop-in extends/);
    const r = lint(text, at);
    expect(findings(r, 'MC913')).toEqual([]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC910']);
    // Set in the drop-in itself: known.
    expect(parse('[Service]\nEnvironment=PORT=11311\nExecStart=\nExecStart=/usr/bin/memcached -p ${PORT} -u memcache\n', files({}), at).argv.map((t) => t.value)).toEqual(['-p', '11311', '-u', 'memcache']);
    // In a whole unit an unset variable is still unset.
    expect(parse(unit('ExecStart=/usr/bin/memcached -p ${PORT} -u memcache')).notes.filter((n) => n.kind === 'unset-variable').length).toBe(1);
  });

  it("a drop-in without User= leaves the user to the unit it extends (OpenMandriva's memcached.service has User=memcached): unknown, not \"exits 64\"", () => {
    const at = '/etc/systemd/system/memcached.service.d/override.conf';
    const text = '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\n';
    const r = lint(text, at);
    expect(findings(r, 'MC202')).toEqual([]);
    expect(r.model.runsAsKnown.known).toBe(false);
    expect(r.model.startup.unknown?.decide).toMatch(/User= of memcached\.service \(systemctl cat memcached\.service\)/);
    // With -u the user is still the unit's to decide: root honours -u, another user ignores it.
    expect(lint('[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache\n', at).model.runsAsKnown.known).toBe(false);
    // User= or DynamicUser= in the drop-in decides it.
    const withUser = lint('[Service]\nUser=memcache\nExecStart=\nExecStart=/usr/bin/memcached -l 127.0.0.1\n', at);
    expect(withUser.model.runsAs).toBe('memcache');
    expect(withUser.model.startup.ok).toBe(true);
    expect(withUser.model.startup.unknown).toBeUndefined();
    // A whole unit without User= starts memcached as root: no -u is still a certain exit 64.
    expect(findings(lint(unit('ExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0')), 'MC202').length).toBe(1);
  });

  it('Type=forking without -d: memcached never forks, so systemd kills it when the start times out; the start-up is not "yes"', () => {
    const r = lint(unit('Type=forking\nExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache -U 0'));
    expect(r.model.startup.certain).toBe(false);
    expect(r.model.startup.unknown?.reason).toMatch(/Type=forking waits for memcached to fork, which it does only with -d: systemd stops it when the start times out \(TimeoutStartSec=, 90 s by default\)/);
    // With -d (alone or in a cluster), or a unit that never times out, or another Type: as before.
    for (const service of [
      'Type=forking\nExecStart=/usr/bin/memcached -d -l 127.0.0.1 -u memcache -U 0',
      'Type=forking\nExecStart=/usr/bin/memcached -vd -l 127.0.0.1 -u memcache -U 0',
      'Type=forking\nTimeoutStartSec=infinity\nExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache -U 0',
      'ExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache -U 0',
    ]) {
      const ok = lint(unit(service));
      expect({ service, ok: ok.model.startup.ok, unknown: ok.model.startup.unknown ?? null }).toEqual({ service, ok: true, unknown: null });
    }
  });

  it('two commands in a Type=simple unit fail to load', () => {
    const c = parse(unit('ExecStart=/usr/bin/memcached -v\nExecStart=/usr/bin/memcached -l 0.0.0.0'));
    expect(c.launchFailure?.reason).toMatch(/only allowed for Type=oneshot/);
  });

  it('resolves %% and name specifiers from the file name, marking the guessable ones', () => {
    const c = parse(unit('ExecStart=/usr/bin/memcached -P /run/%N/%p.pid -o %%x'), files({}), '/etc/systemd/system/memcached.service');
    expect(c.argv.map((t) => t.value)).toEqual(['-P', '/run/memcached/memcached.pid', '-o', '%x']);
    const inst = parse(unit('ExecStart=/usr/bin/memcached -p %i'), files({}), '/etc/systemd/system/memcached@.service');
    expect(inst.argv[1]).toMatchObject({ value: '', exact: false });
    const home = parse(unit('ExecStart=/usr/bin/memcached -s %h/m.sock'));
    expect(home.argv[1]).toMatchObject({ value: '%h/m.sock', exact: false });
  });
});

describe('variables', () => {
  it('$NAME splits, ${NAME} is one word, $$ is a dollar; EnvironmentFile= overrides Environment=', () => {
    const text = unit(
      'Environment="OPTIONS=-l 0.0.0.0 -U 11211" PORT=1\nEnvironmentFile=/etc/sysconfig/memcached\nExecStart=/usr/bin/memcached -p ${PORT} -u ${USER} -P /run/$$x $OPTIONS',
    );
    const c = parse(text, files({ '/etc/sysconfig/memcached': 'PORT="11211"\nUSER=memcache\n' }));
    expect(c.argv.map((t) => t.value)).toEqual(['-p', '11211', '-u', 'memcache', '-P', '/run/$x', '-l', '0.0.0.0', '-U', '11211']);
    expect(c.tokenSources.map((s) => s.variable)).toEqual([null, 'PORT', null, 'USER', null, null, 'OPTIONS', 'OPTIONS', 'OPTIONS', 'OPTIONS']);
    expect(c.argv[7].note).toContain('Environment= (line 5)');
    expect(c.argvUnknown).toBeNull();
  });

  it('a variable from a file mchard cannot read makes the command line unknown, and the option rules stay quiet', () => {
    const text = unit('EnvironmentFile=-/etc/sysconfig/memcached\nExecStart=/usr/bin/memcached -u $USER -p $PORT $OPTIONS');
    const c = parse(text);
    expect(c.argvUnknown).toMatch(/\$USER, \$PORT, \$OPTIONS.*\/etc\/sysconfig\/memcached/);
    expect(c.notes.map((n) => n.kind)).toContain('unknown-variable');
    expect(lint(text).findings.filter((f) => /^MC[1-8]/.test(f.ruleId))).toEqual([]);
  });

  it('an unset $NAME gives no argument, an unset ${NAME} an empty one', () => {
    const c = parse(unit('ExecStart=/usr/bin/memcached -p $PORT -m ${MEM} -v'));
    expect(c.argv.map((t) => t.value)).toEqual(['-p', '-m', '', '-v']);
    expect(c.notes.filter((n) => n.kind === 'unset-variable')).toHaveLength(2);
  });

  it('the ":" prefix turns expansion off; "${X:-d}" is not syntax in v252', () => {
    expect(parse(unit('ExecStart=:/usr/bin/memcached -l $IP')).argv.map((t) => t.value)).toEqual(['-l', '$IP']);
    expect(replaceEnvWord('${X:-d}${Y}', (n) => (n === 'Y' ? { value: 'y', from: '' } : 'unset'))).toMatchObject({ value: '${X:-d}y' });
  });

  it('splits a $NAME value as the sysconfig dialect does (the same systemd function)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\t', "'", '"', '\\', '-') }), (v) => {
        expect(splitRelaxUnquote(v)).toEqual(splitWordsRelaxUnquote(v).map((w) => w.value));
      }),
    );
  });
});

describe('who memcached runs as', () => {
  it('User= starts memcached unprivileged: no -u needed, and -u root is not root', () => {
    const r = lint(unit('User=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0'));
    expect(r.config.startsAs).toBe('memcache');
    expect(r.model.runsAs).toBe('memcache');
    expect(findings(r, 'MC202')).toEqual([]);
    expect(findings(lint(unit('ExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0')), 'MC202')).toHaveLength(1);
    expect(findings(lint(unit('User=memcache\nExecStart=/usr/bin/memcached -u root -l 127.0.0.1')), 'MC201')).toEqual([]);
    expect(findings(lint(unit('User=root\nExecStart=/usr/bin/memcached -u root -l 127.0.0.1')), 'MC201')).toHaveLength(1);
  });

  it('ExecStart=\'s "+" and "!" prefixes make systemd ignore User=: memcached starts as root, and without -u exits 64', () => {
    // systemd.service(5), "Command lines": "+" runs the command with full privileges (User=, Group= and the
    // sandboxing are not applied); "!" leaves only the credential change (User=, Group=) to the process;
    // "!!" acts only where the kernel lacks ambient capabilities (before Linux 4.3).
    for (const prefix of ['+', '!', '-+', '@!']) {
      const argv0 = prefix.includes('@') ? ' memcached' : '';
      const r = lint(unit(`User=memcache\nExecStart=${prefix}/usr/bin/memcached${argv0} -l 127.0.0.1 -U 0`));
      expect([prefix, r.config.startsAs, r.model.startup.ok, r.model.startup.ok ? null : r.model.startup.exitCode]).toEqual([prefix, 'root', false, 64]);
      const [f] = findings(r, 'MC202');
      expect(f.message).toContain(`(ExecStart='s "${prefix.replace(/[-@]/g, '')}" prefix makes systemd ignore User=memcache)`);
      // With -u, memcached drops to that user itself.
      const withU = lint(unit(`User=memcache\nExecStart=${prefix}/usr/bin/memcached${argv0} -l 127.0.0.1 -U 0 -u memcache`));
      expect([withU.model.startup.ok, withU.model.runsAs, findings(withU, 'MC202')]).toEqual([true, 'memcache', []]);
    }
    // "!!", and no prefix: User= applies.
    for (const prefix of ['!!', '']) {
      const r = lint(unit(`User=memcache\nExecStart=${prefix}/usr/bin/memcached -l 127.0.0.1 -U 0`));
      expect([prefix, r.config.startsAs, r.model.startup.ok, r.model.runsAs]).toEqual([prefix, 'memcache', true, 'memcache']);
    }
  });

  it('User= also sets $USER for the command line', () => {
    expect(parse(unit('User=memcache\nExecStart=/usr/bin/memcached -u $USER')).argv.map((t) => t.value)).toEqual(['-u', 'memcache']);
  });
});

describe('-d and Type=', () => {
  it('MC901 reports -d unless the unit is Type=forking', () => {
    expect(findings(lint(unit('ExecStart=/usr/bin/memcached -d -u memcache -l 127.0.0.1')), 'MC901')[0]?.message).toMatch(/Type=simple/);
    expect(findings(lint(unit('Type=notify\nExecStart=/usr/bin/memcached -d -u memcache -l 127.0.0.1')), 'MC901')[0]?.message).toMatch(/Type=notify/);
    expect(findings(lint(unit('Type=forking\nExecStart=/usr/bin/memcached -d -u memcache -l 127.0.0.1')), 'MC901')).toEqual([]);
  });
});

describe('units that do not run memcached', () => {
  it("Debian's wrapper delegates to the configuration file", () => {
    const c = parse(unit('ExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf'));
    expect(c.argvUnknown).toMatch(/mchard lint \/etc\/memcached\.conf/);
    expect(c.notes.flatMap((n) => (n.kind === 'delegated' ? [n.path] : []))[0]).toBe('/etc/memcached.conf');
    expect(c.launchFailure).toBeNull();
  });

  it("a unit template (ERB, Jinja2) that runs Debian's wrapper: MC910 naming the file, never exposure findings", () => {
    const OPTION_RULE = /^MC[1-8]\d\d$/;
    const cases: [string, string, string][] = [
      // The ERB expression holds "%>", which systemd would reject as a specifier; it is rendered before systemd reads the unit.
      ['/srv/puppet/templates/memcached.service.erb', 'ExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached_<%= @name %>.conf', '/etc/memcached_<%= @name %>.conf'],
      ['/srv/ansible/templates/memcached.service.j2', 'ExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached_{{ memcached_instance }}.conf', '/etc/memcached_{{ memcached_instance }}.conf'],
      // mmickan/puppet-memcached templates/memcached_systemd.erb (installed as memcached@.service): the instance decides the file.
      ['/srv/puppet/templates/memcached@.service.erb', 'ExecStartPre=/bin/chown <%= @user %>:<%= @group %> /run/memcached\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached_%i.conf', '/etc/memcached_%i.conf'],
      // With two arguments the wrapper ignores them and reads /etc/memcached.conf.
      ['/etc/systemd/system/memcached.service', 'ExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/a.conf /etc/b.conf', '/etc/memcached.conf'],
    ];
    for (const [path, exec, conf] of cases) {
      const r = lint(unit(exec), path);
      expect({ path, launch: r.config.launchFailure, conf: (r.config.notes.find((n) => n.kind === 'delegated') as { path?: string } | undefined)?.path }).toEqual({ path, launch: null, conf });
      expect({ path, option: r.findings.filter((f) => OPTION_RULE.test(f.ruleId)).map((f) => f.ruleId) }).toEqual({ path, option: [] });
      expect({ path, mc910: findings(r, 'MC910').map((f) => f.message) }).toEqual({ path, mc910: [expect.stringContaining(`reads memcached's options from ${conf}`)] });
    }
    // A unit that is not a template and holds "%>" is rejected by systemd: that stays a launch failure.
    expect(parse(unit('ExecStart=/usr/bin/memcached -l 127.0.0.1 -p 1%>')).launchFailure).not.toBeNull();
  });

  it('another program is a note, not a crash', () => {
    for (const exec of ['ExecStart=/bin/sh -c "memcached -l 0.0.0.0"', 'ExecStart=/usr/bin/docker run memcached -m 64']) {
      const c = parse(unit(exec));
      expect(c.argvUnknown).toMatch(/not memcached/);
      expect(lint(unit(exec)).findings.filter((f) => /^MC[1-8]/.test(f.ruleId))).toEqual([]);
    }
  });
});

describe('syntax notes', () => {
  it('MC903 reports a line systemd ignores', () => {
    const r = lint(unit('ExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 -u memcache\n-l 0.0.0.0'));
    expect(findings(r, 'MC903').map((f) => f.message)).toEqual([expect.stringContaining('has no "="')]);
  });

  it('an unterminated section header makes the unit fail to load', () => {
    expect(parse('[Service\nExecStart=/usr/bin/memcached\n').launchFailure).not.toBeNull();
  });
});

describe('detection', () => {
  it('by path and by content', () => {
    expect(chooseDialect('/etc/systemd/system/memcached.service', '')).toBe('systemd');
    expect(chooseDialect('/etc/systemd/system/memcached.service.d/override.conf', '[Service]\n')).toBe('systemd');
    expect(chooseDialect('unit.txt', '[Service]\nExecStart=/usr/bin/memcached\n')).toBe('systemd');
  });
});
