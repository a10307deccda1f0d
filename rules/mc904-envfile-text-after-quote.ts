import type { Rule } from '../src/engine/types.js';
import type { SysconfigConfig } from '../src/dialects/sysconfig.js';
import type { Span } from '../src/source.js';

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

export const rule: Rule = {
  id: 'MC904',
  slug: 'envfile-text-after-quote',
  severity: 'error',
  summary: 'text after a closing quote is glued onto the value',
  fixable: 'safe',
  dialects: ['sysconfig'],
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
    references: [
      'systemd.exec(5): EnvironmentFile=',
      'systemd src/basic/env-file.c: parse_env_file_internal() (closing quote returns to PRE_VALUE)',
    ],
  },
  check(ctx) {
    if (ctx.config.dialect !== 'sysconfig') return;
    const config = ctx.config as SysconfigConfig;
    for (const note of config.notes) {
      if (note.kind !== 'text-after-quote') continue;
      const key = String(note.data?.key ?? '');
      const glued = String(note.data?.text ?? config.source.slice(note.span));
      const isComment = glued.startsWith('#');
      const asg = config.assignments.find((a) => a.valueSpan.start <= note.span.start && note.span.start < a.valueSpan.end);
      let message = `systemd appends ${JSON.stringify(glued)} to the value of ${key}${isComment ? ' (a "#" after a value is not a comment)' : ''}`;
      if (asg) message += `: ${key} becomes ${JSON.stringify(asg.value)}`;
      // What memcached receives from the glued text, when the unit passes this value on.
      const idx = config.argv.flatMap((t, k) => (t.origin === 'file' && t.span && asg && overlaps(t.span, note.span) ? [k] : []));
      if (idx.length > 0) {
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
        ...(isComment
          ? { fix: { safety: 'safe' as const, description: `move ${JSON.stringify(glued)} to a comment line above ${key}`, intents: [{ kind: 'move-comment' as const, key, span: note.span }] } }
          : {}),
      });
    }
  },
};
