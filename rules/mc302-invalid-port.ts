import { correctness, defineRule } from '../src/engine/rule.js';
import { describeOption, emptyFromUnit, lastOccurrence, listenEntrySpan, networkEnabled, valuePartSpan } from '../src/engine/helpers.js';
import { atoi, strtol } from '../src/memcached/numbers.js';

export const rule = defineRule({
  id: 'MC302',
  slug: 'invalid-port',
  severity: 'error',
  risk: correctness(),
  summary: 'a port that is not a number or is out of range',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -p, --port; -U, --udp-port; -l, --listen' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: '"ERROR: Invalid port number" (EX_USAGE, 64); server_sockets(): "Invalid port number" (EX_OSERR, 71)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a `-p` or `-U` value that is not a number or lies outside 0–65535 (`-1`, an ephemeral port, is accepted), ' +
      'and an `-l host:port` entry whose port is not a number or is out of range.',
    why:
      'memcached reads `-p` and `-U` with `atoi()`: a value without digits becomes 0, which silently turns TCP (or UDP) off, ' +
      'so `-p abc` runs a memcached nobody can reach. `-p` above 65535 makes it exit with status 64; `-U` is not ' +
      'range-checked and wraps around to another port; a negative port makes the bind fail (exit 71). An `-l` entry ' +
      'with a port that is not a number makes memcached exit 71.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 70000\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix: 'None: write the port as a decimal number between 1 and 65535.',
  },
  check(ctx) {
    const s = ctx.model.applied.settings;
    for (const letter of ['p', 'U'] as const) {
      const o = lastOccurrence(ctx, letter);
      if (!o || emptyFromUnit(ctx, o)) continue; // an empty PORT is MC907's
      if (ctx.model.optionUnknown(o)) continue; // its value is not decided by the file
      const value = o.value ?? '';
      const r = strtol(value, 10);
      const shown = describeOption(ctx, o);
      const span = valuePartSpan(ctx, o);
      if (!r.digits) {
        const effect =
          letter === 'p'
            ? s.socketpath !== null
              ? 'TCP port 0'
              : 'TCP port 0: the TCP listener is silently disabled'
            : 'UDP port 0 (UDP off)';
        ctx.report({ span, message: `${shown} is not a port number: memcached's atoi reads it as ${effect}` });
        continue;
      }
      const n = r.value;
      if (n >= -1n && n <= 65535n) continue;
      const kept = atoi(value);
      if (n < -1n) {
        ctx.report({ span, message: `${shown} is negative: getaddrinfo rejects the port and memcached exits 71` });
      } else if (letter === 'p') {
        const wrapped = kept !== Number(n) ? ` (atoi wraps it to ${kept})` : '';
        ctx.report({
          span,
          message: kept > 65535 || kept < -1
            ? `${shown} is out of range: memcached exits 64 ("ERROR: Invalid port number ${kept}.")`
            : `${shown} is out of range${wrapped}: memcached listens on TCP port ${kept} instead`,
        });
      } else {
        const wrapped = kept < 0 ? null : kept % 65536;
        ctx.report({
          span,
          message:
            wrapped === null
              ? `${shown} is out of range: atoi wraps it to ${kept} and memcached exits 71`
              : `${shown} is out of range: memcached does not check -U and opens UDP port ${wrapped} instead${!s.tcpSpecified && kept > 65535 ? ', and without -p the TCP port becomes ' + kept + ', which makes it exit 64' : ''}`,
        });
      }
    }
    // The -l list is parsed only when memcached opens TCP or UDP sockets.
    const entries = networkEnabled(ctx) && !ctx.model.unknownOf('listeners') ? ctx.model.entries : [];
    for (const e of entries) {
      if (e.error?.startsWith('Invalid port number')) {
        ctx.report({ span: listenEntrySpan(ctx, e), message: `-l ${e.text} has an invalid port: memcached exits 71 (${e.error})` });
      } else if (e.error === null && e.port !== null && (e.port > 65535 || e.port < -1)) {
        ctx.report({
          span: listenEntrySpan(ctx, e),
          message: e.port < -1
            ? `-l ${e.text} has a negative port: getaddrinfo rejects it and memcached exits 71`
            : `-l ${e.text} has a port above 65535: memcached binds port ${e.port % 65536} instead`,
        });
      }
    }
  },
});
