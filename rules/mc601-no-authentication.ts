import { defineRule, security } from '../src/engine/rule.js';
import { containerVerdict } from '../src/dialects/container-reach.js';
import { describesContainer } from '../src/dialects/container-gate.js';
import { unitVerdict } from '../src/dialects/unit-reach.js';
import { exposedListenerList } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC601',
  slug: 'no-authentication',
  severity: 'warning',
  // No authentication on a network-exposed listener: read, change, delete every item (high); on a public address, the wildcard or a port Compose publishes on the host (the rule's error case): critical.
  risk: security(7.5, { error: 9.1 }),
  summary: 'a network-exposed memcached without authentication',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -S, --enable-sasl; -Y, --auth-file' },
    { kind: 'memcached-doc', title: 'memcached wiki: SASLHowto', url: 'https://github.com/memcached/memcached/wiki/SASLHowto' },
    { kind: 'memcached-doc', title: 'memcached wiki: ConfiguringServer, section security', url: 'https://github.com/memcached/memcached/wiki/ConfiguringServer#security' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a memcached that listens on a non-loopback address without `-S` (SASL, binary protocol) or `-Y` ' +
      '(ascii authentication file). The finding is a warning for private, trusted or host-name listeners and an ' +
      'error when a listener is on a public address or on the wildcard (`0.0.0.0` / `::`, also what memcached ' +
      'binds when there is no `-l`), since the wildcard includes every public address the machine has.',
    why:
      'Without authentication every client that can open a connection can read, overwrite and delete every item. ' +
      'Network filtering alone is one misconfigured firewall rule away from exposing the cache.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 10.0.0.5\n-U 0\n',
      good: '-u memcache\n-m 64\n-l 10.0.0.5\n-U 0\n-Y /etc/memcached/auth\n',
    },
    fix:
      'None: authentication needs credentials and client support. Bind to loopback or a unix socket if remote ' +
      'clients are not needed; otherwise add `-Y FILE` (ascii protocol, memcached 1.5.15+, UDP off) or `-S` ' +
      '(SASL, binary protocol only, UDP off), and prefer TLS (`-Z`) so the credentials do not cross the network in clear.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('sasl', 'authFile', 'listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (s.sasl || s.authFile !== null || !ctx.exposure.networkExposed) return;
    // Decision: the wildcard counts as public (it includes every public address of the machine).
    const pub = ctx.exposure.listeners.some((c) => c.cls === 'public' || c.cls === 'wildcard');
    const list = pub ? exposedListenerList(ctx, (c) => c.cls === 'public' || c.cls === 'wildcard') : exposedListenerList(ctx);
    // In a container, who can reach it depends on what Compose publishes (only the Compose network: a warning).
    const box = describesContainer(ctx.config.dialect) ? containerVerdict(ctx.config, ctx.exposure.listeners.map((c) => c.listener)) : null;
    // A systemd unit's own firewall or namespace: who reaches it is what the unit lets through.
    const unit = box ? null : unitVerdict(ctx.config, ctx.exposure.listeners.filter((c) => c.cls !== 'loopback').map((c) => c.listener));
    // The file does not decide whether SASL is on (Bitnami's MEMCACHED_PASSWORD from the shell or a secret).
    const undecided = ctx.config.notes.find((n) => n.kind === 'auth-unknown');
    if (undecided) {
      ctx.report({ span: undecided.span, message: `authentication is not decided by the file: ${undecided.message}${box ? ` (${box.where})` : ''}`, severity: 'info' });
      return;
    }
    const bitnami = ctx.config.image?.info.family === 'bitnami' ? "; Bitnami's image turns SASL on when MEMCACHED_PASSWORD is set" : '';
    ctx.report({
      span: ctx.insertionPoint(),
      message: `neither -S nor -Y: any client that can reach ${list} can read, change and delete every item without authenticating${box ? ` (${box.where})` : unit ? ` (${unit.where})` : ''}${bitnami}`,
      severity: box ? (box.reach === 'host' ? 'error' : 'warning') : unit ? unit.severity : pub ? 'error' : 'warning',
    });
  },
});
