import { correctness, defineRule } from '../src/engine/rule.js';
import type { OptionEvent } from '../src/memcached/getopt.js';
import { describeOption, fromFile, ownFailure } from '../src/engine/helpers.js';

/** Options that accumulate (`-l`, `-o`) or count (`-v`) rather than being replaced by a later occurrence. */
const ACCUMULATE = new Set(['l', 'o', 'v']);

export const rule = defineRule({
  id: 'MC803',
  slug: 'duplicate-option',
  severity: 'warning',
  risk: correctness(),
  summary: 'an option given twice: the last one wins',
  since: '0.1.0',
  phase: 'command-line',
  dialects: 'all',
  sources: [
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'each option assigns its settings field, so the last occurrence wins' },
  ],
  fix: {
    safety: 'safe',
    why: 'Nothing changes for memcached: the value it uses, the last one, stays.',
    build: (ctx, state: { option: OptionEvent }) => ({
      description: `remove the overridden ${describeOption(ctx, state.option)}`,
      intents: [{ kind: 'remove-option', option: state.option }],
    }),
  },
  docs: {
    what:
      'Reports every occurrence of an option with a value that a later occurrence of the same option replaces: ' +
      '`-p -U -s -a -m -c -u -P -f -n -t -D -R -b -B -I -Y -e -N`, in short or long form. `-l` and `-o` ' +
      'accumulate and `-v` counts, so they are not reported here (see MC105 and MC502); flags are idempotent. An ' +
      'option in the service unit\'s fixed text overridden from the file is MC908\'s.',
    why:
      'memcached silently keeps the last value. A file that sets `-m 64` near the top and `-m 1024` further ' +
      'down reads as one thing and does another, and the next person editing the first line changes nothing.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n-m 1024\n',
      good: '-u memcache\n-l 127.0.0.1\n-m 1024\n',
    },
    fix: 'Removes the overridden occurrences (commented out with a note in the Debian file); the value memcached uses stays.',
  },
  check(ctx) {
    const byLetter = new Map<string, OptionEvent[]>();
    for (const o of ctx.model.applied.options) {
      if (o.spec.arg !== 'required' || ACCUMULATE.has(o.spec.short) || ctx.model.optionUnknown(o)) continue;
      const list = byLetter.get(o.spec.short) ?? [];
      list.push(o);
      byLetter.set(o.spec.short, list);
    }
    const source = ctx.config.source;
    for (const list of byLetter.values()) {
      const winner = list[list.length - 1];
      // Only occurrences written in the file; one from the unit's fixed text is MC908's.
      if (list.length < 2 || !fromFile(ctx, winner)) continue;
      const winSpan = ctx.spanOf(winner);
      const where = winSpan ? ` on line ${source.position(winSpan.start).line}` : '';
      for (const o of list.slice(0, -1)) {
        // Not one memcached refuses on the spot (`-t 0 -t 4` exits at -t 0): that is MC806's.
        if (!fromFile(ctx, o) || ownFailure(ctx, o)) continue;
        const same = o.value === winner.value;
        ctx.report({
          span: ctx.spanOf(o),
          message: same
            ? `${describeOption(ctx, o)} is given again${where}: the repetition has no effect`
            : `${describeOption(ctx, o)} is overridden by ${describeOption(ctx, winner)}${where}: memcached uses ${winner.value}`,
          fix: { option: o },
        });
      }
    }
  },
});
