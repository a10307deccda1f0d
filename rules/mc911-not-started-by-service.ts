import { correctness, noteRule } from '../src/engine/rule.js';

export const rule = noteRule({
  id: 'MC911',
  slug: 'not-started-by-service',
  severity: 'info',
  risk: correctness(),
  summary: 'the service manager does not start memcached from this file on its own',
  since: '0.1.0',
  dialects: ['rcconf', 'supervisord', 'helm', 'debian', 'sysconfig'],
  sources: [
    { kind: 'manual', page: 'rc.conf(5)', section: '${name}_enable' },
    { kind: 'reference', title: 'supervisord documentation: [program:x] autostart' },
    { kind: 'reference', title: 'Helm: Charts, the condition field of dependencies (memcached.enabled)', url: 'https://helm.sh/docs/topics/charts/#the-chart-file' },
    { kind: 'manual', page: 'systemd.unit(5)', section: 'Unit File Load Path' },
    { kind: 'reference', title: "Debian memcached: /etc/init.d/memcached (one instance per /etc/memcached_NAME.conf) and systemd-memcached-wrapper (\"Only root wants to run systemd-memcached-wrapper\")" },
  ],
  kinds: ['not-enabled', 'not-autostarted', 'not-read'],
  docs: {
    what:
      'Reports a FreeBSD `rc.conf` whose `memcached_enable` is not YES (rc does not start memcached at boot) and a supervisord program ' +
      'with `autostart=false` (supervisord starts it only on `supervisorctl start`), and the values of a parent chart with ' +
      '`memcached.enabled: false` (the memcached subchart is not installed). On the host itself (the file at its packaged path, ' +
      'linted where it is), Debian\'s `/etc/memcached.conf` or `/etc/memcached_NAME.conf` or RHEL\'s `/etc/sysconfig/memcached` that ' +
      "no service of this host runs memcached from: an administrator's `memcached.service` in `/etc/systemd/system` that runs " +
      "memcached itself, Debian's wrapper run as a user other than root, a masked unit, an instance file with no `memcached@` unit, " +
      "or `/etc/memcached.conf` while Debian's SysV script starts the `/etc/memcached_NAME.conf` instances instead, or, on a host " +
      'systemd does not run, `/etc/sysconfig/memcached` that its init script never names; and one whose unit or drop-in ' +
      'decides it (a drop-in that sets `ExecStart=`), or, without systemd, no init script at all. The other findings still describe what memcached ' +
      'does whenever it is started from the file.',
    why:
      'A hardened configuration that never runs protects nothing, and a memcached started by hand from a shell often runs with other ' +
      'options than the file says. Knowing that the file is not what starts memcached matters when reading the rest of the report.',
    example: {
      dialect: 'rcconf',
      bad: 'memcached_enable="NO"\nmemcached_flags="-l 127.0.0.1 -U 0"\n',
      good: 'memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n',
    },
    fix: 'None: enabling a service, or choosing which unit reads which file, is a decision mchard leaves to you (`sysrc memcached_enable=YES`, `autostart=true`, `systemctl cat memcached.service`); `mchard fix` still hardens the file, and restarts no service that does not read it.',
  },
});
