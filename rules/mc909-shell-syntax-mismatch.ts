import { correctness, defineRule } from '../src/engine/rule.js';

export const rule = defineRule({
  id: 'MC909',
  slug: 'shell-syntax-mismatch',
  severity: 'warning',
  risk: correctness(),
  summary: 'sysconfig text that systemd and a shell read differently',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['sysconfig'],
  sources: [
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile=' },
    { kind: 'reference', title: 'POSIX shell command language: 2.9.1 Simple Commands (assignments), 2.3 Token Recognition (comments)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports text in `/etc/sysconfig/memcached` that systemd\'s `EnvironmentFile=` parser and a POSIX shell read differently: ' +
      'whitespace around `=` (`PORT = "11211"`), an unquoted value with spaces (`OPTIONS=-l 127.0.0.1`), a `#` after an unquoted ' +
      'value (systemd keeps it as data, a shell reads a comment), quotes inside an unquoted value, `$(...)` or backticks, a line starting ' +
      'with `;` (a comment for systemd, a syntax error for a shell), and a comment ending in a backslash (systemd 252 reads the next line ' +
      'as part of the comment, 254 and later do not).',
    why:
      'The same file is read by systemd when the service starts and by a shell when something sources it: the EL5/6 SysV init script, ' +
      'scripts and configuration-management checks that run `. /etc/sysconfig/memcached`. Where the two disagree, the value tested in a ' +
      'shell is not the value memcached gets, or the file breaks the script that sources it.',
    example: {
      dialect: 'sysconfig',
      bad: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS=-l 127.0.0.1 -U 0\n',
      good: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n',
    },
    fix: 'None: write `KEY="value"` without spaces around `=`, quote every value, and put comments on lines of their own.',
  },
  check(ctx) {
    for (const note of ctx.config.notes) {
      if (note.kind !== 'shell-mismatch' && note.kind !== 'comment-continuation') continue;
      ctx.report({ span: note.span, message: note.message });
    }
  },
});
