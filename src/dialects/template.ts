/**
 * Templates: configuration files kept as Ansible/Salt Jinja2 (`{{ }}`, `{% %}`, `{# #}`), Puppet/Chef ERB
 * (`<%= %>`, `<% %>`, `<%# %>`) or Go templates (`{{ .X }}`) rather than as finished files, or holding
 * `%name%` placeholders that a deployment script substitutes (`-m %memcache_memory%`, replaced by sed or
 * Ruby's gsub before the file is installed), or `{$name}` ones (`ExecStart={$SERVER_PATH}/bin/memcached`,
 * which mdserver-web's plugins replace with Python's str.replace).
 *
 * mchard lints the literal parts through the file's own dialect. Every template tag is masked with
 * characters of the same length, so offsets stay true: an expression becomes a run of one private-use
 * character that no dialect treats as syntax (one word, whatever it renders to, is what mchard assumes),
 * a tag that renders nothing and stands alone on its line becomes spaces, and a control tag that shares
 * its line with text becomes a masked run too (the line's content then depends on the template). Then:
 * - arguments made from masked text depend on the template (`unknown`), arguments on lines inside an
 *   `{% if %}`/`<% if %>`/`{{ if }}` block (or a loop) are `conditional`;
 * - `print()` returns the original bytes;
 * - {@link TemplateInfo.restore} turns a fix editor's output on the masked text back into the template,
 *   refusing any edit that touches a tag, a line holding one, a line inside a block, whitespace a tag trims,
 *   or that would insert a line where only some renderings get it.
 * This module holds what every lint asks (is the file a template, is a character a mask's, the types);
 * the scanning, masking and parsing are in template-parse.ts (more.js), loaded when a template is parsed.
 */
import { SourceText, type Span } from '../source.js';
import type { ParsedConfig } from './types.js';

export type TemplateLanguage = 'jinja' | 'erb' | 'epp' | 'go' | 'placeholder';

/** Each template language as a sentence names a file of it: "an ERB template". */
export const TEMPLATE_TITLES: Readonly<Record<TemplateLanguage, string>> = {
  jinja: 'a Jinja2 template',
  erb: 'an ERB template',
  epp: 'a Puppet EPP template',
  go: 'a Go template',
  placeholder: 'a template of %name%, @NAME@, {$name} or NAME placeholders',
};

/** The first character of the private-use range the masks use. */
export const MASK_BASE = 0xe000;
export const MASK_COUNT = 0x1800;

/** Whether a character is part of a masked template tag. */
export function isMaskChar(ch: string | undefined): boolean {
  if (!ch) return false;
  const c = ch.charCodeAt(0);
  return c >= MASK_BASE && c < MASK_BASE + MASK_COUNT;
}

export interface TemplateTag {
  start: number;
  /** Exclusive. */
  end: number;
  /** `expr` renders a value; `stmt` controls (if/for/end...) or renders nothing; `include` renders other text. */
  kind: 'expr' | 'stmt' | 'comment' | 'include';
  /** For a `stmt`: whether it opens, continues or closes a block. */
  role: 'open' | 'middle' | 'close' | 'none';
  /** The tag's text, trimmed of delimiters, for messages (`memcached_port`, `if @use_sasl`). */
  body: string;
  /** The tag trims the whitespace before it (`{%-`, `{{-`) / after it (`-%}`, `-%>`, `-}}`). */
  trimBefore: boolean;
  trimAfter: boolean;
}

export interface TemplateBlock {
  /** The opening tag, e.g. `{% if memcached_verbose %}`. */
  open: TemplateTag;
  /** Its body: from the end of the opening tag to the start of the closing tag (or the end of the file). */
  body: Span;
}

/** Where a template decides something, for messages and for `inspect`. */
export interface TemplateUnknown {
  reason: string;
  decide: string;
}

