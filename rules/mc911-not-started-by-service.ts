import type { Rule } from '../src/engine/types.js';

const NOT_STARTED = new Set(['not-enabled', 'not-autostarted']);

export const rule: Rule = {
  id: 'MC911',
  slug: 'not-started-by-service',
  severity: 'info',
  summary: 'the service manager does not start memcached from this file on its own',
  fixable: null,
  docs: {
    what:
      'Reports a FreeBSD `rc.conf` whose `memcached_enable` is not YES (rc does not start memcached at boot) and a supervisord program ' +
      'with `autostart=false` (supervisord starts it only on `supervisorctl start`). The other findings still describe what memcached ' +
      'does when it is started by hand.',
    why:
      'A hardened configuration that never runs protects nothing, and a memcached started by hand from a shell often runs with other ' +
      'options than the file says. Knowing that the file is not what starts memcached matters when reading the rest of the report.',
    example: {
      dialect: 'rcconf',
      bad: 'memcached_enable="NO"\nmemcached_flags="-l 127.0.0.1 -U 0"\n',
      good: 'memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n',
    },
    fix: 'None: enabling a service is a decision mchard leaves to you (`sysrc memcached_enable=YES`, `autostart=true`).',
    references: ['rc.conf(5): ${name}_enable', 'supervisord documentation: [program:x] autostart'],
  },
  check(ctx) {
    for (const note of ctx.config.notes) if (NOT_STARTED.has(note.kind)) ctx.report({ span: note.span, message: note.message });
  },
};
