/**
 * Start-up after the options: listeners, defaults by version, the order of main()'s checks and their exit
 * statuses (memcached.c 1.6.18 / 1.6.45, sysexits.h: EX_USAGE 64, EX_NOUSER 67, EX_OSERR 71).
 */
import type { Listener } from '../../src/memcached/startup.js';
import { run, TEST_HOST } from '../helpers/argv.js';

type Net = Extract<Listener, { transport: 'tcp' | 'udp' }>;

function sockets(words: string[], version?: string): string[] {
  const r = run(words, version);
  return r.listeners
    .map((l) => (l.transport === 'unix' ? `unix ${l.path} ${l.mode}` : `${l.transport} ${(l as Net).address ?? (l as Net).host}:${l.port}`))
    .sort();
}

function exit(words: string[], version?: string, host = TEST_HOST): number | 'running' {
  const r = run(words, version, host);
  return r.startup.ok ? 'running' : r.startup.exitCode;
}

describe('listeners by default and by version', () => {
  it('binds every address of both families without -l', () => {
    expect(sockets(['-u', 'nobody'])).toEqual(['tcp 0.0.0.0:11211', 'tcp :::11211']);
  });

  it('had UDP 11211 on by default before 1.5.6, off from 1.5.6', () => {
    expect(sockets(['-u', 'nobody'], '1.5.5')).toEqual(['tcp 0.0.0.0:11211', 'tcp :::11211', 'udp 0.0.0.0:11211', 'udp :::11211']);
    expect(sockets(['-u', 'nobody'], '1.5.6')).toEqual(['tcp 0.0.0.0:11211', 'tcp :::11211']);
  });

  it('moves TCP to the UDP port for -U N without -p', () => {
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-U', '31000'])).toEqual(['tcp 127.0.0.1:31000', 'udp 127.0.0.1:31000']);
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-p', '31001', '-U', '31000'])).toEqual(['tcp 127.0.0.1:31001', 'udp 127.0.0.1:31000']);
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-U', '0'])).toEqual(['tcp 127.0.0.1:11211']);
  });

  it('moved UDP to the TCP port for -p N without -U from 1.4.3 to 1.5.5', () => {
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-p', '31001'], '1.5.5')).toEqual(['tcp 127.0.0.1:31001', 'udp 127.0.0.1:31001']);
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-p', '31001'], '1.4.2')).toEqual(['tcp 127.0.0.1:31001', 'udp 127.0.0.1:11211']);
  });

  it('copied even a 0 across before 1.5.4: -U 0 alone turned TCP off', () => {
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-U', '0'], '1.5.3')).toEqual([]);
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-U', '0'], '1.5.4')).toEqual(['tcp 127.0.0.1:11211']);
  });

  it('lets a port in -l override -p and -U for that entry', () => {
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1:31005', '-p', '31001', '-U', '31002'])).toEqual([
      'tcp 127.0.0.1:31005',
      'udp 127.0.0.1:31005',
    ]);
  });

  it('opens nothing for TCP when the port is 0, even if -l names a port', () => {
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1:31005', '-p', '0'])).toEqual([]);
    expect(exit(['-u', 'nobody', '-p', '0', '-U', '0'])).toBe('running');
  });

  it('disables every network listener with -s', () => {
    expect(sockets(['-u', 'nobody', '-s', '/tmp/mc.sock', '-l', '127.0.0.1', '-p', '31001', '-U', '31002'])).toEqual(['unix /tmp/mc.sock 0700']);
    expect(sockets(['-u', 'nobody', '-s', '/tmp/mc.sock', '-a', '0660'])).toEqual(['unix /tmp/mc.sock 0660']);
  });

  it('binds nothing and fails on nothing for an -l list without entries', () => {
    expect(sockets(['-u', 'nobody', '-l', ','])).toEqual([]);
    expect(exit(['-u', 'nobody', '-l', ',', '-p', '31001'])).toBe('running');
  });

  it('binds the low 16 bits of a port beyond 65535 given in -l; -1 means ephemeral', () => {
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1:70000'])).toEqual(['tcp 127.0.0.1:4464']);
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1:4294998507'])).toEqual(['tcp 127.0.0.1:31211']);
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-p', '-1'])).toEqual(['tcp 127.0.0.1:0']);
  });

  it('reads "*" in -l as both wildcard addresses', () => {
    expect(sockets(['-u', 'nobody', '-l', '*:31001'])).toEqual(['tcp 0.0.0.0:31001', 'tcp :::31001']);
  });

  it('keeps a host name unresolved', () => {
    const r = run(['-u', 'nobody', '-l', 'localhost']);
    expect(r.listeners[0]).toMatchObject({ transport: 'tcp', address: null, host: 'localhost', port: 11211 });
    expect(r.startup.warnings.join()).toContain('localhost');
  });

  it('marks TLS listeners, and notls entries as plain', () => {
    const r = run(['-u', 'nobody', '-Z', '-o', 'ssl_chain_cert=/c,ssl_key=/k', '-l', '127.0.0.1,notls:127.0.0.2']);
    expect(r.listeners.map((l) => (l as Net).tls)).toEqual([true, false]);
  });
});

