import type { Fix, Rule, RuleContext } from '../src/engine/types.js';
import { describeOption, setUserFix } from '../src/engine/helpers.js';

/** setUserFix, except that Debian's own `-u root` (no place in the file) is added to, not replaced. */
function userFix(ctx: RuleContext, fromWrapper: boolean): Fix {
  const fix = setUserFix(ctx);
  if (!fromWrapper) return fix;
  return { ...fix, intents: [{ kind: 'set-option', letter: 'u', value: ctx.defaultUser() }] };
}

export const rule: Rule = {
  id: 'MC201',
  slug: 'runs-as-root',
  severity: 'error',
  summary: 'memcached keeps running as root',
  fixable: 'unsafe',
  docs: {
    what:
      'Reports a configuration under which memcached keeps running as root: `-u root` (or `USER="root"` in a sysconfig ' +
      'file), and a Debian file that sets no option at all, for which the wrapper itself starts memcached with `-u root`. ' +
      '(`-u 0` is not root: memcached looks for a user named "0"; see MC805.)',
    why:
      'memcached parses untrusted network input in C. Running it as root turns any memory-safety bug into a full ' +
      'compromise of the machine, and lets it write files (`-P`, `-e`, core dumps with `-r`) anywhere.',
    example: {
      dialect: 'debian',
      bad: '-u root\n-m 64\n-p 11211\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix:
      'Sets `-u memcache` on Debian or `USER="memcached"` on sysconfig files (the user given with `mchard fix --user` ' +
      'otherwise). Unsafe: the new user must be able to bind the ports (below 1024 it cannot) and to read and write ' +
      'the files memcached opens after dropping privileges (`-s` directory, `-Y`, `-e`, `-P`).',
    references: [
      'memcached(1): -u, --user',
      'memcached.c main(): the privilege drop (getpwnam, setgid, setuid)',
      'Debian memcached: systemd-memcached-wrapper appends "-u root" to an empty configuration',
    ],
  },
  check(ctx) {
    if (ctx.model.unknownOf('runsAs')) return; // the file does not decide it (template or host): MC910 says so
    if (ctx.model.runsAs !== 'root') return;
    const opt = ctx.model.applied.setBy.username;
    if (!opt) return;
    const fromWrapper = ctx.config.argv[opt.index]?.origin === 'wrapper';
    if (fromWrapper) {
      ctx.report({
        span: null,
        message: 'the file sets no option, so the Debian wrapper starts memcached with -u root and it runs as root on every interface',
        fix: userFix(ctx, true),
      });
      return;
    }
    const shown = describeOption(ctx, opt);
    ctx.report({
      span: ctx.spanOf(opt),
      message: `${shown} keeps memcached running as root, so any memory-corruption bug in it is a root compromise`,
      fix: userFix(ctx, false),
    });
  },
};
