/**
 * The Dockerfile dialect: what memcached runs with in the image a Dockerfile builds, read the way
 * BuildKit's Dockerfile frontend reads the file and Docker starts the container.
 *
 * - Lines: parser directives at the top (`# escape=` sets the escape character, `\` or a backtick);
 *   an instruction continues on the next line when it ends with the escape character (blanks after it
 *   allowed); comment lines and empty lines inside a continuation are dropped; here-documents of `RUN`,
 *   `COPY` and `ADD` are skipped.
 * - Stages: the last `FROM` is the image; `FROM stage` continues an earlier `FROM image AS stage`. Global
 *   `ARG`s (before the first `FROM`) can build the image reference; their defaults are only defaults
 *   (`--build-arg` changes them).
 * - `ENV`, `USER`, `EXPOSE`, `ARG` have Docker's quoting and `$VAR`/`${VAR:-x}` substitution; `CMD` and
 *   `ENTRYPOINT` have none: in exec form (a JSON array) the words are the program and its arguments; in
 *   shell form they are `SHELL` (default `/bin/sh -c`) and the text, whose words are what `sh` makes of
 *   them (the project's shell reader; `$VAR` takes the image's `ENV` value, which is only the image's
 *   default: the shell reads the variable when the container starts, and `docker run -e`, Compose
 *   `environment:` or a Kubernetes `env:` entry replace it, so the word is the guess, not certain; the same
 *   holds for Bitnami's `MEMCACHED_*` variables set by `ENV`, but for a password, which deployments change,
 *   not empty).
 * - What runs: `ENTRYPOINT` + `CMD`, where a `CMD` inherited from the base image is dropped once the
 *   stage sets `ENTRYPOINT`, and a shell-form `ENTRYPOINT` ignores `CMD`. The base image's own
 *   ENTRYPOINT, CMD and USER count when mchard knows it (the official memcached image, Bitnami's, the
 *   distributions' base images, which run as root); otherwise they are unknown.
 * - The official image's entrypoint prepends `memcached` to a command starting with `-`; Bitnami's runs
 *   its start script from `ENV MEMCACHED_*` (images/). `sh -c "exec memcached ..."` is read through.
 * - Exposure: inside a container memcached binds the container's network; `EXPOSE` only documents the
 *   port. Whoever runs the image publishes it (`docker run -p`, `-P` for every exposed port, Compose
 *   `ports:`, a Kubernetes Service), so the listener rules judge the container's own network.
 */
import type { ArgToken, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, ParsedConfig } from './types.js';
import { bitnamiNote, type ContainerNote } from './container-notes.js';
import { appendAll, BASE_IMAGE_USER, literalChars, joinSpans, tokenOf, valueOf, type SrcChar } from './sourced.js';
import { parseShellCommand, type SourcedChar } from './shell.js';
import { dependsOn, fromVariables, identifyImage, type ImageInfo } from './images/index.js';
import { parseVersion } from '../memcached/version.js';
import { isMemcachedProgram, officialEntrypoint, OFFICIAL_USER } from './images/official.js';
import { bitnamiStart, BITNAMI_UID, type EnvValue } from './images/bitnami.js';
import type { ReachData } from './container-reach.js';

export interface DockerInstruction {
  /** The keyword in upper case. */
  readonly keyword: string;
  readonly keywordSpan: Span;
  /** The arguments, continuation lines joined (without the escape and the line end), comment lines dropped. */
  readonly args: readonly SrcChar[];
  /** From the keyword to the end of its last line's text. */
  readonly span: Span;
}

/** A CMD, ENTRYPOINT or SHELL as written: exec form (JSON array) or shell form. */
export type CommandForm =
  | { readonly form: 'exec'; readonly instr: DockerInstruction; readonly items: readonly ExecItem[]; readonly open: number; readonly close: number }
  | { readonly form: 'shell'; readonly instr: DockerInstruction; readonly text: readonly SrcChar[] };

export interface ExecItem {
  readonly value: string;
  /** The string's characters, each with its place (escapes span their whole sequence). */
  readonly chars: readonly SrcChar[];
  /** The JSON string token, quotes included. */
  readonly span: Span;
}

/** What feeds memcached's argument vector, for the editor. */
export interface DockerArgvSource {
  /** The instruction whose words are memcached's options (after `skip` words), or null. */
  readonly holder: 'CMD' | 'ENTRYPOINT' | null;
  readonly form: CommandForm | null;
  /** Words of the holder before memcached's first option (`memcached`, or `sh -c` for a script). */
  readonly skip: number;
  /** For a shell script (shell form or `sh -c`): the script's characters. */
  readonly script: readonly SrcChar[] | null;
  /** The options continue in CMD after ENTRYPOINT's (`ENTRYPOINT ["memcached"]` + `CMD ["-m", "64"]`). */
  readonly cmd: CommandForm | null;
}

export interface DockerfileConfig extends ParsedConfig<ContainerNote> {
  readonly dialect: 'dockerfile';
  readonly instructions: readonly DockerInstruction[];
  readonly escape: string;
  /** Set when memcached's options come from the file's CMD/ENTRYPOINT. */
  readonly argvSource: DockerArgvSource | null;
  /** The final stage's instructions (the stage chain's, oldest first). */
  readonly stageInstructions: readonly DockerInstruction[];
}

// ---- memcached built from modified source ----

/** A RUN's text with each line continuation blanked (same length: offsets stay the file's). */
const runText = (text: string, i: DockerInstruction) => text.slice(i.span.start, i.span.end).replace(/[\\`]\r?\n/g, (m) => ' '.repeat(m.length));

/** memcached's source fetched (a release tarball, its repository), as the RUNs that build it do. */
const MEMCACHED_SOURCE = /memcached[-_]?\$?\{?[\w.]*\}?\.tar|memcached\.org\/files|github\.com\/memcached\/memcached|clone[^\n&;|]*memcached/i;
/** A command that changes files in place: `sed -i`, `patch`, `git apply`/`am`, `perl -pi`, `quilt push` (at a command's start). */
const EDITS_SOURCE = /(?:^|&&|\|\||;|\bthen\b|\bdo\b|\bRUN\b)[ \t]*(?:sed[ \t](?:[^&;|\n]*[ \t])?-(?:[a-zA-Z]*i|-in-place)(?![^&;|\n]*[ \t]\/etc\/)|patch[ \t]+-|git[ \t]+(?:apply|am)\b|perl[ \t]+-[a-z]*i|quilt[ \t]+push)/;
/** The build: `make` or `./configure` at a command's start. */
const BUILDS = /(?:^|&&|\|\||;|\bthen\b|\bdo\b|\bRUN\b)[ \t]*(?:make\b|\.\/configure\b|\.\/autogen\.sh\b)/;

/**
 * The first place a RUN changes memcached's fetched source before building it (`sed -i` on a file of the
 * tree, a `patch`, a `git apply`): the binary is not the stock release, so what it does at start (its option
 * checks, the root check, its defaults) is not what mchard knows of that release. Null when no RUN does.
 */
function patchedSource(instructions: readonly DockerInstruction[], text: string): { reason: string; decide: string; modifiedBuild: { line: number } } | null {
  let fetched = false;
  let edit: { at: number; shown: string } | null = null;
  for (const i of instructions) {
    if (i.keyword !== 'RUN' && i.keyword !== 'ADD' && i.keyword !== 'COPY') continue;
    const t = runText(text, i);
    // Each command in order: the source fetched, then changed, then built.
    for (const cmd of t.split(/(?=&&|\|\||;)/)) {
      if (!fetched && MEMCACHED_SOURCE.test(cmd)) fetched = true;
      if (i.keyword !== 'RUN') continue;
      if (fetched && !edit && EDITS_SOURCE.test(cmd)) {
        const at = i.span.start + t.indexOf(cmd) + (cmd.length - cmd.replace(/^(?:&&|\|\||;)?[ \t]*/, '').length);
        // The physical line it starts on (a quoted "||" or ";" in a sed script is no command boundary).
        const end = text.indexOf('\n', at);
        const shown = text.slice(at, end === -1 ? undefined : end).replace(/[ \t]*(?:&&)?[ \t]*[\\`]?\r?$/, '').trim();
        edit = { at, shown: shown.length > 100 ? `${shown.slice(0, 100)}...` : shown };
      } else if (edit && BUILDS.test(cmd)) {
        const line = text.slice(0, edit.at).split('\n').length;
        return {
          reason: `the image builds memcached from source it changes first (line ${line}: ${JSON.stringify(edit.shown)}), so the binary is not the stock release: what it does at start (its option checks, the root check, its defaults) may differ`,
          decide: `what the change on line ${line} does to memcached's source`,
          modifiedBuild: { line },
        };
      }
    }
  }
  return null;
}

