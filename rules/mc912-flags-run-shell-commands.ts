import { noteRule, security } from '../src/engine/rule.js';

export const rule = noteRule({
  id: 'MC912',
  slug: 'flags-run-shell-commands',
  severity: 'error',
  // rc evaluates the flags with a shell as root: further commands run as root
  risk: security(7.2),
  summary: 'a `;`, `&` or `|` in the flags makes the init system run further commands as root',
  since: '0.1.0',
  dialects: ['rcconf'],
  sources: [
    { kind: 'reference', title: 'FreeBSD ports databases/memcached files/memcached.in' },
    { kind: 'manual', page: 'rc.subr(8)', section: 'run_rc_command' },
  ],
  kinds: ['shell-extra-command'],
  docs: {
    what:
      "Reports a FreeBSD `memcached_flags` value holding an unquoted `;`, `&` or `|`. The rc.d script puts the flags into a command line " +
      'that a shell evaluates (through `su -m USER -c` and `sh -c`), so what follows the operator is a command of its own, and the ' +
      "script's own `-d -u USER -P PIDFILE` no longer reach memcached.",
    why:
      'Whoever can write the flags can run any command when the service starts, and memcached itself loses its user and pid file ' +
      'options: it may stay in the foreground or keep running as root.',
    example: {
      dialect: 'rcconf',
      bad: 'memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0; touch /tmp/x"\n',
      good: 'memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n',
    },
    fix: 'None: mchard cannot know what the extra command was for. Move it out of the flags (into a script of its own) or quote the character.',
  },
});
