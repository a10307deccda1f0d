import { correctness, defineRule } from '../src/engine/rule.js';
import { setUserFix } from '../src/engine/helpers.js';
import { atLeast } from '../src/memcached/version.js';

export const rule = defineRule({
  id: 'MC202',
  slug: 'user-missing',
  severity: 'error',
  // exits 64
  risk: correctness(),
  summary: 'started as root without a usable -u: memcached exits 64',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -u, --user' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: "\"can't run as root without the -u switch\" / \"must add '-u root' to start as root\" (EX_USAGE, 64)" },
    { kind: 'reference', title: 'Debian memcached: systemd-memcached-wrapper (the "-u root" default applies only to an empty file)' },
  ],
  fix: {
    safety: 'safe',
    why: 'memcached does not start at all without it; with it, it starts as an unprivileged user (MC203 and the host checks of mchard fix tell when that user cannot).',
    build: (ctx, _state: true) => setUserFix(ctx),
  },
  docs: {
    what:
      'Reports a configuration that starts memcached as root with no `-u`, or with an empty one. On Debian that is any file ' +
      'with at least one option and no `-u` line (the wrapper adds `-u root` only to an empty file); on sysconfig files it ' +
      'is a missing or empty `USER`.',
    why:
      'Both the Debian unit and the RHEL/Fedora unit start memcached as root and leave the privilege drop to `-u`. ' +
      'Without it memcached refuses to run as root and exits with status 64 ("can\'t run as root without the -u switch", ' +
      'from 1.6.35 "must add \'-u root\' to start as root"): the service does not start.',
    example: {
      dialect: 'debian',
      bad: '-m 64\n-p 11211\n-l 127.0.0.1\n',
      good: '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n',
    },
    fix: 'Adds `-u memcache` on Debian or sets `USER="memcached"` on sysconfig files (or the user given with `mchard fix --user`).',
  },
  check(ctx) {
    if (ctx.model.unknownOf('username')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (s.username !== null && s.username !== '') return;
    // A successful start without -u means memcached was not started as root (no privilege drop happens).
    if (ctx.model.startup.ok) return;
    // Started as another user (supervisord's user=, a container's USER or runAsUser): -u is not needed, and a
    // start-up failure is another option's (an -l value the host decides, say), not the missing -u.
    if (ctx.config.startsAs !== undefined && ctx.config.startsAs !== 'root') return;
    const text = atLeast(ctx.model.version, '1.6.35') ? "must add '-u root' to start as root" : "can't run as root without the -u switch";
    const opt = ctx.model.applied.setBy.username;
    if (!opt) {
      const wrapper = ctx.config.dialect === 'debian' ? ' (the Debian wrapper adds -u root only to a file with no options at all)' : '';
      const why = ctx.config.startsAsWhy ? ` (${ctx.config.startsAsWhy})` : '';
      ctx.report({
        span: ctx.insertionPoint(),
        message: `no -u option: memcached is started as root${why} and exits 64 ("${text}")${wrapper}`,
        fix: true,
      });
      return;
    }
    const fromUnit = ctx.config.argv[opt.index]?.origin === 'unit';
    ctx.report({
      // A USER that is not in the file at all has no place: the finding then points at the file as a whole.
      span: ctx.spanOf(opt) ?? (fromUnit ? null : ctx.insertionPoint()),
      message: fromUnit
        ? `USER is empty or missing, so the unit passes -u "" and memcached, started as root, exits 64 ("${text}")`
        : `${opt.written} with an empty user counts as no -u: memcached, started as root, exits 64 ("${text}")`,
      fix: true,
    });
  },
});