export interface TemplateInfo {
  readonly language: TemplateLanguage;
  /** How it was recognised: the file name's suffix or its content. */
  readonly detectedBy: 'suffix' | 'content';
  readonly original: SourceText;
  readonly tags: readonly TemplateTag[];
  readonly blocks: readonly TemplateBlock[];
  /** Spans no fix may change: every tag and the whitespace a tag trims. */
  readonly protectedSpans: readonly Span[];
  /** The masked text's counterpart of a string: every masked run back to the tag it stands for. */
  unmask(text: string): string;
  /** The tag at an offset of the file. */
  tagAt(offset: number): TemplateTag | null;
  /** The tag a mask character stands for. */
  maskTag(ch: string): TemplateTag | null;
  /** Whether an offset lies inside a block's body (rendered only under a condition, or repeated). */
  conditionalAt(offset: number): TemplateBlock | null;
  /** Whether a span touches a tag or a block body (what is there depends on the template). */
  touches(span: Span): TemplateUnknown | null;
  /** A tag / a block body / a protected span overlapping [start, end), or null (logarithmic lookups). */
  overlappingTag(start: number, end: number): TemplateTag | null;
  overlappingBlock(start: number, end: number): TemplateBlock | null;
  overlappingProtected(start: number, end: number): Span | null;
  /** The block a tag opens. */
  blockOf(open: TemplateTag): TemplateBlock | null;
  /** Turns an edit of the masked text back into the template, or says why it cannot be made safely. */
  restore(masked: string, edited: string, origin: readonly (number | null)[]): RestoredEdit;
}

/** An edit of the masked text turned back into the template: its text and, per line, the template line it keeps (0-based) or null. */
export type RestoredEdit = { ok: true; text: string; origin: (number | null)[] } | { ok: false; reason: string };

// ---- Detection ---------------------------------------------------------------------------------------

export const SUFFIX: readonly [RegExp, TemplateLanguage | 'brace'][] = [
  [/\.(j2|jinja2?)$/i, 'jinja'],
  [/\.erb$/i, 'erb'],
  [/\.epp$/i, 'epp'],
  [/\.(tmpl|tpl|gotmpl|template)$/i, 'brace'],
];

/** Every suffix SUFFIX matches, in lower case: a name ending in none of them is no template by its name. */
export const SUFFIX_WORDS: ReadonlySet<string> = new Set(['j2', 'jinja', 'jinja2', 'erb', 'epp', 'tmpl', 'tpl', 'gotmpl', 'template']);

