/**
 * A clean file whose service's memcached is not what it starts gets a restart (src/service/drift.ts). Its
 * sockets come from /proc/net/unix, where any user can forge a record (a socket name holding a line break):
 * when the table cannot be told (src/system/sockets.ts), the listeners are not compared. Dropped, the
 * ambiguous unix listener read as "the process listens on nothing" and a healthy service was restarted.
 */
import { runningDrift } from '../../src/service/drift.js';
import { run as model } from '../helpers/argv.js';
import { FakeMachine } from './fake-machine.js';

describe('drift of the running service when its unix sockets cannot be told', () => {
  const words = ['-u', 'memcache', '-s', '/run/memcached/memcached.sock', '-a', '0700'];
  const file = { path: '/etc/memcached.conf', dialect: 'debian' as const, model: model(words), exact: true };

  it('none: the listeners are not compared, and nothing else differs', async () => {
    const m = new FakeMachine();
    // The record of its listener was forged (its inode twice in the table): left out, and a doubt.
    m.processes.set(42, { name: 'memcached', sockets: [], words, user: 'memcache' });
    m.socketDoubt = () => '/proc/42/net/unix lists its socket 7 2 times';
    expect(await runningDrift(file, 42, m)).toBeNull();
  });

  it('without a doubt, a missing listener is drift', async () => {
    const m = new FakeMachine();
    m.processes.set(42, { name: 'memcached', sockets: [], words, user: 'memcache' });
    expect(await runningDrift(file, 42, m)).toEqual(['the file asks for unix /run/memcached/memcached.sock; the process listens on nothing']);
  });
});
