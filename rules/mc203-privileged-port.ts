import { correctness, defineRule } from '../src/engine/rule.js';
import type { Span } from '../src/source.js';
import { describeOption, baseTcpPort, baseUdpPort, boundPort, listenEntrySpan } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC203',
  slug: 'privileged-port',
  severity: 'error',
  // exits 71
  risk: correctness(),
  summary: 'a port below 1024 with a non-root user: memcached exits 71',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'privileges are dropped before server_sockets()' },
    { kind: 'reference', title: 'Debian memcached.service: CapabilityBoundingSet without CAP_NET_BIND_SERVICE' },
  ],
  fix: null,
  docs: {
    what:
      'Reports every TCP or UDP port below 1024 that memcached would bind (from `-p`, `-U`, or a `host:port` entry of ' +
      '`-l`) when `-u` names a user other than root.',
    why:
      'memcached drops its privileges to the `-u` user before it opens its sockets, so binding a privileged port fails with ' +
      '"Permission denied" and memcached exits with status 71 (the service units do not grant CAP_NET_BIND_SERVICE).',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 211\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix: 'None: choose a port of 1024 or above (and tell the clients).',
  },
  check(ctx) {
    if (ctx.model.unknownOf('runsAs', 'listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    const user = ctx.model.runsAs;
    if (user === null || user === 'root' || s.socketpath !== null) return;
    const setBy = ctx.model.applied.setBy;
    const found = new Map<string, { span: Span | null; what: string; port: number; transports: string[] }>();
    const add = (span: Span | null, what: string, port: number, transport: string) => {
      const key = `${span?.start}:${span?.end}:${port}`;
      const f = found.get(key) ?? { span, what, port, transports: [] };
      if (!f.transports.includes(transport)) f.transports.push(transport);
      found.set(key, f);
    };
    const tcpBase = baseTcpPort(ctx);
    const bases: [string, number, typeof setBy.port][] = [
      ['TCP', tcpBase, s.tcpSpecified ? setBy.port : setBy.udpport],
      ['UDP', baseUdpPort(ctx), setBy.udpport ?? setBy.port],
    ];
    for (const [transport, base, opt] of bases) {
      if (!base) continue;
      const entries = ctx.model.entries.length ? ctx.model.entries : [null];
      for (const e of entries) {
        if (e?.error) continue;
        const port = boundPort(e?.port ?? base);
        if (port === null || port === 0 || port >= 1024) continue;
        if (e && e.port !== null) add(listenEntrySpan(ctx, e), `-l ${e.text}`, port, transport);
        else if (opt) add(ctx.spanOf(opt), describeOption(ctx, opt), port, transport);
      }
    }
    for (const f of found.values()) {
      ctx.report({
        span: f.span,
        message: `${f.what}: ${f.transports.join(' and ')} port ${f.port} is below 1024 and memcached binds it after switching to user ${user}, so the bind fails with "Permission denied" and memcached exits 71`,
      });
    }
  },
});
