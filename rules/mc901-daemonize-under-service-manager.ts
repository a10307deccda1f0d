import type { Rule } from '../src/engine/types.js';
import { fromFile, occurrences } from '../src/engine/helpers.js';

export const rule: Rule = {
  id: 'MC901',
  slug: 'daemonize-under-service-manager',
  severity: 'error',
  summary: '-d/--daemon reaches memcached although a service manager runs it',
  fixable: 'safe',
  docs: {
    what:
      'Reports a `-d`/`--daemon` that actually reaches memcached. On Debian the wrapper drops every line that *starts* with `-d` ' +
      '(the stock file has such a line, and it is harmless), but passes through `-d` anywhere else: a clustered `-vd`, a line such as ' +
      '`-m 64 -d`, or the long form `--daemon`. In a sysconfig file every `-d` inside `OPTIONS` reaches memcached.',
    why:
      'Both the Debian unit and the upstream/Fedora unit run memcached as a `Type=simple` service: the process systemd starts is the ' +
      'service. With `-d` memcached forks, and the process systemd started exits right away; systemd considers the service finished and ' +
      'stops what is left of it. On Debian `Restart=always` then starts it again, in a loop, until the start rate limit puts the unit ' +
      'into the `failed` state.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-l 127.0.0.1\n-m 64 -d\n',
      good: '-u memcache\n-l 127.0.0.1\n-m 64\n',
    },
    fix: 'Removes the `-d` (or `--daemon`) from the line, leaving the other options of the line in place (for `-vd`, only the letter `d`).',
    references: [
      'memcached(1): -d, --daemon',
      'systemd.service(5): Type=simple',
      'Debian memcached /usr/share/memcached/scripts/systemd-memcached-wrapper (drops lines matching /^-[dh]/)',
    ],
  },
  check(ctx) {
    if (!ctx.model.applied.settings.daemonize) return;
    const debian = ctx.config.dialect === 'debian';
    const consequence = debian
      ? 'the Debian unit is Type=simple, so systemd takes the exit of the forking parent for the end of the service, stops it, and Restart=always restarts it in a loop until the start rate limit marks the unit failed'
      : 'the memcached unit is Type=simple, so systemd takes the exit of the forking parent for the end of the service and stops the daemonized memcached with it';
    const where = (written: string, word: string, clustered: boolean) =>
      debian
        ? clustered
          ? `the "d" in "${word}" is not at the start of the line, so the wrapper does not drop it`
          : `${written} not at the start of a line is passed through by the wrapper`
        : `${written} in OPTIONS is passed to memcached`;
    const ds = occurrences(ctx, 'd').filter((o) => fromFile(ctx, o));
    const shown = ds.length > 0 ? ds : [ctx.model.applied.setBy.daemonize].filter((o) => o !== undefined);
    for (const o of shown) {
      const clustered = o.clusterOffset > 1;
      const word = ctx.config.argv[o.index]?.value ?? o.written;
      ctx.report({
        span: ctx.spanOf(o),
        message: `${clustered ? '-d' : o.written} makes memcached fork into the background: ${where(o.written, word, clustered)}; ${consequence}`,
        fix: {
          safety: 'safe',
          description: `remove ${clustered ? 'the "d" from the option cluster' : o.written}`,
          intents: [{ kind: 'remove-option', option: o }],
        },
      });
    }
  },
};
