import { lintText, findings, pointedText } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';
import { loadDialect } from '../../src/dialects/index.js';

beforeAll(async () => {
  await loadDialect('systemd');
});

const CERT = '-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem\n';

describe('MC603 incompatible-options', () => {
  it('reports -S with -B ascii at -B: exit 64', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-S\n-B ascii\n');
    const f = findings(r, 'MC603');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(4);
    expect(pointedText(r, f[0])).toBe('-B ascii');
    expect(f[0].message).toContain('exits 64');
    expect(f[0].message).toContain('ASCII protocol while using SASL');
  });

  it('reports -S with -B auto as well', () => {
    const f = findings(lintText('-u memcache\n-l 127.0.0.1\n-S\n-B auto\n'), 'MC603');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('-B auto');
  });

  it('reports -S with UDP at -U, and also -B ascii: every clash, not just the first', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-S\n-U 11211\n-B ascii\n');
    const f = findings(r, 'MC603');
    expect(f.map((x) => pointedText(r, x)).sort()).toEqual(['-B ascii', '-U 11211']);
    expect(f.find((x) => pointedText(r, x) === '-U 11211')!.message).toContain('add -U 0');
  });

  it('reports -S alone before 1.5.6, where UDP 11211 is on by default', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-S\n', { options: { version: parseVersion('1.5.5')! } });
    const f = findings(r, 'MC603');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-S');
    expect(f[0].message).toContain('before 1.5.6');
  });

  it('reports -Y with -B binary and with UDP', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-Y /etc/memcached/auth\n-B binary\n-U 11211\n');
    const f = findings(r, 'MC603');
    expect(f).toHaveLength(2);
    expect(f.map((x) => x.line).sort()).toEqual([4, 5]);
    expect(f.every((x) => x.message.includes('exits 64'))).toBe(true);
  });

  it('reports -Z without ssl_chain_cert/ssl_key at -Z', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-Z\n');
    const f = findings(r, 'MC603');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-Z');
    expect(f[0].message).toContain('ssl_chain_cert');
    expect(f[0].message).toContain('ssl_key');
    expect(f[0].message).toContain('exits 64');
  });

  it('reports -Z with -p 0 at -p', () => {
    const r = lintText(`-u memcache\n-l 127.0.0.1\n-Z\n${CERT}-p 0\n`);
    const f = findings(r, 'MC603');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-p 0');
    expect(f[0].message).toContain('without a TCP port');
  });

  it('reports a notls: entry without -Z at the entry: exit 71', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1,notls:127.0.0.1:11212\n');
    const f = findings(r, 'MC603');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('notls:127.0.0.1:11212');
    expect(f[0].message).toContain('exits 71');
    expect(f[0].message).toContain('"notls:"');
  });

  it('does not report listener prefixes when -s disables the network', () => {
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n-l notls:127.0.0.1\n'), 'MC603')).toHaveLength(0);
  });

  it('accepts compatible combinations', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-S\n-B binary\n'), 'MC603')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-Y /etc/memcached/auth\n-B ascii\n'), 'MC603')).toHaveLength(0);
    expect(findings(lintText(`-u memcache\n-l 127.0.0.1,notls:127.0.0.1:11212\n-Z\n${CERT}`), 'MC603')).toHaveLength(0);
  });
});

describe('MC603 words the model\'s start-up verdicts, it does not re-derive them', () => {
  it.each([
    ['-u memcache\n-l 127.0.0.1\n-S\n-B ascii\n-U 11211\n', 'debian'],
    ['-u memcache\n-l 127.0.0.1\n-Y /etc/memcached/auth\n-B binary\n-U 11211\n', 'debian'],
    ['-u memcache\n-p 0\n-Z\n', 'debian'],
    // In a unit: systemd does not glob. In Debian's file (and a bare command line) "[binary]" is a glob a shell
    // may expand, so the listener depends on the host there and MC603 stays quiet.
    ['[Service]\nExecStart=/usr/bin/memcached -u memcache -l notls:127.0.0.1 -Y /etc/memcached/auth -U 0 -l proto[binary]:127.0.0.2\n', 'systemd'],
  ] as const)('one finding per refusal of the model, and memcached stops at the first of them: %j (%s)', (text, dialect) => {
    const r = lintText(text, { dialect, ...(dialect === 'systemd' ? { path: '/etc/systemd/system/memcached.service' } : {}) });
    expect(r.model.refusals.length).toBeGreaterThan(0);
    // Each finding quotes memcached's own message for its refusal.
    const core = (reason: string) => reason.replace(/^ERROR: /, '').replace(/ \(.*$|[.:].*$/, '');
    expect(findings(r, 'MC603').map((f) => f.message)).toEqual(r.model.refusals.map((x) => expect.stringContaining(core(x.reason))));
    // And the start-up failure the model predicts is the first refusal memcached meets.
    expect(r.model.startup).toMatchObject({ ok: false, reason: expect.stringContaining(core(r.model.refusals[0].reason)) });
  });
});
