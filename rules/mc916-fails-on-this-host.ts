import { correctness, defineRule } from '../src/engine/rule.js';

export const rule = defineRule({
  id: 'MC916',
  slug: 'fails-on-this-host',
  severity: 'error',
  // exits before listening, on this machine
  risk: correctness(),
  summary: 'on the machine the file is on, memcached exits at start',
  since: '0.2.0',
  phase: 'settings',
  // Files read by a service of this machine; a container's users, addresses and folders are its image's.
  dialects: ['debian', 'sysconfig', 'systemd', 'openrc', 'rcconf', 'supervisord', 'argv'],
  sources: [
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: "getpwnam() of the -u user: \"can't find the user %s to switch to\" (EX_NOUSER, 67)" },
    { kind: 'memcached-source', file: 'memcached.c', at: 'server_socket()', detail: 'bind() of each -l address: "failed to listen on TCP port" (EX_OSERR, 71)' },
    { kind: 'manual', page: 'passwd(5)' },
    { kind: 'manual', page: 'systemd.exec(5)', section: 'Process exit codes: 216/GROUP and 217/USER, when the Group= or User= named cannot be looked up' },
    { kind: 'reference', title: 'supervisor 4.2.5, options.py: name_to_uid() of each user=, "Invalid user name", exit 2' },
    { kind: 'manual', page: 'nsswitch.conf(5)', section: 'a passwd or group source other than files (sss, ldap, nis) may hold a name /etc/passwd lacks: then no claim' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a file that memcached would start with on most hosts but not on the machine mchard runs on, when host checks apply ' +
      '(a file under `/etc`, or `--host-checks`): the `-u` user is not in this machine\'s `/etc/passwd`, a systemd unit\'s `User=` or ' +
      '`Group=` names an account the machine lacks (systemd then fails with 217/USER or 216/GROUP before memcached runs), a supervisord `user=` ' +
      'names one (supervisord refuses its configuration, exit 2), a `-l` address is not one ' +
      "of its interfaces', the `-u` user cannot create the unix socket's file in its folder, or the SASL configuration or the " +
      '`-Y` file is not there. The other findings are the same as anywhere: they judge the file for its service on any host. ' +
      '(The example is reported on a machine with no user cache-service.)',
    why:
      'Such a file passes every check that holds on any host, then memcached exits on the first restart here (the service ' +
      'fails and, with Restart=, loops). `inspect` shows the same outcome ("starts no"); this finding makes `lint` on the ' +
      'machine say it too.',
    example: {
      dialect: 'debian',
      bad: '-u cache-service\n-l 127.0.0.1\n-U 0\n',
      good: '-u memcache\n-l 127.0.0.1\n-U 0\n',
    },
    fix: 'None: create the user, the folder or the file memcached needs, or change the option to what this machine has.',
  },
  check(ctx) {
    // A failure every host meets is another rule's (MC202, MC203, MC603, MC806, ...).
    // A start-up that fails only as written, on a fact the host decides, does not hide this host's failure.
    if (ctx.model.startup.ok === false && ctx.model.startup.certain !== false) return;
    const here = ctx.onThisHost()?.startup;
    if (!here || here.ok !== false || here.certain === false) return;
    ctx.report({
      span: here.option ? ctx.spanOf(here.option) : (here.span ?? null),
      message:
        here.stage === 'launch'
          ? `on this machine memcached does not start: ${here.reason} (judged with this machine's users and groups: host checks)`
          : `on this machine memcached exits ${here.exitCode} at start: ${here.reason} (judged with this machine's users, addresses and folders: host checks)`,
    });
  },
});
