/**
 * memcached's `-l` list syntax, as `server_sockets()` reads it (memcached.c 1.6.45): entries split on
 * `,` or `;`, each `[notls:|btls:|mtls:][proto[NAME]:][tag[NAME]:|tag_NAME_:]HOST[:PORT]`, HOST being
 * `[v6]`, a bare address or name, or `*`.
 */
import { safeStrtol } from './numbers.js';
import { atLeast, type Version } from './version.js';

export type TlsMode = 'default' | 'notls' | 'btls' | 'mtls';

export interface ListenEntry {
  /** The entry as written in the (accumulated) `-l` string. */
  text: string;
  /** Offset of the entry inside the accumulated `-l` string. */
  offset: number;
  tls: TlsMode;
  protocol: string | null;
  tag: string | null;
  /** Host as memcached hands it to getaddrinfo; null for `*` (every address). */
  host: string | null;
  /** Port from `host:port`, or null to use `-p` / `-U`. */
  port: number | null;
  /** Set when memcached refuses this entry; server_sockets() then fails and memcached exits 71. */
  error: string | null;
}

function splitList(list: string): { text: string; offset: number }[] {
  // strtok_r(list, ";,"): empty tokens are skipped.
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  for (let i = 0; i <= list.length; i++) {
    if (i === list.length || list[i] === ',' || list[i] === ';') {
      if (i > start) out.push({ text: list.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  return out;
}

export function parseListenList(list: string, opts: { sslEnabled: boolean; authFile: boolean; version: Version }): ListenEntry[] {
  return splitList(list).map(({ text, offset }) => parseEntry(text, offset, opts));
}

function parseEntry(text: string, offset: number, opts: { sslEnabled: boolean; authFile: boolean; version: Version }): ListenEntry {
  const entry: ListenEntry = { text, offset, tls: 'default', protocol: null, tag: null, host: null, port: null, error: null };
  let p = text;
  const tlsPrefixes: [TlsMode, string][] = atLeast(opts.version, '1.6.30')
    ? [['notls', 'notls'], ['btls', 'btls'], ['mtls', 'mtls']]
    : atLeast(opts.version, '1.5.13')
      ? [['notls', 'notls']]
      : [];
  for (const [mode, prefix] of tlsPrefixes) {
    if (p.startsWith(prefix)) {
      if (!opts.sslEnabled) {
        // memcached's message for mtls says 'otls' (a typo in memcached.c).
        entry.error = `'${mode === 'mtls' ? 'otls' : mode}' option is valid only when SSL is enabled`;
        return entry;
      }
      entry.tls = mode;
      p = p.slice(prefix.length + 1);
      break;
    }
  }
  if (atLeast(opts.version, '1.6.17')) {
    if (p.startsWith('proto')) {
      p = p.slice(5);
      if (p[0] === '[') {
        const e = p.indexOf(']');
        if (e === -1) {
          entry.error = `Invalid protocol spec: "${p}"`;
          return entry;
        }
        const name = p.slice(1, e);
        p = p.slice(e + 2); // skip "]" and an assumed ":"
        // strncmp(name, "ascii", len): any prefix of a known name selects it; an unknown name keeps -B's choice.
        let known = ['ascii', 'binary', 'negotiating', 'proxy'].find((k) => k.startsWith(name));
        // Since 1.6.43 (commit 3791d9eda) -Y refuses binary listeners and turns negotiating ones into ascii.
        if (opts.authFile && atLeast(opts.version, '1.6.43')) {
          if (known === 'binary') {
            entry.error = 'Cannot use binary protocol when ascii authentication enabled';
            return entry;
          }
          if (known === 'negotiating') known = 'ascii';
        }
        if (known === 'proxy') {
          entry.error = `Proxy must be enabled to use: "${text}"`;
          return entry;
        }
        entry.protocol = known ?? null;
      }
    }
    if (p.startsWith('tag')) {
      p = p.slice(3);
      // The `tag_NAME_` spelling exists since 1.6.23 (commit 1518d8950).
      if (p[0] === '[' || (p[0] === '_' && atLeast(opts.version, '1.6.23'))) {
        let e = p.indexOf(']');
        if (e === -1 && atLeast(opts.version, '1.6.23')) e = p.indexOf('_', 1);
        if (e === -1) {
          entry.error = `Invalid tag in socket config: "${p}"`;
          return entry;
        }
        const name = p.slice(1, e);
        p = p.slice(e + 2);
        if (name.length < 1 || name.length > 8) {
          entry.error = `Listener tags must be between 1 and 8 characters: "${name}"`;
          return entry;
        }
        entry.tag = name;
      }
    }
  }
  let bracketHost: string | null = null;
  if (p[0] === '[') {
    const e = p.indexOf(']');
    if (e === -1) {
      entry.error = `Invalid IPV6 address: "${p}"`;
      return entry;
    }
    bracketHost = p.slice(1, e);
    p = p.slice(e + 1);
  }
  const colon = p.indexOf(':');
  if (colon !== -1 && (p.indexOf(':', colon + 1) === -1 || bracketHost !== null)) {
    const portText = p.slice(colon + 1);
    p = p.slice(0, colon);
    const port = safeStrtol(portText);
    if (port === null) {
      entry.error = `Invalid port number: "${portText}"`;
      return entry;
    }
    entry.port = port;
  }
  const host = bracketHost ?? p;
  entry.host = host === '*' ? null : host;
  return entry;
}
