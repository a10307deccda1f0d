/** How an audited process is shown: a few text lines per process, and its record in the JSON output. */
import { socketKey } from '../system/sockets.js';
import { describeNamespace } from '../system/namespaces.js';
import type { Candidate, ProcessAudit } from './run.js';
import { listSettings } from './unit-filter.js';
import { shellQuote, shorten, visible } from '../report/visible.js';

/**
 * Text that came from outside (process arguments, probe replies, paths, namespace names) as it is printed:
 * the project-wide escaping (src/report/visible.ts), long values shortened. The one place audit's human
 * output goes through.
 */
export function shown(text: string): string {
  return visible(shorten(text, 300, 200));
}

export const NO_MATCH_NOTE = 'no configuration file matches: audited on its argument vector alone (no drift check)';

/**
 * Which file started the process is unknown: a pid file named it, but others can write that pid file.
 * Says why, and what would decide it.
 */
export function unknownMatchNote(doubts: readonly string[]): string {
  return `unknown: ${doubts.join('; ')}; whoever can change a pid file can make it name any process, so it is not counted. A pid file only root and the service's user can change (in folders only they can change), the systemd unit that runs the process, an argument vector equal to a file's, or a port or socket it holds would decide it. Audited on its argument vector alone (no drift check)`;
}

/** What the output says of the file of a process that matched none. */
function noMatchNote(a: ProcessAudit): string {
  return a.matchDoubts.length ? unknownMatchNote(a.matchDoubts) : NO_MATCH_NOTE;
}

const METHOD_TEXT = {
  'systemd-unit': 'the systemd unit that runs it',
  argv: 'the same argument vector',
  pidfile: 'its -P pidfile',
  listener: 'a port or socket it holds',
} as const;

/** Shell-style quoting, for showing a command line: controls escaped in `$'...'`, long words shortened. */
const quote = (w: string) => shellQuote(shorten(w, 300, 200));

/** The longest command line shown whole in the text summary; a real memcached's is well under 1 KiB. */
const MAX_COMMAND_CHARS = 2000;

/**
 * A process's command line for the text summary: quoted words up to MAX_COMMAND_CHARS, then how many
 * more there are. Any user can start a binary named memcached with a megabyte of arguments (the kernel
 * allows a few), which root's audit printed whole, on one line, for each such process.
 */
export function commandText(words: readonly string[]): string {
  let out = '';
  for (let k = 0; k < words.length; k++) {
    const q = quote(words[k]);
    if (k > 0 && out.length + 1 + q.length > MAX_COMMAND_CHARS) {
      const rest = words.slice(k);
      const chars = rest.reduce((n, w) => n + w.length + 1, 0);
      return `${out} …(${rest.length} more argument${rest.length === 1 ? '' : 's'}, ${chars} characters)`;
    }
    out += k > 0 ? ` ${q}` : q;
  }
  return out;
}

export function auditRecord(a: ProcessAudit) {
  return {
    pid: a.process.pid,
    user: a.process.user,
    uid: a.process.uid,
    exe: a.process.exe,
    unit: a.process.unit,
    command: [a.process.argv0, ...a.process.words],
    // null: not read (socketsUnreadable says why), never "none".
    sockets: a.heldUnreadable ? null : a.held.map(socketKey),
    socketsUnreadable: a.heldUnreadable,
    namespaces: {
      net: { inode: a.process.namespaces.net.inode, name: a.process.namespaces.net.name, own: a.process.namespaces.net.own },
      mnt: { inode: a.process.namespaces.mnt.inode, own: a.process.namespaces.mnt.own },
    },
    version: a.version,
    firewall: a.firewall?.map((f) => ({ socket: f.socket, verdict: f.verdict, from: f.from, reason: f.reason, accepted: f.accepted })) ?? null,
    firewallSuggestion: a.suggestion,
    systemdIpFilter: unitFilterRecord(a),
    file: a.match ? { path: a.match.expectation.path, dialect: a.match.expectation.dialect, method: a.match.method } : null,
    ...(a.match ? {} : { note: noMatchNote(a) }),
    probes: a.probes,
  };
}

/**
 * systemd's IP filter of the process's unit in the JSON output: null when not asked (no unit, or
 * --no-firewall); `{"unit", "set": false}` when none is set; `{"unit", "set": true, "chain", "lists",
 * "caveat"}`; `{"unit", "unavailable"}` when systemd could not be asked.
 */
function unitFilterRecord(a: ProcessAudit) {
  const r = a.unitFilter;
  const unit = a.process.cgroupUnit;
  if (r === null) return null;
  if ('unavailable' in r) return { unit, unavailable: r.unavailable };
  if (r.filter === null) return { unit, set: false };
  return { unit, set: true, chain: r.filter.chain, lists: r.filter.lists, caveat: r.filter.caveat };
}

