import type { Rule, RuleContext } from '../src/engine/types.js';
import type { OptionEvent } from '../src/memcached/getopt.js';
import type { Span } from '../src/source.js';
import { baseTcpPort, baseUdpPort, isIncompatibilityFailure, lastOccurrence, listenEntrySpan } from '../src/engine/helpers.js';

interface Clash {
  /** memcached's message (as the model's start-up check words it), to match the start-up failure. */
  reason: string;
  span: Span | null;
  message: string;
}

const VALID_PROTOCOLS = new Set(['auto', 'binary', 'ascii']);

export const rule: Rule = {
  id: 'MC603',
  slug: 'incompatible-options',
  severity: 'error',
  summary: 'a combination of options memcached refuses at start',
  fixable: null,
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
    references: [
      'memcached.c main(): the SASL, auth-file, port and TLS checks after option parsing (EX_USAGE, 64)',
      'memcached.c server_sockets(): "\'notls\' option is valid only when SSL is enabled" (exit 71)',
      'memcached(1): -S, -Y, -B, -Z, -l',
    ],
  },
  check(ctx) {
    if (ctx.model.certainty.anyUnknown()) return; // a clash the template or the host may resolve: not certain
    const reported = new Set<string>();
    for (const c of clashes(ctx)) {
      reported.add(c.reason);
      ctx.report({ span: c.span, message: c.message });
    }
    // A refusal the model knows of that the checks above do not name (kept in step with startup.ts).
    const st = ctx.model.startup;
    if (!st.ok && isIncompatibilityFailure(st.reason) && ![...reported].some((r) => st.reason.includes(r))) {
      ctx.report({
        span: st.option ? ctx.spanOf(st.option) : ctx.insertionPoint(),
        message: `memcached refuses this combination and exits ${st.exitCode} ("${st.reason}")`,
      });
    }
  },
};

function clashes(ctx: RuleContext): Clash[] {
  const s = ctx.model.applied.settings;
  const setBy = ctx.model.applied.setBy;
  const out: Clash[] = [];
  const at = (o: OptionEvent | undefined | null) => (o ? ctx.spanOf(o) : ctx.insertionPoint());
  const B = lastOccurrence(ctx, 'B');
  // An invalid -B value is MC806's (memcached exits on it first).
  const protocol = B && VALID_PROTOCOLS.has(B.value ?? '') ? (B.value as string) : null;
  const udpOption = setBy.udpport;
  const udpWhy = udpOption ? `-U ${udpOption.value}` : `UDP (on by default in memcached before 1.5.6)`;

  if (s.sasl) {
    const S = setBy.sasl!;
    if (protocol !== null && protocol !== 'binary') {
      out.push({
        reason: 'ERROR: You cannot allow the ASCII protocol while using SASL.',
        span: at(B),
        message: `-B ${protocol} with ${S.written}: SASL works only with the binary protocol, so memcached exits 64 ("You cannot allow the ASCII protocol while using SASL")`,
      });
    }
    if (s.udpport !== 0) {
      out.push({
        reason: 'ERROR: Cannot enable UDP while using binary SASL authentication.',
        span: at(udpOption ?? S),
        message: `${udpWhy} with ${S.written}: memcached cannot authenticate UDP and exits 64 ("Cannot enable UDP while using binary SASL authentication"); add -U 0`,
      });
    }
  }
  if (s.authFile !== null) {
    const Y = setBy.authFile!;
    if (protocol !== null && protocol !== 'ascii') {
      out.push({
        reason: 'ERROR: You cannot allow the BINARY protocol while using ascii authentication tokens.',
        span: at(B),
        message: `-B ${protocol} with ${Y.written}: the authentication file works only with the ascii protocol, so memcached exits 64 ("You cannot allow the BINARY protocol while using ascii authentication tokens")`,
      });
    }
    if (s.udpport !== 0) {
      out.push({
        reason: 'Cannot use UDP with ascii authentication enabled (-U 0 to disable)',
        span: at(udpOption ?? Y),
        message: `${udpWhy} with ${Y.written}: memcached cannot authenticate UDP and exits 64 ("Cannot use UDP with ascii authentication enabled"); add -U 0`,
      });
    }
  }
  if (s.sslEnabled) {
    const Z = setBy.sslEnabled!;
    if (baseTcpPort(ctx) === 0) {
      const p = setBy.port;
      out.push({
        reason: 'ERROR: You cannot enable SSL without a TCP port.',
        span: at(p ?? Z),
        message: `${p ? `${p.written} ${p.value}` : 'TCP port 0'} with ${Z.written}: TLS needs a TCP listener, so memcached exits 64 ("You cannot enable SSL without a TCP port")`,
      });
    }
    const missing = ['ssl_chain_cert', 'ssl_key'].filter((n) => !s.extended.has(n));
    if (missing.length) {
      out.push({
        reason: 'Error loading the certificate chain',
        span: at(Z),
        message: `${Z.written} without ${missing.map((n) => `-o ${n}=FILE`).join(' and ')}: memcached cannot load a certificate and exits 64 ("Error loading the certificate chain")`,
      });
    }
  }
  // -l entries refused because of -Z / -Y. memcached parses them only when it opens network sockets.
  if (s.socketpath === null && (baseTcpPort(ctx) !== 0 || baseUdpPort(ctx) !== 0)) {
    for (const e of ctx.model.entries) {
      if (!e.error || !isIncompatibilityFailure(e.error)) continue;
      const tls = /SSL/.test(e.error);
      const prefix = e.text.slice(0, e.text.indexOf(':') + 1) || e.text;
      out.push({
        reason: e.error,
        span: listenEntrySpan(ctx, e),
        message: tls
          ? `the listener prefix "${prefix}" in -l ${e.text} needs -Z: memcached exits 71 ("${e.error}")`
          : `-l ${e.text} asks for the binary protocol while -Y allows only ascii: memcached exits 71 ("${e.error}")`,
      });
    }
  }
  return out;
}
