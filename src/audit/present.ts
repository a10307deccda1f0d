/** How an audited process is shown: a few text lines per process, and its record in the JSON output. */
import { socketKey } from '../system/sockets.js';
import type { ProcessAudit } from './run.js';

export const NO_MATCH_NOTE = 'no configuration file matches: audited on its argument vector alone (no drift check)';

const METHOD_TEXT = {
  'systemd-unit': 'the systemd unit that runs it',
  argv: 'the same argument vector',
  pidfile: 'its -P pidfile',
  listener: 'a port or socket it holds',
} as const;

/** Shell-style quoting, for showing a command line. */
function quote(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

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
    lines.push(`memcached pid ${p.pid}${p.user ? ` (user ${p.user})` : ''}${p.unit ? ` [${p.unit}]` : ''}: ${[p.argv0, ...p.words].map(quote).join(' ')}`);
    lines.push(`  listens on: ${a.held.length ? a.held.map(socketKey).join(', ') : 'nothing'}`);
    lines.push(a.match ? `  file: ${a.match.expectation.path} (matched by ${METHOD_TEXT[a.match.method]})` : `  file: ${NO_MATCH_NOTE}`);
    for (const r of a.probes ?? []) {
      lines.push(`  probe ${r.socket} at ${r.target}: ${r.reply !== null ? `"${r.reply}"` : (r.error ?? 'no reply')}`);
    }
  }
  return lines.join('\n') + '\n\n';
}
