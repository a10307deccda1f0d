/** Small helpers rules share: finding options, building fixes, naming things in messages. */
import type { OptionEvent } from '../memcached/getopt.js';
import type { ClassifiedListener } from './exposure.js';
import type { Fix, RuleContext } from './types.js';

/** Every occurrence of an option, in argv order. */
export function occurrences(ctx: RuleContext, letter: string): OptionEvent[] {
  return ctx.model.applied.options.filter((o) => o.spec.short === letter);
}

/** The occurrence that wins (memcached keeps the last one). */
export function lastOccurrence(ctx: RuleContext, letter: string): OptionEvent | undefined {
  return occurrences(ctx, letter).at(-1);
}

export function describeListener(c: ClassifiedListener): string {
  const l = c.listener;
  const host = l.address ?? l.host ?? '?';
  const shown = host.includes(':') ? `[${host}]` : host;
  return `${l.transport.toUpperCase()} ${shown}:${l.port}`;
}

/** The fix that binds memcached to loopback (or the `--listen` addresses): replaces every -l, or adds one. */
export function bindLoopbackFix(ctx: RuleContext): Fix {
  const addrs = ctx.options.fixListen?.length ? ctx.options.fixListen : ['127.0.0.1'];
  const ls = ctx.model.applied.options.filter((o) => o.spec.short === 'l');
  const intents: Fix['intents'] = [];
  ls.slice(0, -1).forEach((o) => intents.push({ kind: 'remove-option', option: o }));
  intents.push({ kind: 'set-option', letter: 'l', value: addrs.join(','), replace: ls.at(-1) });
  return { safety: 'safe', description: `listen on ${addrs.join(', ')} only`, intents };
}

export function disableUdpFix(ctx: RuleContext): Fix {
  return { safety: 'safe', description: 'disable UDP with -U 0', intents: [{ kind: 'set-option', letter: 'U', value: '0', replace: lastOccurrence(ctx, 'U') }] };
}

export function setUserFix(ctx: RuleContext): Fix {
  const user = ctx.defaultUser();
  if (ctx.config.dialect === 'sysconfig') {
    const inOptions = lastOccurrence(ctx, 'u');
    const intents: Fix['intents'] = [{ kind: 'set-variable', key: 'USER', value: user }];
    // -u inside OPTIONS overrides USER (it comes later on the command line), so it must go too.
    if (inOptions && ctx.config.argv[inOptions.index]?.origin === 'file') intents.push({ kind: 'remove-option', option: inOptions });
    return { safety: 'safe', description: `run as ${user}`, intents };
  }
  return { safety: 'safe', description: `run as ${user}`, intents: [{ kind: 'set-option', letter: 'u', value: user, replace: lastOccurrence(ctx, 'u') }] };
}

/** Whether the option came from the file (rather than the unit's fixed text or the wrapper). */
export function fromFile(ctx: RuleContext, o: OptionEvent): boolean {
  return ctx.config.argv[o.index]?.origin === 'file';
}
