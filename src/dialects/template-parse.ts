/**
 * Templates, the part a lint of a finished file never runs (src/dialects/template.ts has the rest: the
 * detection, the masks' characters and the types): scanning a template's tags, masking them, the info
 * object that maps the masked text back, and parseTemplate. In more.js, loaded when a template is parsed.
 */
import { SourceText, type ArgToken, type Span } from '../source.js';
import type { DialectName, ParsedConfig } from './types.js';
import { MASK_BASE, MASK_COUNT, isMaskChar, NAME_PLACEHOLDER, PLACEHOLDER, type TemplateLanguage, type TemplateTag, type TemplateBlock, type TemplateUnknown, type TemplateInfo, type RestoredEdit, type TemplatedConfig } from './template.js';

// ---- Scanning ----------------------------------------------------------------------------------------

/** Index just past the closing delimiter, skipping string literals; -1 when it never closes. */
function closeOf(text: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    if (text.startsWith(close, i)) return i + close.length;
  }
  // An unterminated string: fall back to the first delimiter at all.
  const k = text.indexOf(close, from);
  return k === -1 ? -1 : k + close.length;
}

const JINJA_OPEN = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'with', 'autoescape', 'trans']);
const JINJA_MIDDLE = new Set(['elif', 'else', 'pluralize']);
const JINJA_INCLUDE = new Set(['include', 'import', 'from', 'extends']);

function scanJinja(text: string): TemplateTag[] {
  const tags: TemplateTag[] = [];
  let i = 0;
  while (i < text.length) {
    const k = text.indexOf('{', i);
    if (k === -1 || k + 1 >= text.length) break;
    const d = text[k + 1];
    if (d !== '{' && d !== '%' && d !== '#') {
      i = k + 1;
      continue;
    }
    const close = d === '{' ? '}}' : d === '%' ? '%}' : '#}';
    const end = d === '#' ? (text.indexOf('#}', k + 2) === -1 ? -1 : text.indexOf('#}', k + 2) + 2) : closeOf(text, k + 2, close);
    if (end === -1) break;
    const inner = text.slice(k + 2, end - 2);
    const trimBefore = inner.startsWith('-');
    const trimAfter = inner.endsWith('-');
    const body = inner.replace(/^[-+]/, '').replace(/[-+]$/, '').trim();
    if (d === '{') tags.push({ start: k, end, kind: 'expr', role: 'none', body, trimBefore, trimAfter });
    else if (d === '#') tags.push({ start: k, end, kind: 'comment', role: 'none', body, trimBefore, trimAfter });
    else {
      const word = /^\w+/.exec(body)?.[0] ?? '';
      if (word === 'raw') {
        // {% raw %}...{% endraw %}: the text between is output as it is.
        const m = /\{%-?\s*endraw\s*-?%\}/.exec(text.slice(end));
        tags.push({ start: k, end, kind: 'stmt', role: 'none', body, trimBefore, trimAfter });
        if (!m) break;
        const rs = end + m.index;
        tags.push({ start: rs, end: rs + m[0].length, kind: 'stmt', role: 'none', body: 'endraw', trimBefore: m[0].startsWith('{%-'), trimAfter: m[0].endsWith('-%}') });
        i = rs + m[0].length;
        continue;
      }
      let role: TemplateTag['role'] = 'none';
      let kind: TemplateTag['kind'] = 'stmt';
      if (JINJA_OPEN.has(word) || (word === 'set' && !body.includes('='))) role = 'open';
      else if (JINJA_MIDDLE.has(word)) role = 'middle';
      else if (word.startsWith('end')) role = 'close';
      else if (JINJA_INCLUDE.has(word)) kind = word === 'include' ? 'include' : 'stmt';
      tags.push({ start: k, end, kind, role, body, trimBefore, trimAfter });
    }
    i = end;
  }
  return tags;
}

const RUBY_OPENERS = /^(if|unless|while|until|case|begin|for|def|class|module)\b/;
const RUBY_MIDDLE = /^(else|elsif|when|rescue|ensure|in)\b/;

