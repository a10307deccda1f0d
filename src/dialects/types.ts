/**
 * What every dialect gives the rest of mchard: a lossless parse of the file, the argument vector the
 * service hands memcached (each argument with its place in the file), and the dialect-level facts that
 * rules report on (lines the service ignores, text systemd glues onto a value, ...).
 */
import type { ArgToken, SourceText, Span } from '../source.js';
import type { ImageInfo } from './images/index.js';
import type { HostFileAccess } from '../input.js';
import type { SocketSandbox } from '../memcached/startup.js';

/** What a dialect may use besides the file's own text. */
export interface ParseContext {
  /** Other host files the file names (a unit's `EnvironmentFile=`): which may be read and shown. Default: none. */
  readonly hostFiles?: HostFileAccess;
  /**
   * For a Compose file named as docker compose finds it (`docker-compose.yml`, `compose.yaml`): the name of
   * the override file beside it that docker compose merges onto it (`docker-compose.override.yml`), which
   * mchard does not read; null or absent: none there (or not known: standard input, the language server).
   */
  readonly composeOverride?: string | null;
  /**
   * For a systemd unit: the drop-ins systemd merges into it (src/cli/companions.ts), with the keys each sets;
   * absent: not known (standard input, the language server without a file).
   */
  readonly unitDropIns?: readonly UnitDropIn[];
  /** For a unit in one of systemd's folders: the unit of the same name systemd loads instead (or masked). */
  readonly unitShadowedBy?: { readonly path: string; readonly masked: boolean } | null;
  /**
   * For a distribution's option file at its packaged path on this host (`/etc/memcached.conf`,
   * `/etc/sysconfig/memcached`): whether the memcached.service systemd loads here reads it
   * (src/system/unit-files.ts, hostUnitReading); null or absent: nothing on the host says otherwise.
   */
  readonly hostUnit?: HostUnitReading | null;
  /**
   * For Helm values (`values*.yaml`): the text of the `Chart.yaml` beside it (src/cli/companions.ts), which
   * names the version of Bitnami's memcached chart (its own, or a dependency's) and the dependency's alias,
   * condition and tags; null or absent: none there (or not known).
   */
  readonly chartYaml?: string | null;
  /** The text of the `Chart.lock` beside that Chart.yaml (the versions helm dependency update picked); null or absent: none there. */
  readonly chartLock?: string | null;
}

/** Whether the host's memcached.service reads an option file: false, it does not; null, that unit decides. */
export interface HostUnitReading {
  readonly unit: string;
  /** The unit file (or the drop-in) that decides. */
  readonly path: string;
  readonly reads: boolean | null;
  readonly why: string;
  /** With `reads: true` for a Debian file: the program that reads it there (systemd's wrapper, or start-memcached, which the SysV script runs). */
  readonly reader?: 'wrapper' | 'start-memcached';
}

/** A drop-in of a unit: where, whether mchard could read it, and the `Section.Key`s it sets (values never kept). */
export interface UnitDropIn {
  readonly path: string;
  /** false: not a regular file mchard reads (a link, too large, unreadable): it may set anything. */
  readonly read: boolean;
  readonly keys: readonly string[];
}

/**
 * Every file format mchard reads. `debian` and `sysconfig` are the distributions' option files; the rest
 * are the other places memcached is configured (issue 8): systemd units and drop-ins, OpenRC `conf.d`,
 * FreeBSD `rc.conf`, docker-compose, supervisord, and a bare argument vector.
 */
export type DialectName =
  | 'debian'
  | 'sysconfig'
  | 'systemd'
  | 'openrc'
  | 'rcconf'
  | 'compose'
  | 'dockerfile'
  | 'supervisord'
  | 'argv'
  | 'kubernetes'
  | 'helm';

/**
 * A dialect-level observation: what the service's reading of the file shows beyond the argument vector
 * (a line it ignores, text glued onto a value, a shell metacharacter). Each dialect exports the union of
 * its own notes (`DebianNote`, `SysconfigNote`, ...), one variant per `kind` with its own typed fields;
 * rules switch on `kind`. This is what every variant has.
 */
export interface Note<K extends string = string> {
  readonly kind: K;
  readonly span: Span;
  readonly message: string;
}

/** A file its service cannot read as it should (invalid YAML, no memcached in it): only file-level rules run. */
export type ParseErrorNote = Note<'parse-error'>;

/** How the service starts memcached, when that can fail before memcached even runs. */
export interface LaunchFailure {
  readonly exitCode: number;
  readonly reason: string;
  readonly span: Span | null;
  /** False when the exit status is not certain (memcached never starts, but later shell commands set the status). */
  readonly certain?: boolean;
  /** Set when the failure holds only for some renderings of a template (the text that causes it is conditional). */
  readonly unknown?: { readonly reason: string; readonly decide: string };
}

/** A user or group a service manager looks up by name before it runs memcached, and how it fails without it. */
export interface ManagerAccount {
  /** `uid`: a user given by its number (supervisord's user=1000), `name` its digits. */
  readonly kind: 'user' | 'group' | 'uid';
  readonly name: string;
  /** The setting that names it (`User=`), for messages. */
  readonly setting: string;
  readonly span: Span;
  /** The manager's exit status and its name when the lookup fails (systemd: 217/USER, 216/GROUP). */
  readonly exitCode: number;
  readonly status: string;
  readonly manager: string;
}

