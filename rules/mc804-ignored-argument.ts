import { correctness, defineRule } from '../src/engine/rule.js';
import type { RuleContext } from '../src/engine/rule.js';
import type { IgnoredEvent, OptionEvent } from '../src/memcached/getopt.js';
import type { Span } from '../src/source.js';
import { looksLikeRedirection } from '../src/engine/helpers.js';

/**
 * The option events by the word they start in (the last one) and by the word they took as a value (the
 * first), built once per file: scanning every event for every ignored group made a file of many ignored
 * words quadratic.
 */
const eventIndex = new WeakMap<object, { lastAt: Map<number, OptionEvent>; firstValue: Map<number, OptionEvent> }>();
function eventsOf(ctx: RuleContext) {
  const events = ctx.model.parsed.events;
  let ix = eventIndex.get(events);
  if (!ix) {
    ix = { lastAt: new Map(), firstValue: new Map() };
    for (const e of events) {
      if (e.kind !== 'option') continue;
      ix.lastAt.set(e.index, e);
      if (e.valueIndex !== null && e.valueIndex !== e.index && !ix.firstValue.has(e.valueIndex)) ix.firstValue.set(e.valueIndex, e);
    }
    eventIndex.set(events, ix);
  }
  return ix;
}

/** The flag (no-value option) that ends argv word `index` (`-r`, the `k` of `-vk`, `--enable-coredumps`), if any. */
function flagEnding(ctx: RuleContext, index: number): OptionEvent | undefined {
  const word = ctx.config.argv[index]?.value ?? '';
  const last = eventsOf(ctx).lastAt.get(index);
  if (!last || last.valueIndex !== null) return undefined;
  return last.written.startsWith('--') || last.clusterOffset === word.length - 1 ? last : undefined;
}

function quote(words: string[]): string {
  return `"${words.join(' ')}"`;
}

export const rule = defineRule({
  id: 'MC804',
  slug: 'ignored-argument',
  severity: 'warning',
  risk: correctness(),
  summary: 'a word memcached silently ignores',
  since: '0.1.0',
  phase: 'command-line',
  dialects: 'all',
  sources: [
    { kind: 'manual', page: 'getopt_long(3)', section: 'permutation of non-option arguments; "--" ends option scanning' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'optind is never used after the getopt loop' },
  ],
  fix: null,
  docs: {
    what:
      'Reports words that reach memcached but that it never reads: words that are neither options nor the value ' +
      'of one (`127.0.0.1` on a line of its own, the `10240` of `-r 10240`, since `-r` takes no value), a lone ' +
      '`-` and what follows it (`- l 127.0.0.1`), and `--` with everything after it. Consecutive ignored words ' +
      'of one line are reported together. In the Debian file it also reports a shell redirection (`>> log`, a ' +
      'final `2>&1`), which never reaches memcached either.',
    why:
      'GNU getopt moves non-option words to the end of the command line and memcached never looks at them, so the ' +
      'setting the author meant is simply not applied, without any message: `- l 127.0.0.1` leaves memcached ' +
      'listening on every interface.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n- l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n',
    },
    fix: 'None: the intended option has to be written out.',
  },
  check(ctx) {
    // Words the template or the host decides are not known to be ignored.
    const ignored = ctx.model.parsed.events.filter((e): e is IgnoredEvent => e.kind === 'ignored' && !ctx.model.certainty.at(e.index));
    const source = ctx.config.source;
    const lineOf = (i: number): number | null => {
      const sp = ctx.config.argv[i]?.span;
      return sp ? source.position(sp.start).line : null;
    };
    // Group consecutive words of one line.
    const groups: IgnoredEvent[][] = [];
    for (const ev of ignored) {
      const g = groups.at(-1);
      const prev = g?.at(-1);
      if (g && prev && prev.index === ev.index - 1 && lineOf(prev.index) !== null && lineOf(prev.index) === lineOf(ev.index)) g.push(ev);
      else groups.push([ev]);
    }
    for (const g of groups) {
      const words = g.map((e) => ctx.config.argv[e.index]?.value ?? '');
      const spans = g.map((e) => ctx.config.argv[e.index]?.span).filter((s): s is Span => !!s);
      const span = spans.length ? { start: spans[0].start, end: spans[spans.length - 1].end } : null;
      ctx.report({ span, message: describe(ctx, g, words) });
    }
    if (ctx.config.dialect === 'debian') {
      for (const n of ctx.config.notes) {
        if (n.kind === 'shell-redirect') ctx.report({ span: n.span, message: n.message });
      }
    }
  },
});

function describe(ctx: RuleContext, g: IgnoredEvent[], words: string[]): string {
  const first = g[0];
  if (first.reason === 'double-dash' || first.reason === 'after-double-dash') {
    return words.length > 1 && first.reason === 'double-dash'
      ? `getopt stops at "--": memcached ignores it and ${quote(words.slice(1))} after it`
      : `memcached ignores ${quote(words)}: getopt stopped reading options at an earlier "--"`;
  }
  if (words[0] === '-') {
    const rest = words.slice(1);
    if (rest.length && /^[A-Za-z]$/.test(rest[0])) {
      const meant = [`-${rest[0]}`, ...rest.slice(1)].join(' ');
      return `memcached ignores ${quote(words)}: a lone "-" is not an option, so "${meant}" is never read (no space after the dash)`;
    }
    return `memcached ignores ${quote(words)}: a lone "-" is not an option`;
  }
  // `-p -l 127.0.0.1`: -p took "-l" as its value, so the address is left over.
  const swallower = eventsOf(ctx).firstValue.get(first.index - 1);
  if (swallower && /^-./.test(swallower.rawValue ?? '')) {
    return `memcached ignores ${quote(words)}: ${swallower.written} took the option "${swallower.rawValue}" before it as its value`;
  }
  const flag = flagEnding(ctx, first.index - 1);
  if (flag) {
    const note = flag.spec.short === 'v' && flag.written.startsWith('--') ? ' (a level only as --verbose=N, and even that counts as one -v)' : '';
    return `memcached ignores ${quote(words)}: ${flag.written} takes no value${note}`;
  }
  const redirect = words.some(looksLikeRedirection) ? ' (a shell redirection, but no shell reads this command line)' : '';
  return `memcached ignores ${quote(words)}: ${words.length > 1 ? 'they are' : 'it is'} neither an option nor the value of one${redirect}`;
}