/** How much a piece of Ruby code opens (+) or closes (-) blocks, and whether it is a middle clause. */
function rubyBalance(code: string): { net: number; middle: boolean } {
  let net = 0;
  const stmts = code
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/#[^\n]*/g, '')
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of stmts) {
    if (RUBY_OPENERS.test(s)) net++;
    else if (/(^|[^\w.])do(\s*\|[^|]*\|)?\s*$/.test(s) || /\bdo\s*\|[^|]*\|/.test(s)) net++;
    const ends = s.match(/(^|[^\w.:])end\b/g);
    if (ends) net -= ends.length;
  }
  return { net, middle: stmts.length > 0 && RUBY_MIDDLE.test(stmts[0]) };
}

/** Puppet EPP code opens blocks with "{" and closes them with "}" (`<% if $x { -%>` ... `<% } -%>`). */
function puppetBalance(code: string): { net: number; middle: boolean } {
  const bare = code.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""').replace(/#[^\n]*/g, '');
  const net = (bare.match(/\{/g)?.length ?? 0) - (bare.match(/\}/g)?.length ?? 0);
  return { net, middle: /^\}\s*(else|elsif)\b/.test(bare.trim()) };
}

function scanErb(text: string, epp = false): TemplateTag[] {
  const tags: TemplateTag[] = [];
  let i = 0;
  while (i < text.length) {
    const k = text.indexOf('<%', i);
    if (k === -1) break;
    if (text[k + 2] === '%') {
      // "<%%" is a literal "<%".
      i = k + 3;
      continue;
    }
    const end = closeOf(text, k + 2, '%>');
    if (end === -1) break;
    let inner = text.slice(k + 2, end - 2);
    const kind: TemplateTag['kind'] = inner.startsWith('#') ? 'comment' : inner.startsWith('=') ? 'expr' : 'stmt';
    const trimBefore = inner.startsWith('-');
    const trimAfter = inner.endsWith('-');
    inner = inner.replace(/^[-=#]+/, '').replace(/-$/, '');
    const body = inner.trim();
    let role: TemplateTag['role'] = 'none';
    if (kind === 'stmt') {
      const b = epp ? puppetBalance(body) : rubyBalance(body);
      role = b.net > 0 ? 'open' : b.net < 0 ? 'close' : b.middle ? 'middle' : 'none';
    } else if (kind === 'expr' && (epp ? puppetBalance(body) : rubyBalance(body)).net > 0) {
      role = 'open';
    }
    tags.push({ start: k, end, kind: kind === 'expr' && /\b(render|ERB\.new|template)\b/.test(body) ? 'include' : kind, role, body, trimBefore, trimAfter });
    i = end;
  }
  return tags;
}

function scanGo(text: string): TemplateTag[] {
  const tags: TemplateTag[] = [];
  let i = 0;
  while (i < text.length) {
    const k = text.indexOf('{{', i);
    if (k === -1) break;
    const end = closeOf(text, k + 2, '}}');
    if (end === -1) break;
    const inner = text.slice(k + 2, end - 2);
    const trimBefore = /^-\s/.test(inner);
    const trimAfter = /\s-$/.test(inner);
    const body = inner.replace(/^-\s/, '').replace(/\s-$/, '').trim();
    let kind: TemplateTag['kind'] = 'expr';
    let role: TemplateTag['role'] = 'none';
    const word = /^\w+/.exec(body)?.[0] ?? '';
    if (body.startsWith('/*')) kind = 'comment';
    else if (['if', 'range', 'with', 'define', 'block'].includes(word)) {
      kind = 'stmt';
      role = 'open';
    } else if (word === 'else') {
      kind = 'stmt';
      role = 'middle';
    } else if (word === 'end') {
      kind = 'stmt';
      role = 'close';
    } else if (word === 'template') kind = 'include';
    else if (/^\$\w*\s*:?=/.test(body)) kind = 'stmt';
    tags.push({ start: k, end, kind, role, body, trimBefore, trimAfter });
    i = end;
  }
  return tags;
}

/** Every whole-value `%name%` placeholder (in comments too: no fix may change one), and every option line's NAME one. */
function scanPlaceholders(text: string): TemplateTag[] {
  const tags: TemplateTag[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    tags.push({ start: m.index!, end: m.index! + m[0].length, kind: 'expr', role: 'none', body: m[0].slice(1, -1), trimBefore: false, trimAfter: false });
  }
  // An option line's NAME placeholder (`-p MEMCACHED_PORT`), in the order of the file.
  for (const m of text.matchAll(NAME_PLACEHOLDER)) {
    const [start, end] = m.indices![1]!;
    tags.push({ start, end, kind: 'expr', role: 'none', body: m[1]!, trimBefore: false, trimAfter: false });
  }
  tags.sort((a, b) => a.start - b.start);
  return tags;
}

function scanTags(text: string, language: TemplateLanguage): TemplateTag[] {
  if (language === 'placeholder') return scanPlaceholders(text);
  return language === 'erb' || language === 'epp' ? scanErb(text, language === 'epp') : language === 'go' ? scanGo(text) : scanJinja(text);
}

function pairBlocks(tags: readonly TemplateTag[], length: number): TemplateBlock[] {
  const blocks: TemplateBlock[] = [];
  const stack: TemplateTag[] = [];
  for (const t of tags) {
    if (t.role === 'open') stack.push(t);
    else if (t.role === 'close') {
      const open = stack.pop();
      if (open) blocks.push({ open, body: { start: open.end, end: t.start } });
    }
  }
  // An unclosed block runs to the end of the file.
  for (const open of stack) blocks.push({ open, body: { start: open.end, end: length } });
  return blocks;
}

/**
 * Spans (possibly nested) sorted by start, answering "which one overlaps this span" in O(log n): a template
 * with a hundred thousand tags stays linear to lint.
 */
class SpanIndex<T> {
  private readonly items: { span: Span; item: T }[];
  /** For each position, the index (up to it) of the item whose span ends last. */
  private readonly reach: number[] = [];

  constructor(list: readonly T[], spanOf: (t: T) => Span) {
    this.items = list.map((item) => ({ span: spanOf(item), item })).sort((a, b) => a.span.start - b.span.start);
    let best = -1;
    this.items.forEach((x, k) => {
      if (best === -1 || x.span.end > this.items[best].span.end) best = k;
      this.reach.push(best);
    });
  }

  /** An item whose span overlaps [start, end) (end > start), or null. */
  overlapping(start: number, end: number): T | null {
    let lo = 0;
    let hi = this.items.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].span.start < end) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (last === -1) return null;
    const x = this.items[this.reach[last]];
    return x.span.end > start ? x.item : null;
  }
}

