/** `mchard inspect`: the JSON shape and what it says about the sample files; text output; bad input. */
import { join } from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import { run, errorLines, SAMPLES, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const sample = (name: string) => join(SAMPLES, name);

async function inspectJson(path: string, ...flags: string[]) {
  const r = await run(['inspect', path, '--format', 'json', ...flags]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

describe('mchard inspect: a release the file does not decide', () => {
  it("an image tag from a variable (zammad's stack, fixture 400): the header says so, and what decides it", async () => {
    const path = join(ROOT, 'test/fixtures/real/compose/400-zammad-zammad-docker-compose-docker-compose.yml');
    const j = await inspectJson(path);
    expect(j.memcachedVersion).toBe('1.6.45');
    expect(j.memcachedVersionText).toBe('1.6.45 unless MEMCACHE_VERSION is set');
    expect(j.unknown.version.decide).toMatch(/MEMCACHE_VERSION/);
    expect(j.unknown['settings.udpPort'].reason).toMatch(/releases before 1\.5\.6 differ/);
    const t = await run(['inspect', path]);
    expect(t.out.split('\n')[0]).toMatch(/\(compose, memcached 1\.6\.45 unless MEMCACHE_VERSION is set\)$/);
    expect(t.out).toMatch(/\n  version   unknown: depends on the host \(the reference depends on the host: \$\{MEMCACHE_VERSION:-1\.6\.45-alpine\}/);
    // TCP is the same on every release; UDP is not, and the listener lines say so.
    expect(t.out).toMatch(/\n  listens   TCP 0\.0\.0\.0:11211 \(every interface\)\n            TCP \[::\]:11211 \(every interface\)\n            UDP unknown: depends on the host \(.*releases before 1\.5\.6 differ from 1\.6\.45 here\)/);
  });

  it("a distribution's package (fixture 402): unknown, not mchard's newest release", async () => {
    const t = await run(['inspect', '--dialect', 'dockerfile', join(ROOT, 'test/fixtures/real/dockerfile/402-greg0ire-dockerony-memcached-Dockerfile')]);
    expect(t.out.split('\n')[0]).toMatch(/\(dockerfile, memcached unknown: ubuntu:trusty's package\)$/);
  });
});

describe('mchard inspect: what reads the file, in its header', () => {
  it('a systemd drop-in is a drop-in for the unit its folder names, not "a service unit"', async () => {
    const tmp = new TempDir();
    try {
      const body = '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 -u memcache\n';
      const inDir = tmp.write('memcached.service.d/override.conf', body);
      expect((await run(['inspect', inDir])).out).toMatch(/\n  read by   systemd, as a drop-in for memcached\.service \(path /);
      // Told by its content (an empty ExecStart=): the unit is the one its folder would name.
      const loose = tmp.write('override.conf', body);
      const t = await run(['inspect', '--dialect', 'systemd', loose]);
      expect(t.out).toMatch(/\n  read by   systemd, as a drop-in for the service unit its folder names \(NAME\.service\.d\/; mchard assumes memcached\.service\)/);
      expect((await inspectJson(inDir)).readBy).toBe('systemd, as a drop-in for memcached.service');
      // A unit of its own is still a service unit.
      const unit = tmp.write('memcached.service', '[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 -u memcache\n');
      expect((await run(['inspect', unit])).out).toMatch(/\n  read by   systemd, as a service unit \(/);
    } finally {
      tmp.cleanup();
    }
  });

  it("a Compose label's Go template (caddy-docker-proxy) is data: the file is no Jinja template", async () => {
    const tmp = new TempDir();
    try {
      const path = tmp.write(
        'docker-compose.yml',
        'services:\n  memcached:\n    image: memcached:1.6.45\n    command: ["-U", "0", "-l", "0.0.0.0"]\n    labels:\n      caddy: cache.example.com\n      caddy.reverse_proxy: "{{upstreams 11211}}"\n',
      );
      const t = await run(['inspect', path]);
      expect(t.out.split('\n')[0]).toMatch(/\(compose, memcached 1\.6\.45\)$/);
      expect((await inspectJson(path)).template).toBeUndefined();
      // The same braces in memcached's own command: a template, as before.
      const tpl = tmp.write('b/docker-compose.yml', 'services:\n  memcached:\n    image: memcached:1.6.45\n    command: ["-l", "{{ listen }}"]\n    labels:\n      caddy.reverse_proxy: "{{upstreams 11211}}"\n');
      expect((await run(['inspect', tpl])).out.split('\n')[0]).toMatch(/\(compose, jinja template, memcached 1\.6\.45\)$/);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('mchard inspect --format json', () => {
  it('has the documented shape', async () => {
    const j = await inspectJson(sample('debian-default.conf'), '--no-host-checks');
    for (const key of ['path', 'dialect', 'argv', 'argvExact', 'startup', 'listeners', 'settings']) expect(j).toHaveProperty(key);
    expect(typeof j.path).toBe('string');
    expect(Array.isArray(j.argv) && j.argv.every((a: unknown) => typeof a === 'string')).toBe(true);
    expect(typeof j.argvExact).toBe('boolean');
    expect(typeof j.settings).toBe('object');
  });

  it('debian-default.conf: the wrapper\'s argv, TCP 127.0.0.1:11211 only, runs as memcache', async () => {
    const path = sample('debian-default.conf');
    const j = await inspectJson(path, '--no-host-checks');
    expect(j.path).toBe(path);
    expect(j.dialect).toBe('debian');
    expect(j.argv.join(' ')).toBe('-m 64 -p 11211 -u memcache -l 127.0.0.1 -P /var/run/memcached/memcached.pid');
    expect(j.argvExact).toBe(true);
    expect(j.startup).toEqual({ ok: true });
    expect(j.listeners).toEqual([{ transport: 'tcp', address: '127.0.0.1', port: 11211 }]);
    expect(j.runsAs).toBe('memcache');
    expect(j.settings).toMatchObject({ port: 11211, udpPort: 0, listen: '127.0.0.1', user: 'memcache', memoryMB: 64, pidFile: '/var/run/memcached/memcached.pid' });
  });

  it('a unit that runs another program: nothing predicted, the reason given (JSON and text)', async () => {
    const tmp = new TempDir();
    try {
      const path = tmp.write('memcached.service', '[Service]\nExecStart=/opt/systemd-docker run memcached:1.6 -m 64\n');
      const j = await inspectJson(path);
      expect(j.dialect).toBe('systemd');
      expect(j.startup.ok).toBeNull();
      expect(j.startup.reason).toContain('/opt/systemd-docker');
      expect(j.listeners).toEqual([]);
      expect(j.runsAs).toBeNull();
      const t = await run(['inspect', path]);
      expect(t.out).toMatch(/listens +unknown/);
      expect(t.out).toMatch(/starts +unknown: .*systemd-docker/);
    } finally {
      tmp.cleanup();
    }
  });

  it('the service fails before memcached runs: says so, with no command, user, listener or settings (JSON and text)', async () => {
    const tmp = new TempDir();
    try {
      // A pasted terminal hyperlink: dash rejects the wrapper's line, so the options are never read.
      const path = tmp.write('memcached.conf', '-u root\n-l 0.0.0.0\n-l 127.0.0.1 ;;\n');
      const j = await inspectJson(path, '--dialect', 'debian');
      expect(j.startup).toEqual({ ok: false, exitCode: 2, reason: '/bin/sh: sh: 1: Syntax error: ";;" unexpected (memcached never starts)', certain: true, stage: 'launch' });
      expect({ listeners: j.listeners, runsAs: j.runsAs, dropsTo: j.dropsTo, settings: j.settings }).toEqual({ listeners: [], runsAs: null, dropsTo: null, settings: {} });
      const t = await run(['inspect', '--dialect', 'debian', path]);
      expect(t.out).toMatch(/command +\(memcached is not run\)/);
      expect(t.out).toMatch(/user +\(none: memcached never runs\)/);
      expect(t.out).toMatch(/listens +nothing \(memcached never runs\)/);
      expect(t.out).toContain('starts    no: the service fails before memcached runs (exit status 2): /bin/sh: sh: 1: Syntax error: ";;" unexpected');
      // systemd refusing the unit: no exit status is claimed.
      const unit = tmp.write('memcached.service', '[Service]\nExecStart=/usr/bin/memcached -l 0.0.0.0\nExecStart=/usr/bin/memcached -l ::\n');
      expect((await run(['inspect', unit])).out).toMatch(/starts +no: the service fails before memcached runs: the unit has 2 ExecStart= commands/);
      // A Compose file with no memcached in it is not run at all: not "fails before".
      const compose = tmp.write('docker-compose.yml', 'services:\n  web:\n    image: nginx\n');
      const c = await run(['inspect', compose]);
      expect(c.out).toMatch(/starts +no: memcached is not run: no service of the file runs memcached/);
    } finally {
      tmp.cleanup();
    }
  });

  it('a template where only some renderings fail before memcached runs: unknown, per field', async () => {
    const tmp = new TempDir();
    try {
      const path = tmp.write('memcached.conf.j2', '-u root\n-l 0.0.0.0\n{% if extra %}\n-c 1024)\n{% endif %}\n');
      const j = await inspectJson(path, '--dialect', 'debian');
      expect(j.startup).toMatchObject({ ok: null, depends: 'template', stage: 'launch' });
      expect(j.unknown).toMatchObject({ user: { depends: 'template' }, listeners: { depends: 'template' }, 'settings.listen': { depends: 'template' } });
      expect(j.settings.listen).toBe('unknown');
      expect(j.listeners).toEqual([]);
      const t = await run(['inspect', '--dialect', 'debian', path]);
      expect(t.out).toMatch(/listens +unknown: depends on the template/);
      expect(t.out).toMatch(/starts +unknown: depends on the template: .*some renderings make the service fail before memcached runs/);
    } finally {
      tmp.cleanup();
    }
  });

  it('without host checks by default for a file outside /etc (same answer)', async () => {
    const path = sample('debian-default.conf');
    expect(await inspectJson(path)).toEqual(await inspectJson(path, '--no-host-checks'));
  });

  it('fedora-default.sysconfig: IPv6 addresses without brackets', async () => {
    const j = await inspectJson(sample('fedora-default.sysconfig'));
    expect(j.dialect).toBe('sysconfig');
    expect(j.argv).toEqual(['-p', '11211', '-u', 'memcached', '-m', '64', '-c', '1024', '-l', '127.0.0.1,::1']);
    // Whether it starts is the host's: ::1 exists only where IPv6 is on (exit 71 where it is off).
    expect(j.startup.ok).toBeNull();
    expect(j.unknown.startup.reason).toMatch(/^whether IPv6 is on where memcached runs/);
    expect(j.listeners).toEqual([
      { transport: 'tcp', address: '127.0.0.1', port: 11211 },
      { transport: 'tcp', address: '::1', port: 11211 },
    ]);
  });

  it('rhel7-default.sysconfig: no -l, so the wildcards 0.0.0.0 and ::', async () => {
    const j = await inspectJson(sample('rhel7-default.sysconfig'));
    expect(j.listeners).toEqual([
      { transport: 'tcp', address: '0.0.0.0', port: 11211 },
      { transport: 'tcp', address: '::', port: 11211 },
    ]);
    expect(j.runsAs).toBe('memcached');
  });

  it('insecure-debian.conf: every interface, as root', async () => {
    const j = await inspectJson(sample('insecure-debian.conf'));
    expect(j.listeners).toEqual([{ transport: 'tcp', address: '0.0.0.0', port: 11211 }]);
    expect(j.runsAs).toBe('root');
    expect(j.startup).toEqual({ ok: true });
  });

  it('unix-socket-world-debian.conf: a unix socket with its mode, no TCP', async () => {
    const j = await inspectJson(sample('unix-socket-world-debian.conf'));
    expect(j.listeners).toEqual([{ transport: 'unix', path: '/tmp/memcached.sock', mode: '0777' }]);
  });

  it('insecure-rhel.sysconfig: does not start, with the exit code and reason, and no listeners', async () => {
    const j = await inspectJson(sample('insecure-rhel.sysconfig'));
    expect(j.startup).toMatchObject({ ok: false, exitCode: expect.any(Number), reason: expect.any(String) });
    expect(j.startup.exitCode).not.toBe(0);
    expect(j.startup.reason).toContain("'#'");
    expect(j.listeners).toEqual([]);
  });

  it('every listener in every sample has the documented shape', async () => {
    for (const name of readdirSync(SAMPLES)) {
      const j = await inspectJson(sample(name));
      expect([true, false, null]).toContain(j.startup.ok);
      for (const l of j.listeners) {
        if (l.transport === 'unix') {
          expect(typeof l.path).toBe('string');
          expect(l.mode).toMatch(/^0[0-7]{3}$/);
        } else {
          expect(['tcp', 'udp']).toContain(l.transport);
          expect(Number.isInteger(l.port)).toBe(true);
          if (l.address !== null) expect(l.address).not.toMatch(/[[\]]/);
        }
      }
    }
  });

  it('--memcached-version is the version it models', async () => {
    const j = await inspectJson(sample('debian-default.conf'), '--memcached-version', '1.4.15');
    expect(j.memcachedVersion).toBe('1.4.15');
  });

  it("the .mchardrc's memcached-version, as lint takes it: before 1.5.6 memcached also listens on UDP by default (lint said so, inspect did not)", async () => {
    const tmp = new TempDir();
    try {
      tmp.write('.mchardrc', 'memcached-version = 1.4.20\n');
      const f = tmp.write('memcached.conf', '-u memcache\n-l 0.0.0.0\n-p 11211\n');
      const j = await inspectJson(f);
      expect(j.memcachedVersion).toBe('1.4.20');
      expect(j.memcachedVersionSource).toBe(`memcached-version in ${tmp.join('.mchardrc')}`);
      expect(j.listeners.map((l: { transport: string; address: string }) => `${l.transport} ${l.address}`)).toEqual(['tcp 0.0.0.0', 'udp 0.0.0.0']);
      const lint = await run(['lint', '--format', 'json', f]);
      expect(JSON.parse(lint.out).files[0].findings.map((x: { ruleId: string }) => x.ruleId)).toContain('MC110');
      // The text says where the release comes from.
      expect((await run(['inspect', f])).out).toContain(`  version   1.4.20: memcached-version in ${tmp.join('.mchardrc')}\n`);
    } finally {
      tmp.cleanup();
    }
  });

  it('several files give an array', async () => {
    const r = await run(['inspect', sample('debian-default.conf'), sample('fedora-default.sysconfig'), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.map((x: { dialect: string }) => x.dialect)).toEqual(['debian', 'sysconfig']);
  });
});

describe('mchard inspect (text)', () => {
  it('shows the command, user, listeners and whether it starts', async () => {
    const r = await run(['inspect', sample('debian-default.conf')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('command   memcached -m 64 -p 11211 -u memcache -l 127.0.0.1 -P /var/run/memcached/memcached.pid');
    expect(r.out).toContain('user      memcache');
    expect(r.out).toContain('listens   TCP 127.0.0.1:11211');
    expect(r.out).toContain('starts    yes');
    expect(r.out).not.toContain('\x1b[');
  });

  it('says when the release is assumed, and what would decide it', async () => {
    const r = await run(['inspect', sample('insecure-debian.conf')]);
    expect(r.out).toMatch(/^ {2}version {3}\d+\.\d+\.\d+, assumed: nothing says which release runs it \(--memcached-version, or memcached-version in \.mchardrc, would\)$/m);
    expect((await run(['inspect', '--memcached-version', '1.6.9', sample('insecure-debian.conf')])).out).toContain('  version   1.6.9: --memcached-version\n');
  });

  it('brackets IPv6 in text and marks wildcards', async () => {
    const r = await run(['inspect', sample('rhel7-default.sysconfig')]);
    expect(r.out).toContain('TCP 0.0.0.0:11211 (every interface)');
    expect(r.out).toContain('TCP [::]:11211 (every interface)');
  });

  it('colours only on a terminal', async () => {
    expect((await run(['inspect', sample('insecure-debian.conf')], { tty: true })).out).toContain('\x1b[');
    expect((await run(['inspect', sample('insecure-debian.conf')], { tty: true, env: { NO_COLOR: '1' } })).out).not.toContain('\x1b[');
  });
});

describe('mchard inspect with bad input', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => tmp.join('missing.conf'), /no such file/],
    ['binary data', () => tmp.write('nul.conf', Buffer.from([0x2d, 0x6c, 0x00, 0x0a])), /binary data/],
    ['invalid UTF-8', () => tmp.write('bad.conf', Buffer.from([0x2d, 0x6c, 0x20, 0xff, 0x0a])), /invalid UTF-8 at byte 3/],
  ];

  it.each(cases)('%s: one line on stderr, nothing on stdout, exit 2', async (_name, make, reason) => {
    const path = make();
    for (const format of ['text', 'json']) {
      const r = await run(['inspect', path, '--format', format]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = errorLines(r.err);
      expect(lines).toHaveLength(1);
      expect(lines[0].startsWith(`mchard: ${path}: `)).toBe(true);
      expect(lines[0]).toMatch(reason);
    }
  });

  it('writes no file, whatever it reads', async () => {
    const before = new Map(readdirSync(SAMPLES).map((n) => [n, statSync(sample(n)).mtimeMs]));
    const listing = readdirSync(tmp.path).sort();
    for (const n of before.keys()) await run(['inspect', sample(n)]);
    await run(['inspect', tmp.join('missing.conf')]);
    expect(new Map(readdirSync(SAMPLES).map((n) => [n, statSync(sample(n)).mtimeMs]))).toEqual(before);
    expect(readdirSync(tmp.path).sort()).toEqual(listing);
  });

  it('a bad file among good ones: the good ones are still shown, exit 2', async () => {
    const missing = tmp.join('missing.conf');
    const r = await run(['inspect', sample('debian-default.conf'), missing, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: ${missing}: no such file`]);
    expect(JSON.parse(r.out).map((x: { path: string }) => x.path)).toEqual([sample('debian-default.conf')]);
  });

  it('needs a file', async () => {
    const r = await run(['inspect']);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual(['mchard: inspect needs a FILE (or - for standard input)']);
  });

  it('only text and json formats', async () => {
    const r = await run(['inspect', sample('debian-default.conf'), '--format', 'sarif']);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toHaveLength(1);
  });
});

describe('mchard inspect: what the user line and unknowns say (issue 12)', () => {
  it('a file with -u memcache that fails later, at bind: the user it switches to, and why it fails', async () => {
    const tmp = new TempDir();
    try {
      const path = tmp.write('memcached.conf', '-u memcache\n-l 127.0.0.1\n-p 80\n-U 0\n');
      const t = await run(['inspect', path]);
      expect(t.out).toMatch(/user +memcache \(memcached switches to it, then fails to start: exit 71, bind\(\): Permission denied/);
      expect(t.out).not.toContain('refuses to start as root without -u');
      const j = JSON.parse((await run(['inspect', '--format', 'json', path])).out);
      expect(j.dropsTo).toBe('memcache');
      expect(j.startup).toMatchObject({ ok: false, exitCode: 71, stage: 'after-drop' });
      // without -u the line says that is the reason
      const none = tmp.write('none.conf', '-l 127.0.0.1\n-U 0\n');
      expect((await run(['inspect', '--dialect', 'debian', none])).out).toMatch(/user +\(none: no -u, and memcached, started as root, refuses to run without it\)/);
    } finally {
      tmp.cleanup();
    }
  });

  it("a container that starts memcached as a user of its own and fails: that user, not 'started as root'", async () => {
    const tmp = new TempDir();
    try {
      // The official image (USER memcache); an exec-form CMD does not expand ${MEM}, so -m gets the text and memcached exits 64.
      const path = tmp.write('Dockerfile', 'FROM memcached:1.6\nARG MEM=64\nCMD ["memcached", "-m", "${MEM}"]\n');
      const t = await run(['inspect', path]);
      expect(t.out).toMatch(/starts +no: exits with status 64/);
      expect(t.out).toMatch(/user +memcache \(memcached is started as it, not as root, then fails to start: exit 64\)/);
      expect(t.out).not.toContain('started as root');
      expect(JSON.parse((await run(['inspect', '--format', 'json', path])).out).startedAs).toBe('memcache');
    } finally {
      tmp.cleanup();
    }
  });

  it("the version a container image's tag names is said to come from the image, not mchard's default (fixture compose/080)", async () => {
    const path = join(ROOT, 'test', 'fixtures', 'real', 'compose', '080-ametnes-nesis-compose.yml');
    const j = JSON.parse((await run(['inspect', '--format', 'json', path])).out);
    expect(j.memcachedVersion).toBe('1.6.19');
    expect(j.memcachedVersionSource).toBe('the image bitnami/memcached:1.6.19 (tag 1.6.19)');
  });

  it("a start-up the host decides keeps the container's own user (fixture compose/129: a service in profiles:)", async () => {
    const path = join(ROOT, 'test', 'fixtures', 'real', 'compose', '129-solution-libre-docker-dolibarr-compose.yaml');
    const t = await run(['inspect', path]);
    expect(t.out).toMatch(/starts +unknown: depends on the host \(service memcached is in the profile memcached/);
    expect(t.out).toMatch(/user +memcache \(if memcached starts\)/);
  });

  it('a template: which values are templated, and "unknown" where it cannot tell', async () => {
    const tmp = new TempDir();
    try {
      const path = tmp.write('memcached.conf.j2', '-u {{ memcached_user }}\n-l {{ memcached_listen }}\n-p 11211\n{% if verbose %}\n-vv\n{% endif %}\n');
      const t = await run(['inspect', path]);
      expect(t.out).toContain('jinja template');
      expect(t.out).toMatch(/templated +\{\{ memcached_user \}\} \(line 1\), \{\{ memcached_listen \}\} \(line 2\)/);
      expect(t.out).toMatch(/user +unknown: depends on the template \(\{\{ memcached_user \}\}/);
      expect(t.out).toMatch(/listens +unknown: depends on the template \(\{\{ memcached_listen \}\}/);
      expect(t.out).toMatch(/starts +unknown: depends on the template/);
      const j = JSON.parse((await run(['inspect', '--format', 'json', path])).out);
      expect(j.template).toMatchObject({ language: 'jinja', conditionalLines: [5] });
      expect(j.unknown.user.depends).toBe('template');
      expect(j.settings.listen).toBe('unknown');
      expect(j.settings.verbose).toBe('unknown');
      expect(j.startup.ok).toBeNull();
    } finally {
      tmp.cleanup();
    }
  });
});
