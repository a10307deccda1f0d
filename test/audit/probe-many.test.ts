/**
 * Processes named memcached that listen on loopback and never answer (redteam5): any user can start them
 * (a copy of any program, named memcached). audit --probe probed one process after another, each silent
 * listener costing the whole time limit, so ten of them held a root audit for fifteen seconds, a thousand
 * for twenty-five minutes. All processes' listeners are now probed together, a bounded number at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { auditProcesses } from '../../src/audit/run.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import { TempDir } from '../cli/helpers.js';
import { fakeMemcached, freePorts } from './memcached.js';

const COUNT = 10;
let tmp: TempDir;
const children: ChildProcess[] = [];

beforeAll(async () => {
  tmp = new TempDir();
  const fake = fakeMemcached(tmp.path);
  const ports = freePorts(COUNT, 52000, 54999);
  for (const port of ports) {
    // Listens on loopback only, accepts, and never writes a byte.
    const code = `require('net').createServer(() => {}).listen(${port}, '127.0.0.1', () => process.stdout.write('up\\n'))`;
    const child = spawn(fake, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise<void>((up) => child.stdout!.once('data', () => up()));
  }
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  tmp.cleanup();
});

it('probes ten silent loopback listeners of ten processes in about one time limit, not ten', async () => {
  const t0 = Date.now();
  const out = await auditProcesses({
    rules: RULES,
    files: [],
    pids: children.map((c) => c.pid!),
    probe: true,
    probeTimeoutMs: 1500,
    firewall: 'off',
    optionsFor: () => defaultRuleOptions(),
  });
  const took = Date.now() - t0;
  expect(out.audits).toHaveLength(COUNT);
  for (const a of out.audits) {
    expect(a.probes).toEqual([expect.objectContaining({ transport: 'tcp', target: '127.0.0.1', reached: true, answered: false, reply: null, error: 'no reply within 1500 ms' })]);
  }
  // One after another: at least 10 x 1.5 s.
  expect(took).toBeLessThan(6000);
});
