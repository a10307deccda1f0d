/**
 * What `mchard audit` observes about one running memcached, handed to the audit rules (MC95x) through
 * `RuleContext.audit`. Everything here is read from /proc and the configuration files, or, with
 * `--probe`, measured by talking to the process's own listening addresses.
 */
import type { HeldSocket } from '../system/sockets.js';
import type { Namespace } from '../system/namespaces.js';
import type { SocketFirewall } from './firewall/verdict.js';
import type { Drift } from './drift.js';
import type { Listener, Startup } from '../memcached/startup.js';
import type { DialectName } from '../dialects/types.js';

/** A memcached process as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  /** argv[0] as the process was started (`/usr/bin/memcached`). */
  argv0: string;
  /** The arguments memcached received, without argv[0] (none read when `unread` says why). */
  words: string[];
  /** The command line's length in bytes (its words, each with its NUL), when read from /proc. */
  argvBytes?: number;
  /**
   * Why the arguments were not read into `words` (the process is not audited): a command line longer than
   * audit reads, or beyond the budget of long command lines of processes not running as root.
   */
  unread?: 'too-long' | 'over-budget';
  /** Effective user ID, and its name from /etc/passwd (null when unknown). */
  uid: number | null;
  user: string | null;
  /** /proc/PID/exe, when readable. */
  exe: string | null;
  /** The systemd unit whose cgroup holds the process (`memcached.service`), or null. */
  unit: string | null;
  /** The systemd unit (service or scope, any name) whose cgroup holds the process, or null: whose IP filter applies. */
  cgroupUnit: string | null;
  /** When the process started, in milliseconds since the epoch (null when /proc does not say). */
  startedAt: number | null;
  /**
   * Its network namespace (whose socket tables and interfaces it sees) and mount namespace (whose files its
   * paths name), each compared with mchard's.
   */
  namespaces: { net: Namespace; mnt: Namespace };
}

/**
 * How the process was tied to its configuration file: the systemd unit that runs it; the file's argument
 * vector equal to the process's; the file's `-P` pidfile holding its pid; or a TCP/UDP port or unix
 * socket the file names that the process holds.
 */
export type MatchMethod = 'systemd-unit' | 'argv' | 'pidfile' | 'listener';

/** What a configuration file would start now. */
export interface Expectation {
  path: string;
  dialect: DialectName;
  /** The argument vector the service would hand memcached. */
  words: string[];
  /** False when the vector depends on the host (globbing, `$VAR`): word comparisons are then unreliable. */
  exact: boolean;
  listeners: Listener[];
  runsAs: string | null;
  startup: Startup;
  pidFile: string | null;
  /** When the file was last modified (ms since the epoch), or null. */
  modifiedAt: number | null;
}

export interface FileMatch {
  expectation: Expectation;
  method: MatchMethod;
}

/** An interface address of this machine, with its network. */
export interface HostNetwork {
  name: string;
  address: string;
  /** `10.0.0.0/24`: the network part of the interface's CIDR. */
  network: string;
  internal: boolean;
}

/** The outcome of `--probe` for one held TCP/UDP socket. */
export interface ProbeResult {
  /** `socketKey` of the held socket. */
  socket: string;
  transport: 'tcp' | 'udp';
  /** Where the probe connected: the bound address itself, or loopback for a wildcard. */
  target: string;
  port: number;
  /**
   * False when nothing was sent: a link-local address, or a socket in another network namespace (mchard
   * probes a listener only from inside its own namespace, and does not enter other namespaces).
   */
  probed: boolean;
  /** TCP: the connection was accepted; UDP: a reply arrived. */
  reached: boolean;
  /** The listener served the request without authentication (`VERSION ...` / `STAT ...`). */
  answered: boolean;
  /** The first line of the reply, or null. */
  reply: string | null;
  /** Why nothing was reached or answered. */
  error: string | null;
  /** UDP: bytes sent and received, datagrams received. */
  bytesSent?: number;
  bytesReceived?: number;
  datagrams?: number;
}

export interface AuditFacts {
  process: ProcessInfo;
  held: HeldSocket[];
  /** The configuration file that would start this process, or null when none matches. */
  match: FileMatch | null;
  networks: HostNetwork[];
  /** `--probe` results; null when not probing. */
  probes: ProbeResult[] | null;
  /**
   * The packet filter's verdict for each held TCP/UDP socket not bound to loopback (src/audit/firewall/);
   * null when the filter was not evaluated.
   */
  firewall?: SocketFirewall[] | null;
  /** The network namespace the sockets and `networks` belong to, when it is not mchard's own (else null). */
  foreignNet?: Namespace | null;
  /**
   * How the process differs from `match`'s file (null: no match, or no difference). Computed by the audit
   * run, not by the rule, so the rules lint loads never pull in the word-diff library.
   */
  drift: Drift | null;
}
