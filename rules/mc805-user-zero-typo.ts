import type { OptionEvent } from '../src/memcached/getopt.js';
import { correctness, defineRule, type FixProposal } from '../src/engine/rule.js';
import { fromFile, lastOccurrence, occurrences } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC805',
  slug: 'user-zero-typo',
  severity: 'error',
  // exits 67 (the UDP it meant to close is MC110's)
  risk: correctness(),
  summary: '-u 0 where -U 0 was meant',
  since: '0.1.0',
  phase: 'command-line',
  dialects: 'all',
  sources: [
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: "getpwnam(settings.username) \u2026 \"can't find the user %s to switch to\" \u2192 exit(EX_NOUSER) (67)" },
    { kind: 'memcached-doc', title: 'memcached(1): -u, --user; -U, --udp-port' },
  ],
  fix: {
    safety: 'unsafe',
    why: 'It guesses what was meant: if a user named "0" does exist, memcached then runs as another user, and UDP goes off.',
    build(ctx, state: { option: OptionEvent; others: boolean }): FixProposal {
      const u = state.option;
      const setU0 = { kind: 'set-option' as const, letter: 'U', value: '0', replace: lastOccurrence(ctx, 'U') };
      return state.others
        ? { description: 'replace -u 0 with -U 0', intents: [{ kind: 'remove-option', option: u }, setU0] }
        : {
            description: `replace -u 0 with -U 0 and run as ${ctx.defaultUser()}`,
            intents: [{ kind: 'set-option', letter: 'u', value: ctx.defaultUser(), replace: u }, setU0],
          };
    },
  },
  docs: {
    what:
      'Reports `-u 0` (`--user=0`) when it is the `-u` memcached uses. It is almost always a mistyped `-U 0`, the ' +
      'usual advice for turning UDP off.',
    why:
      'memcached looks the user up by name (`getpwnam("0")`); a number is not a user id to it, and a user named ' +
      '"0" does not normally exist, so it prints `can\'t find the user 0 to switch to` and exits 67. And UDP, which ' +
      'the author wanted off, was never turned off.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n-u 0\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n-U 0\n',
    },
    fix:
      'Replaces `-u 0` with `-U 0`. When no other `-u` is left, `-u` is set to the distribution\'s service user ' +
      '(or `mchard fix --user`) instead of being removed, since memcached started as root needs one.',
  },
  check(ctx) {
    const u = lastOccurrence(ctx, 'u');
    if (!u || u.value !== '0' || !fromFile(ctx, u) || ctx.model.unknownOf('username')) return;
    const others = occurrences(ctx, 'u').filter((o) => o !== u && (o.value ?? '') !== '');
    ctx.report({
      span: ctx.spanOf(u),
      message: `${u.written} 0 makes memcached switch to a user named "0", which no realistic system has (adduser and useradd refuse names made of digits): exit 67: -U 0 (capital U) turns UDP off`,
      fix: { option: u, others: others.length > 0 },
    });
  },
});
