import { correctness, defineRule } from '../src/engine/rule.js';
import { fromFile, occurrences } from '../src/engine/helpers.js';
import type { OptionEvent } from '../src/memcached/getopt.js';

/** Service managers other than systemd that expect memcached to stay in the foreground. */
const SUPERVISED: Partial<Record<string, { field: string; consequence: string }>> = {
  supervisord: {
    field: 'command=',
    consequence:
      'supervisord expects its program to stay in the foreground, so the forking parent exits at once, supervisord restarts it ("exited too quickly"), each restart fails to bind the port the unsupervised daemon still holds, and the program ends FATAL',
  },
  compose: {
    field: 'command:',
    consequence: 'memcached is the container\'s main process, so the forking parent exits, the container stops and takes the daemonized memcached with it',
  },
  dockerfile: {
    field: 'the image\'s command',
    consequence: 'memcached is the container\'s main process, so the forking parent exits, the container stops and takes the daemonized memcached with it',
  },
  kubernetes: {
    field: 'the container\'s command or args',
    consequence:
      'memcached is the container\'s main process, so the forking parent exits, the container stops and takes the daemonized memcached with it; under restartPolicy: Always (a Deployment\'s, a StatefulSet\'s) the kubelet restarts it again and again (CrashLoopBackOff)',
  },
  helm: {
    field: 'the chart\'s values',
    consequence:
      'memcached is the container\'s main process, so the forking parent exits, the container stops and takes the daemonized memcached with it; under restartPolicy: Always (a Deployment\'s, a StatefulSet\'s) the kubelet restarts it again and again (CrashLoopBackOff)',
  },
};

export const rule = defineRule({
  id: 'MC901',
  slug: 'daemonize-under-service-manager',
  severity: 'error',
  risk: correctness(),
  summary: '-d/--daemon reaches memcached although a service manager runs it',
  since: '0.1.0',
  phase: 'settings',
  dialects: ['debian', 'sysconfig', 'systemd', 'compose', 'supervisord', 'dockerfile', 'kubernetes', 'helm'],
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -d, --daemon' },
    { kind: 'manual', page: 'systemd.service(5)', section: 'Type=simple' },
    { kind: 'reference', title: 'Debian memcached /usr/share/memcached/scripts/systemd-memcached-wrapper (drops lines matching /^-[dh]/)' },
  ],
  fix: {
    safety: 'safe',
    why: 'The service is broken with -d (the service manager stops or restarts it); without it memcached stays in the foreground, as its unit expects.',
    build: (_ctx, state: { option: OptionEvent }) => ({
      description: `remove ${state.option.clusterOffset > 1 ? 'the "d" from the option cluster' : state.option.written}`,
      intents: [{ kind: 'remove-option', option: state.option }],
    }),
  },
  docs: {
    what:
      'Reports a `-d`/`--daemon` that actually reaches memcached. On Debian the wrapper drops every line that *starts* with `-d` ' +
      '(the stock file has such a line, and it is harmless), but passes through `-d` anywhere else: a clustered `-vd`, a line such as ' +
      '`-m 64 -d`, or the long form `--daemon`. In a sysconfig file every `-d` inside `OPTIONS` reaches memcached. In a container ' +
      "(Compose, a Dockerfile, a Kubernetes manifest, the Bitnami chart's values) memcached is the main process, so any `-d` counts, " +
      'except in a shell-form Dockerfile command that goes on after memcached (`memcached -d && exec app`): there /bin/sh and the next ' +
      'command keep the container running, and `-d` is what lets the shell reach it.',
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
  },
  check(ctx) {
    if (!ctx.model.applied.settings.daemonize) return;
    // (Not openrc nor rcconf: OpenRC's start-stop-daemon and FreeBSD's rc.subr pass -d themselves and expect
    // memcached to fork; not argv: a bare command line is not run by a service manager.)
    // A systemd unit of Type=forking expects exactly that fork; other types do not.
    const unitType = ctx.config.dialect === 'systemd' ? (ctx.config.serviceType ?? 'simple') : null;
    if (unitType === 'forking') return;
    // A Dockerfile's shell-form command that goes on after memcached (`memcached -u nobody -d && bundle exec
    // ruby app.rb`, uasi/vaporbin): /bin/sh is the container's main process, the forking parent's exit 0
    // lets it run the next command, which keeps the container (and the daemon) running. There -d is what
    // lets the line go on; without it the next command would wait for memcached to exit.
    if (ctx.config.dialect === 'dockerfile' && ctx.config.notes.some((n) => n.kind === 'shell-extra-command' && ['&&', ';'].includes((n as { operator?: string }).operator ?? ''))) return;
    const supervised = unitType !== null
      ? { field: 'ExecStart=', consequence: `the unit is Type=${unitType}, so systemd takes the exit of the forking parent for the end of the service and stops the daemonized memcached with it (only Type=forking expects the fork)` }
      : SUPERVISED[ctx.config.dialect];
    const debian = ctx.config.dialect === 'debian';
    const consequence = debian
      ? 'the Debian unit is Type=simple, so systemd takes the exit of the forking parent for the end of the service, stops it, and Restart=always restarts it in a loop until the start rate limit marks the unit failed'
      : (supervised?.consequence ??
        'the memcached unit is Type=simple, so systemd takes the exit of the forking parent for the end of the service and stops the daemonized memcached with it');
    const where = (written: string, word: string, clustered: boolean) =>
      debian
        ? clustered
          ? `the "d" in "${word}" is not at the start of the line, so the wrapper does not drop it`
          : `${written} not at the start of a line is passed through by the wrapper`
        : `${written} in ${supervised?.field ?? 'OPTIONS'} is passed to memcached`;
    const ds = occurrences(ctx, 'd').filter((o) => fromFile(ctx, o) && !ctx.model.optionUnknown(o));
    if (ds.length === 0 && ctx.model.unknownOf('daemonize')) return;
    const shown = ds.length > 0 ? ds : [ctx.model.applied.setBy.daemonize].filter((o) => o !== undefined);
    for (const o of shown) {
      const clustered = o.clusterOffset > 1;
      const word = ctx.config.argv[o.index]?.value ?? o.written;
      ctx.report({
        span: ctx.spanOf(o),
        message: `${clustered ? '-d' : o.written} makes memcached fork into the background: ${where(o.written, word, clustered)}; ${consequence}`,
        fix: { option: o },
      });
    }
  },
});
