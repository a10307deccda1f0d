import { loadDialect } from '../../src/dialects/index.js';
import { findings } from '../helpers/lint.js';
import { auditRun, facts, proc, tcp, udp } from '../audit/facts.js';
import type { ProbeResult } from '../../src/audit/types.js';

beforeAll(() => loadDialect('argv'));

const udpProbe = (socket: string, port: number, received: number, datagrams: number): ProbeResult => ({
  socket,
  transport: 'udp',
  target: '127.0.0.1',
  port,
  probed: true,
  reached: datagrams > 0,
  answered: datagrams > 0,
  reply: datagrams > 0 ? 'STAT pid 1' : null,
  error: datagrams > 0 ? null : 'no reply within 1500 ms',
  bytesSent: 15,
  bytesReceived: received,
  datagrams,
});

describe('MC953 udp-amplifier', () => {
  const held = [tcp('0.0.0.0', 11211), udp('0.0.0.0', 11211), udp('::', 11211)];

  it('reasons from the socket table without --probe', () => {
    const f = findings(auditRun(facts(proc(['-u', 'nobody', '-U', '11211']), held)), 'MC953');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message).toBe(
      'udp 0.0.0.0:11211, udp [::]:11211 are network-reachable UDP sockets: memcached answers any source address without a handshake, so they are amplification-capable (reasoned from the socket table; --probe measures it)',
    );
  });

  it('reports the measured amplification with --probe, and only for sockets that answered', () => {
    const probes = [udpProbe('udp 0.0.0.0:11211', 11211, 2223, 2), udpProbe('udp [::]:11211', 11211, 0, 0)];
    const f = findings(auditRun(facts(proc(['-u', 'nobody', '-U', '11211']), held, { probes })), 'MC953');
    expect(f.map((x) => x.message)).toEqual(['amplification-capable UDP: udp 0.0.0.0:11211 answered a 15-byte "stats" request with 2223 bytes in 2 datagrams (148x)']);
    const silent = [udpProbe('udp 0.0.0.0:11211', 11211, 0, 0), udpProbe('udp [::]:11211', 11211, 0, 0)];
    expect(findings(auditRun(facts(proc(['-u', 'nobody', '-U', '11211']), held, { probes: silent })), 'MC953')).toHaveLength(0);
  });

  it('leaves out UDP on loopback', () => {
    expect(findings(auditRun(facts(proc(['-u', 'nobody', '-l', '127.0.0.1', '-U', '11211']), [udp('127.0.0.1', 11211)])), 'MC953')).toHaveLength(0);
  });
});
