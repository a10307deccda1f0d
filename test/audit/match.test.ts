import { matchProcess } from '../../src/audit/match.js';
import { expectationOf } from '../../src/audit/expect.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { TempDir } from '../cli/helpers.js';
import { proc, tcp } from './facts.js';
import type { Expectation } from '../../src/audit/types.js';

let tmp: TempDir;
let a: Expectation;
let b: Expectation;
let withPid: Expectation;
let sock: Expectation;
beforeAll(async () => {
  tmp = new TempDir();
  const opts = defaultRuleOptions();
  a = await expectationOf(tmp.write('memcached_a.conf', '-u nobody\n-l 127.0.0.1\n-p 55010\n'), opts);
  b = await expectationOf(tmp.write('memcached_b.conf', '-u nobody\n-l 127.0.0.1\n-p 55011\n'), opts);
  withPid = await expectationOf(tmp.write('memcached_c.conf', `-u nobody\n-p 55012\n-P ${tmp.join('c.pid')}\n`), opts);
  sock = await expectationOf(tmp.write('sysconfig/memcached', 'PORT="0"\nUSER="nobody"\nOPTIONS="-s /run/mc-test.sock"\n'), opts);
});
afterAll(() => tmp.cleanup());

describe('matching a process to its file', () => {
  it('predicts the argument vector of each dialect', () => {
    expect(a.words).toEqual(['-u', 'nobody', '-l', '127.0.0.1', '-p', '55010']);
    expect(a.dialect).toBe('debian');
    expect(sock.dialect).toBe('sysconfig');
    expect(sock.listeners).toEqual([expect.objectContaining({ transport: 'unix', path: '/run/mc-test.sock' })]);
  });

  it('prefers the file with the same argument vector', () => {
    const p = proc(['-u', 'nobody', '-l', '127.0.0.1', '-p', '55011']);
    expect(matchProcess(p, [tcp('127.0.0.1', 55010)], [a, b])).toEqual({ expectation: b, method: 'argv' });
  });

  it('then the file whose pidfile holds the pid', () => {
    tmp.write('c.pid', '4242\n');
    expect(matchProcess(proc(['-u', 'nobody', '-p', '55099']), [tcp('127.0.0.1', 55010)], [a, withPid])).toEqual({ expectation: withPid, method: 'pidfile' });
    tmp.write('c.pid', '4243\n');
    expect(matchProcess(proc(['-u', 'nobody', '-p', '55099']), [tcp('127.0.0.1', 55010)], [a, withPid])).toEqual({ expectation: a, method: 'listener' });
  });

  it('then a port or unix socket the process holds, and otherwise none', () => {
    expect(matchProcess(proc(['-s', '/run/mc-test.sock']), [{ transport: 'unix', path: '/run/mc-test.sock', mode: '0700' }], [a, sock])).toEqual({ expectation: sock, method: 'listener' });
    expect(matchProcess(proc(['-p', '55555']), [tcp('0.0.0.0', 55555)], [a, b, sock])).toBeNull();
    expect(matchProcess(proc(['-p', '55555']), [tcp('0.0.0.0', 55555)], [])).toBeNull();
  });
});
