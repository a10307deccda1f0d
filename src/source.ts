/**
 * A configuration file's text and the positions inside it. Offsets are UTF-16 indexes into the decoded
 * text; lines and columns are 1-based, columns counted in UTF-16 code units (SARIF's default).
 */

export interface Span {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export class SourceText {
  /** Offset of each line's first character: a typed array sized by a first count, 4 bytes a line. */
  private readonly lineStarts: Uint32Array;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    let count = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
    const starts = new Uint32Array(count);
    let k = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  range(span: Span): Range {
    const a = this.position(span.start);
    const b = this.position(span.end);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }

  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }
}

/** Where an argument memcached receives came from. */
export type ArgOrigin =
  /** written in the file */
  | 'file'
  /** added by the distribution wrapper (Debian's `-u root`) */
  | 'wrapper'
  /** fixed text of the service's command line (the unit's `-p` in `-p ${PORT}`) */
  | 'unit';

/**
 * What is not known about an argument, and what would decide it: the host it runs on (shell expansion,
 * pathname expansion, a variable of the environment) or the template the file is rendered from.
 */
export interface ArgUnknown {
  /**
   * `value`: one argument whose text is not known from `at` on. `opaque`: a piece that may stand for any
   * number of arguments, none included (an unquoted `$VAR`, a template expression where an option goes).
   */
  readonly kind: 'value' | 'opaque';
  readonly depends: 'host' | 'template';
  /** What it depends on, for messages: `{{ memcached_port }} (line 4)`, `parameter expansion`. */
  readonly reason: string;
  /** What would decide it: `the rendered file`, `the host memcached runs on`. */
  readonly decide: string;
  /** Index in `value` of the first character that is not known (0: none of it is). */
  readonly at: number;
  /** A file name from pathname expansion (a name in `/`, or a path): never an option on a realistic host. */
  readonly pathname?: boolean;
}

/** One element of memcached's argv (without argv[0]), with the place it came from. */
export interface ArgToken {
  readonly value: string;
  /** The text in the file this argument was made from; for unit/wrapper arguments, the spot they relate to. */
  readonly span: Span | null;
  readonly origin: ArgOrigin;
  /**
   * False when the argument is not certain whatever the host and the template: its value depends on the
   * host (shell globbing, `$VAR`, command substitution) or the template, or it may be absent.
   */
  readonly exact: boolean;
  /** Set when the text in `span` is not the value verbatim (quotes removed, variable expanded). */
  readonly note?: string;
  /**
   * Set when the value came from a host file the user did not name (a unit's `EnvironmentFile=` read
   * under host checks): that file's path. The value is used, never shown: messages say "a value from
   * FILE" (src/report/redact.ts).
   */
  readonly hiddenFrom?: string;
  /** Where in `value` that file's text may start (0: the whole word is from it; absent: not known, so 0). */
  readonly hiddenAt?: number;
  /** What is not known about it (absent: nothing, or only `exact: false` from a dialect that says no more). */
  readonly unknown?: ArgUnknown;
  /** The argument may be absent: a template renders its line only under a condition (or repeats it). */
  readonly conditional?: { readonly reason: string; readonly decide: string };
}
