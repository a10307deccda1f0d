/** How an audited process is shown: a few text lines per process, and its record in the JSON output. */
import { socketKey } from '../system/sockets.js';
import type { ProcessAudit } from './run.js';
import { shellQuote, shorten, visible } from '../report/visible.js';

export const NO_MATCH_NOTE = 'no configuration file matches: audited on its argument vector alone (no drift check)';

const METHOD_TEXT = {
  'systemd-unit': 'the systemd unit that runs it',
  argv: 'the same argument vector',
  pidfile: 'its -P pidfile',
  listener: 'a port or socket it holds',
} as const;

/** Shell-style quoting, for showing a command line: any user's process arguments, so controls are escaped (`$'\x1b'`). */
const quote = (w: string) => shellQuote(shorten(w, 300, 200));
/** A value from a process or a probe reply, shown on one line. */
const v = (s: string) => visible(shorten(s, 300, 200));

export function auditRecord(a: ProcessAudit) {
  return {
    pid: a.process.pid,
    user: a.process.user,
    uid: a.process.uid,
    exe: a.process.exe,
    unit: a.process.unit,
    command: [a.process.argv0, ...a.process.words],
    sockets: a.held.map(socketKey),
    file: a.match ? { path: a.match.expectation.path, dialect: a.match.expectation.dialect, method: a.match.method } : null,
    ...(a.match ? {} : { note: NO_MATCH_NOTE }),
    probes: a.probes,
  };
}

export function auditSummaryText(audits: readonly ProcessAudit[]): string {
  const lines: string[] = [];
  for (const a of audits) {
    const p = a.process;
    lines.push(`memcached pid ${p.pid}${p.user ? ` (user ${v(p.user)})` : ''}${p.unit ? ` [${v(p.unit)}]` : ''}: ${[p.argv0, ...p.words].map(quote).join(' ')}`);
    lines.push(`  listens on: ${a.held.length ? a.held.map((h) => v(socketKey(h))).join(', ') : 'nothing'}`);
    lines.push(a.match ? `  file: ${v(a.match.expectation.path)} (matched by ${METHOD_TEXT[a.match.method]})` : `  file: ${NO_MATCH_NOTE}`);
    for (const r of a.probes ?? []) {
      lines.push(`  probe ${v(r.socket)} at ${v(r.target)}: ${r.reply !== null ? `"${v(r.reply)}"` : v(r.error ?? 'no reply')}`);
    }
  }
  return lines.join('\n') + '\n\n';
}