// ---- lines and instructions ----

const DIRECTIVE = /^#[ \t]*([A-Za-z]+)[ \t]*=[ \t]*(.*?)[ \t]*$/;

interface PhysLine {
  start: number;
  /** Without the line end ("\n" or "\r\n"). */
  end: number;
}

function physicalLines(text: string): PhysLine[] {
  const out: PhysLine[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    let end = nl === -1 ? text.length : nl;
    if (end > start && text[end - 1] === '\r') end--;
    out.push({ start, end });
    if (nl === -1) break;
    start = nl + 1;
  }
  return out;
}

/** The parser directives and the instructions of a Dockerfile. */
export function readInstructions(text: string): { escape: string; instructions: DockerInstruction[]; notes: ContainerNote[] } {
  const lines = physicalLines(text);
  const notes: ContainerNote[] = [];
  let escape = '\\';
  let k = 0;
  // Parser directives: only at the very top, before any blank line, other comment or instruction.
  for (; k < lines.length; k++) {
    const l = text.slice(lines[k].start, lines[k].end);
    const m = DIRECTIVE.exec(l);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape') {
      if (m[2] === '`' || m[2] === '\\') escape = m[2];
      else notes.push({ kind: 'parse-error', span: { start: lines[k].start, end: lines[k].end }, message: `invalid escape directive ${JSON.stringify(m[2])}: Docker accepts only \\ or \``});
    }
  }
  const instructions: DockerInstruction[] = [];
  const blank = (l: PhysLine) => /^[ \t]*$/.test(text.slice(l.start, l.end));
  const comment = (l: PhysLine) => /^[ \t]*#/.test(text.slice(l.start, l.end));
  /** The end of a line's text without a trailing escape (and the blanks after it), and whether it continues. */
  const cont = (l: PhysLine): { end: number; continues: boolean } => {
    let e = l.end;
    while (e > l.start && (text[e - 1] === ' ' || text[e - 1] === '\t')) e--;
    if (e > l.start && text[e - 1] === escape) return { end: e - 1, continues: true };
    return { end: l.end, continues: false };
  };
  while (k < lines.length) {
    const l = lines[k];
    if (blank(l) || comment(l)) {
      k++;
      continue;
    }
    const lineText = text.slice(l.start, l.end);
    const lead = /^[ \t]*/.exec(lineText)![0].length;
    const kw = /^[A-Za-z]+/.exec(lineText.slice(lead));
    const kwStart = l.start + lead;
    const keyword = kw ? kw[0].toUpperCase() : '';
    const kwEnd = kwStart + (kw ? kw[0].length : 0);
    const args: SrcChar[] = [];
    let c = cont(l);
    let from = kwEnd;
    while (from < c.end && (text[from] === ' ' || text[from] === '\t')) from++;
    appendAll(args, literalChars(text.slice(from, c.end), from));
    let last = l;
    while (c.continues && k + 1 < lines.length) {
      k++;
      const next = lines[k];
      if (comment(next) || blank(next)) continue;
      c = cont(next);
      appendAll(args, literalChars(text.slice(next.start, c.end), next.start));
      last = next;
    }
    k++;
    const instr: DockerInstruction = { keyword, keywordSpan: { start: kwStart, end: kwEnd }, args, span: { start: kwStart, end: Math.max(last.end, kwEnd) } };
    instructions.push(instr);
    // Here-documents (`RUN <<EOF`): their lines are not instructions.
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      const heres = [...valueOf(args).matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)];
      for (const h of heres) {
        while (k < lines.length && text.slice(lines[k].start, lines[k].end).replace(h[1] ? /^\t*/ : /^/, '') !== h[3]) k++;
        k++;
      }
    }
  }
  return { escape, instructions, notes };
}

// ---- words, quoting and substitution (ENV, ARG, USER, FROM, EXPOSE) ----

/** A variable as the Dockerfile knows it: its value's characters, and what it depends on (a build argument). */
interface Var {
  readonly chars: readonly SrcChar[] | null;
  readonly dep?: string;
  readonly span: Span | null;
}

/** Splits on unquoted blanks, keeping quotes and escapes (Docker parses `ENV a="x y" b=c` so). */
function rawWords(chars: readonly SrcChar[], escape: string): SrcChar[][] {
  const words: SrcChar[][] = [];
  let cur: SrcChar[] = [];
  let quote: string | null = null;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (quote === null && (c.ch === ' ' || c.ch === '\t')) {
      if (cur.length) words.push(cur);
      cur = [];
      continue;
    }
    cur.push(c);
    if (c.ch === escape && quote !== "'" && i + 1 < chars.length) {
      cur.push(chars[++i]);
      continue;
    }
    if (quote === null && (c.ch === '"' || c.ch === "'")) quote = c.ch;
    else if (quote === c.ch) quote = null;
  }
  if (cur.length) words.push(cur);
  return words;
}

/**
 * One word with quotes removed, escapes applied and `$NAME`, `${NAME}`, `${NAME:-x}`, `${NAME:+x}` (and
 * the forms without `:`) replaced, as BuildKit's shell lexer does. Characters from a build argument's
 * default carry `dep`; an unknown variable leaves the word unknown (null).
 */
function processWord(chars: readonly SrcChar[], escape: string, lookup: (name: string) => Var | undefined): { chars: SrcChar[]; unknown: string | null } {
  const out: SrcChar[] = [];
  let unknown: string | null = null;
  let i = 0;
  const n = chars.length;
  const at = (k: number) => (k < n ? chars[k].ch : '');
  const expand = (): void => {
    // at(i) === '$'
    const start = i;
    if (at(i + 1) === '{') {
      let e = i + 2;
      let depth = 1;
      while (e < n) {
        if (at(e) === '{') depth++;
        else if (at(e) === '}' && --depth === 0) break;
        e++;
      }
      const body = valueOf(chars.slice(i + 2, e));
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(body);
      if (e >= n || !m) {
        out.push(chars[i]);
        i++;
        return;
      }
      const v = lookup(m[1]);
      const set = v !== undefined && (m[2]?.startsWith(':') ? !(v.chars !== null && v.chars.length === 0) : true);
      const wordChars = chars.slice(i + 2 + m[1].length + (m[2]?.length ?? 0), e);
      const span = joinSpans(chars.slice(start, e + 1));
      if (v && v.chars === null) unknown ??= v.dep ?? `${m[1]} is not known`;
      if (m[2] === ':-' || m[2] === '-') {
        if (set && v!.chars) appendAll(out, v!.chars.map((c) => ({ ch: c.ch, span, ...(v!.dep ? { dep: v!.dep } : {}) })));
        else if (!set) appendAll(out, processWord(wordChars, escape, lookup).chars);
      } else if (m[2] === ':+' || m[2] === '+') {
        if (set) appendAll(out, processWord(wordChars, escape, lookup).chars);
      } else if (v?.chars) appendAll(out, v.chars.map((c) => ({ ch: c.ch, span, ...(v.dep ? { dep: v.dep } : {}) })));
      i = e + 1;
      return;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(valueOf(chars.slice(i + 1, Math.min(n, i + 200))));
    if (!name) {
      out.push(chars[i]);
      i++;
      return;
    }
    const v = lookup(name[0]);
    const span = joinSpans(chars.slice(i, i + 1 + name[0].length));
    if (v && v.chars === null) unknown ??= v.dep ?? `${name[0]} is not known`;
    if (v?.chars) appendAll(out, v.chars.map((c) => ({ ch: c.ch, span, ...(v.dep ? { dep: v.dep } : {}) })));
    i += 1 + name[0].length;
  };
  while (i < n) {
    const c = at(i);
    if (c === escape) {
      if (i + 1 < n) out.push({ ...chars[i + 1], span: joinSpans(chars.slice(i, i + 2)) });
      i += 2;
      continue;
    }
    if (c === "'") {
      i++;
      while (i < n && at(i) !== "'") out.push(chars[i++]);
      i++;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && at(i) !== '"') {
        if (at(i) === escape && (at(i + 1) === '"' || at(i + 1) === '$' || at(i + 1) === escape)) {
          out.push({ ...chars[i + 1], span: joinSpans(chars.slice(i, i + 2)) });
          i += 2;
        } else if (at(i) === '$') expand();
        else out.push(chars[i++]);
      }
      i++;
      continue;
    }
    if (c === '$') {
      expand();
      continue;
    }
    out.push(chars[i++]);
  }
  return { chars: out, unknown };
}

// ---- CMD, ENTRYPOINT, SHELL ----

