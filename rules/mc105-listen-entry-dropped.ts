import { defineRule, security } from '../src/engine/rule.js';
import { parseListenList } from '../src/memcached/listen.js';

export const rule = defineRule({
  id: 'MC105',
  slug: 'listen-entry-dropped',
  severity: 'warning',
  // an -l silently dropped: listeners differ from what the file shows
  risk: security(3.1),
  summary: 'a later -l value is silently dropped',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-source', file: 'memcached.c', at: "main(), case 'l'", detail: 'strstr(settings.inter, optarg) (memcached 1.4.25 and later)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports an `-l` option that memcached ignores because its value occurs, as plain text, somewhere in the `-l` values ' +
      'given before it. A repeated identical address is not reported (nothing is lost); a different address that happens ' +
      'to be a substring, such as `127.0.0.1` after `127.0.0.11`, is.',
    why:
      'memcached appends every `-l` value to a comma-separated list, but first checks with `strstr()` whether the new value ' +
      'is already in the list. The check compares text, not addresses, so `-l 127.0.0.11 -l 127.0.0.1` listens on ' +
      '127.0.0.11 only, without any message; clients of the dropped address cannot connect.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.11\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n-l 127.0.0.11\n',
    },
    fix: 'None: give the addresses in one `-l` option separated by commas, or put the shorter one first.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('inter')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    const opts = { sslEnabled: s.sslEnabled, authFile: s.authFile !== null, version: ctx.model.version };
    const earlier = ctx.model.applied.listenParts;
    for (const d of ctx.model.applied.droppedListen) {
      const value = d.option.value ?? '';
      // Nothing is lost when every entry of the dropped value is already an entry of the list.
      const have = new Set(parseListenList(d.within, opts).map((e) => e.text));
      const mine = parseListenList(value, opts).map((e) => e.text);
      if (mine.every((t) => have.has(t))) continue;
      const container = earlier.find((p) => p.option.index < d.option.index && (p.option.value ?? '').includes(value));
      const where = container ? `the earlier -l ${container.option.value}` : `the earlier -l values "${d.within}"`;
      const lost = mine.filter((t) => !have.has(t));
      ctx.report({
        span: ctx.spanOf(d.option),
        message: `-l ${value} is silently dropped because "${value}" is contained in ${where}: memcached never listens on ${lost.join(', ')}`,
      });
    }
  },
});
