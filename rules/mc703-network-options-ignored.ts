import { correctness, defineRule } from '../src/engine/rule.js';
import { describeOption, fromFile, lastOccurrence } from '../src/engine/helpers.js';
import { atoi } from '../src/memcached/numbers.js';

export const rule = defineRule({
  id: 'MC703',
  slug: 'network-options-ignored',
  severity: 'info',
  risk: correctness(),
  summary: '-l, -p or -U next to -s have no effect',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'the unix socket branch `if (settings.socketpath != NULL)` skips server_sockets()' },
    { kind: 'memcached-doc', title: 'memcached(1): -s, --unix-socket' },
  ],
  fix: null,
  docs: {
    what:
      'With a unix socket (`-s`), reports each `-l`, and each `-p` or `-U` that would open a port, given in the ' +
      'file: memcached ignores them all. `-p 0` and `-U 0` are not reported, since they only say what happens anyway.',
    why:
      'memcached skips its whole network set-up when `-s` is given: no TCP or UDP listener is opened, whatever ' +
      '`-l`, `-p` and `-U` say. A file that lists them suggests that memcached is reachable over the network (or ' +
      'that these addresses are restricted), and removing `-s` later would suddenly open them.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-s /run/memcached/memcached.sock\n-l 127.0.0.1\n-p 11211\n',
      good: '-u memcache\n-m 64\n-s /run/memcached/memcached.sock\n',
    },
    fix: 'None: remove the network options, or `-s` if the network was meant.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('socketpath')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (s.socketpath === null) return;
    const sock = lastOccurrence(ctx, 's');
    const path = sock?.value ?? s.socketpath;
    for (const o of ctx.model.applied.options) {
      const letter = o.spec.short;
      if (letter !== 'l' && letter !== 'p' && letter !== 'U') continue;
      if (!fromFile(ctx, o) || ctx.model.optionUnknown(o)) continue; // the unit's fixed -p ${PORT}: nothing to change in OPTIONS
      if (letter !== 'l' && atoi(o.value ?? '') === 0) continue;
      ctx.report({
        span: ctx.spanOf(o),
        message: `${describeOption(ctx, o)} has no effect: -s ${path} makes memcached open no TCP or UDP listener`,
      });
    }
  },
});
