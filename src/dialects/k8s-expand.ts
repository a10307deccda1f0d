/**
 * Kubernetes' `$(VAR)` expansion, on sourced characters: what the kubelet does to a container's `env`
 * values, `command` and `args` before the container runs (k8s.io/kubernetes
 * `third_party/forked/golang/expansion`, `Expand` with `MappingFuncFor`). Free of the YAML library.
 *
 * The rules, as the code has them (and the API reference documents for `command`, `args` and
 * `EnvVar.value`):
 * - `$(NAME)` is replaced by the variable's value. NAME is every character up to the first `)` (any
 *   character: `$(A B)` names "A B"). A variable that is not defined leaves the reference as written.
 * - `$$` is a literal `$`: `$$(NAME)` gives `$(NAME)` and is never expanded.
 * - `$(` without a closing `)`, `$` before any other character, and a `$` at the end stay as written.
 * - The expansion is one pass: a value brought in by `$(NAME)` is not expanded again.
 * - A non-ASCII character right after `$` stays as written with kubelets that include Kubernetes pull
 *   request 136325 (January 2026); older kubelets copied only its first byte, which corrupts the value
 *   (and 1.34 and 1.35 kubelets without the fix fail to create the container: invalid UTF-8). The value
 *   is then the newer kubelets' reading, marked as depending on the kubelet.
 *
 * Which variables are defined is the caller's: for an `env` value, the `envFrom` sources, the entries
 * above it and the service link variables; for `command`/`args`, the container's whole environment.
 */
import type { Span } from '../source.js';
import { appendAll, spreadChars, valueOf, type SrcChar } from './sourced.js';

/** What a variable is, as far as the file tells. */
export type EnvBinding =
  /** Set by the file to this value (its characters may themselves depend on something: `dep`). */
  | { readonly kind: 'value'; readonly chars: readonly SrcChar[] }
  /** Set, to a value the file does not show (`valueFrom`, an `envFrom` source): why. */
  | { readonly kind: 'unknown'; readonly why: string };

export interface ExpandReference {
  readonly name: string;
  /** The `$(NAME)` text in the file (null when its characters have no place, as in a block scalar). */
  readonly span: Span | null;
  /**
   * `value`: replaced by a value the file sets; `unknown`: replaced by a value the file does not show;
   * `literal`: no such variable, the reference stays as written; `maybe`: not set by the file, but
   * something the file does not show may set it (`envFrom`, a Service's link variables).
   */
  readonly outcome: 'value' | 'unknown' | 'literal' | 'maybe';
  readonly why?: string;
}

export interface Expanded {
  readonly chars: SrcChar[];
  readonly references: ExpandReference[];
}

const KUBELET_UTF8 =
  'a non-ASCII character right after "$" stays as written only with kubelets that include Kubernetes pull request 136325 (January 2026); older kubelets corrupt it, and 1.34 and 1.35 kubelets without the fix refuse to create the container';

function joinSpan(a: Span | null, b: Span | null): Span | null {
  if (!a || !b) return a ?? b;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/**
 * Expands `input` as the kubelet does. `lookup` gives a defined variable; `maybe` says, for a name the
 * file does not define, what else may define it (null: nothing, the reference certainly stays literal).
 * A replaced reference's characters all point at the `$(NAME)` text; a value the file does not show
 * keeps the reference's text and carries `dep` (why it is unknown).
 */
export function kubeExpand(
  input: readonly SrcChar[],
  lookup: (name: string) => EnvBinding | undefined,
  maybe: (name: string) => string | null = () => null,
): Expanded {
  const out: SrcChar[] = [];
  const references: ExpandReference[] = [];
  const n = input.length;
  for (let k = 0; k < n; k++) {
    const c = input[k];
    // Expand looks at a `$` only when something follows it.
    if (c.ch !== '$' || k + 1 >= n) {
      out.push(c);
      continue;
    }
    const next = input[k + 1];
    if (next.ch === '$') {
      // `$$`: one literal `$`.
      out.push({ ch: '$', span: joinSpan(c.span, next.span), ...(c.dep || next.dep ? { dep: c.dep ?? next.dep } : {}) });
      k++;
      continue;
    }
    if (next.ch === '(') {
      let close = -1;
      for (let e = k + 2; e < n; e++) {
        if (input[e].ch === ')') {
          close = e;
          break;
        }
      }
      if (close === -1) {
        // An incomplete reference: `$(` stays, and the scan goes on after the `(`.
        out.push(c, next);
        k++;
        continue;
      }
      const whole = input.slice(k, close + 1);
      const name = valueOf(input.slice(k + 2, close));
      const span = whole.reduce<Span | null>((s, x) => joinSpan(s, x.span), null);
      const text = valueOf(whole);
      const b = lookup(name);
      if (b?.kind === 'value') {
        const dep = b.chars.find((x) => x.dep)?.dep;
        appendAll(out, spreadChars(valueOf(b.chars), span, dep));
        references.push({ name, span, outcome: 'value' });
      } else if (b?.kind === 'unknown') {
        appendAll(out, spreadChars(text, span, `$(${name}) is ${b.why}`));
        references.push({ name, span, outcome: 'unknown', why: b.why });
      } else {
        const why = maybe(name);
        if (why) {
          appendAll(out, spreadChars(text, span, `$(${name}) is not set by the file, but ${why}; otherwise it stays as written`));
          references.push({ name, span, outcome: 'maybe', why });
        } else {
          appendAll(out, whole);
          references.push({ name, span, outcome: 'literal' });
        }
      }
      k = close;
      continue;
    }
    // `$` before any other character: both stay. A non-ASCII one depends on the kubelet.
    const code = next.ch.charCodeAt(0);
    if (code >= 0x80) {
      out.push({ ...c, dep: c.dep ?? KUBELET_UTF8 });
      // A character outside the BMP is two UTF-16 units: both are the one rune Go copies.
      const pair = code >= 0xd800 && code <= 0xdbff && k + 2 < n ? 1 : 0;
      for (let j = 1; j <= 1 + pair; j++) out.push({ ...input[k + j], dep: input[k + j].dep ?? KUBELET_UTF8 });
      k += 1 + pair;
      continue;
    }
    out.push(c, next);
    k++;
  }
  return { chars: out, references };
}

/**
 * The names of the variables the kubelet adds for each Service of the pod's namespace (Docker link
 * style, `envvars.FromServices`): `NAME_SERVICE_HOST`, `NAME_SERVICE_PORT`, `NAME_SERVICE_PORT_PORTNAME`,
 * `NAME_PORT`, `NAME_PORT_11211_TCP` and its `_PROTO`, `_PORT`, `_ADDR`. The `kubernetes` Service's are
 * always there; the others unless the pod sets `enableServiceLinks: false`.
 */
export function serviceLinkVariable(name: string, serviceLinks: boolean): boolean {
  const m = /^([A-Z0-9_]+?)_(SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?)$/.exec(name);
  if (!m) return false;
  return serviceLinks || m[1] === 'KUBERNETES';
}
