/**
 * memcached's command-line options, as its `main()` declares them (memcached.c, 1.6.45):
 * the short-option string, the `longopts[]` table, and the release that introduced each.
 * Everything that reads a memcached command line looks options up here.
 */

export type ArgKind = 'none' | 'required' | 'optional';

export interface OptionSpec {
  /** The short option letter, e.g. `p`. Every memcached option has one. */
  readonly short: string;
  /** The long name without dashes, or null (`-D` has none). */
  readonly long: string | null;
  /** What the short form takes. Long forms take the same, except `--verbose` (optional). */
  readonly arg: 'none' | 'required';
  /** What the long form takes. */
  readonly longArg: ArgKind;
  /** First release that knows the short option. */
  readonly since: string;
  /** One-line meaning, for reports. */
  readonly summary: string;
}

function opt(short: string, long: string | null, arg: 'none' | 'required', since: string, summary: string, longArg?: ArgKind): OptionSpec {
  return { short, long, arg, longArg: longArg ?? arg, since, summary };
}

/** Ordered as in memcached's short-option string `a:AZp:s:U:m:Mc:khiVrvdl:u:P:f:n:t:D:LR:Cb:B:I:SFXWY:e:o:N:`. */
export const OPTIONS: readonly OptionSpec[] = [
  opt('a', 'unix-mask', 'required', '1.0.0', 'access mask for the unix socket, in octal'),
  opt('A', 'enable-shutdown', 'none', '1.4.16', 'enable the ascii "shutdown" command'),
  opt('Z', 'enable-ssl', 'none', '1.5.13', 'enable TLS'),
  opt('p', 'port', 'required', '1.0.0', 'TCP port to listen on'),
  opt('s', 'unix-socket', 'required', '1.0.0', 'unix socket path (disables the network)'),
  opt('U', 'udp-port', 'required', '1.2.0', 'UDP port to listen on'),
  opt('m', 'memory-limit', 'required', '1.0.0', 'item memory in megabytes'),
  opt('M', 'disable-evictions', 'none', '1.0.0', 'return errors instead of evicting'),
  opt('c', 'conn-limit', 'required', '1.0.0', 'maximum simultaneous connections'),
  opt('k', 'lock-memory', 'none', '1.0.0', 'lock down all paged memory'),
  opt('h', 'help', 'none', '1.0.0', 'print help and exit'),
  opt('i', 'license', 'none', '1.0.0', 'print licence and exit'),
  opt('V', 'version', 'none', '1.4.22', 'print version and exit'),
  opt('r', 'enable-coredumps', 'none', '1.0.0', 'maximise the core file limit'),
  opt('v', 'verbose', 'none', '1.0.0', 'verbose output (repeat for more)', 'optional'),
  opt('d', 'daemon', 'none', '1.0.0', 'run as a daemon'),
  opt('l', 'listen', 'required', '1.0.0', 'interfaces to listen on'),
  opt('u', 'user', 'required', '1.0.0', 'user to run as when started as root'),
  opt('P', 'pidfile', 'required', '1.0.0', 'file to save the PID in'),
  opt('f', 'slab-growth-factor', 'required', '1.2.0', 'chunk size growth factor'),
  opt('n', 'slab-min-size', 'required', '1.2.0', 'minimum space for key, value and flags'),
  opt('t', 'threads', 'required', '1.2.0', 'number of worker threads'),
  opt('D', null, 'required', '1.2.0', 'stats prefix delimiter (enables detailed stats)'),
  opt('L', 'enable-largepages', 'none', '1.2.6', 'use large memory pages'),
  opt('R', 'max-reqs-per-event', 'required', '1.2.6', 'maximum requests per event'),
  opt('C', 'disable-cas', 'none', '1.3.0', 'disable compare-and-swap'),
  opt('b', 'listen-backlog', 'required', '1.4.0', 'listen backlog length'),
  opt('B', 'protocol', 'required', '1.4.0', 'binding protocol: auto, binary or ascii'),
  opt('I', 'max-item-size', 'required', '1.4.2', 'maximum item size'),
  opt('S', 'enable-sasl', 'none', '1.4.3', 'enable SASL authentication'),
  opt('F', 'disable-flush-all', 'none', '1.4.17', 'disable the "flush_all" command'),
  opt('X', 'disable-dumping', 'none', '1.4.34', 'disable key dump commands'),
  opt('W', 'disable-watch', 'none', '1.5.21', 'disable the "watch" command'),
  opt('Y', 'auth-file', 'required', '1.5.15', 'ascii authentication file'),
  opt('e', 'memory-file', 'required', '1.5.18', 'mmap file for restartable item memory'),
  opt('o', 'extended', 'required', '1.4.8', 'comma-separated extended options'),
  opt('N', 'napi-ids', 'required', '1.6.9', 'NAPI-ID based thread selection'),
];

/** Long options (and so `--name` syntax) exist from this release on; before it memcached used plain getopt. */
export const LONG_OPTIONS_SINCE = '1.5.0';

const byShort = new Map(OPTIONS.map((o) => [o.short, o]));

export function optionByShort(letter: string): OptionSpec | undefined {
  return byShort.get(letter);
}

/** The option spelled the way a user would write it: `-p` / `--port`. */
export function displayName(spec: OptionSpec): string {
  return spec.long ? `-${spec.short}/--${spec.long}` : `-${spec.short}`;
}