// ---- Masking -----------------------------------------------------------------------------------------

/**
 * Whether a tag is alone on its line(s): nothing but blanks and other non-rendering tags (stmt, comment)
 * around it, a tag that begins or ends on another line counting as text. Answered for any tag of `tags` (in
 * order, not overlapping) from one pass over the text: asked of each tag with the text of its lines cut
 * again for each neighbour, a line of 100,000 `{% if %}` tags took minutes.
 */
export function standaloneTags(text: string, tags: readonly TemplateTag[]): (tag: TemplateTag, k: number) => boolean {
  const n = text.length;
  // The stmt or comment tag over each character (-1: none), and the next character at or after each place
  // that is text: no blank and under no such tag (n: none).
  const cover = new Int32Array(n).fill(-1);
  tags.forEach((o, k) => {
    if (o.kind === 'stmt' || o.kind === 'comment') cover.fill(k, o.start, o.end);
  });
  const next = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) next[i] = cover[i] === -1 && !/\s/.test(text[i]) ? i : next[i + 1];
  // Where the line of each place starts, and the next line feed at or after it (else the end of the text).
  const lineStart = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) lineStart[i] = text.charCodeAt(i - 1) === 10 ? i : lineStart[i - 1];
  const lineEnd = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) lineEnd[i] = text.charCodeAt(i) === 10 ? i : lineEnd[i + 1];
  return (tag, k) => {
    const s = lineStart[tag.start];
    const e = lineEnd[Math.max(tag.start, tag.end - 1)];
    if (next[s] < tag.start || next[Math.min(tag.end, n)] < e) return false;
    // A stmt or comment tag that reaches into these lines from another is text here (its end, its start).
    const before = s < n ? cover[s] : -1;
    if (before !== -1 && before !== k && tags[before].start < s) return false;
    const after = e > 0 ? cover[e - 1] : -1;
    if (after !== -1 && after !== k && tags[after].end > e) return false;
    return true;
  };
}

