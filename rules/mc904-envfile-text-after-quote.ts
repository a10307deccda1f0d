import { correctness, defineRule } from '../src/engine/rule.js';
import type { Span } from '../src/source.js';

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

export const rule = defineRule({
  id: 'MC904',
  slug: 'envfile-text-after-quote',
  severity: 'error',
  risk: correctness(),
  summary: 'text after a closing quote is glued onto the value',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['sysconfig'],
  sources: [
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile=' },
    { kind: 'reference', title: 'systemd src/basic/env-file.c: parse_env_file_internal() (closing quote returns to PRE_VALUE)' },
  ],
  fix: {
    safety: 'safe',
    why: 'The value becomes what the file shows and a shell reads; memcached got a corrupted value before (usually it did not start).',
    build: (_ctx, state: { key: string; span: Span; glued: string }) => ({
      description: `move ${JSON.stringify(state.glued)} to a comment line above ${state.key}`,
      intents: [{ kind: 'move-comment', key: state.key, span: state.span }],
    }),
  },
  docs: {
    what:
      'Reports text that follows the closing quote of a value in `/etc/sysconfig/memcached`, typically a trailing comment: ' +
      '`OPTIONS="-l 127.0.0.1" # loopback only`. systemd\'s `EnvironmentFile=` parser has no trailing comments; after a closing quote it ' +
      'skips whitespace and appends whatever follows to the value.',
    why:
      'The value is not what the file shows. `OPTIONS="-l 127.0.0.1" # loopback only` becomes `-l 127.0.0.1# loopback only`: memcached ' +
      'receives `-l 127.0.0.1#`, cannot resolve that as a host and exits 71. `OPTIONS="-l 127.0.0.1" "-U 0"` becomes `-l 127.0.0.1-U 0`. ' +
      'A shell sourcing the same file reads the comment as a comment, so the file seems fine when tested that way.',
    example: {
      dialect: 'sysconfig',
      bad: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1" # loopback only\n',
      good: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n# loopback only\nOPTIONS="-l 127.0.0.1"\n',
    },
    fix: 'When the glued text is a comment (starts with `#`), moves it onto a comment line above the assignment. Other glued text is left alone: put it inside the quotes or delete it.',
  },
  check(ctx) {
    const config = ctx.config;
    for (const note of config.notes) {
      if (note.kind !== 'text-after-quote') continue;
      const { key, text: glued, comment: isComment } = note;
      const asg = config.assignments.find((a) => a.valueSpan.start <= note.span.start && note.span.start < a.valueSpan.end);
      let message = `systemd appends ${JSON.stringify(glued)} to the value of ${key}${isComment ? ' (a "#" after a value is not a comment)' : ''}`;
      if (asg) message += `: ${key} becomes ${JSON.stringify(asg.value)}`;
      // What memcached receives from the glued text, when the unit passes this value on.
      const idx = config.argv.flatMap((t, k) => (t.origin === 'file' && t.span && asg && overlaps(t.span, note.span) ? [k] : []));
      // A file with which the unit fails before memcached runs (MC914): memcached receives nothing.
      if (idx.length > 0 && !config.launchFailure) {
        const consequences: string[] = [];
        for (const ev of ctx.model.parsed.events) {
          if (ev.kind === 'error' && idx.includes(ev.index)) {
            consequences.push(`${ev.message}: memcached exits 1`);
          } else if (ev.kind === 'option' && ev.valueIndex !== null && idx.includes(ev.valueIndex)) {
            if (ev.spec.short === 'l' && /#/.test(ev.value ?? '')) {
              consequences.push(`memcached cannot resolve the listen address ${JSON.stringify(ev.value)} and exits 71`);
            } else if (ev.spec.short === 'u') {
              consequences.push(`memcached looks for a user named ${JSON.stringify(ev.value)} and exits 67 when there is none`);
            }
          }
        }
        const ignored = ctx.model.parsed.events.filter((ev) => ev.kind === 'ignored' && idx.includes(ev.index)).map((ev) => JSON.stringify(config.argv[ev.index].value));
        if (ignored.length) consequences.push(`it ignores ${ignored.join(', ')}`);
        const f = ctx.model.startup.ok ? null : ctx.model.startup;
        if (f && f.option && (idx.includes(f.option.index) || (f.option.valueIndex !== null && idx.includes(f.option.valueIndex))) && consequences.length === 0) {
          consequences.push(`memcached exits ${f.exitCode}: ${f.reason}`);
        }
        message += `, and memcached receives ${idx.map((k) => JSON.stringify(config.argv[k].value)).join(', ')}${consequences.length ? ` — ${consequences.join('; ')}` : ''}`;
      }
      ctx.report({
        span: note.span,
        message,
        ...(isComment ? { fix: { key, span: note.span, glued } } : {}),
      });
    }
  },
});
