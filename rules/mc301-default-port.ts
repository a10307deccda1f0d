import { defineRule, security } from '../src/engine/rule.js';
import type { Span } from '../src/source.js';
import { baseTcpPort, boundPort, describeOption, listenEntrySpan, setOptionIntents } from '../src/engine/helpers.js';


export const rule = defineRule({
  id: 'MC301',
  slug: 'default-port',
  severity: 'info',
  // the default port: found first by scanners; not a boundary
  risk: security(2.0),
  summary: 'TCP listens on the default port 11211',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -p, --port' },
    { kind: 'memcached-doc', title: 'memcached wiki: ConfiguringServer', url: 'https://github.com/memcached/memcached/wiki/ConfiguringServer' },
  ],
  fix: {
    safety: 'unsafe',
    why: 'Every client must be told the new port: until then none of them can connect.',
    build(ctx, state: { port: number }) {
      const p = String(state.port);
      return { description: `listen on TCP port ${p}`, intents: setOptionIntents(ctx, 'p', p) };
    },
  },
  docs: {
    what:
      'Reports a TCP listener on port 11211, memcached\'s default: from `-p 11211`, from no `-p` at all, or from an `-l` ' +
      'entry ending in `:11211`.',
    why:
      'Port 11211 is the first port every internet-wide scanner and worm tries for memcached. Another port does not make an ' +
      'exposed memcached safe (a full port scan finds it), but it keeps it out of the bulk scans; treat this as advice, ' +
      'not as a security boundary.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-p 21211\n-l 127.0.0.1\n',
    },
    fix:
      'Only with `mchard fix --port N --unsafe-fixes`: sets `-p N` (`PORT="N"` on sysconfig files). Ports written in ' +
      '`-l host:11211` entries are left alone.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (s.socketpath !== null) return;
    const base = baseTcpPort(ctx);
    if (!base) return;
    const setBy = ctx.model.applied.setBy;
    // Only a non-zero -U without -p moves TCP to its port; -U 0 leaves TCP on the default 11211.
    const udpMovedTcp = !s.tcpSpecified && s.udpSpecified && s.udpport !== 0 && base === s.udpport;
    const opt = s.tcpSpecified ? setBy.port : udpMovedTcp ? setBy.udpport : undefined;
    const sites: { span: Span | null; what: string; fixable: boolean }[] = [];
    const entries = ctx.model.entries.length ? ctx.model.entries : [null];
    let viaBase = false;
    for (const e of entries) {
      if (e?.error) continue;
      if (boundPort(e?.port ?? base) !== 11211) continue;
      if (e && e.port !== null) sites.push({ span: listenEntrySpan(ctx, e), what: `-l ${e.text} listens on TCP port 11211`, fixable: false });
      else viaBase = true;
    }
    if (viaBase) {
      sites.unshift(
        opt
          ? { span: ctx.spanOf(opt), what: `${describeOption(ctx, opt)} makes TCP listen on port 11211`, fixable: true }
          : { span: ctx.insertionPoint(), what: 'no -p option: TCP listens on the default port 11211', fixable: true },
      );
    }
    const fixPort = ctx.options.fixPort;
    for (const site of sites) {
      ctx.report({
        span: site.span,
        message: `${site.what}, the first port scanners try for memcached (a different port is advice, not a security boundary)`,
        ...(site.fixable && fixPort !== undefined ? { fix: { port: fixPort } } : {}),
      });
    }
  },
});
