import type { OptionEvent } from '../src/memcached/getopt.js';
import { defineRule, security } from '../src/engine/rule.js';
import { lastOccurrence } from '../src/engine/helpers.js';
import { strtol } from '../src/memcached/numbers.js';

function mode(n: number): string {
  return `0${(n & 0o777).toString(8).padStart(3, '0')}`;
}

export const rule = defineRule({
  id: 'MC701',
  slug: 'socket-permissions-too-open',
  severity: 'error',
  // other local users connect to the unix socket: every item, no authentication
  risk: security(5.5),
  summary: 'the unix socket mask lets other users connect',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -a, --unix-mask' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'server_socket_unix()', detail: 'umask( ~(access_mask & 0777)) around bind()' },
    { kind: 'manual', page: 'unix(7)', section: 'connecting to a stream socket requires write permission on it' },
  ],
  fix: {
    safety: 'unsafe',
    why: 'Clients that connect as another user or through the group (a web server) lose access to the socket.',
    depends: {
      when: 'the mask memcached reads is 0 (mode 000): no client but root could connect anyway',
      decide: (_ctx, state: { option: OptionEvent; noAccess: boolean }) =>
        state.noAccess
          ? { safety: 'safe', reason: 'the socket has mode 000 now, so no client but root can connect to it anyway' }
          : { safety: 'unsafe', reason: 'clients that connect as another user or through the group would lose access to the socket' },
    },
    build: (_ctx, state: { option: OptionEvent; noAccess: boolean }) => ({
      description: 'set the socket mask to 0700',
      intents: [{ kind: 'set-option', letter: 'a', value: '0700', replace: state.option }],
    }),
  },
  docs: {
    what:
      'With a unix socket (`-s`), reports an `-a` mask that gives other users access: an error when it has any ' +
      'bit for "others" (`-a 0777`, `-a 666`, `-a 0704`), a warning when it lets the group write (connect), as ' +
      '`-a 0770` or `-a 0660` do. Also a warning for a mask that memcached reads as 0 (`-a abc`, or `-a 0`): the ' +
      'socket then has mode 000 and no client but root can connect. Without `-a` the mode is 0700, which is fine.',
    why:
      'memcached creates the socket with exactly the `-a` mode, owned by the `-u` user. Connecting to a unix socket ' +
      'needs write permission on it, so a world-writable socket lets every local user and every compromised ' +
      'service on the machine read and change the whole cache, bypassing any network restriction. `-a` is read ' +
      'with `strtol(…, 8)`: text that is not octal silently becomes 0.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-s /run/memcached/memcached.sock\n-a 0777\n',
      good: '-u memcache\n-m 64\n-s /run/memcached/memcached.sock\n-a 0700\n',
    },
    fix:
      'Sets `-a 0700` (only the memcached user can connect). To let a web server connect, prefer putting it in a ' +
      'group and using `-a 0770` — which this rule still reports as a warning, to suppress once reviewed.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('socketpath', 'access')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (s.socketpath === null) return;
    const a = lastOccurrence(ctx, 'a');
    if (!a) return; // default 0700
    const m = s.access & 0o777;
    const text = a.value ?? '';
    const fix = { option: a, noAccess: m === 0 };
    const read = strtol(text, 8);
    const readAs = !read.digits ? ' (not an octal number, so memcached reads 0)' : read.end < text.length ? ` (memcached reads only "${text.slice(0, read.end)}")` : '';
    if (m === 0) {
      ctx.report({
        span: ctx.spanOf(a),
        message: `-a ${text}${readAs} creates the socket with mode 000: no client except root can connect`,
        severity: 'warning',
        fix,
      });
      return;
    }
    if (m & 0o007) {
      const connect = m & 0o002 ? 'every local user can connect to memcached' : 'other users get access bits on the socket';
      ctx.report({ span: ctx.spanOf(a), message: `-a ${text}${readAs} creates the socket with mode ${mode(m)}: ${connect}`, fix });
      return;
    }
    if (m & 0o020) {
      ctx.report({
        span: ctx.spanOf(a),
        message: `-a ${text}${readAs} creates the socket with mode ${mode(m)}: every member of the memcached user's group can connect`,
        severity: 'warning',
        fix,
      });
    }
  },
});