export interface ParsedConfig<N extends Note = Note> {
  readonly dialect: DialectName;
  readonly source: SourceText;
  /** memcached's argv without argv[0]. */
  readonly argv: readonly ArgToken[];
  /** False when the vector depends on the host (globbing, `$VAR`, command substitution). */
  readonly argvExact: boolean;
  /** Set when the wrapper or shell fails before memcached runs (shell syntax error). */
  readonly launchFailure: LaunchFailure | null;
  readonly notes: readonly N[];
  /**
   * The user the service manager starts memcached as, when the file decides it (supervisord's `user=`,
   * Compose's `user:` or the image's `USER`); `root` when it starts memcached as root. Omitted: the
   * service starts memcached as root and leaves the privilege drop to `-u` (Debian, sysconfig).
   */
  readonly startsAs?: string;
  /**
   * Set when the service starts memcached as a user the file does not show (a container image mchard does
   * not know, with no runAsUser): what it depends on and what would decide it. `startsAs` is then a
   * placeholder for a user that is not root.
   */
  readonly startsAsUnknown?: { readonly reason: string; readonly decide: string; readonly span?: Span | null };
  /**
   * What the service manager forbids memcached's sockets (a systemd unit's RestrictAddressFamilies=,
   * SocketBindDeny=, PrivateNetwork=): the start-up model applies it to the listeners.
   */
  readonly sandbox?: SocketSandbox;
  /**
   * The accounts the service manager itself switches to, by name, before memcached runs (a systemd unit's
   * `User=` and `Group=`, neither ignored nor dynamic): the manager fails first when the machine has no
   * such account. Only a model for this machine asks (host checks: MC916, inspect).
   */
  readonly managerAccounts?: readonly ManagerAccount[];
  /** Why the service starts memcached as `startsAs` where the file seems to say otherwise, for messages. */
  readonly startsAsWhy?: string;
  /**
   * Set when the file does not decide whether memcached starts, whatever its options say: the program that
   * starts it may not run it, or not for long (the Debian wrapper's /bin/sh runs it in the background, or
   * may fail on a here-document or a file to read first). Why, and what would decide it; the start-up
   * outcome is then unknown (it depends on the host).
   */
  readonly startupUnknown?: {
    readonly reason: string;
    readonly decide: string;
    /**
     * Set when the binary is not the stock release (a Dockerfile that changes memcached's source before
     * building it): what memcached's own checks do (the exit statuses lint reports) is then the stock
     * release's, not certainly this binary's. `line` is where the source is changed.
     */
    readonly modifiedBuild?: { readonly line: number };
  };
  /**
   * Set when the file does not decide memcached's command line (a systemd unit that runs a wrapper or
   * takes its options from a file mchard cannot read): why, for notes. The option rules (MC1xx–MC8xx)
   * then stay quiet rather than judge an argument vector that is not memcached's.
   */
  readonly argvUnknown?: string | null;
  /**
   * The container image that runs memcached, when the file names one (Compose `image:`, a Dockerfile's
   * final `FROM`): its family and the release its tag names. An exact release is the version the model
   * and the rules judge (it beats `.mchardrc`'s `memcached-version`: the file says what runs).
   */
  readonly image?: { readonly info: ImageInfo; readonly span: Span | null };
  /**
   * The program that reads the file and as what, when the parse says more than the dialect's name does
   * (a systemd drop-in, told by its path or its content, is read as part of the unit it extends).
   */
  readonly readBy?: string;
  /**
   * For a distribution's option file at its packaged path on this host whose service does not read it, or
   * may not (ParseContext.hostUnit): what the host says. The file's options are still read as the service
   * reads them; MC911 and inspect say this.
   */
  readonly hostUnit?: HostUnitReading;
  /**
   * Set when the file starts several memcached instances (a Kubernetes manifest with several memcached
   * workloads): each instance's own reading of the same file, linted, inspected and fixed one by one. The
   * file-level fields describe the first instance (`parts[0]`).
   */
  readonly parts?: readonly ParsedConfig[];
  /** For one of several instances of a file: which (`Deployment cache, container memcached`). */
  readonly partName?: string;
  /** The file printed back from the parse tree; byte-identical to the input when nothing was edited. */
  print(): string;
}

/**
 * A dialect as the rest of mchard uses it. One module per dialect exports one of these; `index.ts`
 * lists them. The fix editors live apart (`src/fix/editors.ts`) so `lint` never loads them.
 */
export interface Dialect {
  readonly name: DialectName;
  /** What the files are, for help and reports: "Debian /etc/memcached.conf". */
  readonly title: string;
  /** The user a fix makes memcached run as when the file names none. */
  readonly defaultUser: string;
  /** The characters that start a comment line (`#`, or `#;` where `;` does too): where suppression directives go. */
  readonly commentChars: string;
  parse(source: SourceText, context?: ParseContext): ParsedConfig;
  /** Where an option that is not in the file yet goes (`letter`: that option, when the dialect has a variable for it). */
  insertionPoint(config: ParsedConfig, letter?: string): Span;
  /**
   * The variable whose value the service's fixed command line passes as option `-letter`'s argument
   * (sysconfig: `-p ${PORT}`), so a fix sets the variable instead of adding the option; null if none.
   */
  variableFor?(letter: string): string | null;
  /**
   * Whether the "{{ }}" that made the content look like a template are the format's own data (a Compose
   * label's Go template, read by the proxy that reads the label), so the file is no template of its own.
   */
  bracesAreData?(text: string): boolean;
}
