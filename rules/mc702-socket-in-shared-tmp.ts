import { posix } from 'node:path';
import { defineRule, security } from '../src/engine/rule.js';
import { lastOccurrence } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC702',
  slug: 'socket-in-shared-tmp',
  severity: 'warning',
  // the socket in a world-writable folder: others can take its name first
  risk: security(4.7),
  summary: 'the unix socket is in /tmp or /var/tmp',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -s, --unix-socket' },
    { kind: 'manual', page: 'systemd.exec(5)', section: 'PrivateTmp=' },
    { kind: 'reference', title: '/usr/lib/tmpfiles.d/memcached.conf (Debian): d /run/memcached 0755 memcache memcache -' },
  ],
  fix: null,
  docs: {
    what: 'Reports a unix socket path (`-s`) inside `/tmp` or `/var/tmp`.',
    why:
      'These directories are writable by every user: another user can create the path first (memcached removes a ' +
      'stale file only if it is a socket, so start-up then fails with exit 71) or take the name over while ' +
      'memcached is down. And under systemd the Debian and Fedora units set `PrivateTmp=true`: the socket lands in ' +
      'a /tmp private to the service, so clients outside the unit cannot find it at all.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-s /tmp/memcached.sock\n',
      good: '-u memcache\n-m 64\n-s /run/memcached/memcached.sock\n',
    },
    fix: 'None: move the socket to a directory owned by the memcached user, such as `/run/memcached` (Debian creates it through tmpfiles.d).',
  },
  check(ctx) {
    if (ctx.model.unknownOf('socketpath')) return; // the file does not decide it (template or host): MC910 says so
    const path = ctx.model.applied.settings.socketpath;
    if (path === null) return;
    const o = lastOccurrence(ctx, 's');
    if (!o) return;
    const norm = posix.normalize(path);
    const dir = ['/tmp/', '/var/tmp/'].find((d) => norm.startsWith(d));
    if (!dir) return;
    ctx.report({
      span: ctx.spanOf(o),
      message: `-s ${path} puts the socket in ${dir.slice(0, -1)}, which every user can write to and which the service's PrivateTmp hides from clients outside the unit`,
    });
  },
});