interface Masked {
  text: string;
  /** Whitespace a tag trims (`{%-`, `-%}`): rendered away, so it joins lines. */
  trimmed: Span[];
}

function mask(text: string, tags: readonly TemplateTag[], language: TemplateLanguage): Masked {
  const out = text.split('');
  const trimmed: Span[] = [];
  let alone: ReturnType<typeof standaloneTags> | null = null;
  const standalone = (tag: TemplateTag, k: number) => (alone ??= standaloneTags(text, tags))(tag, k);
  tags.forEach((t, k) => {
    // Ansible's `comment` filter renders comment lines ("# ..."): alone on its line it is a comment.
    const comment = t.kind === 'expr' && language === 'jinja' && /\|\s*comment\b/.test(t.body) && standalone({ ...t, kind: 'comment' }, k);
    const renders = !comment && (t.kind === 'expr' || t.kind === 'include' || (t.kind === 'stmt' && !standalone(t, k) && t.role !== 'none'));
    const ch = String.fromCharCode(MASK_BASE + (k % MASK_COUNT));
    for (let i = t.start; i < t.end; i++) {
      if (renders) out[i] = ch;
      else if (out[i] !== '\n') out[i] = comment && i === t.start ? '#' : ' ';
    }
    // Whitespace the tag trims is rendered away: the lines around it join (a space keeps the offsets).
    if (t.trimAfter) {
      let j = t.end;
      if (language === 'erb' || language === 'epp') {
        if (text[j] === '\r' && text[j + 1] === '\n') j++;
        if (text[j] === '\n') {
          trimmed.push({ start: t.end, end: j + 1 });
          for (let q = t.end; q <= j; q++) out[q] = ' ';
        }
      } else {
        while (j < text.length && /\s/.test(text[j])) j++;
        if (j > t.end) {
          trimmed.push({ start: t.end, end: j });
          for (let q = t.end; q < j; q++) out[q] = ' ';
        }
      }
    }
    if (t.trimBefore) {
      let j = t.start;
      const ws = language === 'erb' || language === 'epp' ? /[ \t]/ : /\s/;
      while (j > 0 && ws.test(text[j - 1])) j--;
      if (j < t.start) {
        trimmed.push({ start: j, end: t.start });
        for (let q = j; q < t.start; q++) out[q] = ' ';
      }
    }
  });
  return { text: out.join(''), trimmed };
}

// ---- The info object ---------------------------------------------------------------------------------

