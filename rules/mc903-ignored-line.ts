import { correctness, defineRule } from '../src/engine/rule.js';
import { OPTIONS } from '../src/memcached/options.js';

/** The option a mistyped Debian directive probably meant (`l 127.0.0.1` → `-l`, `listen ...` → `--listen`). */
function meantOption(directive: string): string | null {
  const bare = directive.replace(/^-+/, '');
  if (bare.length === 1 && OPTIONS.some((o) => o.short === bare)) return `-${bare}`;
  const long = OPTIONS.find((o) => o.long === bare);
  return long ? `--${long.long}` : null;
}

export const rule = defineRule({
  id: 'MC903',
  slug: 'ignored-line',
  severity: 'warning',
  risk: correctness(),
  summary: 'a line the service silently ignores',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['debian', 'sysconfig', 'systemd', 'compose', 'dockerfile', 'kubernetes', 'helm'],
  sources: [
    { kind: 'reference', title: 'Debian memcached /usr/share/memcached/scripts/systemd-memcached-wrapper (directive lines) and start-memcached' },
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile= — lines without "=" are ignored' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a line that the service reads and then silently throws away. Debian: a line that does not start with `-` and holds ' +
      'whitespace (`foo bar`, a mistyped `l 127.0.0.1`, `LOGFILE x`), other than `logfile PATH` (the stock file\'s own line), and a line ' +
      'that is just `0`. sysconfig: a line without `=` (systemd ignores it) and an assignment whose name is not a valid variable name ' +
      '(systemd drops it; `export NAME=` lines are MC905\'s). Containers (Compose, Dockerfile, Kubernetes, Bitnami chart values): a setting the image ignores, such as ' +
      "`MEMCACHED_*` variables given to the official image (only Bitnami's reads them), the lines after the first of Bitnami's " +
      '`MEMCACHED_EXTRA_FLAGS`, a `MEMCACHED_PASSWORD` whose SASL setup never runs because the entrypoint is replaced, or a `CMD` ' +
      'that a shell-form `ENTRYPOINT` never passes on.',
    why:
      'Whatever the line was meant to do does not happen, and nothing says so: memcached starts without the setting. On Debian the SysV ' +
      'script `start-memcached` is stricter than the systemd wrapper and dies on any directive other than `logfile`, so the same file ' +
      'also behaves differently depending on how the service is started.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\nl 127.0.0.1\n-m 64\n',
      good: '-u memcache\n-l 127.0.0.1\n-m 64\n',
    },
    fix: 'None: mchard cannot tell what the line was meant to say. Turn it into an option (Debian) or a `KEY="value"` assignment (sysconfig), or delete it.',
  },
  check(ctx) {
    for (const note of ctx.config.notes) {
      if (note.kind === 'ignored-line') {
        const directive = note.directive;
        if (directive === null) {
          ctx.report({ span: note.span, message: note.message });
          continue;
        }
        const meant = meantOption(directive);
        ctx.report({
          span: note.span,
          message:
            `the wrapper silently ignores this line: "${directive}" does not start with "-", so it is not an option` +
            (meant ? ` (did you mean ${meant}?)` : '') +
            '; under the SysV script start-memcached refuses any directive but "logfile" and memcached does not start',
        });
      } else if (note.kind === 'line-without-equals') {
        const hint = note.text.startsWith('-') ? '; memcached options belong inside OPTIONS="..."' : '';
        ctx.report({ span: note.span, message: `${note.message}${hint}` });
      } else if (note.kind === 'invalid-name' || note.kind === 'ignored-setting') {
        ctx.report({ span: note.span, message: note.message });
      }
    }
  },
});
