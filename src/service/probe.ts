/**
 * Asking a listener that memcached is really there: connect, send `version`, read the answer. The ASCII
 * command for the ASCII protocol; the binary VERSION request (opcode 0x0b) when the file allows only the
 * binary protocol (-B binary, or SASL, which implies it). A TLS listener only has its connection accepted.
 */
import { connect, type Socket } from 'node:net';

export type ProbeTarget = { host: string; port: number; path?: undefined } | { path: string; host?: undefined; port?: undefined };

export interface ProbeOptions {
  protocol: 'ascii' | 'binary';
  tls: boolean;
  timeoutMs: number;
}

export interface ProbeResult {
  ok: boolean;
  /** `VERSION 1.6.18`, `binary VERSION 1.6.18`, `connection accepted (TLS)`, or what went wrong. */
  detail: string;
}

const BINARY_VERSION_REQUEST = Buffer.from([0x80, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

function answer(buf: Buffer, protocol: 'ascii' | 'binary'): ProbeResult | null {
  if (protocol === 'binary') {
    if (buf.length < 24) return null;
    if (buf[0] !== 0x81) return { ok: false, detail: `not a memcached binary answer (first byte 0x${buf[0].toString(16)})` };
    const bodyLength = buf.readUInt32BE(8);
    if (buf.length < 24 + bodyLength) return null;
    const status = buf.readUInt16BE(6);
    const body = buf.subarray(24, 24 + bodyLength).toString('latin1');
    return status === 0 ? { ok: true, detail: `binary VERSION ${body}` } : { ok: false, detail: `binary VERSION answered status 0x${status.toString(16)}` };
  }
  const end = buf.indexOf('\r\n');
  if (end === -1) return buf.length > 4096 ? { ok: false, detail: 'an answer with no line end' } : null;
  const line = buf.subarray(0, end).toString('latin1');
  if (/^VERSION \S+/.test(line)) return { ok: true, detail: line };
  // With -Y (authentication tokens) every command before `auth` is refused, by memcached itself.
  if (/^CLIENT_ERROR unauthenticated/.test(line)) return { ok: true, detail: `${line} (authentication required)` };
  return { ok: false, detail: `answered "${line.slice(0, 80)}" instead of VERSION` };
}

export function askVersion(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolvePromise) => {
    let done = false;
    let buf = Buffer.alloc(0);
    const sock: Socket = target.path !== undefined ? connect({ path: target.path }) : connect({ host: target.host, port: target.port });
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolvePromise(r);
    };
    const timer = setTimeout(() => finish({ ok: false, detail: `no answer within ${opts.timeoutMs} ms` }), opts.timeoutMs);
    sock.on('connect', () => {
      if (opts.tls) return finish({ ok: true, detail: 'connection accepted (TLS listener; version not asked)' });
      sock.write(opts.protocol === 'binary' ? BINARY_VERSION_REQUEST : 'version\r\n');
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const r = answer(buf, opts.protocol);
      if (r) finish(r);
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, detail: e.code ?? e.message }));
    sock.on('close', () => finish({ ok: false, detail: 'connection closed without an answer' }));
  });
}
