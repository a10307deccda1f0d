/**
 * dash (Debian's /bin/sh) as far as mchard needs it: what a `sh -c "memcached ..."` command line gives
 * memcached, and where dash refuses the line. The reader follows dash 0.5.12's parser (parser.c): its
 * tokens, reserved words in command position, the word reader with its quoting and `${...}`, `$(...)`,
 * `$((...))` and backquote substitutions (each parsed as dash does, so an error inside one is an error of
 * the line), redirections, here-documents and compound commands. A syntax error anywhere in the first
 * complete command means nothing runs: dash prints "Syntax error: ..." and exits 2.
 *
 * Words that expansions touch depend on the host: a quoted expansion is one argument whose text is not
 * known ("value"); an unquoted one is split into fields and may stand for any number of arguments
 * ("opaque"). Pathname expansion happens in the wrapper's working directory, which under systemd is `/`;
 * see {@link expandInRoot} for what mchard claims about it.
 */
import type { Span } from '../source.js';
import { InputError } from '../input.js';

/** A character of the command line with the file offset it came from (null: inserted by the wrapper). */
export interface SourcedChar {
  ch: string;
  offset: number | null;
}

export interface ShellWord {
  value: string;
  span: Span | null;
  /** False when the argument depends on the host (an expansion, a glob that may match). */
  exact: boolean;
  /** What makes it inexact, for messages. */
  inexact?: string;
  /** True when quotes or backslashes were removed. */
  unquoted: boolean;
  /** For an inexact word: one argument with unknown text (`value`), or any number of arguments (`opaque`). */
  kind?: 'value' | 'opaque';
  /** Index in `value` of the first character that depends on the host. */
  unknownAt?: number;
  /** A name pathname expansion produced (a file in `/`, or a path): never an option on a realistic host. */
  pathname?: boolean;
}

export interface ShellFailure {
  message: string;
  span: Span | null;
  /**
   * sh's exit status: 2 for a syntax error or a failed expansion (a non-interactive shell exits); after a
   * failed redirection only the command fails (status 2) and sh goes on with the commands after it, whose
   * status then decides (null).
   */
  exitCode: number | null;
}

export interface ShellResult {
  /** Words of the first simple command, after the command name. */
  words: ShellWord[];
  redirects: { text: string; span: Span | null }[];
  /** Text run as further commands after `;`, `&`, `|`, `&&`, `||`. */
  extraCommands: { operator: string; span: Span | null }[];
  /** dash refuses the line: nothing runs, sh exits 2. */
  syntaxError: ShellFailure | null;
  /** The line parses, but dash fails before running memcached (exit 2): a bad substitution or redirection. */
  runtimeError: ShellFailure | null;
  hostDependent: { what: string; span: Span | null }[];
  /**
   * Set when the first command runs in the background (its and-or list ends with `&`, as in `memcached ... &`
   * or `memcached ... | logger &`): sh does not wait for it, so whether and for how long it runs, and in what
   * order its output appears, depend on timing, not on the line. `span`: the `&`.
   */
  background: { span: Span | null } | null;
  /**
   * What may keep sh from running the first command, on some hosts: a here-document whose expansion may
   * fail (`$((...))`, `${x?}`), a file `<` reads that may not exist. Each is also in `hostDependent`.
   */
  mayFail: { what: string; span: Span | null }[];
}

export interface ShellOptions {
  /** The command the characters are arguments of (it matters: `NAME ()` defines a function when NAME is a name). */
  commandName?: string;
  /** The file the characters come from, for the one line that refuses a command nested too deeply. */
  path?: string;
}

/**
 * How deeply the parser may recurse in a line mchard reads: each command list (the body of `if`, `while`,
 * `(`, `{`, `$(...)`) and each word holding a substitution (`$(`, `${`, `$((`, a here-document's body) counts one
 * level, so `$(` counts two. dash's parser recurses as this one does: a real line nests a few levels; ten
 * thousand `if` parse in dash 0.5.12 (which then reports its syntax error), a hundred thousand crash dash
 * itself (SIGSEGV, at a depth its stack decides), and a few thousand overflowed mchard's stack ("internal
 * error"). Past this depth the file is refused, with one line.
 */
export const MAX_SHELL_NESTING = 1000;

/** Thrown by the parser past MAX_SHELL_NESTING; parseShellCommand makes it the file's InputError. */
class TooDeep extends Error {}

// ---- Tokens ------------------------------------------------------------------------------------------

type Tok =
  | 'EOF' | 'NL' | 'SEMI' | 'BACKGND' | 'AND' | 'OR' | 'PIPE' | 'LP' | 'RP' | 'ENDCASE' | 'REDIR' | 'WORD' | 'NOT'
  | 'case' | 'do' | 'done' | 'elif' | 'else' | 'esac' | 'fi' | 'for' | 'if' | 'in' | 'then' | 'until' | 'while' | '{' | '}';

const TOKNAME: Record<Tok, string> = {
  EOF: 'end of file', NL: 'newline', SEMI: '";"', BACKGND: '"&"', AND: '"&&"', OR: '"||"', PIPE: '"|"', LP: '"("', RP: '")"',
  ENDCASE: '";;"', REDIR: 'redirection', WORD: 'word', NOT: '"!"',
  case: '"case"', do: '"do"', done: '"done"', elif: '"elif"', else: '"else"', esac: '"esac"', fi: '"fi"', for: '"for"', if: '"if"',
  in: '"in"', then: '"then"', until: '"until"', while: '"while"', '{': '"{"', '}': '"}"',
};

