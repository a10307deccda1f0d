import { correctness, defineRule } from '../src/engine/rule.js';
import type { Span } from '../src/source.js';
import { SYSCONFIG_REQUIRED, fromFile, lastOccurrence, occurrences, unsetVariableEffect } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC907',
  slug: 'required-variable-missing',
  severity: 'error',
  risk: correctness(),
  summary: '`PORT`, `USER`, `CACHESIZE` or `MAXCONN` missing or empty',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['sysconfig'],
  sources: [
    { kind: 'manual', page: 'systemd.service(5)', section: 'Command lines (${NAME} is always exactly one argument)' },
    { kind: 'memcached-source', file: 'scripts/memcached.service', at: 'ExecStart=' },
    { kind: 'reference', title: 'Fedora memcached package: memcached.sysconfig' },
  ],
  fix: {
    safety: 'safe',
    why: 'Without USER, CACHESIZE or MAXCONN memcached does not start at all; the fix gives it the distribution default.',
    depends: {
      when: 'the variable is PORT: the unit passes -p "" now, which turns TCP off, and PORT="11211" turns a TCP listener on',
      decide: (_ctx, state: { key: string; value: string; exported: Span | null }) =>
        state.key === 'PORT'
          ? { safety: 'unsafe', reason: 'the unit passes -p "" now, which turns TCP off; setting PORT opens a TCP listener that is not there today' }
          : { safety: 'safe', reason: `memcached does not start without ${state.key}` },
    },
    build: (_ctx, state: { key: string; value: string; exported: Span | null }) =>
      state.exported
        ? { description: `drop "export" so that systemd keeps ${state.key}`, intents: [{ kind: 'drop-text', span: state.exported }] }
        : { description: `set ${state.key}="${state.value}"`, intents: [{ kind: 'set-variable', key: state.key, value: state.value }] },
  },
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
  },
  check(ctx) {
    const config = ctx.config;
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
      const exported = config.notes.find((n) => n.kind === 'export' && n.key === req.key);
      const value = req.key === 'USER' ? ctx.defaultUser() : req.fallback;
      const fix = { key: req.key, value, exported: exported && !asg ? exported.span : null };

      let state: string;
      if (skipped) state = `${req.key} is unset because systemd skips the whole file (${config.loadError!.reason})`;
      else if (asg) state = `${req.key} is empty`;
      else if (exported) state = `${req.key} is not set: systemd drops the "export ${req.key}=" line (line ${config.source.position(exported.span.start).line})`;
      else state = `${req.key} is not set`;
      const span = asg ? { start: asg.keySpan.start, end: Math.max(asg.valueSpan.end, asg.keySpan.end) } : exported ? exported.span : null;
      ctx.report({ span, message: `${state}: ${effect}`, fix });
    }
  },
});
