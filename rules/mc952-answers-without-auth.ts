import { defineRule, security } from '../src/engine/rule.js';
import { classifyAddress } from '../src/engine/exposure.js';
import { socketKey } from '../src/system/sockets.js';

export const rule = defineRule({
  id: 'MC952',
  slug: 'answers-without-auth',
  severity: 'error',
  // a live listener reachable from the network answered without authentication
  risk: security(9.3),
  summary: 'a network-reachable memcached listener answered a probe without authentication',
  since: '0.1.0',
  phase: 'audit',
  dialects: 'all',
  sources: [
    { kind: 'other-tool', tool: 'Nmap', check: 'memcached-info NSE script (sends "stats", reports "Authentication no")', url: 'https://nmap.org/nsedoc/scripts/memcached-info.html' },
    { kind: 'other-tool', tool: 'Nuclei', check: 'network/misconfig/memcached-stats template', url: 'https://github.com/projectdiscovery/nuclei-templates/blob/main/network/misconfig/memcached-stats.yaml' },
    { kind: 'memcached-doc', title: 'memcached protocol.txt: version; Authentication' },
    { kind: 'memcached-doc', title: 'memcached(1): -Y, --auth-file; -S, --enable-sasl' },
  ],
  fix: null,
  docs: {
    what:
      '`mchard audit --probe` only. Connects to each TCP socket the process holds at its own bound address (a wildcard ' +
      'socket at 127.0.0.1 or ::1, so no traffic leaves the machine) and sends the text command `version`. Reports ' +
      'each socket bound to a non-loopback address that replied `VERSION ...`: anyone who reaches it is served without ' +
      'credentials. With `-Y` memcached replies `CLIENT_ERROR unauthenticated`, and with SASL it refuses the text ' +
      'protocol; neither is reported.',
    why:
      'It is the "telnet to the port from another machine" check of the hardening guides, made by mchard on the machine ' +
      'itself: not a prediction from the options but the server answering.',
    example: {
      dialect: 'argv',
      bad: '-u memcache -m 64 -l 10.0.0.5 -U 0\n',
      good: '-u memcache -m 64 -l 10.0.0.5 -U 0 -Y /etc/memcached/auth\n',
    },
    fix: 'None: bind loopback, or add `-Y FILE` (or SASL) in the configuration file and restart the service.',
  },
  check(ctx) {
    const a = ctx.audit;
    if (!a?.probes) return;
    for (const p of a.probes) {
      if (p.transport !== 'tcp' || !p.answered) continue;
      const held = a.held.find((s) => socketKey(s) === p.socket);
      if (!held || held.transport === 'unix' || classifyAddress(held.address) === 'loopback') continue;
      const target = p.target.includes(':') ? `[${p.target}]:${p.port}` : `${p.target}:${p.port}`;
      ctx.report({
        span: null,
        message: `${p.socket} answered "version" without authentication (probed at ${target}, reply "${p.reply}")`,
      });
    }
  },
});
