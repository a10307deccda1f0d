/**
 * Characters of a decoded value with the stretch of the file each came from, shared by the dialects that
 * decode a value in several passes (YAML scalar → Compose interpolation → word splitting; INI value →
 * supervisord `%(...)s` expansion → shlex). `span` is null for a character no file text produced (the
 * "\n" that joins INI continuation lines). `dep` names what makes the character depend on the host.
 */
import type { ArgToken, Span } from '../source.js';

export interface SrcChar {
  readonly ch: string;
  readonly span: Span | null;
  /** Set when the character comes from an expansion whose value depends on the host (`$VAR`, `%(ENV_X)s`). */
  readonly dep?: string;
}

/** One character per UTF-16 unit of `text`, each spanning itself at `base + k`. */
export function literalChars(text: string, base: number): SrcChar[] {
  const out: SrcChar[] = [];
  for (let k = 0; k < text.length; k++) out.push({ ch: text[k], span: { start: base + k, end: base + k + 1 } });
  return out;
}

/** Every character of `text` attributed to one span (an expansion's whole placeholder). */
export function spreadChars(text: string, span: Span | null, dep?: string): SrcChar[] {
  const out: SrcChar[] = [];
  for (let k = 0; k < text.length; k++) out.push({ ch: text[k], span, ...(dep ? { dep } : {}) });
  return out;
}

export function joinSpans(chars: readonly SrcChar[]): Span | null {
  let start = Infinity;
  let end = -Infinity;
  for (const c of chars) {
    if (!c.span) continue;
    start = Math.min(start, c.span.start);
    end = Math.max(end, c.span.end);
  }
  return start === Infinity ? null : { start, end };
}

export const valueOf = (chars: readonly SrcChar[]): string => chars.map((c) => c.ch).join('');

/**
 * `target.push(...items)` without the spread: a spread passes every item as an argument, and a value of a
 * hundred thousand characters overflows the call stack.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (let k = 0; k < items.length; k++) target.push(items[k]);
}

/**
 * A word of memcached's argv from its characters: exact unless a character depends on the host; the note
 * says how the file text differs from the value (quotes removed, expansion).
 */
export function tokenOf(chars: readonly SrcChar[], fileText: string, how: string, extent?: readonly SrcChar[]): ArgToken {
  const value = valueOf(chars);
  const span = joinSpans(extent ?? chars);
  const dep = chars.find((c) => c.dep)?.dep;
  const raw = span ? fileText.slice(span.start, span.end) : null;
  const elsewhere = dep ? DECIDED_ELSEWHERE[how] : undefined;
  const note = dep ? `depends on ${elsewhere?.on ?? 'the host'}: ${dep}` : raw !== null && raw !== value ? `${how} reads ${JSON.stringify(raw)} as ${JSON.stringify(value)}` : undefined;
  const unknown = elsewhere && dep ? { unknown: { kind: 'value' as const, depends: 'host' as const, reason: dep, decide: elsewhere.decide, at: 0 } } : {};
  return { value, span, origin: 'file', exact: !dep, ...(note ? { note } : {}), ...unknown };
}

/**
 * What decides a word that depends on something the file does not show, where that is not the host memcached
 * runs on: Compose interpolates `${VAR}` from the environment docker compose runs in (its shell and the
 * project's .env file); the kubelet replaces `$(VAR)` with what `valueFrom`/`envFrom` name (a ConfigMap, a
 * Secret, a field of the pod), which the file does not show.
 */
const DECIDED_ELSEWHERE: Readonly<Record<string, { on: string; decide: string }>> = {
  Compose: { on: 'the environment docker compose runs in', decide: "the environment docker compose runs in (its shell's variables and the project's .env file)" },
  Kubernetes: { on: 'what the file does not show', decide: "the object it is set from (a ConfigMap, a Secret, the pod's fields)" },
};

/** What decides the user of a Dockerfile's image when its base image sets it and mchard does not know that image. */
export const BASE_IMAGE_USER = "the base image's USER (docker image inspect --format '{{.Config.User}}' IMAGE)";

/** Whether `decide` is one of those deciders (named once in messages, instead of "the host decides"). */
export function decidedElsewhere(decide: string): boolean {
  return decide === BASE_IMAGE_USER || Object.values(DECIDED_ELSEWHERE).some((e) => e.decide === decide);
}