describe('start-up exit statuses', () => {
  it('refuses root without -u (64), with the message of the version (changed in 1.6.35)', () => {
    const old = run(['-l', '127.0.0.1'], '1.6.34');
    expect(old.startup).toMatchObject({ ok: false, exitCode: 64, reason: "can't run as root without the -u switch" });
    const current = run(['-l', '127.0.0.1'], '1.6.35');
    expect(current.startup).toMatchObject({ exitCode: 64, reason: "must add '-u root' to start as root" });
    expect(exit(['-u', '', '-l', '127.0.0.1'])).toBe(64);
  });

  it('ignores -u when not started as root', () => {
    expect(exit(['-l', '127.0.0.1'], '1.6.18', { ...TEST_HOST, root: false })).toBe('running');
  });

  it('fails with 67 for a user the host does not know, and is unsure when it cannot tell', () => {
    expect(exit(['-u', 'nosuchuser', '-l', '127.0.0.1'])).toBe(67);
    expect(exit(['-u', 'nosuchuser', '-l', '127.0.0.1'], '1.6.18', { root: true })).toBe('running');
  });

  it.each([
    [['-m', '1'], 64], // item size 1 MB > half of 1 MB
    [['-m', '2'], 'running'],
    [['-m', '0'], 64],
    [['-m', 'abc'], 64],
    [['-m', '-1'], 'running'], // (size_t) -1 MB wraps to an enormous limit
    [['-I', '2k'], 64], // slab_chunk_max 512 KB > item size
    [['-I', '600k'], 64], // not a multiple of 512 KB
    [['-I', '512k'], 'running'],
    [['-I', '2m'], 'running'],
    [['-I', '2m', '-m', '2'], 64],
    [['-I', '2g'], 64], // 2 bytes
    [['-I', '1025m', '-m', '4096'], 64], // above 1 GB
    [['-I', '4194305k'], 64], // wraps to 1024, below slab_chunk_max
    [['-B', 'bogus'], 64],
    [['-S', '-U', '31002'], 64], // SASL with UDP
    [['-S', '-B', 'ascii'], 64],
    [['-S'], 'running'],
    [['-Y', '/etc/mc-auth', '-U', '31002'], 64],
    [['-Y', '/etc/mc-auth', '-B', 'binary'], 64],
    [['-p', '70000'], 64],
    [['-p', '0', '-U', '70000'], 'running'], // UDP is not range-checked
    [['-Z'], 64], // no certificate
    [['-Z', '-p', '0', '-o', 'ssl_chain_cert=/c,ssl_key=/k'], 64],
    [['-c', '0'], 1],
    [['-t', '0'], 1],
    [['-c', '2'], 67], // no descriptor left for getpwnam()
    [['-c', '5'], 1],
    [['-t', '8', '-c', '40'], 1], // Maxconns setting is too low
    [['-t', '8', '-c', '43'], 'running'],
    [['-f', 'nan'], 136], // SIGFPE in slabs_init
    [['-o', 'slab_chunk_max=abc'], 136], // 1.6.18: item_size_max % 0
    [['-o', 'slab_chunk_max=16384'], 'running'], // bytes in 1.6.18
    [['-o', 'worker_logbuf_size=16'], 64], // becomes slab_sizes=16, below -n 48
    [['-o', 'slab_sizes=64-128-256'], 'running'],
    [['-o', 'slab_sizes=64-60'], 64],
    [['-o', 'hot_lru_pct=50,warm_lru_pct=40'], 64],
    [['-o', 'no_lru_maintainer,temporary_ttl=5'], 64],
    [['-N', '5'], 64], // more NAPI ids than threads
    [['-h'], 0],
    [['-V'], 0],
    [['-x'], 1],
    [['--mem=64'], 1],
    [['--conn=100'], 'running'],
    [['-o', 'bogus'], 1],
    [['-o', 'hashpower=5'], 1],
  ])('%j → %s', (extra, expected) => {
    expect(exit(['-u', 'nobody', '-l', '127.0.0.1', '-p', '31001', ...extra])).toBe(expected);
  });

  it('range-checks the TCP port a lone -U moved', () => {
    expect(exit(['-u', 'nobody', '-l', '127.0.0.1', '-U', '70000'])).toBe(64);
  });

  it('checks the port range only from 1.6.16', () => {
    expect(exit(['-u', 'nobody', '-l', '127.0.0.1', '-p', '70000'], '1.6.15')).toBe('running');
    expect(sockets(['-u', 'nobody', '-l', '127.0.0.1', '-p', '70000'], '1.6.15')).toEqual(['tcp 127.0.0.1:4464']);
  });

  it.each([
    [['-l', 'notls:127.0.0.1']], // TLS prefix without -Z
    [['-l', '127.0.0.1:abc']],
    [['-l', '127.0.0.1', '-p', '-5']], // getaddrinfo: Servname not supported
    [['-l', '127.0.0.1', '-p', '80']], // privileged port after dropping to nobody
    [['-l', '192.0.2.1']], // not an address of this host
    [['-l', '[::1']],
  ])('%j → 71', (extra) => {
    expect(exit(['-u', 'nobody', ...extra])).toBe(71);
  });

  it('lets root keep privileged ports with -u root, and honours ip_unprivileged_port_start', () => {
    expect(exit(['-u', 'root', '-l', '127.0.0.1', '-p', '80'])).toBe('running');
    expect(exit(['-u', 'nobody', '-l', '127.0.0.1', '-p', '80'], '1.6.18', { ...TEST_HOST, unprivilegedPortStart: 0 })).toBe('running');
  });

  it('reaches no listener check when both ports are 0', () => {
    expect(exit(['-u', 'nobody', '-l', 'notls:127.0.0.1', '-p', '0', '-U', '0'])).toBe('running');
  });

  it('skips the network checks with -s', () => {
    expect(exit(['-u', 'nobody', '-s', '/tmp/mc.sock', '-l', '192.0.2.1', '-p', '80'])).toBe('running');
  });

  it('attributes failures to the option responsible', () => {
    const r = run(['-u', 'nobody', '-l', '127.0.0.1', '-m', '1']);
    expect(r.startup.ok).toBe(false);
    if (!r.startup.ok) expect(r.startup.option?.spec.short).toBe('m');
  });

  it('still reports the listeners the configuration asks for when start-up fails', () => {
    const r = run(['-l', '127.0.0.1', '-p', '31001']);
    expect(r.startup.ok).toBe(false);
    expect(r.listeners).toHaveLength(1);
  });
});

