import { correctness, defineRule } from '../src/engine/rule.js';
import type { RuleContext } from '../src/engine/rule.js';
import type { OptionEvent } from '../src/memcached/getopt.js';
import type { Refusal } from '../src/memcached/startup.js';
import type { Span } from '../src/source.js';
import { lastOccurrence, listenEntrySpan } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC603',
  slug: 'incompatible-options',
  severity: 'error',
  // memcached refuses to start
  risk: correctness(),
  summary: 'a combination of options memcached refuses at start',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'the SASL, auth-file, port and TLS checks after option parsing (EX_USAGE, 64)' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'server_sockets()', detail: "\"'notls' option is valid only when SSL is enabled\" (exit 71)" },
    { kind: 'memcached-doc', title: 'memcached(1): -S, -Y, -B, -Z, -l' },
  ],
  fix: null,
  docs: {
    what:
      'Reports option combinations that make memcached exit at start, each at the option responsible: SASL (`-S`) ' +
      'with `-B ascii`/`-B auto` or with a UDP port (exit 64); an ascii authentication file (`-Y`) with an explicit ' +
      '`-B` other than `ascii` or with a UDP port (exit 64); TLS (`-Z`) without a TCP port (`-p 0`) or without both ' +
      '`ssl_chain_cert` and `ssl_key` (exit 64); and `-l` entries memcached refuses because of another option: a ' +
      '`notls:`/`btls:`/`mtls:` prefix without `-Z`, a `proto[binary]:` listener with `-Y` (exit 71). Every clash ' +
      'is reported, not just the first one memcached would stop at.',
    why:
      'memcached checks these after reading all its options and exits before opening any socket: the service does ' +
      'not start, and under systemd `Restart=` just repeats the failure.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n-S\n-B ascii\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n-S\n-B binary\n',
    },
    fix: 'None: which of the two options to give up is a decision about the clients.',
  },
  // The model lists every combination memcached refuses (src/memcached/startup.ts); this rule only words them.
  check(ctx) {
    if (ctx.model.certainty.anyUnknown()) return; // a clash the template or the host may resolve: not certain
    for (const r of ctx.model.refusals) {
      const { span, message } = describe(ctx, r);
      ctx.report({ span, message });
    }
  },
});

/** Where a refusal points and what it says, in the words of the options involved. */
function describe(ctx: RuleContext, r: Refusal): { span: Span | null; message: string } {
  const setBy = ctx.model.applied.setBy;
  const at = (o: OptionEvent | undefined | null) => (o ? ctx.spanOf(o) : ctx.insertionPoint());
  const B = lastOccurrence(ctx, 'B');
  const protocol = B?.value ?? '';
  const udpOption = setBy.udpport;
  const udpWhy = udpOption ? `-U ${udpOption.value}` : `UDP (on by default in memcached before 1.5.6)`;
  switch (r.kind) {
    case 'sasl-protocol':
      return {
        span: at(B),
        message: `-B ${protocol} with ${setBy.sasl!.written}: SASL works only with the binary protocol, so memcached exits 64 ("You cannot allow the ASCII protocol while using SASL")`,
      };
    case 'sasl-udp':
      return {
        span: at(udpOption ?? setBy.sasl),
        message: `${udpWhy} with ${setBy.sasl!.written}: memcached cannot authenticate UDP and exits 64 ("Cannot enable UDP while using binary SASL authentication"); add -U 0`,
      };
    case 'auth-protocol':
      return {
        span: at(B),
        message: `-B ${protocol} with ${setBy.authFile!.written}: the authentication file works only with the ascii protocol, so memcached exits 64 ("You cannot allow the BINARY protocol while using ascii authentication tokens")`,
      };
    case 'auth-udp':
      return {
        span: at(udpOption ?? setBy.authFile),
        message: `${udpWhy} with ${setBy.authFile!.written}: memcached cannot authenticate UDP and exits 64 ("Cannot use UDP with ascii authentication enabled"); add -U 0`,
      };
    case 'ssl-no-tcp': {
      const p = setBy.port;
      return {
        span: at(p ?? setBy.sslEnabled),
        message: `${p ? `${p.written} ${p.value}` : 'TCP port 0'} with ${setBy.sslEnabled!.written}: TLS needs a TCP listener, so memcached exits 64 ("You cannot enable SSL without a TCP port")`,
      };
    }
    case 'ssl-no-cert': {
      const s = ctx.model.applied.settings;
      const missing = ['ssl_chain_cert', 'ssl_key'].filter((n) => !s.extended.has(n));
      return {
        span: at(setBy.sslEnabled),
        message: `${setBy.sslEnabled!.written} without ${missing.map((n) => `-o ${n}=FILE`).join(' and ')}: memcached cannot load a certificate and exits 64 ("Error loading the certificate chain")`,
      };
    }
    case 'listener': {
      const e = r.entry!;
      const prefix = e.text.slice(0, e.text.indexOf(':') + 1) || e.text;
      return {
        span: listenEntrySpan(ctx, e),
        message: /SSL/.test(r.reason)
          ? `the listener prefix "${prefix}" in -l ${e.text} needs -Z: memcached exits 71 ("${r.reason}")`
          : `-l ${e.text} asks for the binary protocol while -Y allows only ascii: memcached exits 71 ("${r.reason}")`,
      };
    }
  }
}
