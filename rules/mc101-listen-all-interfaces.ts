import { defineRule, security } from '../src/engine/rule.js';
import { BIND_LOOPBACK, describeListener, LISTEN_SOURCES, occurrences } from '../src/engine/helpers.js';
import { containerVerdict } from '../src/dialects/container-reach.js';
import { describesContainer } from '../src/dialects/container-gate.js';
import { unitVerdict } from '../src/dialects/unit-reach.js';

export const rule = defineRule({
  id: 'MC101',
  slug: 'listen-all-interfaces',
  severity: 'error',
  // every interface: anyone on any network the host is on reaches an unauthenticated cache
  risk: security(8.2),
  summary: 'memcached listens on every interface',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    ...LISTEN_SOURCES,
  ],
  fix: BIND_LOOPBACK,
  docs: {
    what:
      'Reports a configuration with no `-l` at all (memcached then binds `0.0.0.0` and `::`, every IPv4 and IPv6 interface) ' +
      'or with an `-l` entry of `*`, `0.0.0.0`, `::` or `[::]`. In a systemd unit that confines memcached itself ' +
      '(`PrivateNetwork=yes`, or `IPAddressDeny=any` with an `IPAddressAllow=` of loopback or private ranges only) the ' +
      'finding says what the unit lets through and is a warning (private ranges) or a note (loopback, nothing, its own namespace).',
    why:
      'memcached has no authentication by default: anyone who can reach the port can read, change and flush every item. ' +
      'Listening on every interface puts the cache on every network the machine is attached to, the public one included.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 11211\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix: 'Replaces the `-l` option (or adds one) with `-l 127.0.0.1`, or with the addresses given to `mchard fix --listen`.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (s.socketpath !== null) return;
    const wild = ctx.exposure.listeners.filter((c) => c.cls === 'wildcard');
    if (wild.length === 0) return;
    const ls = occurrences(ctx, 'l');
    // In a container the wildcard is the container's own network: what counts is what Compose publishes,
    // and -l 127.0.0.1 would cut memcached off from every client (published ports included): no fix.
    const box = describesContainer(ctx.config.dialect) ? containerVerdict(ctx.config, wild.map((c) => c.listener)) : null;
    // A systemd unit that confines it itself (PrivateNetwork=, IPAddressDeny=): who reaches it is what the unit
    // lets through. Binding to loopback is still offered where that takes no client the unit admits.
    const unit = box ? null : unitVerdict(ctx.config, wild.map((c) => c.listener));
    const judged = (message: string) =>
      box
        ? { message: `${message} ${box.where}`, severity: box.severity }
        : unit
          ? {
              message: `${message}, but ${unit.where}${unit.keepsFix ? '' : '; to close the other interfaces too, bind it to the address those clients use (-l ADDRESS)'}`,
              severity: unit.severity,
              ...(unit.keepsFix ? { fix: true as const } : {}),
            }
          : { message, fix: true as const };
    if (s.inter === null) {
      ctx.report({
        span: ctx.insertionPoint('l'),
        ...judged(`no -l option: memcached listens on every interface (${wild.map(describeListener).join(', ')})`),
      });
      return;
    }
    const entries = new Set(wild.map((c) => c.listener.entry?.text));
    const culprit = ls.find((o) => [...entries].some((e) => e !== undefined && (o.value ?? '').includes(e))) ?? ls.at(-1)!;
    ctx.report({
      span: ctx.spanOf(culprit),
      ...judged(`-l ${[...entries].join(',')} listens on every interface (${wild.map(describeListener).join(', ')})`),
    });
  },
});
