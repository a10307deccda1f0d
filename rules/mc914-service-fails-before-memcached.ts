import { correctness, defineRule } from '../src/engine/rule.js';
import { launchFailureText } from '../src/memcached/launch.js';

export const rule = defineRule({
  id: 'MC914',
  slug: 'service-fails-before-memcached',
  severity: 'error',
  summary: 'the service fails before memcached runs: memcached never starts',
  // memcached does not run: nothing it would do with the file (listeners, user) happens.
  risk: correctness(),
  since: '0.2.0',
  phase: 'dialect',
  dialects: 'all',
  sources: [
    { kind: 'reference', title: 'Debian memcached /usr/share/memcached/scripts/systemd-memcached-wrapper (exec "$memcached $params")' },
    { kind: 'reference', title: 'dash(1): a syntax error makes a non-interactive shell exit 2' },
    { kind: 'manual', page: 'systemd.service(5)', section: 'ExecStart= (more than one command only for Type=oneshot)' },
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile= ("Failed to load environment files")' },
    { kind: 'manual', page: 'openrc-run(8)', section: 'the conf.d file is sourced before the service starts' },
    { kind: 'manual', page: 'rc.subr(8)', section: '${name}_flags, ${name}_profiles' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a file with which the program that starts memcached fails before memcached runs: the `/bin/sh` that Debian\'s ' +
      'wrapper hands a line with shell characters to rejects it (a syntax error such as an unbalanced `(` or quote, or `;;` from ' +
      'a pasted terminal hyperlink) or fails before running the command (`${x y}`, a redirection from a missing file); ' +
      'systemd refuses to load the unit (an invalid section header, two `ExecStart=` for `Type=simple`, an environment file it ' +
      'cannot read); OpenRC or FreeBSD\'s rc cannot source the file; a bare command line has an unterminated quote; in a container, ' +
      "the image's own start script refuses the settings (Bitnami's setup.sh exits 1 for a `MEMCACHED_PORT_NUMBER` outside " +
      "1024–65535, its entrypoint hands a command that starts with an option to bash's `exec`: exit 2) or the kubelet refuses " +
      'the container (`runAsNonRoot` with a user it cannot check). The finding ' +
      'points where the program fails and gives its message and exit status. No listener, user or option finding is reported ' +
      'for such a file: memcached never reads its command line, so nothing it would do with it happens.',
    why:
      'The service does not start, and under systemd `Restart=` only repeats the failure: whatever the file says about ' +
      'listeners and users is never put into effect, and the cache the applications expect is simply missing. A report of ' +
      '"listens on every interface" for such a file would describe something that never happens.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-l 127.0.0.1\n-U 0\n-m 64)\n',
      good: '-u memcache\n-l 127.0.0.1\n-U 0\n-m 64\n',
    },
    fix: 'None: what the file was meant to say cannot be told from it. Correct the line the finding points at; then `mchard lint` checks the options.',
  },
  check(ctx) {
    const f = ctx.config.launchFailure;
    // A failure only some renderings of a template meet is not certain: MC910 names what decides it.
    if (!f || f.unknown) return;
    ctx.report({ span: f.span, message: `${launchFailureText(f)}; memcached's options were not checked` });
  },
});
