import { correctness, noteRule } from '../src/engine/rule.js';

export const rule = noteRule({
  id: 'MC913',
  slug: 'unit-variable-unset',
  severity: 'warning',
  risk: correctness(),
  summary: '`ExecStart=` uses a variable that nothing sets',
  since: '0.1.0',
  dialects: ['systemd'],
  sources: [
    { kind: 'manual', page: 'systemd.service(5)', section: 'Command lines — variable expansion' },
  ],
  kinds: ['unset-variable'],
  docs: {
    what:
      'Reports a `$VAR` or `${VAR}` in a unit\'s `ExecStart=` that neither `Environment=` nor a readable `EnvironmentFile=` sets. systemd ' +
      'expands `$VAR` to no argument at all and `${VAR}` to an empty argument, without a warning.',
    why:
      'An empty argument shifts what memcached reads: `-p ${PORT}` with PORT unset makes `-p` take an empty port, and an option that ' +
      'was meant to come from the variable silently falls back to its default (listen on every interface, UDP per version).',
    example: {
      dialect: 'systemd',
      bad: '[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 $EXTRA\n',
      good: '[Service]\nUser=memcache\nEnvironment=EXTRA=-v\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 $EXTRA\n',
    },
    fix: 'None: set the variable with `Environment=` or in the environment file, or remove it from `ExecStart=`.',
  },
});