/** The JSON array of an exec form, with each string's characters; null when the text is not one (shell form). */
function execForm(chars: readonly SrcChar[]): { items: ExecItem[]; open: number; close: number } | null {
  const text = valueOf(chars);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) return null;
  const items: ExecItem[] = [];
  let i = 0;
  const ws = () => {
    while (i < chars.length && /\s/.test(chars[i].ch)) i++;
  };
  ws();
  const open = chars[i].span!.start;
  i++;
  for (;;) {
    ws();
    if (chars[i].ch === ']') break;
    if (chars[i].ch === ',') {
      i++;
      continue;
    }
    // A JSON string.
    const s = i;
    i++;
    const value: SrcChar[] = [];
    while (chars[i].ch !== '"') {
      if (chars[i].ch === '\\') {
        const e = chars[i + 1].ch;
        if (e === 'u') {
          const code = parseInt(valueOf(chars.slice(i + 2, i + 6)), 16);
          value.push({ ch: String.fromCharCode(code), span: joinSpans(chars.slice(i, i + 6)) });
          i += 6;
        } else {
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"' };
          value.push({ ch: map[e] ?? e, span: joinSpans(chars.slice(i, i + 2)) });
          i += 2;
        }
      } else value.push(chars[i++]);
    }
    i++;
    items.push({ value: valueOf(value), chars: value, span: joinSpans(chars.slice(s, i))! });
  }
  const close = chars[i].span!.start;
  if (items.length !== parsed.length || items.some((it, k) => it.value !== parsed[k])) return null;
  return { items, open, close };
}

function commandOf(instr: DockerInstruction): CommandForm {
  const e = execForm(instr.args);
  return e ? { form: 'exec', instr, ...e } : { form: 'shell', instr, text: instr.args };
}

const SHELLS = /(^|\/)(sh|bash|ash|dash|zsh|ksh)$/;

/**
 * The package-manager command of a RUN text that installs the `memcached` package (`apt-get install -y
 * memcached`, `yum install memcached`, `apk add --no-cache memcached`), or null. Only the package itself
 * (optionally pinned: `memcached=1.6.18-1`): `libmemcached-tools` or `php-memcached` is not memcached.
 */
export function packageInstall(run: string): string | null {
  for (const part of run.split(/&&|\|\||;|\n/)) {
    const m = /(?:^|\s|\/)(apt-get|apt|aptitude|yum|dnf|microdnf|zypper|apk)\s+(?:\S+\s+)*?(install|add|in)\s+(.*)$/.exec(part);
    if (!m || (m[1] === 'apk') !== (m[2] === 'add') || (m[2] === 'in' && m[1] !== 'zypper')) continue;
    if (m[3].split(/\s+/).some((w) => /^memcached(?:[=-]\d[^\s]*)?$/.test(w))) return `${m[1]} ${m[2]} memcached`;
  }
  return null;
}

/**
 * memcached built from one of its releases' source by RUN lines: the release's tarball fetched from
 * memcached's own sites (memcached.org/files, or GitHub's archive of memcached/memcached) or its tag
 * cloned from github.com/memcached/memcached, then `make install`. The release is the one the download
 * names; a configure `--prefix` puts the program in that prefix's bin (default /usr/local/bin).
 */
interface SourceBuild {
  readonly version: string;
  /** Where `make install` puts memcached, or null when the prefix is not literal. */
  readonly bindir: string | null;
  /** The download as the shell gets it (its variables replaced). */
  readonly download: string;
  /** The build argument the release comes from (its default names it), or null. */
  readonly dep: string | null;
  /** The RUN that downloads it. */
  readonly span: Span;
  /** A COPY --from that brought the build into the final stage: its line, the stage and where make install put it there. */
  readonly copy?: { readonly line: number; readonly stage: string; readonly installedIn: string | null };
}

/** Where a source build of memcached stands after the RUN lines so far: the download awaiting make install, and the build. */
interface SourceBuildState {
  download: SourceBuild | null;
  built: SourceBuild | null;
}

/** One RUN's part in a source build: the release it downloads, the prefix its configure sets, its make install. */
function sourceBuildStep(run: string, lookup: (name: string) => Var | undefined, state: SourceBuildState, span: Span): void {
  const expanded = expandRun(run, lookup);
  const got = memcachedDownload(expanded.text);
  if (got) state.download = { ...got, dep: expanded.dep, span, bindir: '/usr/local/bin' };
  // configure, then make install, in this RUN (after the download when it is this RUN's too).
  const after = got ? expanded.text.slice(expanded.text.indexOf(got.download) + got.download.length) : expanded.text;
  if (state.download) {
    const bindir = configuredBindir(after);
    if (bindir !== undefined) state.download = { ...state.download, bindir };
    if (/(?:^|[\s;&|(])make\b[^\n;&|]*?\sinstall(?=\s|$|[;&|)])/.test(after)) state.built = state.download;
  }
}

/** A stage's ARG: each name, with the default written or else the global ARG's (Docker's scoping). */
function declareArgs(instr: DockerInstruction, escape: string, args: Map<string, Var>, globalArgs: ReadonlyMap<string, Var>, lookup: (name: string) => Var | undefined): void {
  for (const w of rawWords(instr.args, escape)) {
    const v = valueOf(w);
    const eq = v.indexOf('=');
    const name = eq === -1 ? v : v.slice(0, eq);
    const g = globalArgs.get(name);
    const val = eq === -1 ? (g?.chars ?? null) : processWord(w.slice(eq + 1), escape, lookup).chars;
    args.set(name, val === null ? { chars: null, dep: `build argument ${name} has no default (docker build --build-arg ${name}=... decides)`, span: instr.span } : { chars: val, dep: `build argument ${name} (default ${JSON.stringify(valueOf(val))}; --build-arg can change it)`, span: instr.span });
  }
}

/** ENV's variables, in both forms (`ENV A=1 B="x y"` and the legacy `ENV NAME value with spaces`). */
function declareEnv(instr: DockerInstruction, escape: string, env: Map<string, Var>, lookup: (name: string) => Var | undefined): void {
  const words = rawWords(instr.args, escape);
  if (words.length === 0) return;
  if (valueOf(words[0]).includes('=')) {
    for (const w of words) {
      const eq = w.findIndex((c) => c.ch === '=');
      if (eq <= 0) continue;
      const name = valueOf(w.slice(0, eq));
      const p = processWord(w.slice(eq + 1), escape, lookup);
      env.set(name, p.unknown ? { chars: null, dep: p.unknown, span: joinSpans(w) } : { chars: p.chars, span: joinSpans(w) });
    }
  } else {
    const name = valueOf(words[0]);
    const rest = instr.args.slice(words[0].length);
    let k = 0;
    while (k < rest.length && (rest[k].ch === ' ' || rest[k].ch === '\t')) k++;
    const p = processWord(rest.slice(k), escape, lookup);
    env.set(name, p.unknown ? { chars: null, dep: p.unknown, span: instr.span } : { chars: p.chars, span: instr.span });
  }
}

/** A COPY's or ADD's --from stage (or image), sources and destination, as written; null when unreadable. */
function copyArgs(instr: DockerInstruction): { from: string | null; sources: string[]; dest: string } | null {
  const written = valueOf(instr.args);
  const from = /(?:^|\s)--from=(\S+)/i.exec(written);
  const rest = written.replace(/^(?:\s*--\S+)*\s*/, '');
  let words: string[] | null = null;
  if (rest.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(rest);
      if (Array.isArray(list) && list.every((w) => typeof w === 'string')) words = list as string[];
    } catch {
      // not the JSON form: nothing decided
    }
  } else words = rest.split(/\s+/).filter((w) => w !== '');
  if (!words || words.length < 2) return null;
  return { from: from ? from[1] : null, sources: words.slice(0, -1), dest: words[words.length - 1] };
}

/**
 * Whether a COPY or ADD puts a file of its own at `binary`: a destination that is that path, or a source
 * whose name is the program's (or a pattern or variable that may be) copied into its folder. A file of
 * another name (docker-library's `COPY docker-entrypoint.sh /usr/local/bin/`) leaves it alone; so does a
 * folder copied above it (an overlay such as `COPY rootfs/ /` is not looked into) and a destination
 * relative to WORKDIR. A copy that cannot be read counts as one that may.
 */