/** One line on systemd's IP filter of the process's unit, when it has one or it could not be read. */
function unitFilterText(a: ProcessAudit): string | null {
  const r = a.unitFilter;
  if (r === null || ('filter' in r && r.filter === null)) return null;
  if ('unavailable' in r) return `  systemd IP filter of ${shown(a.process.cgroupUnit ?? '')}: not read (${shown(r.unavailable)})`;
  const f = r.filter!;
  const lists = f.lists.map((l) => `${listSettings(l).join(' ')} (${l.unit})`);
  return `  systemd IP filter: ${shown(lists.join('; '))}${f.caveat ? `; ${shown(f.caveat)}` : ''}`;
}

/**
 * The most listeners, and probes, the text shows of one process (the JSON lists every one): any user's
 * process named memcached can listen on thousands of ports, one line each (2,000: 200 kB of text).
 */
const MAX_SHOWN = 64;

export function auditSummaryText(audits: readonly ProcessAudit[]): string {
  const lines: string[] = [];
  for (const a of audits) {
    const p = a.process;
    const { net, mnt } = p.namespaces;
    lines.push(`memcached pid ${p.pid}${p.user ? ` (user ${shown(p.user)})` : ''}${p.unit ? ` [${shown(p.unit)}]` : ''}: ${commandText([p.argv0, ...p.words])}`);
    if (net.own === false) lines.push(`  network namespace: ${shown(describeNamespace(net))}, not mchard's (sockets and interfaces read from /proc/${p.pid}/net)`);
    if (mnt.own === false) lines.push(`  mount namespace: ${describeNamespace(mnt)}, not mchard's (its paths name files in its own file system)`);
    const v = a.version;
    lines.push(`  version: ${v.version === null ? shown(v.detail) : `${v.version} (${v.source === 'probe' ? 'its reply to --probe' : v.source === 'package' ? 'package database' : 'read from the binary'}: ${shown(v.detail)})`}`);
    const filter = unitFilterText(a);
    if (filter) lines.push(filter);
    if (a.heldUnreadable) lines.push(`  listens on: unknown (${shown(a.heldUnreadable)}${a.heldUnreadable.endsWith(': permission denied') ? ': run mchard audit as root to see its sockets' : ''})`);
    else if (a.held.length === 0) lines.push('  listens on: nothing');
    a.held.slice(0, MAX_SHOWN).forEach((s, i) => {
      const key = socketKey(s);
      const fw = a.firewall?.find((f) => f.socket === key);
      const beside = fw ? `  firewall: ${fw.verdict}${fw.verdict === 'open' || fw.verdict === 'restricted' ? ` (from ${fw.from.join(', ')})` : ''}` : '';
      lines.push(`${i === 0 ? '  listens on: ' : '              '}${shown(key)}${shown(beside)}`);
      if (fw && (fw.verdict === 'unknown' || fw.verdict === 'closed')) lines.push(`                ${shown(fw.reason)}`);
    });
    if (a.held.length > MAX_SHOWN) lines.push(`              … ${a.held.length - MAX_SHOWN} more listeners (--format json lists them all)`);
    lines.push(a.match ? `  file: ${shown(a.match.expectation.path)} (matched by ${METHOD_TEXT[a.match.method]})` : `  file: ${visible(shorten(noMatchNote(a), 2000, 1500))}`);
    // Those that answered first: a reply is what the findings are about.
    const probes = [...(a.probes ?? [])].sort((x, y) => Number(y.answered) - Number(x.answered));
    for (const r of probes.slice(0, MAX_SHOWN)) {
      lines.push(`  probe ${shown(r.socket)}${r.probed ? ` at ${r.target}` : ''}: ${r.reply !== null ? `"${shown(r.reply)}"` : shown(r.error ?? 'no reply')}`);
    }
    if (probes.length > MAX_SHOWN) {
      const answered = probes.slice(MAX_SHOWN).filter((r) => r.answered).length;
      lines.push(`  … ${probes.length - MAX_SHOWN} more probes, ${answered === 0 ? 'none' : answered} of which answered (--format json lists them all)`);
    }
    if (a.suggestion) {
      lines.push('  suggested packet-filter rules (not applied):');
      for (const l of a.suggestion.trimEnd().split('\n')) lines.push(`    ${shown(l.replace(/\t/g, '  '))}`);
    }
  }
  return lines.join('\n') + '\n\n';
}

/** Where the candidate files came from: the FILE arguments, or this host's system paths (as lint and fix take them). */
export type CandidateSource = 'arguments' | 'system-paths';

/** The candidate files in the JSON output: where they came from, and each one read in its dialect or why not. */
export function candidatesRecord(from: CandidateSource, candidates: readonly Candidate[]) {
  return { from, files: candidates.map((c) => ({ path: c.path, dialect: c.dialect, error: c.error })) };
}

/** One line naming the candidate files (a process is tied to one of them, or to its systemd unit's file). */
export function candidatesText(from: CandidateSource, candidates: readonly Candidate[]): string {
  const where = from === 'arguments' ? 'the FILE arguments' : 'the system paths, as lint and fix take them';
  const list = candidates.map((c) => `${shown(c.path)} (${c.dialect ?? 'not read: see the error above'})`);
  return `configuration files considered (${where}): ${list.length ? list.join(', ') : 'none found'}\n`;
}
