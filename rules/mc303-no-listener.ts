import { correctness, defineRule } from '../src/engine/rule.js';
import { baseTcpPort, baseUdpPort, describeOption } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC303',
  slug: 'no-listener',
  severity: 'warning',
  risk: correctness(),
  summary: 'memcached runs with no listener at all',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -p, --port; -s, --unix-socket' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: '"if (settings.port && server_sockets(...))"' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a configuration whose effective TCP port is 0 (`-p 0`, or a `-p` value without digits), with UDP off and no ' +
      'unix socket (`-s`).',
    why:
      'memcached treats port 0 as "no TCP listener" and starts anyway: the service is active and healthy as far as systemd ' +
      'can tell, but no client can ever connect to it.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 0\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix: 'None: give a TCP port with `-p`, or a unix socket with `-s`.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (s.socketpath !== null || baseTcpPort(ctx) !== 0 || baseUdpPort(ctx) !== 0) return;
    const opt = ctx.model.applied.setBy.port;
    ctx.report({
      span: opt ? ctx.spanOf(opt) : ctx.insertionPoint(),
      message: `${opt ? describeOption(ctx, opt) : 'the configuration'} leaves memcached with TCP port 0, no UDP and no unix socket: it starts, but nobody can connect to it`,
    });
  },
});
