/**
 * A process named memcached listening on hundreds of loopback ports (redteam7): any user can start one.
 * audit's text listed every listener and every probe, one line each (2,000 ports: 200 kB); now it shows
 * 64 of each and how many more (the probes that answered first, saying how many of the rest did), and the
 * JSON keeps them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { auditProcesses } from '../../src/audit/run.js';
import { auditRecord, auditSummaryText } from '../../src/audit/present.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import { TempDir } from '../cli/helpers.js';
import { fakeMemcached } from './memcached.js';

let tmp: TempDir;
let child: ChildProcess;
let last = 0;

beforeAll(async () => {
  tmp = new TempDir();
  const fake = fakeMemcached(tmp.path);
  // 300 silent listeners; the last one opened answers `version` as memcached would.
  const code = `const net = require('net'); const ports = []; let left = 300;
    for (let i = 0; i < 300; i++) {
      const answers = i === 299;
      const srv = net.createServer((s) => { s.on('error', () => {}); if (answers) s.on('data', () => s.write('VERSION 1.6.9\\r\\n')); });
      srv.listen(0, '127.0.0.1', () => { ports[i] = srv.address().port; if (--left === 0) process.stdout.write(ports[299] + '\\n'); });
    }`;
  child = spawn(fake, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  last = Number(await new Promise<string>((up) => child.stdout!.once('data', (d: Buffer) => up(d.toString().trim()))));
}, 30_000);

afterAll(() => {
  child?.kill('SIGKILL');
  tmp?.cleanup();
});

it('shows 64 listeners and 64 probes of 300, the one that answered among them, and the JSON all', async () => {
  const out = await auditProcesses({ rules: RULES, files: [], pids: [child.pid!], probe: true, probeTimeoutMs: 1000, firewall: 'off', optionsFor: () => defaultRuleOptions() });
  expect(out.audits).toHaveLength(1);
  const a = out.audits[0];
  expect(a.held).toHaveLength(300);
  expect(a.probes).toHaveLength(300);
  const text = auditSummaryText(out.audits);
  const lines = text.split('\n');
  expect(lines.filter((l) => /^ {2}(listens on: | {12})tcp 127\.0\.0\.1:\d+$/.test(l))).toHaveLength(64);
  expect(lines).toContain('              … 236 more listeners (--format json lists them all)');
  const probes = lines.filter((l) => l.startsWith('  probe '));
  expect(probes).toHaveLength(64);
  expect(probes[0]).toBe(`  probe tcp 127.0.0.1:${last} at 127.0.0.1: "VERSION 1.6.9"`);
  expect(lines).toContain('  … 236 more probes, none of which answered (--format json lists them all)');
  expect(text.length).toBeLessThan(12_000);
  const record = JSON.parse(JSON.stringify(auditRecord(a)));
  expect(record.probes).toHaveLength(300);
}, 60_000);