/** Tokens that end a list (mktokens' second column). */
const ENDS_LIST = new Set<Tok>(['EOF', 'RP', 'ENDCASE', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'then', '}']);
const KEYWORDS: ReadonlyMap<string, Tok> = new Map(
  (['!', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'if', 'in', 'then', 'until', 'while', '{', '}'] as const).map((k) => [k, k === '!' ? 'NOT' : k] as [string, Tok]),
);
/** dash's special built-ins, which cannot be function names. */
const SPECIAL_BUILTINS = new Set(['.', ':', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset']);

const CHKALIAS = 1;
const CHKKWD = 2;
const CHKNL = 4;
const CHKEOFMARK = 8;

class SyntaxError_ extends Error {
  constructor(
    message: string,
    readonly at: number,
    /** Where the text that decides the error ends: the unexpected token's end; omitted: the end of the input. */
    readonly end?: number,
  ) {
    super(message);
  }
}

// ---- Syntax classes (mksyntax.c) ---------------------------------------------------------------------

type Syntax = 'base' | 'dq' | 'sq' | 'ari';
type Cls = 'NL' | 'WORD' | 'CTL' | 'BACK' | 'SQUOTE' | 'DQUOTE' | 'ENDQUOTE' | 'BQUOTE' | 'VAR' | 'ENDVAR' | 'LP' | 'RP' | 'SPCL' | 'EOF';

function classOf(syntax: Syntax, c: string): Cls {
  if (c === '') return 'EOF';
  if (c === '\n') return 'NL';
  switch (syntax) {
    case 'base':
      if (c === '\\') return 'BACK';
      if (c === "'") return 'SQUOTE';
      if (c === '"') return 'DQUOTE';
      if (c === '`') return 'BQUOTE';
      if (c === '$') return 'VAR';
      if (c === '}') return 'ENDVAR';
      if ('<>();&| \t'.includes(c)) return 'SPCL';
      return 'WORD';
    case 'dq':
      if (c === '\\') return 'BACK';
      if (c === '"') return 'ENDQUOTE';
      if (c === '`') return 'BQUOTE';
      if (c === '$') return 'VAR';
      if (c === '}') return 'ENDVAR';
      if ('!*?[=~:/-]'.includes(c)) return 'CTL';
      return 'WORD';
    case 'sq':
      if (c === "'") return 'ENDQUOTE';
      if ('!*?[=~:/-]\\'.includes(c)) return 'CTL';
      return 'WORD';
    case 'ari':
      if (c === '\\') return 'BACK';
      if (c === '`') return 'BQUOTE';
      if (c === '$') return 'VAR';
      if (c === '}') return 'ENDVAR';
      if (c === '(') return 'LP';
      if (c === ')') return 'RP';
      return 'WORD';
  }
}

const isDigit = (c: string) => c >= '0' && c <= '9';
const isName = (c: string) => c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isInName = (c: string) => isName(c) || isDigit(c);
const isSpecial = (c: string) => c !== '' && (isDigit(c) || '#?$!-*@'.includes(c));

// ${...} subtypes (parser.h)
const VSNORMAL = 0x1;
const VSQUESTION = 0x4;
const VSASSIGN = 0x5;
const VSTRIMRIGHT = 0x6;
const VSTRIMLEFT = 0x8;
const VSLENGTH = 0xa;
const VSNUL = 0x10;
const VSTYPE = 0x0f;
const TYPES = '}-+?=';

interface SynFrame {
  syntax: Syntax;
  varnest: number;
  parenlevel: number;
  dblquote: boolean;
  innerdq: boolean;
  dqvarnest: number;
  varpushed: boolean;
}

// ---- Words -------------------------------------------------------------------------------------------

interface ValueChar {
  ch: string;
  /** Index into the parser's input. */
  at: number;
  quoted: boolean;
  glob: boolean;
}

interface Expansion {
  kind: 'parameter' | 'command' | 'arithmetic';
  quoted: boolean;
  /** Input indexes [from, to). */
  from: number;
  to: number;
  /** Index in the value where it sits. */
  valueAt: number;
  /** dash will say "Bad substitution" when it expands this. */
  bad: boolean;
  /** Its evaluation may fail on some hosts (arithmetic, `${x?}`): in a here-document that fails the command. */
  mayFail: boolean;
}

interface Word {
  from: number;
  to: number;
  chars: ValueChar[];
  expansions: Expansion[];
  quoted: boolean;
}

type RedirKind = '<' | '>' | '>>' | '>|' | '>&' | '<&' | '<>' | '<<';

interface Redir {
  kind: RedirKind;
  from: number;
  target: Word | null;
  /** A here-document with an unquoted delimiter: the substitutions of its body, which sh expands as it performs the redirection. */
  body?: Expansion[];
}

interface HereDoc {
  mark: string;
  striptabs: boolean;
  quoted: boolean;
  redir: Redir;
}

interface SimpleCommand {
  words: Word[];
  redirs: Redir[];
}

// ---- The parser --------------------------------------------------------------------------------------

class DashParser {
  private pos = 0;
  private tokpushback = false;
  private lasttoken: Tok = 'EOF';
  private lastFrom = 0;
  private checkkwd = 0;
  private word: Word | null = null;
  private quoteflag = false;
  private redir: Redir | null = null;
  private heredocs: HereDoc[] = [];
  /** The first command runs in the background: the `&` that ends its and-or list (an input index). */
  backgroundAt: number | null = null;
  /** Depth of `$(...)` / backquote parsing: only the outermost simple commands are memcached's. */
  private substDepth = 0;
  first: { cmd: SimpleCommand; endToken: Tok; endAt: number } | null = null;

  constructor(private readonly input: SourcedChar[]) {}

  private get n(): number {
    return this.input.length;
  }

  private pgetc(): string {
    const c = this.pos < this.n ? this.input[this.pos].ch : '';
    this.pos++;
    return c;
  }

  private pungetc(): void {
    this.pos--;
  }

  /** pgetc, skipping backslash-newline pairs (line continuations). */
  private pgetcEatBnl(): string {
    let c: string;
    while ((c = this.pgetc()) === '\\') {
      if (this.pgetc() !== '\n') {
        this.pungetc();
        break;
      }
    }
    return c;
  }

  private fail(message: string, at = Math.min(this.pos, this.n), end?: number): never {
    throw new SyntaxError_(`Syntax error: ${message}`, at, end);
  }

  private synexpect(expected: Tok | null): never {
    const got = TOKNAME[this.lasttoken];
    // A token dash did not expect: what follows it cannot change that (the parser never looks past it).
    const end = this.lasttoken === 'EOF' ? undefined : Math.min(this.pos, this.n);
    this.fail(expected === null ? `${got} unexpected` : `${got} unexpected (expecting ${TOKNAME[expected]})`, this.lastFrom, end);
  }

  // -- Grammar (parser.c: list, andor, pipeline, command, simplecmd) --

  /** The first complete command (dash parses and runs one at a time); returns false at the end of input. */
  parseFirst(): void {
    this.checkkwd = 0;
    this.list(1);
  }

  /**
   * After parseFirst stopped at the end of a line: whether a command (or anything dash would read as one)
   * follows on a later line.
   */
  laterCommand(): boolean {
    this.tokpushback = false;
    this.checkkwd = CHKNL;
    try {
      return this.readtoken() !== 'EOF';
    } catch (e) {
      if (e instanceof SyntaxError_) return true;
      throw e;
    }
  }

  /** Compound commands and substitutions open around the current one (sub-parsers of backquotes included). */
  nesting = 0;

  private list(nlflag: number): void {
    if (++this.nesting > MAX_SHELL_NESTING) throw new TooDeep();
    try {
      this.listBody(nlflag);
    } finally {
      this.nesting--;
    }
  }

  private listBody(nlflag: number): void {
    const chknl = nlflag & 1 ? 0 : CHKNL;
    let any = false;
    for (;;) {
      this.checkkwd = chknl | CHKKWD | CHKALIAS;
      let tok = this.readtoken();
      if (tok === 'NL') {
        this.parseheredoc();
        return;
      }
      if (tok === 'EOF') {
        this.parseheredoc();
        this.tokpushback = true;
        this.lasttoken = 'EOF';
        return;
      }
      this.tokpushback = true;
      if (nlflag === 2 && ENDS_LIST.has(tok)) return;
      nlflag |= 2;
      any = true;
      const before = this.first;
      this.andor();
      tok = this.readtoken();
      // The and-or list that holds the first command ends with "&": sh runs it in the background.
      if (tok === 'BACKGND' && before === null && this.first !== null && this.backgroundAt === null) this.backgroundAt = this.lastFrom;
      switch (tok) {
        case 'EOF':
          this.parseheredoc();
          this.tokpushback = true;
          this.lasttoken = 'EOF';
          return;
        case 'NL':
          this.tokpushback = true;
          break;
        case 'BACKGND':
        case 'SEMI':
          break;
        default:
          if (!chknl) this.synexpect(null);
          this.tokpushback = true;
          return;
      }
      void any;
    }
  }

  private andor(): void {
    this.pipeline();
    for (;;) {
      const t = this.readtoken();
      if (t !== 'AND' && t !== 'OR') {
        this.tokpushback = true;
        return;
      }
      this.checkkwd = CHKNL | CHKKWD | CHKALIAS;
      this.pipeline();
    }
  }

  private pipeline(): void {
    if (this.readtoken() === 'NOT') this.checkkwd = CHKKWD | CHKALIAS;
    else this.tokpushback = true;
    this.command();
    if (this.readtoken() === 'PIPE') {
      do {
        this.checkkwd = CHKNL | CHKKWD | CHKALIAS;
        this.command();
      } while (this.readtoken() === 'PIPE');
    }
    this.tokpushback = true;
  }

  private command(): void {
    let t: Tok;
    switch (this.readtoken()) {
      case 'if':
        this.list(0);
        if (this.readtoken() !== 'then') this.synexpect('then');
        this.list(0);
        while (this.readtoken() === 'elif') {
          this.list(0);
          if (this.readtoken() !== 'then') this.synexpect('then');
          this.list(0);
        }
        if (this.lasttoken === 'else') this.list(0);
        else this.tokpushback = true;
        t = 'fi';
        break;
      case 'while':
      case 'until':
        this.list(0);
        if (this.readtoken() !== 'do') this.synexpect('do');
        this.list(0);
        t = 'done';
        break;
      case 'for': {
        if (this.readtoken() !== 'WORD' || this.quoteflag || !goodname(this.wordText())) this.fail('Bad for loop variable', this.lastFrom);
        this.checkkwd = CHKNL | CHKKWD | CHKALIAS;
        if (this.readtoken() === 'in') {
          while (this.readtoken() === 'WORD');
          if (this.lasttoken !== 'NL' && this.lasttoken !== 'SEMI') this.synexpect(null);
        } else if (this.lasttoken !== 'SEMI') {
          this.tokpushback = true;
        }
        this.checkkwd = CHKNL | CHKKWD | CHKALIAS;
        if (this.readtoken() !== 'do') this.synexpect('do');
        this.list(0);
        t = 'done';
        break;
      }
      case 'case': {
        if (this.readtoken() !== 'WORD') this.synexpect('WORD');
        this.checkkwd = CHKNL | CHKKWD | CHKALIAS;
        if (this.readtoken() !== 'in') this.synexpect('in');
        for (;;) {
          this.checkkwd = CHKNL | CHKKWD;
          t = this.readtoken();
          if (t === 'esac') break;
          if (this.lasttoken === 'LP') this.readtoken();
          while (this.readtoken() === 'PIPE') this.readtoken();
          if (this.lasttoken !== 'RP') this.synexpect('RP');
          this.list(2);
          this.checkkwd = CHKNL | CHKKWD;
          t = this.readtoken();
          if (t === 'esac') break;
          if (t !== 'ENDCASE') this.synexpect('ENDCASE');
        }
        this.redirectsAfter();
        return;
      }
      case 'LP':
        this.list(0);
        t = 'RP';
        break;
      case '{':
        this.list(0);
        t = '}';
        break;
      case 'WORD':
      case 'REDIR':
        this.tokpushback = true;
        this.simplecmd();
        return;
      default:
        this.synexpect(null);
    }
    if (this.readtoken() !== t) this.synexpect(t);
    this.redirectsAfter();
  }

  private redirectsAfter(): void {
    this.checkkwd = CHKKWD | CHKALIAS;
    while (this.readtoken() === 'REDIR') this.parsefname();
    this.tokpushback = true;
  }

  private simplecmd(): void {
    const cmd: SimpleCommand = { words: [], redirs: [] };
    let checkAssign = true;
    let assignments = 0;
    for (;;) {
      this.checkkwd = CHKALIAS;
      const t = this.readtoken();
      if (t === 'WORD') {
        const w = this.word!;
        if (checkAssign && isAssignment(w)) assignments++;
        else {
          cmd.words.push(w);
          checkAssign = false;
        }
        continue;
      }
      if (t === 'REDIR') {
        cmd.redirs.push(this.parsefname());
        continue;
      }
      if (t === 'LP' && cmd.words.length === 1 && assignments === 0 && cmd.redirs.length === 0) {
        // `name ( )` starts a function definition.
        if (this.readtoken() !== 'RP') this.synexpect('RP');
        // dash checks the word's raw text, quote marks included: any quoting (`\f`, `"f"`) makes a bad name.
        const w0 = cmd.words[0];
        const name = w0.quoted || w0.chars.some((c) => c.quoted) ? null : wordLiteral(w0);
        if (name === null || !goodname(name) || SPECIAL_BUILTINS.has(name)) this.fail('Bad function name', this.lastFrom);
        this.checkkwd = CHKNL | CHKKWD | CHKALIAS;
        this.command();
        return;
      }
      this.tokpushback = true;
      break;
    }
    if (this.substDepth === 0 && this.first === null) this.first = { cmd, endToken: this.lasttoken, endAt: this.lastFrom };
  }

  private parsefname(): Redir {
    const r = this.redir!;
    if (r.kind === '<<') this.checkkwd = CHKEOFMARK;
    if (this.readtoken() !== 'WORD') this.synexpect(null);
    r.target = this.word!;
    if (r.kind === '<<') {
      this.heredocs.push({ mark: r.target.chars.map((c) => c.ch).join(''), striptabs: this.heredocStrip, quoted: this.quoteflag, redir: r });
    }
    return r;
  }

  private heredocStrip = false;

  /**
   * Here-document bodies start after the next newline and run to the delimiter line or the end. With an
   * unquoted delimiter dash reads the body as double-quoted text, so its substitutions are parsed (and can
   * be syntax errors); with a quoted one the body is plain text.
   */
  private parseheredoc(): void {
    const docs = this.heredocs;
    this.heredocs = [];
    for (const doc of docs) {
      if (!doc.quoted) {
        this.readWord(this.pgetcEatBnl(), this.pos - 1, doc);
        continue;
      }
      for (;;) {
        if (this.pos >= this.n) break;
        if (this.atDelimiter(doc)) break;
        let c: string;
        while ((c = this.pgetc()) !== '\n' && c !== '');
        if (c === '') {
          this.pungetc();
          break;
        }
      }
    }
  }

  /** At a line start: whether the line is the delimiter (then it is consumed, with its newline). */
  private atDelimiter(doc: { mark: string; striptabs: boolean }): boolean {
    let k = this.pos;
    if (doc.striptabs) while (k < this.n && this.input[k].ch === '\t') k++;
    for (const ch of doc.mark) {
      if (k >= this.n || this.input[k].ch !== ch) return false;
      k++;
    }
    if (k < this.n && this.input[k].ch !== '\n') return false;
    this.pos = Math.min(k + 1, this.n);
    return true;
  }

  private wordText(): string {
    return this.word ? this.word.chars.map((c) => c.ch).join('') : '';
  }

  // -- Tokens (readtoken, xxreadtoken) --

  private readtoken(): Tok {
    let kwd = this.checkkwd;
    let t = this.xxreadtoken();
    if (kwd & CHKNL) {
      while (t === 'NL') {
        this.parseheredoc();
        this.checkkwd = 0;
        t = this.xxreadtoken();
      }
    }
    kwd |= this.checkkwd;
    this.checkkwd = 0;
    if (t !== 'WORD' || this.quoteflag) return t;
    if (kwd & CHKKWD && this.word!.expansions.length === 0) {
      const k = KEYWORDS.get(this.wordText());
      if (k) {
        this.lasttoken = k;
        return k;
      }
    }
    return t;
  }

  private xxreadtoken(): Tok {
    if (this.tokpushback) {
      this.tokpushback = false;
      return this.lasttoken;
    }
    for (;;) {
      const from = this.pos;
      let c = this.pgetcEatBnl();
      const at = this.pos - 1;
      const ret = (t: Tok): Tok => {
        this.lastFrom = at;
        return (this.lasttoken = t);
      };
      switch (c) {
        case ' ':
        case '\t':
          continue;
        case '#':
          while ((c = this.pgetc()) !== '\n' && c !== '');
          this.pungetc();
          continue;
        case '\n':
          return ret('NL');
        case '':
          return ret('EOF');
        case '&':
          if (this.pgetcEatBnl() === '&') return ret('AND');
          this.pungetc();
          return ret('BACKGND');
        case '|':
          if (this.pgetcEatBnl() === '|') return ret('OR');
          this.pungetc();
          return ret('PIPE');
        case ';':
          if (this.pgetcEatBnl() === ';') return ret('ENDCASE');
          this.pungetc();
          return ret('SEMI');
        case '(':
          return ret('LP');
        case ')':
          return ret('RP');
      }
      void from;
      const t = this.readWord(c, at);
      this.lastFrom = at;
      return (this.lasttoken = t);
    }
  }

  // -- The word reader (readtoken1) --

  private readWord(firstc: string, start: number, heredoc?: HereDoc): Tok {
    if (++this.nesting > MAX_SHELL_NESTING) throw new TooDeep();
    try {
      return this.readWordBody(firstc, start, heredoc);
    } finally {
      this.nesting--;
    }
  }

  private readWordBody(firstc: string, start: number, heredoc?: HereDoc): Tok {
    let c = firstc;
    if (heredoc) {
      this.pungetc();
      if (this.atDelimiter(heredoc)) {
        heredoc.redir.body = [];
        return 'WORD';
      }
      c = this.pgetcEatBnl();
    }
    const stack: SynFrame[] = [frame(heredoc ? 'dq' : 'base')];
    let syn = stack[0];
    const chars: ValueChar[] = [];
    const expansions: Expansion[] = [];
    let quotef = 0;
    /** Open top-level expansion (inside which every character belongs to it). */
    let open: Expansion | null = null;
    let depth = 0;
    const push = (f: SynFrame) => {
      stack.push(f);
      syn = f;
    };
    const pop = () => {
      stack.pop();
      syn = stack[stack.length - 1];
    };
    const put = (ch: string, quoted: boolean) => {
      if (depth > 0) return; // inside an expansion: its text is kept from the input below
      chars.push({ ch, at: this.pos - 1, quoted, glob: !quoted && syn.syntax === 'base' && (ch === '*' || ch === '?' || ch === '[') });
    };
    const beginExp = (kind: Expansion['kind'], from: number) => {
      if (depth === 0) open = { kind, quoted: syn.dblquote, from, to: from, valueAt: chars.length, bad: false, mayFail: false };
      if (kind === 'arithmetic' && open) open.mayFail = true;
      depth++;
    };
    const endExp = () => {
      depth--;
      if (depth === 0 && open) {
        open.to = this.pos;
        expansions.push(open);
        // The expansion's own text is the best guess at its value.
        for (let k = open.from; k < open.to && k < this.n; k++) chars.push({ ch: this.input[k].ch, at: k, quoted: true, glob: false });
        open = null;
      }
    };
    const markBad = (mayFail = false) => {
      if (!open) return;
      if (mayFail) open.mayFail = true;
      else open.bad = true;
    };
    const getTop = () => (syn.syntax === 'sq' ? this.pgetc() : this.pgetcEatBnl());

    for (;;) {
      const cls = classOf(syn.syntax, c);
      let end = false;
      switch (cls) {
        case 'NL':
          if (syn.syntax === 'base' && !syn.varnest) {
            end = true;
            break;
          }
          put(c, true);
          if (heredoc && this.atDelimiter(heredoc)) {
            c = '';
            end = true;
          }
          break;
        case 'WORD':
          put(c, syn.syntax !== 'base');
          break;
        case 'CTL':
          put(c, true);
          break;
        case 'BACK': {
          c = this.pgetc();
          if (c === '') {
            put('\\', false);
            this.pungetc();
          } else {
            if (syn.dblquote && c !== '\\' && c !== '`' && c !== '$' && (c !== '"' || (heredoc && !syn.varnest)) && (c !== '}' || !syn.varnest)) put('\\', true);
            put(c, true);
            quotef++;
          }
          break;
        }
        case 'SQUOTE':
          syn.syntax = 'sq';
          break;
        case 'DQUOTE':
          syn.syntax = 'dq';
          syn.dblquote = true;
          if (syn.varnest) syn.innerdq = !syn.innerdq;
          break;
        case 'ENDQUOTE':
          if (heredoc && !syn.varnest) {
            put(c, true);
            break;
          }
          if (syn.dqvarnest === 0) {
            syn.syntax = 'base';
            syn.dblquote = false;
          }
          quotef++;
          if (c === '"' && syn.varnest) syn.innerdq = !syn.innerdq;
          break;
        case 'VAR':
          this.parsesub(syn, push, beginExp, endExp, markBad, put);
          break;
        case 'ENDVAR':
          if (!syn.innerdq && syn.varnest > 0) {
            syn.varnest--;
            if (!syn.varnest && syn.varpushed) pop();
            else if (syn.dqvarnest > 0) syn.dqvarnest--;
            endExp();
          } else {
            put(c, syn.syntax !== 'base');
          }
          break;
        case 'LP':
          syn.parenlevel++;
          break;
        case 'RP':
          if (syn.parenlevel > 0) {
            syn.parenlevel--;
          } else if (this.pgetcEatBnl() === ')') {
            pop();
            endExp();
          } else {
            this.pungetc();
          }
          break;
        case 'BQUOTE':
          if (this.checkkwd & CHKEOFMARK) {
            put('`', false);
            break;
          }
          beginExp('command', this.pos - 1);
          this.parsebackq(true, syn.dblquote);
          endExp();
          break;
        case 'EOF':
          end = true;
          break;
        default:
          if (syn.varnest === 0) end = true;
          else put(c, true);
      }
      if (end) break;
      c = getTop();
    }
    if (syn.syntax === 'ari') this.fail("Missing '))'");
    if (syn.syntax !== 'base' && !heredoc) this.fail('Unterminated quoted string');
    if (syn.varnest !== 0) this.fail("Missing '}'");
    if (heredoc) {
      if (c === '') this.pos = Math.min(this.pos, this.n);
      heredoc.redir.body = expansions;
      return 'WORD';
    }
    const w: Word = { from: start, to: Math.min(this.pos - (c === '' ? 0 : 1), this.n), chars, expansions, quoted: quotef > 0 };
    if ((c === '>' || c === '<') && quotef === 0 && expansions.length === 0 && chars.length <= 1 && (chars.length === 0 || isDigit(chars[0].ch))) {
      this.parseredir(c, start);
      return 'REDIR';
    }
    if (c !== '') this.pungetc();
    else this.pos = Math.min(this.pos, this.n);
    this.quoteflag = quotef > 0;
    this.word = w;
    return 'WORD';
  }

  private parseredir(c: string, from: number): void {
    let kind: RedirKind;
    if (c === '>') {
      const d = this.pgetcEatBnl();
      if (d === '>') kind = '>>';
      else if (d === '|') kind = '>|';
      else if (d === '&') kind = '>&';
      else {
        kind = '>';
        this.pungetc();
      }
    } else {
      const d = this.pgetcEatBnl();
      if (d === '<') {
        kind = '<<';
        if (this.pgetcEatBnl() === '-') this.heredocStrip = true;
        else {
          this.heredocStrip = false;
          this.pungetc();
        }
      } else if (d === '&') kind = '<&';
      else if (d === '>') kind = '<>';
      else {
        kind = '<';
        this.pungetc();
      }
    }
    this.redir = { kind, from, target: null };
  }

  /** After a `$`: `$name`, `${...}`, `$(...)`, `$((...))`, or a literal `$`. */
  private parsesub(
    syn: SynFrame,
    push: (f: SynFrame) => void,
    beginExp: (kind: Expansion['kind'], from: number) => void,
    endExp: () => void,
    markBad: (mayFail?: boolean) => void,
    put: (ch: string, quoted: boolean) => void,
  ): void {
    const dollar = this.pos - 1;
    let c = this.pgetcEatBnl();
    if (this.checkkwd & CHKEOFMARK || (c !== '(' && c !== '{' && !isName(c) && !isSpecial(c))) {
      put('$', syn.syntax !== 'base');
      this.pungetc();
      return;
    }
    if (c === '(') {
      if (this.pgetcEatBnl() === '(') {
        beginExp('arithmetic', dollar);
        const f = frame('ari');
        f.dblquote = true;
        push(f);
      } else {
        this.pungetc();
        beginExp('command', dollar);
        this.parsebackq(false, syn.dblquote);
        endExp();
      }
      return;
    }
    beginExp('parameter', dollar);
    let newsyn: Syntax = syn.syntax;
    let subtype = VSNORMAL;
    if (c === '{') {
      c = this.pgetcEatBnl();
      subtype = 0;
    }
    let badsub = false;
    for (let again = true; again; ) {
      again = false;
      if (isName(c)) {
        do c = this.pgetcEatBnl();
        while (isInName(c));
      } else if (isDigit(c)) {
        do c = this.pgetcEatBnl();
        while ((subtype <= 0 || subtype >= VSLENGTH) && isDigit(c));
      } else if (c !== '}') {
        let cc = c;
        c = this.pgetcEatBnl();
        if (!subtype && cc === '#') {
          subtype = VSLENGTH;
          if (c === '_' || /^[A-Za-z0-9]$/.test(c)) {
            again = true;
            continue;
          }
          cc = c;
          c = this.pgetcEatBnl();
          if (cc === '}' || c !== '}') {
            this.pungetc();
            subtype = 0;
            c = cc;
            cc = '#';
          }
        }
        if (!isSpecial(cc)) {
          if (subtype === VSLENGTH) subtype = 0;
          badsub = true;
        }
      } else {
        badsub = true;
      }
    }
    if (!badsub && subtype === 0) {
      const cc = c;
      if (c === '%' || c === '#') {
        subtype = c === '#' ? VSTRIMLEFT : VSTRIMRIGHT;
        c = this.pgetcEatBnl();
        if (c === cc) subtype++;
        else this.pungetc();
        newsyn = 'base';
      } else {
        if (c === ':') {
          subtype = VSNUL;
          c = this.pgetcEatBnl();
        }
        const p = TYPES.indexOf(c);
        if (p >= 0 && c !== '') subtype |= p + VSNORMAL;
      }
    } else {
      if (!badsub && subtype === VSLENGTH && c !== '}') subtype = 0;
      this.pungetc();
    }
    if ((subtype & VSTYPE) === 0) markBad();
    // `${x?}` / `${x:?}` fails when x is unset (or empty); `${1=y}` cannot assign to a positional parameter.
    else if ((subtype & VSTYPE) === VSQUESTION || ((subtype & VSTYPE) === VSASSIGN && !isName(this.input[dollar + (this.input[dollar + 1]?.ch === '{' ? 2 : 1)]?.ch ?? ''))) markBad(true);
    if (newsyn === 'ari') newsyn = 'dq';
    let top = syn;
    if ((newsyn !== syn.syntax || syn.innerdq) && subtype !== VSNORMAL) {
      top = frame(newsyn);
      top.varpushed = true;
      top.dblquote = newsyn !== 'base';
      push(top);
    }
    if (subtype !== VSNORMAL) {
      top.varnest++;
      if (top.dblquote) top.dqvarnest++;
    } else {
      endExp();
    }
  }

  /** `$(...)` (on this input) or a backquoted command (its text, unescaped, parsed on its own). */
  private parsebackq(oldstyle: boolean, dblquote: boolean): void {
    const savedWord = this.word;
    const savedQuote = this.quoteflag;
    const savedDocs = this.heredocs;
    this.heredocs = [];
    if (oldstyle) {
      const body: SourcedChar[] = [];
      for (;;) {
        let pc = this.pgetcEatBnl();
        const at = this.pos - 1;
        if (pc === '`') break;
        if (pc === '') this.fail('EOF in backquote substitution');
        if (pc === '\\') {
          pc = this.pgetc();
          if (pc !== '\\' && pc !== '`' && pc !== '$' && (!dblquote || pc !== '"')) body.push({ ch: '\\', offset: this.input[at]?.offset ?? null });
          if (pc === '') {
            this.pungetc();
            continue;
          }
        }
        body.push({ ch: pc, offset: this.input[this.pos - 1]?.offset ?? null });
      }
      const sub = new DashParser(body);
      sub.substDepth = 1;
      sub.nesting = this.nesting;
      try {
        sub.list(2);
      } catch (e) {
        if (e instanceof SyntaxError_) throw new SyntaxError_(e.message, this.pos - 1);
        throw e;
      }
    } else {
      this.substDepth++;
      this.list(2);
      if (this.readtoken() !== 'RP') this.synexpect('RP');
      this.substDepth--;
      // dash reads the bodies of here-documents opened inside $(...) from an empty string: they are empty.
      this.heredocs = [];
    }
    this.parseheredoc();
    this.heredocs = savedDocs;
    this.word = savedWord;
    this.quoteflag = savedQuote;
    this.tokpushback = false;
  }

  spanOf(from: number, to: number): Span | null {
    let start: number | null = null;
    let end: number | null = null;
    for (let i = Math.max(0, from); i < to && i < this.n; i++) {
      const o = this.input[i].offset;
      if (o === null) continue;
      if (start === null || o < start) start = o;
      if (end === null || o + 1 > end) end = o + 1;
    }
    return start === null || end === null ? null : { start, end };
  }

  textOf(from: number, to: number): string {
    let s = '';
    for (let i = Math.max(0, from); i < to && i < this.n; i++) s += this.input[i].ch;
    return s;
  }
}

function frame(syntax: Syntax): SynFrame {
  return { syntax, varnest: 0, parenlevel: 0, dblquote: syntax === 'dq', innerdq: false, dqvarnest: 0, varpushed: false };
}

function goodname(name: string): boolean {
  return name.length > 0 && isName(name[0]) && [...name].every(isInName);
}

function isAssignment(w: Word): boolean {
  // NAME=... with an unquoted name: dash's isassignment() on the word text.
  let k = 0;
  if (k >= w.chars.length || w.chars[k].quoted || !isName(w.chars[k].ch)) return false;
  if (w.expansions.some((e) => e.valueAt === 0)) return false;
  while (k < w.chars.length && !w.chars[k].quoted && isInName(w.chars[k].ch)) k++;
  return k < w.chars.length && w.chars[k].ch === '=' && !w.chars[k].quoted && !w.expansions.some((e) => e.valueAt <= k);
}

/** The word's text when nothing in it expands; null otherwise. */
function wordLiteral(w: Word): string | null {
  return w.expansions.length ? null : w.chars.map((c) => c.ch).join('');
}

// ---- Pathname expansion ------------------------------------------------------------------------------

/**
 * The names `/` holds on every realistic Debian or Ubuntu system (installed, cloud image or container).
 * Other names may exist besides them (this machine's `/` has several); see {@link expandInRoot}.
 */
export const STANDARD_ROOT_NAMES: readonly string[] = [
  'bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'lost+found', 'media', 'mnt', 'opt', 'proc', 'root', 'run',
  'sbin', 'srv', 'sys', 'tmp', 'usr', 'var',
];

/** One element of a glob pattern. */
type PatternItem = { lit: string } | { any: true } | { one: true } | { set: (ch: string) => boolean };

/** For each place of a word, where the next unquoted "]" at or after it is (-1: none). */
function closingBrackets(chars: readonly ValueChar[]): Int32Array {
  const next = new Int32Array(chars.length + 1).fill(-1);
  for (let q = chars.length - 1; q >= 0; q--) next[q] = chars[q].ch === ']' && !chars[q].quoted ? q : next[q + 1];
  return next;
}

function compilePattern(chars: readonly ValueChar[]): PatternItem[] | null {
  const out: PatternItem[] = [];
  let magic = false;
  let closeAfter: Int32Array | null = null;
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k];
    if (!c.glob) {
      out.push({ lit: c.ch });
      continue;
    }
    if (c.ch === '*') {
      magic = true;
      out.push({ any: true });
    } else if (c.ch === '?') {
      magic = true;
      out.push({ one: true });
    } else {
      // A bracket expression needs its closing "]" (not as the first member); otherwise "[" is literal.
      let j = k + 1;
      let negate = false;
      if (j < chars.length && !chars[j].quoted && (chars[j].ch === '!' || chars[j].ch === '^')) {
        negate = true;
        j++;
      }
      // The first unquoted "]" after the first member, from a table made once per word: searched from each
      // "[", a word of 300,000 unclosed "[" took minutes.
      closeAfter ??= closingBrackets(chars);
      const close = j + 1 < chars.length ? closeAfter[j + 1] : -1;
      if (close === -1) {
        out.push({ lit: '[' });
        continue;
      }
      magic = true;
      const test = bracketTest(chars.slice(j, close));
      out.push({ set: (ch) => test(ch) !== negate });
      k = close;
    }
  }
  return magic ? out : null;
}

