/**
 * A packet-filter ruleset as the evaluator reads it: the chains, rules and named sets of nftables, in the
 * shape of nftables' documented JSON (libnftables-json(5), the output of `nft -j list ruleset`). Legacy
 * iptables rules (iptables-save) are translated into the same shape (iptables.ts), so one evaluator reads
 * both. Reading checks the structure only; what a rule means is the evaluator's business, and anything it
 * does not understand makes its answer "unknown".
 */

/** A JSON value from the ruleset (an nftables expression or statement). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Rule {
  /** The statements, in order (libnftables-json STATEMENTS). */
  expr: Json[];
  /** How the rule is named in messages: its nft text, or the iptables-save line it came from. */
  text: string;
}

export interface Chain {
  family: string;
  table: string;
  name: string;
  /** Base chains only. */
  type?: string;
  hook?: string;
  prio?: number;
  policy?: 'accept' | 'drop';
  /** A netdev ingress chain's device(s). */
  dev?: string[];
  rules: Rule[];
}

export interface NamedSet {
  family: string;
  table: string;
  name: string;
  /** `ipv4_addr`, `inet_service`, or a list for a concatenation. */
  type: Json;
  flags: string[];
  /** Elements; for a map, [key, value] pairs. */
  elem: Json[];
  /** For a map: the type of its values (`verdict` for a verdict map). */
  map?: string;
}

export interface Ruleset {
  /** Where it came from: `nftables`, `iptables-legacy`, `ip6tables-legacy`, or a file name. */
  origin: string[];
  chains: Chain[];
  sets: NamedSet[];
}

export class RulesetError extends Error {}

export const chainKey = (family: string, table: string, name: string): string => `${family}\u0000${table}\u0000${name}`;

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Record<string, Json>, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new RulesetError(`${what} without a "${key}" string`);
  return v;
}

/** Parses `nft -j list ruleset` output (already JSON.parse'd). */
export function rulesetFromNftJson(doc: unknown, origin = 'nftables'): Ruleset {
  if (!isObject(doc) || !Array.isArray(doc.nftables)) throw new RulesetError('not the output of "nft -j list ruleset" (no "nftables" array)');
  const chains = new Map<string, Chain>();
  const sets: NamedSet[] = [];
  const rules: { key: string; rule: Rule }[] = [];
  for (const item of doc.nftables) {
    if (!isObject(item)) throw new RulesetError('an "nftables" entry that is not an object');
    const [kind] = Object.keys(item);
    const o = item[kind];
    if (kind === 'chain') {
      if (!isObject(o)) throw new RulesetError('a "chain" that is not an object');
      const c: Chain = { family: str(o, 'family', 'a chain'), table: str(o, 'table', 'a chain'), name: str(o, 'name', 'a chain'), rules: [] };
      if (o.hook !== undefined) {
        c.hook = str(o, 'hook', 'a base chain');
        c.type = typeof o.type === 'string' ? o.type : 'filter';
        if (typeof o.prio !== 'number') throw new RulesetError(`base chain ${c.name} without a numeric "prio"`);
        c.prio = o.prio;
        const policy = o.policy ?? 'accept';
        if (policy !== 'accept' && policy !== 'drop') throw new RulesetError(`base chain ${c.name} with policy ${JSON.stringify(policy)}`);
        c.policy = policy;
        if (o.dev !== undefined) c.dev = (Array.isArray(o.dev) ? o.dev : [o.dev]).map(String);
      }
      chains.set(chainKey(c.family, c.table, c.name), c);
    } else if (kind === 'rule') {
      if (!isObject(o)) throw new RulesetError('a "rule" that is not an object');
      const family = str(o, 'family', 'a rule');
      const table = str(o, 'table', 'a rule');
      const chain = str(o, 'chain', 'a rule');
      if (!Array.isArray(o.expr)) throw new RulesetError(`a rule in chain ${chain} without an "expr" list`);
      rules.push({ key: chainKey(family, table, chain), rule: { expr: o.expr, text: renderRule(o.expr) } });
    } else if (kind === 'set' || kind === 'map') {
      if (!isObject(o)) throw new RulesetError(`a "${kind}" that is not an object`);
      const flags = Array.isArray(o.flags) ? o.flags.map(String) : typeof o.flags === 'string' ? [o.flags] : [];
      const elem = o.elem === undefined ? [] : Array.isArray(o.elem) ? o.elem : [o.elem];
      sets.push({
        family: str(o, 'family', `a ${kind}`),
        table: str(o, 'table', `a ${kind}`),
        name: str(o, 'name', `a ${kind}`),
        type: o.type ?? null,
        flags,
        elem,
        ...(kind === 'map' ? { map: typeof o.map === 'string' ? o.map : JSON.stringify(o.map) } : {}),
      });
    }
    // metainfo, table, element, flowtable, counter, quota, ct helper, limit, ...: nothing to evaluate
  }
  for (const { key, rule } of rules) {
    const c = chains.get(key);
    if (!c) throw new RulesetError(`a rule in chain ${key.split('\u0000').join(' ')}, which the ruleset does not define`);
    c.rules.push(rule);
  }
  return { origin: [origin], chains: [...chains.values()], sets };
}

