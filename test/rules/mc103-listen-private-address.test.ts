import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC103 listen-private-address', () => {
  it('reports a private address when no network is trusted', () => {
    const r = lintText('-u memcache\n-m 64\n-l 10.0.0.11\n');
    const f = findings(r, 'MC103');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('10.0.0.11');
    expect(f[0].message).toContain('private address 10.0.0.11');
    expect(f[0].message).toContain('none are configured');
  });

  it.each(['192.168.2.103', '172.16.5.4', 'fd00::5', 'fe80::1', '100.64.0.1'])('reports %s', (addr) => {
    expect(findings(lintText(`-u memcache\n-l 127.0.0.1,${addr}\n`), 'MC103')).toHaveLength(1);
  });

  it('accepts an address inside the trusted networks and names them otherwise', () => {
    const opts = { options: { trustedNetworks: ['10.0.0.0/8'] } };
    expect(findings(lintText('-u memcache\n-l 10.0.0.11\n', opts), 'MC103')).toHaveLength(0);
    const f = findings(lintText('-u memcache\n-l 192.168.1.5\n', opts), 'MC103');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('10.0.0.0/8');
  });

  it('leaves loopback and public addresses to other rules', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC103')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 93.184.216.34\n'), 'MC103')).toHaveLength(0);
  });
});