function lineNo(src: SourceText, offset: number): number {
  return src.position(offset).line;
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** A tag as written (shortened when long), for messages. */
function describeTag(src: SourceText, t: TemplateTag): string {
  const text = src.text.slice(t.start, t.end).replace(/\s*\n\s*/g, ' ');
  return text.length > 60 ? `${text.slice(0, 45)}…${text.slice(-12)}` : text;
}

function makeInfo(original: SourceText, language: TemplateLanguage, detectedBy: 'suffix' | 'content', tags: TemplateTag[], m: Masked): TemplateInfo {
  const blocks = pairBlocks(tags, original.text.length);
  const protectedSpans: Span[] = [...tags.map((t) => ({ start: t.start, end: t.end })), ...m.trimmed];
  const byChar = new Map<string, TemplateTag>();
  tags.forEach((t, k) => byChar.set(String.fromCharCode(MASK_BASE + (k % MASK_COUNT)), t));
  const tagIndex = new SpanIndex(tags, (t) => t);
  const blockIndex = new SpanIndex(blocks, (b) => b.body);
  const protectedIndex = new SpanIndex(protectedSpans, (p) => p);
  const blockOf = new Map(blocks.map((b) => [b.open, b]));
  const tagAt = (offset: number): TemplateTag | null => tagIndex.overlapping(offset, offset + 1);
  const conditionalAt = (offset: number): TemplateBlock | null => blockIndex.overlapping(offset, offset + 1);
  const info: TemplateInfo = {
    language,
    detectedBy,
    original,
    tags,
    blocks,
    protectedSpans,
    unmask(text: string): string {
      let s = '';
      for (let i = 0; i < text.length; i++) {
        const t = byChar.get(text[i]);
        if (!t) {
          s += text[i];
          continue;
        }
        let j = i;
        while (j + 1 < text.length && text[j + 1] === text[i]) j++;
        s += original.text.slice(t.start, t.end);
        i = j;
      }
      return s;
    },
    tagAt,
    maskTag: (ch) => byChar.get(ch) ?? null,
    conditionalAt,
    touches(span: Span): TemplateUnknown | null {
      const t = span.end > span.start ? tagIndex.overlapping(span.start, span.end) : (() => {
        const x = tagAt(span.start);
        return x && x.start < span.start ? x : null;
      })();
      if (t) return { reason: `${describeTag(original, t)} (line ${lineNo(original, t.start)})`, decide: 'the rendered file' };
      const b = span.end > span.start ? blockIndex.overlapping(span.start, span.end) : null;
      if (b) return { reason: `rendered only as ${describeTag(original, b.open)} at line ${lineNo(original, b.open.start)} decides`, decide: 'the rendered file' };
      return null;
    },
    restore: (masked, edited, origin) => restoreEdit(info, m.text, masked, edited, origin),
    overlappingTag: (start, end) => tagIndex.overlapping(start, end),
    overlappingBlock: (start, end) => blockIndex.overlapping(start, end),
    overlappingProtected: (start, end) => protectedIndex.overlapping(start, end),
    blockOf: (open) => blockOf.get(open) ?? null,
  };
  return info;
}

/** The lines of a text with their offsets (on "\n", as the editors count them). */
function linesOf(text: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    out.push({ start, end, text: text.slice(start, end) });
    start = end;
  }
  return out;
}

