import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText } from '../helpers/lint.js';
import { auditRun, facts, proc, tcp, udp } from '../audit/facts.js';

beforeAll(() => loadDialect('argv'));

describe('MC951 listener-reachable', () => {
  it('reports wildcard sockets as reachable from every network this host is on, naming the networks', () => {
    const r = auditRun(facts(proc(['-u', 'nobody', '-p', '11211']), [tcp('0.0.0.0', 11211), tcp('::', 11211)]));
    const f = findings(r, 'MC951');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message).toBe(
      'tcp 0.0.0.0:11211, tcp [::]:11211 are bound to the wildcard address: reachable from every network this host is on (eth0 93.184.216.0/24, eth1 10.1.2.0/24)',
    );
  });

  it('reports a private address as reachable from its network (a warning), a public one as an error', () => {
    const r = auditRun(facts(proc(['-u', 'nobody', '-l', '10.1.2.3,93.184.216.10']), [tcp('10.1.2.3', 11211), udp('10.1.2.3', 11211), tcp('93.184.216.10', 11211)]));
    expect(findings(r, 'MC951').map((f) => [f.severity, f.message])).toEqual([
      ['warning', 'tcp 10.1.2.3:11211, udp 10.1.2.3:11211 are reachable from the network of 10.1.2.3 (10.1.2.0/24 on eth1)'],
      ['error', 'tcp 93.184.216.10:11211 is reachable from the network of 93.184.216.10 (93.184.216.0/24 on eth0)'],
    ]);
  });

  it('leaves out loopback, unix sockets and trusted networks', () => {
    const held = [tcp('127.0.0.1', 11211), tcp('::1', 11211), { transport: 'unix' as const, path: '/run/m.sock', mode: '0700' }, tcp('10.1.2.3', 11212)];
    expect(findings(auditRun(facts(proc(['-u', 'nobody']), held), { trustedNetworks: ['10.1.0.0/16'] }), 'MC951')).toHaveLength(0);
    expect(findings(auditRun(facts(proc(['-u', 'nobody']), held)), 'MC951')).toHaveLength(1);
  });

  it('is never reported by lint', () => {
    expect(findings(lintText('-u memcache\n-p 11211\n'), 'MC951')).toHaveLength(0);
  });
});
