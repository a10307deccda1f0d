import { loadDialect } from '../../src/dialects/index.js';
import { findings } from '../helpers/lint.js';
import { auditRun, facts, proc, tcp } from '../audit/facts.js';
import type { ProbeResult } from '../../src/audit/types.js';

beforeAll(() => loadDialect('argv'));

const probe = (socket: string, target: string, port: number, reply: string | null): ProbeResult => ({
  socket,
  transport: 'tcp',
  target,
  port,
  probed: true,
  reached: true,
  answered: reply !== null && reply.startsWith('VERSION '),
  reply,
  error: null,
});

describe('MC952 answers-without-auth', () => {
  it('reports a non-loopback socket that answered version, with where it was probed', () => {
    const held = [tcp('0.0.0.0', 11211), tcp('10.1.2.3', 11300)];
    const probes = [probe('tcp 0.0.0.0:11211', '127.0.0.1', 11211, 'VERSION 1.6.18'), probe('tcp 10.1.2.3:11300', '10.1.2.3', 11300, 'VERSION 1.6.18')];
    const f = findings(auditRun(facts(proc(['-u', 'nobody']), held, { probes })), 'MC952');
    expect(f.map((x) => [x.severity, x.message])).toEqual([
      ['error', 'tcp 0.0.0.0:11211 answered "version" without authentication (probed at 127.0.0.1:11211, reply "VERSION 1.6.18")'],
      ['error', 'tcp 10.1.2.3:11300 answered "version" without authentication (probed at 10.1.2.3:11300, reply "VERSION 1.6.18")'],
    ]);
  });

  it('does not report an authenticating listener, a loopback one, or a run without --probe', () => {
    const held = [tcp('10.1.2.3', 11211), tcp('127.0.0.1', 11212)];
    const probes = [probe('tcp 10.1.2.3:11211', '10.1.2.3', 11211, 'CLIENT_ERROR unauthenticated'), probe('tcp 127.0.0.1:11212', '127.0.0.1', 11212, 'VERSION 1.6.18')];
    expect(findings(auditRun(facts(proc(['-u', 'nobody']), held, { probes })), 'MC952')).toHaveLength(0);
    expect(findings(auditRun(facts(proc(['-u', 'nobody']), [tcp('0.0.0.0', 11211)])), 'MC952')).toHaveLength(0);
  });
});