/** Several rulesets loaded at once (nftables and legacy iptables both filter, each on its own hooks). */
export function mergeRulesets(list: readonly Ruleset[]): Ruleset {
  return { origin: list.flatMap((r) => r.origin), chains: list.flatMap((r) => r.chains), sets: list.flatMap((r) => r.sets) };
}

// --- rendering, for messages ------------------------------------------------------------------------

/** An expression in nft's own syntax, as far as it goes (JSON for the rest); for messages only. */
export function renderExpr(e: Json): string {
  if (e === null) return 'null';
  if (typeof e !== 'object') return String(e);
  if (Array.isArray(e)) return e.map(renderExpr).join(', ');
  const [k] = Object.keys(e);
  const v = e[k];
  if (isObject(v)) {
    switch (k) {
      case 'payload':
        return v.protocol !== undefined ? `${String(v.protocol)} ${String(v.field)}` : `@${String(v.base)},${String(v.offset)},${String(v.len)}`;
      case 'meta':
        // nft writes these without "meta".
        return ['iifname', 'oifname', 'iif', 'oif'].includes(String(v.key)) ? String(v.key) : `meta ${String(v.key)}`;
      case 'ct':
        return `ct ${v.dir ? `${String(v.dir)} ` : ''}${String(v.key)}`;
      case 'prefix':
        return `${renderExpr(v.addr)}/${String(v.len)}`;
      case 'fib':
        return `fib ${(Array.isArray(v.flags) ? v.flags : [v.flags]).map(String).join(' . ')} ${String(v.result)}`;
      case 'match':
        return `${renderExpr(v.left)}${v.op === '==' || v.op === 'in' ? '' : ` ${String(v.op)}`} ${renderExpr(v.right)}`;
      case 'jump':
      case 'goto':
        return `${k} ${String(v.target)}`;
      case 'vmap':
        return `${renderExpr(v.key)} vmap ${renderExpr(v.data)}`;
      case 'xt':
        return `xt ${String(v.type)} ${String(v.name)}`;
      case 'dnat':
      case 'snat':
      case 'redirect': {
        const addr = v.addr === undefined ? '' : renderExpr(v.addr);
        const port = v.port === undefined ? '' : `:${renderExpr(v.port)}`;
        return `${k}${addr || port ? ` to ${addr.includes(':') && port ? `[${addr}]` : addr}${port}` : ''}`;
      }
    }
  }
  if (Array.isArray(v)) {
    if (k === 'set') return `{ ${v.map((x) => (Array.isArray(x) ? `${renderExpr(x[0])} : ${renderExpr(x[1])}` : renderExpr(x))).join(', ')} }`;
    if (k === 'range') return `${renderExpr(v[0])}-${renderExpr(v[1])}`;
    if (k === 'concat') return v.map(renderExpr).join(' . ');
    if (k === '&' || k === '|' || k === '^') return `${renderExpr(v[0])} ${k} ${renderExpr(v[1])}`;
  }
  if (v === null) return k;
  const text = `${k} ${JSON.stringify(v)}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function renderRule(expr: Json[]): string {
  return expr.map(renderExpr).join(' ');
}
