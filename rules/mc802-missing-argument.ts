import { correctness, defineRule } from '../src/engine/rule.js';
import { fromFile, optionLikeName, wordLetterSpan } from '../src/engine/helpers.js';
import { optionByShort } from '../src/memcached/options.js';

export const rule = defineRule({
  id: 'MC802',
  slug: 'missing-argument',
  severity: 'error',
  risk: correctness(),
  summary: 'an option without its value',
  since: '0.1.0',
  phase: 'command-line',
  dialects: 'all',
  sources: [
    { kind: 'manual', page: 'getopt(3)', section: 'an option with a required argument takes the next word, whatever it is' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'default: "Illegal argument" → exit(EXIT_FAILURE)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports an option that needs a value but has none: the last word of the command line (`-l` alone on the ' +
      'last line), which memcached refuses with exit 1; and an option whose value is the next word although that ' +
      'word is itself an option (`-l -p 11211`, `-u -m 64`): getopt hands it over as the value, so the option ' +
      'after it is never read.',
    why:
      'For a missing value getopt prints `option requires an argument`, memcached adds `Illegal argument "?"` and ' +
      'exits 1: the service does not start. When the next option is swallowed instead, memcached starts with ' +
      'settings nobody wrote: `-p -m 64` disables TCP (`-m` reads as port 0) and ignores `64`; `-u -l` looks for ' +
      'a user named `-l` (exit 67).',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n',
    },
    fix: 'None: only the author knows the value that was meant.',
  },
  check(ctx) {
    for (const ev of ctx.model.parsed.events) {
      if (ev.kind === 'error' && ev.error === 'missing-argument') {
        if (ctx.model.certainty.at(ev.index)) continue; // a word the template or the host decides
        ctx.report({
          span: wordLetterSpan(ctx, ev.index, ev.clusterOffset),
          message: `${ev.written} needs a value but nothing follows it: memcached exits 1 before starting ("${ev.message}")`,
        });
        continue;
      }
      if (ev.kind !== 'option' || ev.valueIndex === null || ev.valueIndex === ev.index || !fromFile(ctx, ev) || ctx.model.optionUnknown(ev)) continue;
      const v = ev.rawValue ?? '';
      // A value word that is an option memcached knows (not a negative number such as -p -1).
      const name = optionLikeName(v);
      if (name === null) continue;
      if (name.length === 1 && !optionByShort(name)) continue;
      ctx.report({
        span: ctx.spanOf(ev),
        message: `${ev.written} takes the next word "${v}" as its value, so memcached never reads ${v.split('=')[0]} as an option`,
      });
    }
  },
});