function restoreEdit(
  info: TemplateInfo,
  maskedAtParse: string,
  masked: string,
  edited: string,
  origin: readonly (number | null)[],
): RestoredEdit {
  if (masked !== maskedAtParse) return { ok: false, reason: 'internal: the edit was made on another text than the parsed one' };
  const src = info.original;
  const before = linesOf(masked);
  const after = linesOf(edited);
  const where = (offset: number) => `line ${lineNo(src, offset)}`;
  /** Why a line of the masked text may not change, or null. */
  const frozen = (l: { start: number; end: number }): string | null => {
    const tag = info.overlappingTag(l.start, l.end);
    if (tag) return `${where(l.start)} holds the template tag ${describeTag(info.original, tag)}, which mchard never edits`;
    if (info.overlappingProtected(l.start, l.end)) return `${where(l.start)} holds whitespace a template tag trims`;
    const b = info.overlappingBlock(l.start, l.end);
    if (b) return `${where(l.start)} is inside ${describeTag(info.original, b.open)} (line ${lineNo(src, b.open.start)}): whether it renders depends on the template`;
    return null;
  };
  /** Why a new line may not go in before masked line index k (k = before.length: the end), or null. */
  const noInsert = (k: number): string | null => {
    const at = k < before.length ? before[k].start : masked.length;
    const b = at > 0 ? info.overlappingBlock(at - 1, at) : null;
    if (b) return `the new line would go inside ${describeTag(info.original, b.open)} (line ${lineNo(src, b.open.start)}), so only some renderings would get it`;
    const tagBefore = at > 0 ? info.overlappingTag(at - 1, at) : null;
    const tagAfter = info.overlappingTag(at, at + 1);
    const inside = at > 0 ? info.overlappingProtected(at - 1, at) : null;
    const trims =
      (inside && inside.end > at ? inside : null) ??
      (tagAfter?.trimBefore && tagAfter.start === at ? tagAfter : null) ??
      (tagBefore?.trimAfter && tagBefore.end === at ? tagBefore : null);
    if (trims) return `the new line would go where a template tag trims whitespace (${where(at)}), so it would be joined to another line`;
    return null;
  };
  const out: string[] = [];
  const outOrigin: (number | null)[] = [];
  const kept = new Set<number>();
  let prevOrigin = -1;
  for (let j = 0; j < after.length; j++) {
    const o = origin[j] ?? null;
    const line = after[j];
    if (o !== null && before[o] && line.text === before[o].text) {
      kept.add(o);
      out.push(src.text.slice(before[o].start, before[o].end));
      // A masked line may stand for several lines of the template (a tag spanning lines, trimmed newlines).
      const first = lineNo(src, before[o].start) - 1;
      const last = lineNo(src, Math.max(before[o].start, before[o].end - 1)) - 1;
      for (let k = first; k <= last; k++) outOrigin.push(k);
      prevOrigin = o;
      continue;
    }
    if ([...line.text].some(isMaskChar)) return { ok: false, reason: 'the edit would move or change a template expression' };
    if (o !== null && before[o]) {
      const why = frozen(before[o]);
      if (why) return { ok: false, reason: why };
      prevOrigin = o;
    } else {
      const why = noInsert(prevOrigin + 1);
      if (why) return { ok: false, reason: why };
    }
    out.push(line.text);
    outOrigin.push(null);
  }
  for (let k = 0; k < before.length; k++) {
    if (kept.has(k)) continue;
    const why = frozen(before[k]);
    if (why) return { ok: false, reason: `the edit would change or remove ${why.replace(/^(line \d+) holds/, '$1, which holds').replace(/, which mchard never edits$/, '')}` };
  }
  const text = out.join('');
  // Every tag must be in the result byte for byte, in order.
  let at = 0;
  for (const t of info.tags) {
    const tagText = src.text.slice(t.start, t.end);
    const k = text.indexOf(tagText, at);
    if (k === -1) return { ok: false, reason: `the edit would change the template tag ${describeTag(info.original, t)} (${where(t.start)})` };
    at = k + tagText.length;
  }
  return { ok: true, text, origin: outOrigin };
}

// ---- Parsing a template ------------------------------------------------------------------------------

