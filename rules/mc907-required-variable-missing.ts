import type { Fix, Rule } from '../src/engine/types.js';
import type { SysconfigConfig } from '../src/dialects/sysconfig.js';
import { SYSCONFIG_REQUIRED, fromFile, lastOccurrence, occurrences, unsetVariableEffect } from '../src/engine/helpers.js';

export const rule: Rule = {
  id: 'MC907',
  slug: 'required-variable-missing',
  severity: 'error',
  summary: '`PORT`, `USER`, `CACHESIZE` or `MAXCONN` missing or empty',
  fixable: 'safe',
  dialects: ['sysconfig'],
  docs: {
    what:
      'Reports `PORT`, `USER`, `CACHESIZE` or `MAXCONN` missing from `/etc/sysconfig/memcached`, or set to an empty value. The ' +
      'memcached unit always passes them: `ExecStart=/usr/bin/memcached -p ${PORT} -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS`.',
    why:
      '`${NAME}` of an unset or empty variable is one empty argument. `-p ""` is port 0: TCP is silently off and memcached runs with ' +
      'no listener. `-u ""` counts as no `-u`, and memcached, started as root, exits 64. `-m ""` exits 64, `-c ""` exits 1. With the ' +
      'RHEL 7 unit (`-u $USER -p $PORT ...`, unbraced) an empty variable removes the argument altogether and the option swallows the ' +
      'next one. An `-p`, `-u` or `-m` inside `OPTIONS` comes later on the command line and overrides the empty value, so the rule ' +
      'stays quiet then (MC908 reports the override); an empty `MAXCONN` fails at once, whatever `OPTIONS` says.',
    example: {
      dialect: 'sysconfig',
      bad: 'PORT="11211"\nUSER=""\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1,::1"\n',
      good: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1,::1"\n',
    },
    fix:
      'Sets the variable to the distribution default: `PORT="11211"`, `USER="memcached"` (or the user given to `mchard fix --user`), ' +
      '`CACHESIZE="64"`, `MAXCONN="1024"`. When the variable is only missing because of an `export` keyword, drops the keyword instead.',
    references: [
      'systemd.service(5): Command lines (${NAME} is always exactly one argument)',
      'memcached scripts/memcached.service; Fedora memcached.sysconfig',
    ],
  },
  check(ctx) {
    if (ctx.config.dialect !== 'sysconfig') return;
    const config = ctx.config as SysconfigConfig;
    if (config.launchFailure) return;
    const skipped = config.loadError !== null; // the unbraced unit (EnvironmentFile=-) skips a file it cannot load
    for (const req of SYSCONFIG_REQUIRED) {
      const asg = skipped ? undefined : config.environment.get(req.key);
      const empty = asg !== undefined && asg.value.trim() === '';
      if (asg && !empty) continue;
      // A later -p/-u/-m in OPTIONS overrides the unit's empty ${NAME} (braced unit); -c "" fails before that.
      const last = lastOccurrence(ctx, req.letter);
      if (config.unit === 'braced' && req.key !== 'MAXCONN' && last && fromFile(ctx, last)) continue;

      let effect = unsetVariableEffect(config.unit, req.key) ?? '';
      if (config.unit === 'unbraced') {
        const unitOcc = occurrences(ctx, req.letter).find((o) => config.argv[o.index]?.origin === 'unit');
        if (unitOcc) effect += unitOcc.value === null ? ' (there is none: memcached exits 1)' : ` (here ${JSON.stringify(unitOcc.value)})`;
        else effect += ` (here -${req.letter} itself is taken as the value of the option before it)`;
      }
      const exported = config.notes.find((n) => n.kind === 'export' && n.data?.key === req.key);
      const value = req.key === 'USER' ? ctx.defaultUser() : req.fallback;
      let fix: Fix;
      if (exported && !asg) {
        fix = { safety: 'safe', description: `drop "export" so that systemd keeps ${req.key}`, intents: [{ kind: 'drop-text', span: exported.span }] };
      } else {
        fix = { safety: 'safe', description: `set ${req.key}="${value}"`, intents: [{ kind: 'set-variable', key: req.key, value }] };
      }

      let state: string;
      if (skipped) state = `${req.key} is unset because systemd skips the whole file (${config.loadError!.reason})`;
      else if (asg) state = `${req.key} is empty`;
      else if (exported) state = `${req.key} is not set: systemd drops the "export ${req.key}=" line (line ${config.source.position(exported.span.start).line})`;
      else state = `${req.key} is not set`;
      const span = asg ? { start: asg.keySpan.start, end: Math.max(asg.valueSpan.end, asg.keySpan.end) } : exported ? exported.span : null;
      ctx.report({ span, message: `${state}: ${effect}`, fix });
    }
  },
};
