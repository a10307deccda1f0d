/**
 * What every dialect gives the rest of mchard: a lossless parse of the file, the argument vector the
 * service hands memcached (each argument with its place in the file), and the dialect-level facts that
 * rules report on (lines the service ignores, text systemd glues onto a value, ...).
 */
import type { ArgToken, SourceText, Span } from '../source.js';

export type DialectName = 'debian' | 'sysconfig';

/**
 * A dialect-level observation. `kind` says what it is; rules pick the kinds they report. The catalogue:
 * - debian: `ignored-line` (non-option line the wrapper drops), `dropped-option-line` (a line starting
 *   `-d`/`-h`, removed by the wrapper), `shell-line` (the line holds a shell metacharacter; `data.chars`,
 *   `data.dangerous`), `shell-extra-command` (text after `;`, `&`, `|` that the shell runs as root),
 *   `shell-redirect`, `host-dependent` (glob, `$VAR`, command substitution), `root-default` (`-u root`
 *   appended for an empty file), `logfile` (a `logfile` line: honoured only by the SysV script).
 * - sysconfig: `text-after-quote`, `export`, `variable-reference`, `line-without-equals`,
 *   `invalid-name`, `shell-mismatch`, `comment-continuation`, `invalid-value`, `duplicate-key`.
 */
export interface DialectNote {
  readonly kind: string;
  readonly span: Span;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** How the service starts memcached, when that can fail before memcached even runs. */
export interface LaunchFailure {
  readonly exitCode: number;
  readonly reason: string;
  readonly span: Span | null;
}

export interface ParsedConfig {
  readonly dialect: DialectName;
  readonly source: SourceText;
  /** memcached's argv without argv[0]. */
  readonly argv: readonly ArgToken[];
  /** False when the vector depends on the host (globbing, `$VAR`, command substitution). */
  readonly argvExact: boolean;
  /** Set when the wrapper or shell fails before memcached runs (shell syntax error). */
  readonly launchFailure: LaunchFailure | null;
  readonly notes: readonly DialectNote[];
  /** The file printed back from the parse tree; byte-identical to the input when nothing was edited. */
  print(): string;
}
