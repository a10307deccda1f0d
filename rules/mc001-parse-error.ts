import { correctness, defineRule } from '../src/engine/rule.js';

export const rule = defineRule({
  id: 'MC001',
  slug: 'parse-error',
  severity: 'error',
  // the file cannot be read as its dialect
  risk: correctness(),
  summary: 'the file cannot be read as its dialect',
  since: '0.1.0',
  phase: 'file',
  dialects: 'all',
  sources: [
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile= (the file must be valid UTF-8)' },
    { kind: 'reference', title: 'Debian memcached package: /usr/share/memcached/scripts/systemd-memcached-wrapper' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a configuration file that cannot be read at all: it is binary (holds NUL bytes), is not valid UTF-8, ' +
      'or cannot be opened. The finding points at the start of the file and no other rule runs on it. It also reports a file ' +
      'that its service cannot read as it should: a Compose file that is not valid YAML or has no memcached service, a ' +
      'supervisord file that configparser rejects or whose `command=` cannot be expanded or split.',
    why:
      'Neither the Debian wrapper nor systemd reads such a file the way an administrator expects it: systemd refuses an ' +
      'environment file that is not valid UTF-8, and a file the service cannot open leaves the Debian wrapper with no options ' +
      'at all (memcached then runs as root on every interface). A file mchard cannot read cannot be checked either.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\u0000\u0000\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n',
    },
    fix: 'None: restore the file from a backup or the package default (`/usr/share/memcached/memcached.conf.default` on Debian).',
  },
  // Unreadable files are reported by the command line when it reads them; here, what a dialect could not
  // read as its service would (invalid YAML in a Compose file, a supervisord file configparser rejects).
  check(ctx) {
    for (const n of ctx.config.notes) if (n.kind === 'parse-error') ctx.report({ span: n.span, message: n.message });
  },
});
