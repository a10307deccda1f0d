import type { OptionEvent } from '../src/memcached/getopt.js';
import { defineRule, security } from '../src/engine/rule.js';
import { exposedListenerList, fromFile, occurrences } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC501',
  slug: 'shutdown-command-enabled',
  severity: 'warning',
  // shutdown: a local denial of service; from the network (error) a remote one
  risk: security(5.5, { error: 7.5 }),
  summary: '-A lets any client stop memcached',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -A, --enable-shutdown' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'process_shutdown_command()', detail: 'refused unless settings.shutdown_command (-A)' },
  ],
  fix: {
    safety: 'safe',
    why: 'Only a client that stops memcached over the network loses that ability (a deploy script doing so should use the service manager).',
    build: (_ctx, state: { options: readonly OptionEvent[] }) => ({
      description: 'remove -A (disable the shutdown command)',
      intents: state.options.map((option) => ({ kind: 'remove-option' as const, option })),
    }),
  },
  docs: {
    what:
      'Reports `-A` (`--enable-shutdown`), which enables the ascii `shutdown` command. The finding is a warning, and an ' +
      'error when memcached listens on a non-loopback address (the wildcard that memcached binds without `-l` included).',
    why:
      'memcached has no authentication by default, so with `-A` any client that can reach a listener can stop the ' +
      'server with one line (`shutdown`): a remote denial of service, and a local one for every user or process ' +
      'that can reach the loopback port.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n-A\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n',
    },
    fix: 'Removes every `-A` / `--enable-shutdown` (commented out with a note in the Debian file). Stop the service with systemctl instead.',
  },
  check(ctx) {
    if (!ctx.model.applied.settings.shutdownCommand) return;
    const all = occurrences(ctx, 'A');
    const first = all[0];
    if (!first) return;
    const removable = all.filter((o) => fromFile(ctx, o));
    if (ctx.model.unknownOf('shutdownCommand')) return;
    const reach = ctx.model.unknownOf('listeners');
    const exposed = !reach && ctx.exposure.networkExposed;
    const who = reach
      ? `any client that can reach its listeners (where it listens depends on ${reach.reason})`
      : exposed
        ? `any client that can reach ${exposedListenerList(ctx)}`
        : 'any local user or process that can reach the listener';
    ctx.report({
      span: ctx.spanOf(first),
      message: `${first.written} enables the ascii "shutdown" command: ${who} can stop memcached without authenticating`,
      severity: exposed ? 'error' : 'warning',
      fix: removable.length ? { options: removable } : undefined,
    });
  },
});
