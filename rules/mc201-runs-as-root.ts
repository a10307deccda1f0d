import { posix } from 'node:path';
import { defineRule, security, type FixContext, type FixProposal, type SafetyDecision } from '../src/engine/rule.js';
import { baseTcpPort, baseUdpPort, boundPort, describeOption, setUserFix } from '../src/engine/helpers.js';

/** setUserFix, except that Debian's own `-u root` (no place in the file) is added to, not replaced. */
function userFix(ctx: FixContext, fromWrapper: boolean): FixProposal {
  const fix = setUserFix(ctx);
  if (!fromWrapper) return fix;
  return { ...fix, intents: [{ kind: 'set-option', letter: 'u', value: ctx.defaultUser() }] };
}

/**
 * Whether memcached still starts once it runs as the new user: the host shows that the user exists and can
 * use everything memcached opens after it drops root (memcached.c main(): the privilege drop comes before
 * the auth file, the memory file, extstore, the unix socket, the listeners and the pid file).
 */
function decide(ctx: FixContext): SafetyDecision {
  const user = ctx.defaultUser();
  const host = ctx.host;
  const unsafe = (reason: string): SafetyDecision => ({ safety: 'unsafe', reason });
  if (!host) return unsafe(`host checks do not apply to this file (it is not under /etc; use --host-checks), so nothing shows that ${user} can run memcached here`);
  const account = host.account(user);
  if (account === undefined) return unsafe(`/etc/passwd cannot be read, so nothing shows that user ${user} exists`);
  if (account === null) return unsafe(`user ${user} does not exist on this machine (memcached would exit 67)`);
  const s = ctx.model.applied.settings;
  if (s.sasl) return unsafe(`with -S memcached reads the SASL database as ${user}, and mchard does not check that it can`);
  const low = [baseTcpPort(ctx), baseUdpPort(ctx), ...ctx.model.entries.map((e) => e.port ?? 0)]
    .map((p) => boundPort(p))
    .find((p) => p !== null && p > 0 && p < 1024);
  if (s.socketpath === null && low !== undefined) return unsafe(`port ${low} is below 1024, which ${user} cannot bind (memcached would exit 71)`);
  const dirs: [string, string][] = [];
  if (s.socketpath !== null) dirs.push([posix.dirname(s.socketpath), `the unix socket's directory (-s ${s.socketpath})`]);
  if (s.pidFile !== null) dirs.push([posix.dirname(s.pidFile), `the pid file's directory (-P ${s.pidFile})`]);
  if (s.memoryFile !== null) dirs.push([posix.dirname(s.memoryFile), `the memory file's directory (-e ${s.memoryFile})`]);
  const ext = s.extended.get('ext_path')?.value;
  if (ext) dirs.push([posix.dirname(ext.replace(/:[^:/]*$/, '')), `the extstore directory (ext_path=${ext})`]);
  for (const [dir, what] of dirs) {
    if (!posix.isAbsolute(dir)) return unsafe(`${what} is a relative path, which depends on the service's working directory`);
    const ok = host.canWriteDirectory(account, dir);
    if (ok !== true) return unsafe(`${user} ${ok === false ? 'cannot write to' : 'may not be able to write to'} ${dir}, ${what}`);
  }
  if (s.authFile !== null) {
    const ok = host.canReadFile(account, s.authFile);
    if (ok !== true) return unsafe(`${user} ${ok === false ? 'cannot read' : 'may not be able to read'} the authentication file ${s.authFile} (-Y)`);
  }
  const used = dirs.map(([d]) => d);
  return {
    safety: 'safe',
    reason: `user ${user} exists here${used.length ? ` and can write to ${used.join(', ')}` : ''}${s.authFile !== null ? ` and read ${s.authFile}` : ''}`,
  };
}

export const rule = defineRule({
  id: 'MC201',
  slug: 'runs-as-root',
  severity: 'error',
  // runs as root: a memory-corruption bug in memcached is a root compromise
  risk: security(7.8),
  summary: 'memcached keeps running as root',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -u, --user' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'the privilege drop (getpwnam, setgid, setuid)' },
    { kind: 'cve', id: 'CVE-2016-8704' },
    { kind: 'cve', id: 'CVE-2016-8705' },
    { kind: 'cve', id: 'CVE-2016-8706' },
    { kind: 'reference', title: 'Debian memcached: systemd-memcached-wrapper appends "-u root" to an empty configuration' },
  ],
  fix: {
    safety: 'unsafe',
    why:
      'memcached then runs as a user that may not exist, or may not be able to bind its ports or use the files it opens after ' +
      'dropping root (the unix socket and pid file directories, the -Y file, the -e file), so it may no longer start.',
    depends: {
      when:
        'host checks apply (a file under /etc, or --host-checks) and show that the user exists, that no port is below 1024, and ' +
        'that the user can write to the directories of the unix socket (-s), the pid file (-P), the memory file (-e) and extstore, ' +
        'and read the -Y file',
      decide: (ctx) => decide(ctx),
    },
    build: (ctx, state: { fromWrapper: boolean }) => userFix(ctx, state.fromWrapper),
  },
  docs: {
    what:
      'Reports a configuration under which memcached keeps running as root: `-u root` (or `USER="root"` in a sysconfig ' +
      'file), and a Debian file that sets no option at all, for which the wrapper itself starts memcached with `-u root`. ' +
      '(`-u 0` is not root: memcached looks for a user named "0"; see MC805.)',
    why:
      'memcached parses untrusted network input in C. Running it as root turns any memory-safety bug into a full ' +
      'compromise of the machine, and lets it write files (`-P`, `-e`, core dumps with `-r`) anywhere.',
    example: {
      dialect: 'debian',
      bad: '-u root\n-m 64\n-p 11211\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix:
      'Sets `-u memcache` on Debian or `USER="memcached"` on sysconfig files (the user given with `mchard fix --user` ' +
      'otherwise). During provisioning, `mchard fix --yes` on the system file applies it when the host checks show the user ' +
      'can run memcached, and holds it back (saying why) otherwise. A Debian `logfile` line needs nothing from the user: the SysV ' +
      'script opens the log as root, and systemd ignores the line.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('runsAs')) return; // the file does not decide it (template or host): MC910 says so
    if (ctx.model.runsAs !== 'root') return;
    const opt = ctx.model.applied.setBy.username;
    if (!opt) return;
    const fromWrapper = ctx.config.argv[opt.index]?.origin === 'wrapper';
    if (fromWrapper) {
      ctx.report({
        span: null,
        message: 'the file sets no option, so the Debian wrapper starts memcached with -u root and it runs as root on every interface',
        fix: { fromWrapper: true },
      });
      return;
    }
    const shown = describeOption(ctx, opt);
    ctx.report({
      span: ctx.spanOf(opt),
      message: `${shown} keeps memcached running as root, so any memory-corruption bug in it is a root compromise`,
      fix: { fromWrapper: false },
    });
  },
});