const GO_ACTION = /\{\{-?\s*(?:\.|\$|\/\*|end\b|range\b|with\b|define\b|template\b|block\b|else\b|if\s+\.|if\s+\$|if\s+(?:eq|ne|and|or|not)\b)/;

/** Whether `open` occurs and `close` follows it somewhere (one pass: no regular expression backtracks on a huge file). */
function pair(text: string, open: string, close: string): boolean {
  const k = text.indexOf(open);
  return k !== -1 && text.indexOf(close, k + open.length) !== -1;
}

const hasErb = (text: string) => {
  let k = text.indexOf('<%');
  while (k !== -1 && text[k + 2] === '%') k = text.indexOf('<%', k + 3);
  return k !== -1 && text.indexOf('%>', k + 2) !== -1;
};
const hasJinjaStatement = (text: string) => pair(text, '{%', '%}') || pair(text, '{#', '#}');
const hasBraces = (text: string) => pair(text, '{{', '}}');

/**
 * A `%name%` or `@NAME@` placeholder standing as a whole value: after the line's start, a blank, `=`, a
 * quote or a comma, and before the line's end, a blank, a quote or a comma (each item of a comma list, as in
 * `-l @BIND@,@BIND6@`, is a whole value). The name has at least two characters (`%i%`
 * could be a systemd specifier followed by a percent sign). `@NAME@` is what autoconf, CMake and meson
 * substitute, and install scripts with sed or bash (andy0mg/bitrix_al9's cluster_render_template).
 */
export const PLACEHOLDER = /(?<=^|[\s="',])([%@])[A-Za-z_]\w+\1(?=$|[\s"',])|\{\$[A-Za-z_]\w*\}/gm;

/**
 * A bare NAME placeholder as the whole value of an option line (`-p MEMCACHED_PORT`, `--port=MEMCACHED_PORT`):
 * capitals, digits and at least one `_`, which no port, address, size or user memcached takes is written as,
 * and which an install script replaces (CinemaPress's install.sh: sed -i "s/MEMCACHED_PORT/${MEMCACHED_PORT}/g").
 * Only on a line that is an option and its value (Debian's option lines): elsewhere such a word is a variable's
 * name (`PassEnvironment=MEMCACHED_OPTS`, `export MEMCACHED_OPTS`). Group 1 is the placeholder.
 */
export const NAME_PLACEHOLDER = /^(?:-[A-Za-z]|--[A-Za-z][\w-]*)(?:[ \t]+|=)([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])[ \t]*\r?$/dgm;
/** NAME_PLACEHOLDER as a test (no match indices, not global: no lastIndex to reset). */
const NAME_PLACEHOLDER_LINE = new RegExp(NAME_PLACEHOLDER.source, 'm');
const hasNamePlaceholder = (text: string): boolean => NAME_PLACEHOLDER_LINE.test(text);

/** Whether a line is a comment in every format mchard reads (`#`, or `;` in INI files). */
const isCommentLine = (line: string) => /^\s*[#;]/.test(line);

/**
 * Whether the file's values are placeholders: an option line's NAME placeholder, or a `%name%` or `@NAME@`
 * one standing as a whole value on a line that is not a comment, and no other "%" or `@X@` on such a line
 * (a "%" used otherwise, as a systemd specifier `%i` or a printf `%s`, or an `@X@` glued to other text, makes
 * the reading ambiguous, and the file is then read as it is).
 */
function hasPlaceholders(text: string): boolean {
  if (text.includes('_') && hasNamePlaceholder(text)) return true;
  if (!/[%@]|\{\$/.test(text)) return false;
  let found = false;
  for (const line of text.split('\n')) {
    if (isCommentLine(line)) continue;
    const rest = line.replace(PLACEHOLDER, '');
    // An `@NAME@` that is no whole value (`ExecStart=@PREFIX@/bin/memcached`) is as ambiguous as a stray "%".
    if (rest.includes('%') || /@\w+@/.test(rest)) return false;
    // A lone "@" (`ExecStart=@/usr/bin/memcached`, `user@host`) is text: only a match counts.
    if (rest !== line || line.includes('{$')) found = true;
  }
  return found;
}

function byContent(text: string): TemplateLanguage | null {
  if (hasErb(text)) return 'erb';
  if (hasJinjaStatement(text)) return 'jinja';
  if (hasBraces(text)) return GO_ACTION.test(text) ? 'go' : 'jinja';
  if (hasPlaceholders(text)) return 'placeholder';
  return null;
}

/**
 * The template language of a file: from its name's suffix (`.j2`, `.jinja`, `.erb`, `.tmpl`, `.tpl`), else
 * from its content. A file under /etc is what the service reads as it is, so its content never makes it a
 * template (a stray `{{` there is text the service sees).
 */
export function detectTemplate(path: string, text: string): { language: TemplateLanguage; by: 'suffix' | 'content' } | null {
  // The expressions only for a name with one of their suffixes (test/dialects/template.test.ts).
  const named = SUFFIX_WORDS.has(path.slice(path.lastIndexOf('.') + 1).toLowerCase());
  for (const [re, lang] of named ? SUFFIX : []) {
    if (!re.test(path)) continue;
    if (lang !== 'brace') return { language: lang, by: 'suffix' };
    return { language: hasJinjaStatement(text) ? 'jinja' : GO_ACTION.test(text) ? 'go' : hasBraces(text) ? 'jinja' : hasPlaceholders(text) ? 'placeholder' : 'go', by: 'suffix' };
  }
  if (path.startsWith('/etc/')) return null;
  const lang = byContent(text);
  return lang ? { language: lang, by: 'content' } : null;
}

export interface TemplatedConfig extends ParsedConfig {
  readonly template: TemplateInfo;
  /** The dialect's own reading of the masked text, without the template layer's marks. */
  readonly dialectReading: ParsedConfig;
}

/**
 * What the dialect itself reads in a configuration: for a template, its parse of the masked text (what a
 * re-parse of an edited masked text is compared with); otherwise the configuration.
 */
export function dialectReading(config: ParsedConfig): ParsedConfig {
  return (config as Partial<TemplatedConfig>).dialectReading ?? config;
}

/** The template of a parsed configuration, when it is one. */
export function templateOf(config: ParsedConfig): TemplateInfo | null {
  return (config as Partial<TemplatedConfig>).template ?? null;
}