export function mayReplace(copy: { sources: readonly string[]; dest: string } | null, binary: string): boolean {
  if (!copy) return true;
  const { sources, dest } = copy;
  if (!dest.startsWith('/')) return false;
  const into = dest.replace(/\/+$/, '') || '/';
  if (into === binary) return true;
  const cut = binary.lastIndexOf('/');
  const folder = binary.slice(0, cut) || '/';
  if (into !== folder && !dest.includes('$')) return false;
  const name = binary.slice(cut + 1);
  return sources.some((src) => {
    const base = src.replace(/\/+$/, '').split('/').pop() ?? '';
    if (base.includes('$') || dest.includes('$')) return true;
    return /[*?[]/.test(base) ? globMatches(base, name) : base === name;
  });
}

/**
 * Whether the pattern matches the name, as Go's filepath.Match reads it within one name: `*` any run of
 * characters, `?` one, `[...]` (`[!...]`, `[^...]`) a class with ranges. A class left open may match
 * (answered true: unknown is not "no"). Dynamic programming over the two strings: a hostile pattern of
 * many stars costs its length times the name's, never backtracking.
 */
export function globMatches(pattern: string, name: string): boolean {
  // reach[j]: the pattern so far can consume exactly name[0..j).
  let reach: boolean[] = Array.from({ length: name.length + 1 }, (_, j) => j === 0);
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const next: boolean[] = new Array(name.length + 1).fill(false);
    if (c === '*') {
      let any = false;
      for (let j = 0; j <= name.length; j++) {
        any ||= reach[j];
        next[j] = any;
      }
      i++;
    } else {
      let test: (ch: string) => boolean;
      if (c === '?') {
        test = () => true;
        i++;
      } else if (c === '[') {
        const close = pattern.indexOf(']', i + 2);
        if (close === -1) return true;
        let body = pattern.slice(i + 1, close);
        const negate = body[0] === '!' || body[0] === '^';
        if (negate) body = body.slice(1);
        const ranges: [string, string][] = [];
        for (let k = 0; k < body.length; k++) {
          if (body[k + 1] === '-' && k + 2 < body.length) {
            ranges.push([body[k], body[k + 2]]);
            k += 2;
          } else ranges.push([body[k], body[k]]);
        }
        test = (ch) => ranges.some(([lo, hi]) => ch >= lo && ch <= hi) !== negate;
        i = close + 1;
      } else {
        const lit = c === '\\' && i + 1 < pattern.length ? pattern[i + 1] : c;
        test = (ch) => ch === lit;
        i += c === '\\' && i + 1 < pattern.length ? 2 : 1;
      }
      for (let j = 0; j < name.length; j++) if (reach[j] && test(name[j])) next[j + 1] = true;
    }
    reach = next;
  }
  return reach[name.length];
}

/**
 * Where a COPY puts the file `binary` of another stage, or null when none of its sources holds it. A
 * source that is the file lands at the destination (inside it when the destination ends with "/", is one
 * of PATH's standard folders, or several sources are copied); a folder holding it copies its contents, so
 * the file lands at the same place below the destination. Only literal absolute names: a pattern, a
 * variable or a destination relative to WORKDIR decides nothing here.
 */
export function copiedTo(binary: string, sources: readonly string[], dest: string): string | null {
  if (!dest.startsWith('/') || [dest, ...sources].some((w) => /[$*?[\]\\]/.test(w))) return null;
  const into = dest.replace(/\/+$/, '');
  for (const written of sources) {
    const src = written.length > 1 ? written.replace(/\/+$/, '') : written;
    if (src === binary) return dest.endsWith('/') || sources.length > 1 || STANDARD_BINDIRS.has(dest) ? `${into}/${binary.slice(binary.lastIndexOf('/') + 1)}` : dest;
    const folder = src === '/' ? '/' : `${src}/`;
    if (src.startsWith('/') && binary.startsWith(folder)) return `${into}/${binary.slice(folder.length)}`;
  }
  return null;
}

