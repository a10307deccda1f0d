import { correctness, defineRule } from '../src/engine/rule.js';
import type { RuleContext } from '../src/engine/rule.js';
import type { ErrorEvent } from '../src/memcached/getopt.js';
import { wordLetterSpan } from '../src/engine/helpers.js';
import { LONG_OPTIONS_SINCE, OPTIONS, optionByShort } from '../src/memcached/options.js';
import { atLeast, formatVersion } from '../src/memcached/version.js';

/** Edit distance, for "did you mean" on long options. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function suggestion(name: string, ctx: RuleContext): string {
  const known = OPTIONS.filter((o) => o.long !== null && atLeast(ctx.model.version, o.since));
  let best: { long: string; d: number } | null = null;
  for (const o of known) {
    // The distance is at least the difference in length: skip the quadratic table for a 100 KB word.
    if (Math.abs(name.length - o.long!.length) > 2) continue;
    const d = distance(name, o.long!);
    if (d <= 2 && (!best || d < best.d)) best = { long: o.long!, d };
  }
  return best ? ` (did you mean --${best.long}?)` : '';
}

function describe(ev: ErrorEvent, ctx: RuleContext): string {
  const v = formatVersion(ctx.model.version);
  switch (ev.error) {
    case 'ambiguous-option':
      return `${ev.written} is an ambiguous abbreviation of ${ev.candidates!.map((c) => `--${c}`).join(' and ')}: memcached exits 1 before starting`;
    case 'unexpected-argument':
      return `${ev.written} takes no value, so "${ctx.config.argv[ev.index]?.value}" is an error: memcached exits 1 before starting`;
    default: {
      if (ev.written.startsWith('--')) {
        return `memcached ${v} has no option ${ev.written}${suggestion(ev.written.slice(2), ctx)}: it exits 1 before starting ("${ev.message}")`;
      }
      const letter = ev.written.slice(1);
      const later = optionByShort(letter);
      if (later && !atLeast(ctx.model.version, later.since)) {
        return `${ev.written} (${later.summary}) needs memcached ${later.since} or newer: ${v} exits 1 before starting ("${ev.message}")`;
      }
      return `memcached has no option ${ev.written}: it exits 1 before starting ("${ev.message}")`;
    }
  }
}

export const rule = defineRule({
  id: 'MC801',
  slug: 'unknown-option',
  severity: 'error',
  risk: correctness(),
  summary: 'an option memcached does not know',
  since: '0.1.0',
  phase: 'command-line',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1); `memcached -h` lists the options of the installed version' },
    { kind: 'manual', page: 'getopt_long(3)', section: 'error handling' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'default: "Illegal argument" → exit(EXIT_FAILURE)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports every option memcached\'s getopt refuses: an unknown letter (`-x`, or a letter inside a cluster such ' +
      'as `-vx`), an option the target memcached version does not have yet (`-W` before 1.5.21), an unknown long ' +
      'option (`--bogus`, or any long option before 1.5.0), an ambiguous abbreviation (`--mem`, which could be ' +
      '`--memory-limit` or `--memory-file`), and a value given to a long option that takes none ' +
      '(`--enable-shutdown=yes`).',
    why:
      'getopt prints its complaint, memcached adds `Illegal argument "?"` and exits with status 1 before opening ' +
      'any socket: the service does not start. memcached stops at the first such option; every one is reported so ' +
      'they can all be fixed at once.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n--max-memory=64\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n',
    },
    fix: 'None: the right option depends on what was meant.',
  },
  check(ctx) {
    const longless = !atLeast(ctx.model.version, LONG_OPTIONS_SINCE);
    const seenLongWords = new Set<number>();
    for (const ev of ctx.model.parsed.events) {
      if (ev.kind !== 'error' || ev.error === 'missing-argument') continue;
      if (ctx.model.certainty.at(ev.index)) continue; // a word the template or the host decides
      const word = ctx.config.argv[ev.index]?.value ?? '';
      if (longless && word.startsWith('--')) {
        // Before 1.5.0 memcached used plain getopt(): "--port=1" is "-", "p" with value "ort=1"... One finding per word.
        if (seenLongWords.has(ev.index)) continue;
        seenLongWords.add(ev.index);
        ctx.report({
          span: ctx.config.argv[ev.index]?.span ?? null,
          message: `memcached ${formatVersion(ctx.model.version)} has no long options (they arrived in ${LONG_OPTIONS_SINCE}): it reads ${word.split('=')[0]} as short letters and exits 1 ("invalid option -- '-'")`,
        });
        continue;
      }
      ctx.report({ span: wordLetterSpan(ctx, ev.index, ev.clusterOffset), message: describe(ev, ctx) });
    }
  },
});