/** Marks the arguments a parse of the masked text yields: templated values, opaque pieces, conditional lines. */
function annotate(config: ParsedConfig, info: TemplateInfo, dialect: DialectName): ArgToken[] {
  const src = info.original;
  const argv: ArgToken[] = config.argv.map((t) => {
    const at = t.value.split('').findIndex(isMaskChar);
    let tok: ArgToken = t;
    if (at !== -1) {
      const tg = info.maskTag(t.value[at]) ?? undefined;
      const what = tg ? describeTag(info.original, tg) : 'a template expression';
      const opaque = tg && (tg.kind === 'include' || tg.kind === 'stmt');
      tok = {
        ...tok,
        exact: false,
        note: `depends on the template: ${what}`,
        unknown: { kind: opaque ? 'opaque' : 'value', depends: 'template', reason: `${what}${tg ? ` (line ${lineNo(src, tg.start)})` : ''}`, decide: 'the rendered file', at },
      };
    }
    if (t.span) {
      const b = info.conditionalAt(t.span.start);
      if (b) {
        tok = {
          ...tok,
          exact: false,
          conditional: { reason: `${describeTag(info.original, b.open)} at line ${lineNo(src, b.open.start)} decides whether line ${lineNo(src, t.span.start)} renders`, decide: 'the rendered file' },
        };
      }
    }
    return tok;
  });
  // A tag that renders text but no argument shows (an include, a control tag on a line the dialect dropped):
  // outside Debian's line-by-line reading it may stand for anything, so an opaque piece goes at the end.
  if (dialect !== 'debian' && dialect !== 'argv') {
    const args = new SpanIndex(argv.filter((a) => a.span), (a) => a.span!);
    const notes = new SpanIndex(config.notes, (n) => n.span);
    const any = (span: Span) => args.overlapping(span.start, Math.max(span.end, span.start + 1)) !== null;
    const noted = (span: Span) => notes.overlapping(span.start, Math.max(span.end, span.start + 1)) !== null;
    for (const t of info.tags) {
      if (t.kind === 'comment' || (t.kind === 'stmt' && t.role === 'none')) continue;
      const span = { start: t.start, end: t.end };
      const inArg = any(span);
      const inNote = noted(span);
      if (t.kind !== 'expr' && t.role !== 'none') {
        // A block: its lines may be assignments that hide earlier ones, which a line-by-line reading cannot show.
        const b = info.blockOf(t);
        const bodyHasArg = b && (any(b.body) || noted(b.body));
        if (!bodyHasArg) continue;
      } else if (inArg || !inNote) continue;
      argv.push({
        value: '',
        span,
        origin: 'file',
        exact: false,
        note: `depends on the template: ${describeTag(info.original, t)}`,
        unknown: { kind: 'opaque', depends: 'template', reason: `${describeTag(info.original, t)} (line ${lineNo(src, t.start)})`, decide: 'the rendered file', at: 0 },
      });
    }
  }
  // The Debian wrapper adds "-u root" only when no line is kept: when every kept line depends on the
  // template, so does that.
  if (dialect === 'debian' && argv.length > 0 && argv.every((a) => a.origin !== 'file' || a.unknown || a.conditional) && argv.some((a) => a.conditional || a.unknown?.kind === 'opaque')) {
    argv.push({
      value: '',
      span: null,
      origin: 'wrapper',
      exact: false,
      unknown: { kind: 'opaque', depends: 'template', reason: 'the wrapper adds "-u root" when no line of the rendered file is kept', decide: 'the rendered file', at: 0 },
    });
  }
  return argv;
}

/**
 * Parses a template: masks it, parses the masked text with the dialect's parser, and marks what depends on
 * the template. The result's `source` is the masked text (the editors work on it); `template.original`
 * and `print()` are the file as it is.
 */
export function parseTemplate(
  source: SourceText,
  detected: { language: TemplateLanguage; by: 'suffix' | 'content' },
  dialect: DialectName,
  parse: (s: SourceText) => ParsedConfig,
): TemplatedConfig {
  const tags = scanTags(source.text, detected.language);
  const m = mask(source.text, tags, detected.language);
  const info = makeInfo(source, detected.language, detected.by, tags, m);
  const inner = parse(new SourceText(source.path, m.text));
  const argv = annotate(inner, info, dialect);
  let launchFailure = inner.launchFailure;
  if (launchFailure?.span) {
    const why = info.touches(launchFailure.span);
    if (why) launchFailure = { ...launchFailure, unknown: { reason: why.reason, decide: why.decide } };
  }
  // The dialect's notes speak of the masked text: give them the tags back (the message and every other text
  // field of the note; its kind is the dialect's vocabulary).
  const un = (v: unknown): unknown => (typeof v === 'string' ? info.unmask(v) : Array.isArray(v) ? v.map(un) : v);
  const notes = inner.notes.map((n) => Object.fromEntries(Object.entries(n).map(([k, v]) => [k, k === 'kind' ? v : un(v)])) as typeof n);
  const wrapped = Object.create(inner) as TemplatedConfig;
  Object.defineProperties(wrapped, {
    notes: { value: notes, enumerable: true },
    ...(inner.argvUnknown ? { argvUnknown: { value: info.unmask(inner.argvUnknown), enumerable: true } } : {}),
    argv: { value: argv, enumerable: true },
    argvExact: { value: inner.argvExact && argv.every((a) => a.exact), enumerable: true },
    launchFailure: { value: launchFailure, enumerable: true },
    template: { value: info, enumerable: true },
    dialectReading: { value: inner },
    print: { value: () => source.text },
  });
  return wrapped;
}