describe('host facts', () => {
  const withFiles = (files: string[]) => ({ ...TEST_HOST, fileExists: (p: string) => files.includes(p) });

  it('fails -S with exit 1 when no SASL configuration file exists, warns when unknown', () => {
    const args = ['-u', 'nobody', '-l', '127.0.0.1', '-S'];
    expect(exit(args, '1.6.18', withFiles([]))).toBe(1);
    expect(exit(args, '1.6.18', withFiles(['/etc/sasl2/memcached.conf']))).toBe('running');
    const unknown = run(args);
    expect(unknown.startup.ok).toBe(true);
    expect(unknown.startup.warnings.join()).toContain('SASL');
  });

  it('fails -Y with exit 1 when the file is missing, after the UDP check (64)', () => {
    expect(exit(['-u', 'nobody', '-l', '127.0.0.1', '-Y', '/etc/mc-auth'], '1.6.18', withFiles([]))).toBe(1);
    expect(exit(['-u', 'nobody', '-l', '127.0.0.1', '-Y', '/etc/mc-auth', '-U', '31002'], '1.6.18', withFiles([]))).toBe(64);
  });

  it('fails a host name with white space (getaddrinfo), which 1.6.18 does not strip', () => {
    expect(exit(['-u', 'nobody', '-l', ' 127.0.0.1'])).toBe(71);
    expect(exit(['-u', 'nobody', '-l', ' 127.0.0.1'], '1.6.32')).toBe('running');
  });
});

describe('explicit wildcard addresses', () => {
  it('binds 0.0.0.0 and :: whatever addressIsLocal says about them', () => {
    expect(exit(['-u', 'nobody', '-l', '0.0.0.0,::', '-p', '31001'])).toBe('running');
    expect(sockets(['-u', 'nobody', '-l', '0.0.0.0,[::]:31002', '-p', '31001'])).toEqual(['tcp 0.0.0.0:31001', 'tcp :::31002']);
  });
});

describe('host names that cannot resolve', () => {
  it('fails with 71 for "127.0.0.1#", what systemd makes of OPTIONS="-l 127.0.0.1" # comment (real memcached 1.6.18: exit 71)', () => {
    expect(run(['-u', 'nobody', '-l', '127.0.0.1#']).startup).toMatchObject({ ok: false, exitCode: 71 });
    expect(run(['-u', 'nobody', '-l', 'cache.internal']).startup).toMatchObject({ ok: true });
  });
});