/** A release download of memcached in a RUN line's text (variables already replaced), or null. */
export function memcachedDownload(text: string): { version: string; download: string } | null {
  // Not libmemcached (the client library) nor a mirror's renamed file: memcached's own sites only.
  const tarball = /(?:https?:\/\/)?(?:www\.)?memcached\.org\/files\/(?:old\/)?memcached-(\d+\.\d+\.\d+)\.tar\.(?:gz|bz2|xz)/.exec(text);
  if (tarball) return { version: tarball[1], download: tarball[0] };
  const archive = /(?:https?:\/\/)?github\.com\/memcached\/memcached\/archive\/(?:refs\/tags\/)?v?(\d+\.\d+\.\d+)\.(?:tar\.gz|zip)/.exec(text);
  if (archive) return { version: archive[1], download: archive[0] };
  for (const part of text.split(/&&|\|\||;|\n/)) {
    if (!/\bgit\s+clone\b/.test(part) || !/github\.com\/memcached\/memcached(?:\.git)?(?=[\s"']|$)/.test(part)) continue;
    const branch = /\s(?:-b|--branch)[\s=]+["']?v?(\d+\.\d+\.\d+)["']?(?=\s|$)/.exec(part);
    if (branch) return { version: branch[1], download: part.trim() };
  }
  return null;
}

/** `$NAME` and `${NAME}` replaced by the values ENV and ARG give them (others left as written). */
function expandRun(text: string, lookup: (name: string) => { chars: readonly SrcChar[] | null; dep?: string } | undefined): { text: string; dep: string | null } {
  let dep: string | null = null;
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a: string | undefined, b: string | undefined) => {
    const v = lookup((a ?? b)!);
    if (!v || v.chars === null) return whole;
    dep ??= v.dep ?? v.chars.find((c) => c.dep)?.dep ?? null;
    return valueOf(v.chars);
  });
  return { text: out, dep };
}

/** Where `make install` puts memcached after this RUN's configure, or undefined when the RUN runs none. */
function configuredBindir(text: string): string | null | undefined {
  if (!/(?:^|[\s;&|(])(?:\S*\/)?configure(?=\s|$)/.test(text)) return undefined;
  const m = /\s--prefix[=\s]+(["']?)([^\s"';&|]+)\1/.exec(text);
  if (!m) return '/usr/local/bin';
  return /[$`]/.test(m[2]) ? null : `${m[2].replace(/\/+$/, '')}/bin`;
}

/** The folders of a container's default PATH: a program there may be the base image's as well as the build's. */
const STANDARD_BINDIRS = new Set(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);

/** A download as a message shows it: printable ASCII only, at most 120 characters. */
function visibleDownload(text: string): string {
  const t = text.replace(/[^\x20-\x7e]/g, '?');
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
}

/** The distributions' own base images (Docker Official Images): none holds memcached. */
function isDistributionBase(info: ImageInfo | null): boolean {
  return !!info && info.ref.registry === 'docker.io' && info.ref.path.startsWith('library/') && DISTRIBUTIONS.has(info.ref.path.slice('library/'.length));
}

// ---- base images ----

/** Docker Official Images of distributions: no ENTRYPOINT, and they run as root. */
const DISTRIBUTIONS = new Set(['ubuntu', 'debian', 'alpine', 'busybox', 'centos', 'fedora', 'rockylinux', 'almalinux', 'amazonlinux', 'archlinux', 'oraclelinux', 'photon', 'mageia', 'clearlinux']);

interface Base {
  /** What the base image sets, when known. */
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  /** The user, or null when unknown. */
  readonly user: string | null;
  readonly known: boolean;
  readonly why: string;
}

function baseOf(info: ImageInfo | null, ref: string, scratch: boolean): Base {
  if (scratch) return { entrypoint: [], cmd: [], user: 'root', known: true, why: 'scratch' };
  if (info?.family === 'official') return { entrypoint: ['docker-entrypoint.sh'], cmd: ['memcached'], user: OFFICIAL_USER, known: true, why: info.title };
  if (info?.family === 'bitnami') return { entrypoint: ['/opt/bitnami/scripts/memcached/entrypoint.sh'], cmd: ['/opt/bitnami/scripts/memcached/run.sh'], user: String(BITNAMI_UID), known: true, why: info.title };
  if (info && info.ref.registry === 'docker.io' && info.ref.path.startsWith('library/') && DISTRIBUTIONS.has(info.ref.path.slice('library/'.length))) {
    return { entrypoint: [], cmd: null, user: 'root', known: true, why: `${info.ref.path.slice('library/'.length)} (a distribution's base image: no ENTRYPOINT, user root)` };
  }
  return { entrypoint: null, cmd: null, user: null, known: false, why: `base image ${ref}, which mchard does not know` };
}

// ---- the dialect ----

export function parseDockerfile(source: SourceText): DockerfileConfig {
  const text = source.text;
  const { escape, instructions, notes } = readInstructions(text);
  const print = () => text;
  let launchFailure: LaunchFailure | null = null;
  const fail = (reason: string, span: Span | null) => {
    launchFailure ??= { exitCode: -1, reason, span };
    notes.push({ kind: 'parse-error', span: span ?? { start: 0, end: 0 }, message: reason });
  };
  const result = (extra: Partial<DockerfileConfig> & { argv?: ArgToken[] }): DockerfileConfig => {
    const argv = extra.argv ?? [];
    notes.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    // memcached built from source the build changes first: what the stock release does at start is not
    // what this binary does (the background "&" says more, and is kept).
    const patched = !extra.argvUnknown && !extra.startupUnknown ? patchedSource(instructions, text) : null;
    if (patched) extra = { ...extra, startupUnknown: patched };
    return {
      dialect: 'dockerfile',
      source,
      print,
      argv,
      argvExact: !extra.argvUnknown && argv.every((t) => t.exact),
      launchFailure,
      notes,
      instructions,
      escape,
      argvSource: null,
      stageInstructions: [],
      ...extra,
    };
  };

  // Stages.
  const globalArgs = new Map<string, Var>();
  interface Stage {
    name: string | null;
    from: DockerInstruction;
    parent: Stage | null;
    image: string;
    /** The reference as written, before build arguments are substituted. */
    written: string;
    instrs: DockerInstruction[];
  }
  const stages: Stage[] = [];
  /** The chain of stages a stage builds on, oldest first (null when longer than `limit`). */
  function chainOf(stage: Stage, limit = Infinity): Stage[] | null {
    const chain: Stage[] = [];
    for (let s: Stage | null = stage; s; s = s.parent) if (chain.push(s) > limit) return null;
    return chain.reverse();
  }
  // The first stage of each name (lower case): a FROM naming one builds on it. Searched through every stage
  // for each FROM, a Dockerfile of 20,000 stages took 12 s.
  const stageByName = new Map<string, Stage>();
  const argLookup = (scope: Map<string, Var>) => (name: string) => scope.get(name);
  for (const instr of instructions) {
    if (instr.keyword === 'FROM') {
      const words = rawWords(instr.args, escape).filter((w) => !valueOf(w).startsWith('--'));
      if (words.length === 0) {
        fail('FROM without an image: Docker refuses the file', instr.span);
        continue;
      }
      const img = processWord(words[0], escape, argLookup(globalArgs));
      const image = valueOf(img.chars);
      const asName = words.length >= 3 && valueOf(words[1]).toLowerCase() === 'as' ? valueOf(words[2]) : null;
      const parent = stageByName.get(image.toLowerCase()) ?? null;
      const stage: Stage = { name: asName, from: instr, parent, image, written: valueOf(words[0]), instrs: [] };
      stages.push(stage);
      if (asName !== null && !stageByName.has(asName.toLowerCase())) stageByName.set(asName.toLowerCase(), stage);
      if (img.unknown || img.chars.some((c) => c.dep)) {
        notes.push({ kind: 'image-from-build-arg', span: instr.span, message: `the image reference depends on build arguments: ${img.unknown ?? img.chars.find((c) => c.dep)!.dep}` });
      }
      continue;
    }
    if (stages.length === 0) {
      if (instr.keyword === 'ARG') {
        for (const w of rawWords(instr.args, escape)) {
          const v = valueOf(w);
          const eq = v.indexOf('=');
          const name = eq === -1 ? v : v.slice(0, eq);
          const val = eq === -1 ? null : processWord(w.slice(eq + 1), escape, argLookup(globalArgs)).chars;
          globalArgs.set(name, val === null ? { chars: null, dep: `build argument ${name} has no default (docker build --build-arg ${name}=... decides)`, span: instr.span } : { chars: val, dep: `build argument ${name} (default ${JSON.stringify(valueOf(val))}; --build-arg can change it)`, span: instr.span });
        }
      } else if (instr.keyword !== '') {
        fail(`${instr.keyword} before the first FROM: Docker refuses the file (only ARG may come first)`, instr.span);
      }
      continue;
    }
    stages[stages.length - 1].instrs.push(instr);
  }
  if (launchFailure) return result({});
  const final = stages.at(-1);
  if (!final) {
    fail('no FROM instruction: this is not a Dockerfile Docker can build', null);
    return result({});
  }

  // The final stage's chain, oldest first, and its external base image.
  const chain = chainOf(final)!;
  const root = chain[0];
  const rootRef = root.image;
  const info = identifyImage(rootRef);
  const depNote = notes.find((n) => n.kind === 'image-from-build-arg' && n.span.start === root.from.span.start);
  // A reference built from build arguments: the release is what they hold at build time, their defaults only name one.
  const buildArgs = depNote ? [...new Set([...depNote.message.matchAll(/build argument ([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))] : [];
  const imageInfo: ImageInfo | null =
    info && depNote ? fromVariables(info, root.written, buildArgs, depNote.message, `the build argument${buildArgs.length > 1 ? 's' : ''} given when the image is built (docker build --build-arg ${buildArgs[0] ?? 'NAME'}=..., Compose build.args)`) : info;
  const base = baseOf(imageInfo, rootRef, rootRef.toLowerCase() === 'scratch');
  const fromSpan = root.from.span;

  // Replay the chain: ENV, ARG, USER, CMD, ENTRYPOINT, SHELL, EXPOSE.
  const env = new Map<string, Var>();
  let user: { value: string | null; why: string; span: Span | null } = base.user !== null ? { value: base.user, why: `the base image (${base.why}) runs as ${base.user}`, span: fromSpan } : { value: null, why: `the user is set by the ${base.why}`, span: fromSpan };
  let cmd: CommandForm | null = null;
  let entrypoint: CommandForm | null = null;
  let cmdFromBase = true;
  let shell: string[] = ['/bin/sh', '-c'];
  const exposed: { text: string; span: Span }[] = [];
  const stageInstructions: DockerInstruction[] = [];
  /** The last RUN that installs memcached with the distribution's package manager (`apt-get install memcached`). */
  let installed: string | null = null;
  /** memcached built from a release's source (a download, then `make install`), and the download awaiting it. */
  const fromRelease: SourceBuildState = { download: null, built: null };
  /** Each stage's place in the file, and what each stage a COPY --from names builds (replayed once). */
  const stageIndex = new Map(stages.map((s, i) => [s, i] as const));
  const builds = new Map<Stage, SourceBuild | null>();
  // Replaying other stages is bounded: a real Dockerfile has a few hundred instructions, while one of
  // thousands of stages, each copying from the one before, replays a longer chain for each (5,000 stages
  // took 8 s). Past the budget a stage's build is not followed: not claimed.
  let replayBudget = 100_000;
  /** What a stage builds from a release's source, when no package of memcached is installed in it too. */
  const builtIn = (stage: Stage): SourceBuild | null => {
    const known = builds.get(stage);
    if (known !== undefined) return known;
    builds.set(stage, null);
    const vars = new Map<string, Var>();
    const state: SourceBuildState = { download: null, built: null };
    let pkg: string | null = null;
    const chain = chainOf(stage, replayBudget);
    replayBudget -= chain?.length ?? Infinity;
    if (!chain) return null;
    for (const s of chain) {
      const args = new Map<string, Var>();
      const lookup = (name: string) => vars.get(name) ?? args.get(name);
      for (const instr of s.instrs) {
        if (--replayBudget < 0) return null;
        if (instr.keyword === 'ARG') declareArgs(instr, escape, args, globalArgs, lookup);
        else if (instr.keyword === 'ENV') declareEnv(instr, escape, vars, lookup);
        else if (instr.keyword === 'RUN') {
          const run = valueOf(instr.args);
          pkg = packageInstall(run) ?? pkg;
          sourceBuildStep(run, lookup, state, instr.span);
        }
      }
    }
    const built = pkg ? null : state.built;
    builds.set(stage, built);
    return built;
  };
  /**
   * `COPY --from=STAGE` of an earlier stage that built memcached from a release's source (make install into
   * a literal prefix), when it copies the installed program: that build, at the folder it lands in here.
   */
  const copiedBuild = (instr: DockerInstruction, into: Stage): SourceBuild | null => {
    const copy = copyArgs(instr);
    if (!copy?.from) return null;
    const ref = copy.from;
    const stage = /^\d+$/.test(ref) ? stages[Number(ref)] : stageByName.get(ref.toLowerCase());
    if (!stage || stageIndex.get(stage)! >= stageIndex.get(into)!) return null;
    const build = builtIn(stage);
    if (!build || build.bindir === null) return null;
    const to = copiedTo(`${build.bindir}/memcached`, copy.sources, copy.dest);
    if (to === null || !to.endsWith('/memcached')) return null;
    const line = text.slice(0, instr.span.start).split('\n').length;
    return { ...build, bindir: to.slice(0, -'/memcached'.length) || '/', copy: { line, stage: ref, installedIn: build.bindir } };
  };
  for (const stage of chain) {
    const args = new Map<string, Var>();
    let cmdSet = false;
    const lookup = (name: string) => env.get(name) ?? args.get(name);
    for (const instr of stage.instrs) {
      stageInstructions.push(instr);
      switch (instr.keyword) {
        case 'ARG':
          declareArgs(instr, escape, args, globalArgs, lookup);
          break;
        case 'ENV':
          declareEnv(instr, escape, env, lookup);
          break;
        case 'USER': {
          const p = processWord(instr.args, escape, lookup);
          const dep = p.unknown ?? p.chars.find((c) => c.dep)?.dep;
          user = dep ? { value: null, why: `USER depends on ${dep}`, span: instr.span } : { value: valueOf(p.chars).trim(), why: `USER ${valueOf(p.chars).trim()}`, span: instr.span };
          break;
        }
        case 'CMD':
          cmd = commandOf(instr);
          cmdSet = true;
          cmdFromBase = false;
          break;
        case 'ENTRYPOINT':
          entrypoint = commandOf(instr);
          if (!cmdSet) {
            cmd = null;
            cmdFromBase = false;
          }
          break;
        case 'SHELL': {
          const e = execForm(instr.args);
          if (e) shell = e.items.map((it) => it.value);
          break;
        }
        case 'EXPOSE':
          for (const w of rawWords(instr.args, escape)) exposed.push({ text: valueOf(processWord(w, escape, lookup).chars), span: joinSpans(w)! });
          break;
        case 'RUN': {
          const run = valueOf(instr.args);
          installed = packageInstall(run) ?? installed;
          sourceBuildStep(run, lookup, fromRelease, instr.span);
          break;
        }
        case 'COPY':
        case 'ADD': {
          // Another stage's source build of memcached copied into this one (a multi-stage build); any other
          // file copied onto the built program replaces it (its release is then not the build's).
          const copied = instr.keyword === 'COPY' ? copiedBuild(instr, stage) : null;
          if (copied) fromRelease.built = copied;
          else if (fromRelease.built?.bindir && mayReplace(copyArgs(instr), `${fromRelease.built.bindir}/memcached`)) fromRelease.built = null;
          break;
        }
      }
    }
  }

  // The program that runs: ENTRYPOINT + CMD (the base image's where the file sets none).
  const words = (c: CommandForm): { chars: SrcChar[]; fromShell: boolean }[] =>
    c.form === 'exec' ? c.items.map((it) => ({ chars: [...it.chars], fromShell: false })) : [...shell.map((s) => ({ chars: [...literalChars(s, 0)].map((x) => ({ ch: x.ch, span: null })), fromShell: true })), { chars: [...c.text], fromShell: false }];

  for (const e of exposed) {
    notes.push({ kind: 'expose', span: e.span, message: `EXPOSE ${e.text} documents the port; it publishes nothing (docker run -p decides, and -P publishes every exposed port on every interface of the host)` });
  }
  const reach: ReachData = { mode: 'container', published: [], unpublished: 'inside the container; a Dockerfile publishes nothing: whoever runs the image decides who reaches it (docker run -p, Compose ports:, a Kubernetes Service)' };
  const reachNote: ContainerNote = { kind: 'container-reach', span: exposed[0]?.span ?? fromSpan, message: reach.unpublished!, ...reach };
  // memcached from the distribution's packages: its release is what the package repositories the build
  // reaches hold for that distribution release, on the day of the build (updates, pins, added repositories),
  // which the Dockerfile does not decide. (A release-to-version table would still not say what matters:
  // distributions patch their packages, UDP's default included, without changing the upstream version.)
  const literalUnknownBase = !!imageInfo && imageInfo.family === 'unknown' && imageInfo.version.kind === 'depends' && imageInfo.version.assumed === null && imageInfo.version.written === imageInfo.ref.text;
  // memcached built from a release's source, and no package of it installed: the release the download
  // names, certain on a distribution's base image (none holds memcached); on a base mchard does not know,
  // the release assumed (that base could hold a memcached of its own), and so when a build argument names it.
  const fromSource = (program: string | null): ImageInfo | null => {
    const built = fromRelease.built;
    if (!built || installed || !literalUnknownBase || !imageInfo) return null;
    const release = parseVersion(built.version);
    if (!release) return null;
    const copy = built.copy;
    const installedIn = copy ? copy.installedIn : built.bindir;
    const how =
      `${copy ? `stage ${copy.stage}'s` : 'its'} RUN line builds memcached ${built.version} from source (${visibleDownload(built.download)}, then make install${installedIn ? ` into ${installedIn}` : ''})` +
      (copy ? `, and line ${copy.line} copies it into this stage as ${built.bindir === '/' ? '' : built.bindir}/memcached (COPY --from=${visibleDownload(copy.stage)})` : '');
    const exact = { kind: 'exact' as const, version: release, why: how };
    const info = { ...imageInfo, fromSource: true, title: 'the image this Dockerfile builds' };
    // The program run by its path where make install put it (a prefix of its own): that build, whatever the
    // base holds. Named without a path, it is found on PATH: not the build when its prefix is off PATH.
    const ownPath = program !== null && built.bindir !== null && !STANDARD_BINDIRS.has(built.bindir) && program === `${built.bindir}/memcached`;
    // Named by another path (/usr/bin/memcached while make install wrote /usr/local/bin): not the build.
    if (program !== null && program.startsWith('/') && built.bindir !== null && program !== `${built.bindir}/memcached`) return null;
    if (program !== null && !program.includes('/') && built.bindir !== null && !STANDARD_BINDIRS.has(built.bindir)) {
      const path = env.get('PATH');
      const dirs = path?.chars ? valueOf(path.chars).split(':') : [];
      if (!dirs.includes(built.bindir)) return null;
    }
    // Source a RUN line changes before building it (patchedSource): that release with a change, not the release.
    const changed = patchedSource(instructions, text);
    if (changed) {
      const line = changed.modifiedBuild.line;
      return { ...info, version: dependsOn(`${how}, and line ${line} changes its source first`, changed.decide, `${built.version}, changed by line ${line}`, imageInfo.ref.text, exact) };
    }
    if (built.dep) {
      return { ...info, version: dependsOn(`${how}, and the release comes from ${built.dep}`, `the build argument given when the image is built (docker build --build-arg, Compose build.args)`, `${built.version} unless a build argument changes it`, imageInfo.ref.text, exact) };
    }
    if (isDistributionBase(imageInfo) || ownPath) return { ...info, version: exact };
    return {
      ...info,
      version: dependsOn(
        `${how}, assuming its base ${imageInfo.ref.text} (an image mchard does not know) holds no memcached of its own that runs instead`,
        'the memcached in the built image (memcached -V in a container of it)',
        `${built.version}, if its base holds no other memcached`,
        imageInfo.ref.text,
        exact,
      ),
    };
  };
  const plain: ImageInfo | null =
    literalUnknownBase && imageInfo && !installed
      ? {
          // The image this file builds: its base, which mchard does not know, and whatever its RUN lines add.
          ...imageInfo,
          version: dependsOn(
            `memcached is whatever the image this Dockerfile builds holds: its base ${imageInfo.ref.text} (an image mchard does not know) and what its RUN, COPY and ADD lines add, which do not state the release`,
            'the memcached in the built image (memcached -V in a container of it)',
            `unknown: built on ${imageInfo.ref.text}`,
            imageInfo.ref.text,
            null,
          ),
        }
      : installed && imageInfo && imageInfo.family === 'unknown'
      ? {
          ...imageInfo,
          version: dependsOn(
            `memcached is the package \`${installed}\` installs in ${imageInfo.ref.text}, whose release is what that distribution's repositories hold when the image is built`,
            "the package in the built image (memcached -V in a container of it, or the package manager's record)",
            `unknown: ${imageInfo.ref.text}'s package`,
            imageInfo.ref.text,
            null,
          ),
        }
      : imageInfo;
  const packaged = fromSource(null) ?? plain;
  // A source build's findings point at the RUN line that downloads the release.
  const at = (info: ImageInfo) => ({ info, span: info.fromSource && fromRelease.built ? fromRelease.built.span : fromSpan });
  const image = packaged ? at(packaged) : undefined;
  /** The image, knowing the program that runs (its path says whether it is the source build's). */
  const imageFor = (program: string): typeof image => {
    const info = fromSource(program) ?? plain;
    return info ? at(info) : undefined;
  };
  const startsAsOf = (u: typeof user) => (u.value === null ? `unknown (${u.why})` : /^(root|0+)(:.*)?$/.test(u.value) ? 'root' : u.value.split(':')[0]);
  // A USER the file does not show (a base image mchard does not know): not a user named "unknown (...)" that
  // is not root, but unknown, and with it whether memcached starts without -u (as root it refuses to).
  const userUnknown = (u: typeof user) =>
    u.value === null ? { startsAsUnknown: { reason: u.why, decide: BASE_IMAGE_USER, span: u.span ?? fromSpan } } : {};
  const userNote = (u: typeof user, what: string) => notes.push({ kind: 'starts-as', span: u.span ?? fromSpan, message: what, user: u.value });

  // Bitnami's image: its start script builds the vector from ENV. A Dockerfile that builds Bitnami's
  // image itself (its ENTRYPOINT is Bitnami's entrypoint.sh) is read the same way, for the release its
  // BITNAMI_IMAGE_VERSION or APP_VERSION names.
  const bitnamiEntry = entrypoint?.form === 'exec' && entrypoint.items[0]?.value === '/opt/bitnami/scripts/memcached/entrypoint.sh';
  if (bitnamiEntry && imageInfo?.family !== 'bitnami') {
    const tagVar = env.get('BITNAMI_IMAGE_VERSION') ?? env.get('APP_VERSION');
    const tag = tagVar?.chars ? valueOf(tagVar.chars) : 'latest';
    const built = identifyImage(`bitnami/memcached:${/^[\w.-]+$/.test(tag) ? tag : 'latest'}`)!;
    return readBitnami({ ...built, title: `Bitnami's memcached image (built by this file)` }, null, cmd);
  }
  if (imageInfo?.family === 'bitnami') return readBitnami(imageInfo, entrypoint, cmd);

  function readBitnami(imageInfo: ImageInfo, entrypoint: CommandForm | null, cmd: CommandForm | null): DockerfileConfig {
    const img = { info: imageInfo, span: fromSpan };
    // ENV values are the image's defaults, which the container's environment replaces when it starts (docker
    // run -e, Compose environment:, a Kubernetes env: entry): each option they give is the guess, not
    // certain. A password is the exception: a deployment replaces it with another one, not with nothing,
    // so SASL stays on as the image sets it.
    const runtime = (k: string) => `${k} as the container starts (ENV gives only the image's default, which docker run -e, Compose environment: or a Kubernetes env: entry replace)`;
    const envValues = new Map<string, EnvValue>(
      [...env].map(([k, v]) => {
        const dep = v.dep ?? v.chars?.find((c) => c.dep)?.dep ?? (v.chars !== null && v.chars.length > 0 && k !== 'MEMCACHED_PASSWORD' ? runtime(k) : undefined);
        // (The characters of a value carry what it depends on, as EnvValue wants.)
        const chars = v.chars && dep ? v.chars.map((c) => (c.dep ? c : { ...c, dep })) : v.chars;
        return [k, { chars, span: v.span, ...(v.chars === null ? { why: v.dep, text: `$${k}` } : {}), ...(dep ? { dep } : {}) }];
      }),
    );
    const tokens = (c: CommandForm | null) => (c ? words(c).map((w) => tokenOf(w.chars, text, 'Docker')) : []);
    const start = bitnamiStart({
      image: imageInfo,
      env: envValues,
      otherSources: [],
      program: entrypoint ? [...tokens(entrypoint), ...tokens(cmd)] : cmd ? tokens(cmd) : null,
      entrypointReplaced: entrypoint !== null,
      user: user.span === fromSpan && imageInfo === image?.info ? null : { value: user.value, span: user.span, ...(user.value === null ? { why: user.why } : {}) },
      text,
      anchor: fromSpan,
    });
    if (start.runs === 'other') {
      return result({ argvUnknown: `the image runs ${JSON.stringify(start.program)}, not memcached, so the file does not decide memcached's options`, image: img, notes: withNote(notes, { kind: 'not-memcached', span: (cmd ?? entrypoint)?.instr.span ?? fromSpan, message: `the image runs ${JSON.stringify(start.program)}` }) });
    }
    if (start.failure) {
      launchFailure = { exitCode: start.failure.exitCode ?? -1, reason: start.failure.reason, span: start.failure.span };
      notes.push({ kind: 'image-refuses', span: start.failure.span ?? fromSpan, message: start.failure.reason });
    }
    for (const n of start.notes) notes.push(bitnamiNote(n, n.span ?? fromSpan));
    if (start.sasl.on === null) notes.push({ kind: 'auth-unknown', span: start.sasl.span ?? fromSpan, message: start.sasl.why });
    if (start.argvUnknown) notes.push({ kind: 'unknown-variable', span: start.unknown[0]?.span ?? fromSpan, message: start.argvUnknown });
    notes.push(reachNote);
    userNote(user, start.userWhy);
    return result({
      argv: [...start.argv],
      ...(start.argvUnknown ? { argvUnknown: start.argvUnknown } : {}),
      startsAs: start.startsAs ?? `unknown (${start.userWhy})`,
      image: img,
      stageInstructions,
    });
  }

  const entryWords = entrypoint ? words(entrypoint) : null;
  const baseCmd = cmdFromBase && base.cmd !== null ? base.cmd : null;
  // A base image mchard does not know may have an ENTRYPOINT that receives CMD. A CMD that names memcached
  // itself is read all the same (an image's entrypoint that runs its arguments, as they usually do, gives
  // memcached these words), and the assumption is said; any other CMD is left to the image.
  let assumed = false;
  if (entrypoint === null && !base.known) {
    if (cmd === null) {
      return result({ argvUnknown: `the ${base.why} decides what runs (the file sets neither ENTRYPOINT nor CMD)`, image, notes: withNote(notes, { kind: 'delegated', span: fromSpan, message: `the ${base.why} decides what runs` }) });
    }
    assumed = true;
    notes.push({ kind: 'assumed-entrypoint', span: fromSpan, message: `assuming the ${base.why} has no ENTRYPOINT of its own, or one that runs its arguments unchanged` });
  }
  if (entrypoint?.form === 'shell' && cmd !== null) {
    notes.push({ kind: 'ignored-setting', span: cmd.instr.span, message: `ENTRYPOINT in shell form runs "${shell.join(' ')} <text>" and never passes CMD on, so this CMD has no effect` });
  }

  // The official image's entrypoint with the file's (or the image's) CMD.
  if (entrypoint === null && imageInfo?.family === 'official') {
    const cmdWords = cmd ? words(cmd) : null;
    if (cmd?.form === 'shell') {
      // /bin/sh -c TEXT: docker-entrypoint.sh runs sh, which runs the text.
      return fromScript(cmd, cmd.text, 'CMD', 2);
    }
    const tokens = cmdWords ? cmdWords.map((w) => tokenOf(w.chars, text, 'Docker')) : null;
    const r = officialEntrypoint(tokens);
    if (r.runs === 'other') return notMemcached(r.program, cmd!);
    notes.push(reachNote);
    userNote(user, user.span === fromSpan ? 'the official memcached image runs as user memcache (USER memcache), so memcached is not root and ignores -u' : `${user.why}`);
    return result({
      argv: [...r.argv],
      startsAs: startsAsOf(user),
      ...userUnknown(user),
      image,
      argvSource: { holder: cmd ? 'CMD' : null, form: cmd, skip: r.skip, script: null, cmd: null },
      stageInstructions,
    });
  }

  // ENTRYPOINT (the file's, or the base image's when it has none) + CMD.
  const program: { chars: SrcChar[]; fromShell: boolean }[] = entryWords ?? (base.entrypoint ?? []).map((w) => ({ chars: [...w].map((ch) => ({ ch, span: null })), fromShell: false }));
  const cmdWords = entrypoint?.form === 'shell' ? [] : cmd ? words(cmd) : (baseCmd ?? []).map((w) => ({ chars: [...w].map((ch) => ({ ch, span: null })), fromShell: false }));
  const all = [...program, ...cmdWords];
  if (all.length === 0) return result({ argvUnknown: 'the image runs nothing (no ENTRYPOINT or CMD)', image, notes: withNote(notes, { kind: 'not-memcached', span: fromSpan, message: 'the image has no command' }) });
  const first = valueOf(all[0].chars);
  const holder: CommandForm | null = entryWords ? entrypoint : cmd;
  const holderName = entryWords ? 'ENTRYPOINT' : 'CMD';
  // sh -c SCRIPT (a shell form, or written out): the script's first command.
  if (SHELLS.test(first) && all.length >= 3 && valueOf(all[1].chars) === '-c') {
    const scriptHolder = entryWords && program.length >= 3 ? entrypoint! : cmd!;
    const scriptChars = all[2].chars;
    if (all.length > 3) notes.push({ kind: 'ignored-setting', span: (cmd ?? scriptHolder).instr.span, message: `the words after the script become the shell's $0, $1, ...: memcached gets them only if the script passes "$@" on` });
    return fromScript(scriptHolder, scriptChars, entryWords && program.length >= 3 ? 'ENTRYPOINT' : 'CMD', scriptHolder.form === 'shell' ? shell.length : 2);
  }
  if (!isMemcachedProgram(first)) {
    if (assumed) return result({ argvUnknown: `the ${base.why} may have an ENTRYPOINT that receives CMD, and CMD runs ${JSON.stringify(first)}, so the file does not decide what runs`, image, notes: withNote(notes, { kind: 'delegated', span: fromSpan, message: `the ${base.why} may have its own ENTRYPOINT` }) });
    if (!holder) return result({ argvUnknown: `the ${base.why} decides what runs`, image, notes: withNote(notes, { kind: 'delegated', span: fromSpan, message: `the ${base.why} decides what runs` }) });
    return notMemcached(first, holder);
  }
  const argv = all.slice(1).map((w) => tokenOf(w.chars, text, 'Docker'));
  notes.push(reachNote);
  userNote(user, user.value === null ? `the user memcached starts as is unknown: ${user.why}` : startsAsOf(user) === 'root' ? `${user.why}: memcached starts as root` : `${user.why}: memcached is not root and ignores -u`);
  return result({
    argv,
    startsAs: startsAsOf(user),
    ...userUnknown(user),
    image: imageFor(first),
    argvSource: { holder: holderName, form: holder, skip: entryWords ? 1 : 1, script: null, cmd: entryWords && cmd && cmd.form === 'exec' ? cmd : null },
    stageInstructions,
  });

  function notMemcached(program: string, c: CommandForm): DockerfileConfig {
    const msg = `the image runs ${JSON.stringify(program)}, a program mchard does not read (a script in the image), so memcached's options are not in this file`;
    return result({ argvUnknown: msg, image, notes: withNote(notes, { kind: 'other-program', span: c.instr.span, message: msg }), stageInstructions });
  }

  /** A shell script (shell form, or `sh -c TEXT`): its first command's words, `exec` skipped. */
  function fromScript(c: CommandForm, script: readonly SrcChar[], name: 'CMD' | 'ENTRYPOINT', skip: number): DockerfileConfig {
    const sourced: SourcedChar[] = script.map((x) => ({ ch: x.ch, offset: x.span && x.span.end - x.span.start === 1 ? x.span.start : null }));
    const sh = parseShellCommand(sourced, { path: source.path });
    if (sh.syntaxError) {
      launchFailure = { exitCode: 2, reason: `/bin/sh: ${sh.syntaxError.message}; memcached never starts`, span: sh.syntaxError.span };
      notes.push({ kind: 'parse-error', span: sh.syntaxError.span ?? c.instr.span, message: launchFailure.reason });
      return result({ image, stageInstructions });
    }
    let ws = sh.words;
    // `exec memcached ...`, and variable assignments before the command, are the shell's.
    while (ws.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(ws[0].value) && ws[0].exact) ws = ws.slice(1);
    if (ws[0]?.value === 'exec') ws = ws.slice(1);
    if (!ws.length || !isMemcachedProgram(ws[0].value)) return notMemcached(ws[0]?.value ?? '', c);
    for (const e of sh.extraCommands) notes.push({ kind: 'shell-extra-command', span: e.span ?? c.instr.span, message: `after "${e.operator}" the shell runs further commands in the container`, operator: e.operator });
    // `memcached ... &`: /bin/sh, the container's main process, does not wait for it. With nothing after the
    // "&" sh exits at once and Docker stops the container, memcached with it; what follows (`wait`, a loop)
    // may keep it running. Either way the line does not decide whether memcached serves.
    let background: { startupUnknown?: { reason: string; decide: string } } = {};
    if (sh.background) {
      const after = sh.extraCommands.find((e) => e.operator === '&');
      const rest = after?.span ? text.slice(after.span.start, after.span.end).replace(/^&/, '').trim() : null;
      const reason =
        rest === ''
          ? `"&" runs memcached in the background and nothing follows: /bin/sh, the container's main process, exits at once (status 0) and the container stops, memcached with it; whether memcached answers at all before that is timing`
          : `"&" runs memcached in the background: the container runs as long as /bin/sh, its main process, and what follows the "&" decides that`;
      background = { startupUnknown: { reason, decide: `the ${name} line without the "&" (memcached in the foreground, as the container's main process)` } };
    }
    for (const r of sh.redirects) notes.push({ kind: 'shell-redirect', span: r.span ?? c.instr.span, message: `"${r.text.trim()}" is a shell redirection, not an argument for memcached` });
    // $VAR takes the image's ENV value, a default the container's environment replaces; an unknown one leaves the word unknown.
    let unknown: string | null = null;
    const hostDependent: ContainerNote[] = [];
    const argv: ArgToken[] = ws.slice(1).map((w) => {
      if (w.exact) return { value: w.value, span: w.span, origin: 'file' as const, exact: true, ...(w.unquoted ? { note: 'quotes and backslashes removed by /bin/sh' } : {}) };
      const raw = w.span ? text.slice(w.span.start, w.span.end) : w.value;
      const simple = /^(?:[^$`"'\\*?[~]|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})*$/.test(raw);
      if (!simple) {
        unknown ??= `the word ${JSON.stringify(raw)} depends on the container: ${w.inexact ?? 'shell expansion'}`;
        return { value: w.value, span: w.span, origin: 'file' as const, exact: false, note: `depends on the container: ${w.inexact ?? 'shell expansion'}` };
      }
      let value = '';
      let missing: string | null = null;
      const defaults: string[] = [];
      for (const m of raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|[^$]+/g)) {
        if (m[1] === undefined) value += m[0];
        else {
          const v = env.get(m[1]);
          if (!v || v.chars === null) missing ??= m[1];
          else {
            value += valueOf(v.chars);
            const fromArg = v.chars.find((c) => c.dep)?.dep;
            defaults.push(`${m[1]}=${JSON.stringify(valueOf(v.chars))}${fromArg ? ` (from ${fromArg})` : ''}`);
          }
        }
      }
      if (missing !== null) {
        unknown ??= `$${missing} is not set by the Dockerfile (the base image or docker run -e sets it)`;
        return { value: w.value, span: w.span, origin: 'file' as const, exact: false, note: `depends on the container: $${missing}` };
      }
      if (/\s/.test(value)) unknown ??= `${JSON.stringify(raw)} expands to several words`;
      if (defaults.length === 0) return { value, span: w.span, origin: 'file' as const, exact: true };
      // An ENV value is the image's default: the shell reads the variable when the container starts, from
      // an environment that docker run -e, Compose environment: and a Kubernetes env: entry replace, and
      // putting an option in a variable is how an image offers it to be changed (fixture 044's README:
      // "Adjust with environment variables ... -e MAX_MEM=500"). The default is the guess, not certain.
      const note = `the shell expands ${raw} when the container starts; ENV gives the image's default ${defaults.join(', ')}, which docker run -e, Compose environment: or a Kubernetes env: entry replace`;
      hostDependent.push({ kind: 'host-dependent', span: w.span ?? c.instr.span, message: `the argument ${note}`, value });
      return { value, span: w.span, origin: 'file' as const, exact: false, note };
    });
    appendAll(notes, hostDependent);
    notes.push(reachNote);
    userNote(user, user.value === null ? `the user memcached starts as is unknown: ${user.why}` : startsAsOf(user) === 'root' ? `${user.why}: memcached starts as root` : `${user.why}: memcached is not root and ignores -u`);
    return result({
      argv,
      ...background,
      ...(unknown ? { argvUnknown: `memcached's options are not decided by the file: ${unknown}` } : {}),
      startsAs: startsAsOf(user),
      ...userUnknown(user),
      image: imageFor(ws[0].value),
      argvSource: { holder: name, form: c, skip, script, cmd: null },
      stageInstructions,
    });
  }
}

function withNote(notes: ContainerNote[], note: ContainerNote): ContainerNote[] {
  notes.push(note);
  return notes;
}

export const dockerfileDialect: Dialect = {
  name: 'dockerfile',
  title: 'Dockerfile CMD/ENTRYPOINT',
  defaultUser: 'memcache',
  commentChars: '#',
  parse: parseDockerfile,
  /** The end of the last word memcached receives; else the end of the instruction that feeds it; else the end of the file. */
  insertionPoint(config) {
    const c = config as DockerfileConfig;
    const last = c.argv.filter((t) => t.span && t.origin === 'file').at(-1);
    const at = last?.span ? last.span.end : c.argvSource?.form ? c.argvSource.form.instr.span.end : config.source.text.length;
    return { start: at, end: at };
  },
};
