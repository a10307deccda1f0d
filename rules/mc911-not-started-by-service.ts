import { correctness, noteRule } from '../src/engine/rule.js';

export const rule = noteRule({
  id: 'MC911',
  slug: 'not-started-by-service',
  severity: 'info',
  risk: correctness(),
  summary: 'the service manager does not start memcached from this file on its own',
  since: '0.1.0',
  dialects: ['rcconf', 'supervisord', 'helm'],
  sources: [
    { kind: 'manual', page: 'rc.conf(5)', section: '${name}_enable' },
    { kind: 'reference', title: 'supervisord documentation: [program:x] autostart' },
    { kind: 'reference', title: 'Helm: Charts, the condition field of dependencies (memcached.enabled)', url: 'https://helm.sh/docs/topics/charts/#the-chart-file' },
  ],
  kinds: ['not-enabled', 'not-autostarted'],
  docs: {
    what:
      'Reports a FreeBSD `rc.conf` whose `memcached_enable` is not YES (rc does not start memcached at boot) and a supervisord program ' +
      'with `autostart=false` (supervisord starts it only on `supervisorctl start`), and the values of a parent chart with ' +
      '`memcached.enabled: false` (the memcached subchart is not installed). The other findings still describe what memcached ' +
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
  },
});