function bracketTest(members: ValueChar[]): (ch: string) => boolean {
  const singles = new Set<string>();
  const ranges: [string, string][] = [];
  const classes: RegExp[] = [];
  const CLASSES: Record<string, RegExp> = {
    alpha: /[A-Za-z]/, digit: /[0-9]/, alnum: /[A-Za-z0-9]/, upper: /[A-Z]/, lower: /[a-z]/, space: /[ \t\n\v\f\r]/,
    punct: /[!-/:-@[-`{-~]/, xdigit: /[0-9A-Fa-f]/, blank: /[ \t]/, print: /[ -~]/, graph: /[!-~]/, cntrl: /[\0-\x1f\x7f]/,
  };
  for (let k = 0; k < members.length; k++) {
    const m = members[k];
    if (m.ch === '[' && !m.quoted && members[k + 1]?.ch === ':') {
      const rest = members.slice(k + 2).map((x) => x.ch).join('');
      const e = rest.indexOf(':]');
      if (e > 0 && CLASSES[rest.slice(0, e)]) {
        classes.push(CLASSES[rest.slice(0, e)]);
        k += 2 + e + 1;
        continue;
      }
    }
    if (members[k + 1]?.ch === '-' && !members[k + 1].quoted && k + 2 < members.length) {
      ranges.push([m.ch, members[k + 2].ch]);
      k += 2;
      continue;
    }
    singles.add(m.ch);
  }
  return (ch) => singles.has(ch) || ranges.some(([a, b]) => ch >= a && ch <= b) || classes.some((re) => re.test(ch));
}

function matches(items: PatternItem[], name: string, i = 0, j = 0): boolean {
  for (; i < items.length; i++) {
    const it = items[i];
    if ('any' in it) {
      for (let k = j; k <= name.length; k++) if (matches(items, name, i + 1, k)) return true;
      return false;
    }
    if (j >= name.length) return false;
    if ('one' in it) j++;
    else if ('lit' in it) {
      if (name[j] !== it.lit) return false;
      j++;
    } else {
      if (!it.set(name[j])) return false;
      j++;
    }
  }
  return j === name.length;
}

/** Whether the pattern's first element can match a letter or a leading dot (the start of a realistic name in `/`). */
function couldMatchRealisticName(items: PatternItem[]): boolean {
  const first = items[0];
  if (!first) return false;
  if ('lit' in first) return /[A-Za-z.]/.test(first.lit);
  if ('set' in first) return [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].some((ch) => first.set(ch));
  return true;
}

export type RootExpansion =
  /** No realistic `/` holds a matching name: the word stays as written (certain). */
  | { kind: 'literal' }
  /** It matches standard names: the word becomes names in `/`, at least these (sorted as dash sorts). */
  | { kind: 'names'; names: string[] }
  /** It matches no standard name but could match a site-specific one: host-dependent. */
  | { kind: 'host' };

/**
 * What mchard claims about pathname expansion in `/`, the working directory systemd gives the Debian
 * wrapper (and so `/bin/sh`):
 * - a pattern that matches one of the names every Debian `/` holds ({@link STANDARD_ROOT_NAMES}) expands to
 *   names in `/` on every realistic host (which ones besides these depends on the host);
 * - a pattern that matches none of them and whose first character can only be something other than a
 *   letter or a dot (`[::1]`, `127.0.0.*`, `-l*`) matches nothing on any realistic host, because
 *   top-level directory names start with a letter (or a dot, for hidden ones): it stays as written;
 * - any other pattern (`a*`: `/app` exists on some hosts) depends on the host.
 * A pattern with a `/` looks into other directories and always depends on the host.
 */
export function expandInRoot(items: PatternItem[] | null, hasSlash: boolean): RootExpansion {
  if (!items) return { kind: 'literal' };
  if (hasSlash) return { kind: 'host' };
  const leadingDot = 'lit' in items[0] && (items[0] as { lit: string }).lit === '.';
  const names = STANDARD_ROOT_NAMES.filter((n) => (leadingDot || n[0] !== '.') && matches(items, n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length) return { kind: 'names', names };
  return couldMatchRealisticName(items) ? { kind: 'host' } : { kind: 'literal' };
}

// ---- From the parse to memcached's argv ---------------------------------------------------------------

function describeExpansion(e: Expansion, bare = false): string {
  const what = e.kind === 'command' ? 'command substitution' : e.kind === 'arithmetic' ? 'arithmetic expansion' : 'parameter expansion';
  return e.quoted || bare ? what : `${what} (unquoted: the result is split into any number of arguments)`;
}

function wordsOf(p: DashParser, w: Word, res: ShellResult): ShellWord[] {
  const value = w.chars.map((c) => c.ch).join('');
  const span = p.spanOf(w.from, w.to);
  const unquoted = w.quoted;
  if (w.expansions.length) {
    const e = w.expansions[0];
    const opaque = w.expansions.some((x) => !x.quoted);
    // A bad substitution depends on nothing: sh fails on it (runtimeFailure).
    for (const x of w.expansions) if (!x.bad) res.hostDependent.push({ what: describeExpansion(x), span: p.spanOf(x.from, x.to) });
    return [{ value, span, exact: false, inexact: describeExpansion(e), unquoted, kind: opaque ? 'opaque' : 'value', unknownAt: e.valueAt }];
  }
  if (w.chars.length && w.chars[0].ch === '~' && !w.chars[0].quoted) {
    const what = 'tilde expansion (the home directory of the user running the wrapper)';
    res.hostDependent.push({ what, span: p.spanOf(w.from, w.from + 1) });
    return [{ value, span, exact: false, inexact: what, unquoted, kind: 'value', unknownAt: 0 }];
  }
  const items = compilePattern(w.chars);
  if (!items) return [{ value, span, exact: true, unquoted }];
  const globAt = w.chars.findIndex((c) => c.glob);
  const exp = expandInRoot(items, w.chars.some((c) => c.ch === '/'));
  if (exp.kind === 'literal') return [{ value, span, exact: true, unquoted }];
  if (exp.kind === 'host') {
    const what = `pathname expansion (glob): "${value}" may match names of the wrapper's working directory, /, on some hosts`;
    res.hostDependent.push({ what, span });
    return [{ value, span, exact: false, inexact: what, unquoted, kind: 'value', unknownAt: globAt, pathname: true }];
  }
  const what = `pathname expansion (glob): "${value}" becomes the names in the wrapper's working directory, / (${exp.names.slice(0, 4).join(', ')}${exp.names.length > 4 ? ', ...' : ''}; which others depends on the host)`;
  res.hostDependent.push({ what, span });
  return exp.names.map((name) => ({ value: name, span, exact: false, inexact: what, unquoted: true, kind: 'value' as const, unknownAt: 0, pathname: true }));
}

/**
 * The failure dash meets while running the first command, before memcached starts, when it is certain;
 * what may fail on some hosts is added to `hostDependent` (and `mayFail`). dash's order (eval.c,
 * evalcommand): it expands the arguments, then every redirection's file name (expredir; a bad substitution
 * in either makes a non-interactive sh exit), then performs the redirections in order (redirect.c: a
 * here-document's body is expanded then, and a failure there, like a descriptor that is not open or a
 * file that does not exist, fails only the command). It does not glob a redirection's file name.
 * `exits`: sh itself exits on the failure (rather than going on with the commands after it).
 */
function runtimeFailure(p: DashParser, cmd: SimpleCommand, res: ShellResult): { failure: ShellFailure; exits: boolean } | null {
  const badSubstitution = (e: Expansion): ShellFailure => ({ message: 'Bad substitution', span: p.spanOf(e.from, e.to), exitCode: 2 });
  for (const w of cmd.words) {
    const bad = w.expansions.find((e) => e.bad);
    if (bad) return { failure: badSubstitution(bad), exits: true };
  }
  for (const r of cmd.redirs) {
    const bad = r.target?.expansions.find((e) => e.bad);
    if (bad) return { failure: badSubstitution(bad), exits: true };
  }
  const mayFail = (what: string, span: Span | null) => {
    res.hostDependent.push({ what, span });
    res.mayFail.push({ what, span });
  };
  for (const r of cmd.redirs) {
    const t = r.target;
    if (!t) continue;
    const span = p.spanOf(r.from, t.to);
    if (r.kind === '<<') {
      for (const e of r.body ?? []) {
        if (e.bad) return { failure: badSubstitution(e), exits: false };
        const at = p.spanOf(e.from, e.to);
        if (e.mayFail) mayFail(`the here-document holds ${describeExpansion(e, true)}, whose evaluation may fail; then sh does not run the command`, at);
        else if (e.kind === 'command') res.hostDependent.push({ what: `the here-document holds a command substitution, which sh runs before the command`, span: at });
      }
      continue;
    }
    if (t.expansions.length) {
      res.hostDependent.push({ what: `the redirection's target depends on ${describeExpansion(t.expansions[0])}`, span });
      continue;
    }
    const text = t.chars.map((c) => c.ch).join('');
    if (t.chars[0]?.ch === '~' && !t.chars[0].quoted) {
      res.hostDependent.push({ what: `the redirection's target starts with "~": the home directory of the user running the wrapper`, span });
      continue;
    }
    // An empty file name (`>''`) names no file: open("") fails with ENOENT on every host.
    if (text === '' && r.kind !== '>&' && r.kind !== '<&') {
      return { failure: { message: r.kind === '<' ? 'cannot open : No such file' : 'cannot create : Directory nonexistent', span, exitCode: 2 }, exits: false };
    }
    if (r.kind === '>&' || r.kind === '<&') {
      if (text === '-' || /^[0-2]$/.test(text)) continue;
      // fds 3-9 are closed: Perl marks its own descriptors close-on-exec and systemd passes only 0-2.
      if (/^[3-9]$/.test(text)) return { failure: { message: `${text}: Bad file descriptor`, span, exitCode: 2 }, exits: false };
      return { failure: { message: 'Syntax error: Bad fd number', span, exitCode: 2 }, exits: false };
    }
    if (r.kind === '<' && !text.startsWith('/')) {
      // A relative name is looked up in /: one that no realistic top-level name can be does not exist.
      const head = text.split('/')[0];
      if (!/^[A-Za-z.]/.test(head) && !STANDARD_ROOT_NAMES.includes(head)) return { failure: { message: `cannot open ${text}: No such file`, span, exitCode: 2 }, exits: false };
      mayFail(`"<${text}" reads a file in the wrapper's working directory, /, which may or may not exist`, span);
    } else if (r.kind === '<') {
      mayFail(`"<${text}" reads a file that may or may not exist on the host`, span);
    }
  }
  return null;
}

const OPERATOR_TEXT: Partial<Record<Tok, string>> = { SEMI: ';', BACKGND: '&', AND: '&&', OR: '||', PIPE: '|', ENDCASE: ';;' };

/**
 * Parses `sh -c "COMMAND CHARS"` as dash does: `words` are the arguments the first simple command (COMMAND,
 * the wrapper's `/usr/bin/memcached`) gets.
 */
export function parseShellCommand(chars: SourcedChar[], opts: ShellOptions = {}): ShellResult {
  const res: ShellResult = { words: [], redirects: [], extraCommands: [], syntaxError: null, runtimeError: null, hostDependent: [], background: null, mayFail: [] };
  const prefix: SourcedChar[] = [...`${opts.commandName ?? '/usr/bin/memcached'} `].map((ch) => ({ ch, offset: null }));
  const input = [...prefix, ...chars];
  const p = new DashParser(input);
  try {
    p.parseFirst();
  } catch (e) {
    if (e instanceof TooDeep) {
      throw new InputError(opts.path ?? '-', `shell commands nested too deeply (more than ${MAX_SHELL_NESTING} levels of if, while, (, {, $(...), \${...}); mchard reads at most ${MAX_SHELL_NESTING} (a real line needs a few)`);
    }
    if (!(e instanceof SyntaxError_)) throw e;
    res.syntaxError = { message: e.message, span: p.spanOf(e.at, e.end ?? input.length) ?? p.spanOf(prefix.length, input.length), exitCode: 2 };
    return res;
  }
  const first = p.first;
  if (!first) return res;
  // One word at a time, not push(...): a word of a few hundred thousand characters as that many call arguments overflowed the stack.
  for (const w of first.cmd.words.slice(1)) for (const word of wordsOf(p, w, res)) res.words.push(word);
  for (const r of first.cmd.redirs) res.redirects.push({ text: p.textOf(r.from, r.target?.to ?? r.from), span: p.spanOf(r.from, r.target?.to ?? r.from) });
  const op = OPERATOR_TEXT[first.endToken];
  if (op) res.extraCommands.push({ operator: op, span: p.spanOf(first.endAt, input.length) });
  if (p.backgroundAt !== null) res.background = { span: p.spanOf(p.backgroundAt, p.backgroundAt + 1) };
  const failed = runtimeFailure(p, first.cmd, res);
  // A failed redirection fails only the command: sh goes on with what follows it (";", "||", a pipeline, the next
  // line). A failed expansion makes sh exit at once, unless the command runs in a child (a pipeline, "&").
  if (failed) {
    // After the line's end, sh reads the next line (a here-document's body and delimiter are not a command).
    const more = first.endToken === 'NL' ? p.laterCommand() : first.endToken !== 'EOF';
    const inChild = op === '|' || op === '&' || res.background !== null;
    if (failed.exits ? inChild : more) failed.failure.exitCode = null;
    res.runtimeError = failed.failure;
  }
  return res;
}
