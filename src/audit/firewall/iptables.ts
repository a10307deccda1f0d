/**
 * Legacy iptables rules, from the output of `iptables-save` / `ip6tables-save`, translated into the
 * nftables JSON shape the evaluator reads (ruleset.ts). Each built-in chain becomes a base chain on the
 * hook and at the priority the kernel gives it (raw -300, mangle -150, nat PREROUTING -100, filter 0,
 * security 50, nat INPUT 100); user chains become regular chains. Matches the evaluator knows are
 * translated to their nftables equivalents (`-s`, `-d`, `-p`, `-i`, `-o`, tcp/udp ports and flags,
 * multiport, conntrack/state, addrtype, iprange, mark, connmark, pkttype); any other match module or target
 * becomes an `xt` expression, which the evaluator reports as not evaluated. The original line is kept as
 * the rule's text for messages.
 */
import { RulesetError, type Chain, type Json, type Ruleset } from './ruleset.js';

const BUILTIN: Record<string, Record<string, { hook: string; prio: number; type: string }>> = {
  raw: { PREROUTING: { hook: 'prerouting', prio: -300, type: 'filter' }, OUTPUT: { hook: 'output', prio: -300, type: 'filter' } },
  mangle: {
    PREROUTING: { hook: 'prerouting', prio: -150, type: 'filter' },
    INPUT: { hook: 'input', prio: -150, type: 'filter' },
    FORWARD: { hook: 'forward', prio: -150, type: 'filter' },
    OUTPUT: { hook: 'output', prio: -150, type: 'route' },
    POSTROUTING: { hook: 'postrouting', prio: -150, type: 'filter' },
  },
  nat: {
    PREROUTING: { hook: 'prerouting', prio: -100, type: 'nat' },
    INPUT: { hook: 'input', prio: 100, type: 'nat' },
    OUTPUT: { hook: 'output', prio: -100, type: 'nat' },
    POSTROUTING: { hook: 'postrouting', prio: 100, type: 'nat' },
  },
  filter: {
    INPUT: { hook: 'input', prio: 0, type: 'filter' },
    FORWARD: { hook: 'forward', prio: 0, type: 'filter' },
    OUTPUT: { hook: 'output', prio: 0, type: 'filter' },
  },
  security: {
    INPUT: { hook: 'input', prio: 50, type: 'filter' },
    FORWARD: { hook: 'forward', prio: 50, type: 'filter' },
    OUTPUT: { hook: 'output', prio: 50, type: 'filter' },
  },
};

/** Non-terminating targets: they change nothing about whether the packet passes. */
const NOOP_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TCPMSS', 'TTL', 'HL', 'CHECKSUM', 'SECMARK', 'CONNSECMARK', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'SNAT', 'MASQUERADE', 'NETMAP', 'SYNPROXY_']);

/** Splits an iptables-save line into words: spaces separate, double quotes group, a backslash escapes. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) cur += line[++i];
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quoted) throw new RulesetError('an unterminated quote');
  if (inWord) out.push(cur);
  return out;
}

type Family = 'ip' | 'ip6';

const match = (op: string, left: Json, right: Json): Json => ({ match: { op, left, right } });
const payload = (protocol: string, field: string): Json => ({ payload: { protocol, field } });
const xtMatch = (name: string): Json => ({ xt: { type: 'match', name } });

function addrRight(text: string, family: Family): Json {
  const [addr, mask] = text.split('/');
  if (mask === undefined) return addr;
  if (/^\d+$/.test(mask)) return { prefix: { addr, len: Number(mask) } };
  // A dotted mask: a prefix when its bits are contiguous.
  if (family === 'ip' && /^\d+\.\d+\.\d+\.\d+$/.test(mask)) {
    const n = mask.split('.').reduce((a, b) => a * 256 + Number(b), 0);
    const bits = n.toString(2).padStart(32, '0');
    if (/^1*0*$/.test(bits)) return { prefix: { addr, len: bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') } };
  }
  return { unknown: text };
}

function portRight(text: string): Json {
  const m = /^(\d*):(\d*)$/.exec(text);
  if (m) return { range: [m[1] === '' ? 0 : Number(m[1]), m[2] === '' ? 65535 : Number(m[2])] };
  return /^\d+$/.test(text) ? Number(text) : text;
}

function flagsOf(text: string): string[] {
  if (text === 'NONE') return [];
  if (text === 'ALL') return ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'];
  return text.split(',').map((f) => f.toLowerCase());
}

/** One `-A CHAIN ...` line's words (after the chain name) as nftables statements. */
function translate(words: string[], family: Family, userChains: ReadonlySet<string>): Json[] {
  const out: Json[] = [];
  let i = 0;
  let neg = false;
  let module: string | null = null;
  let proto: string | null = null;
  const need = (opt: string): string => {
    const v = words[++i];
    if (v === undefined) throw new RulesetError(`${opt} without a value`);
    return v;
  };
  // The values of an option that is not translated: the words up to the next option.
  const skipValues = () => {
    while (i + 1 < words.length && !words[i + 1].startsWith('-') && words[i + 1] !== '!') i++;
  };
  const op = () => {
    const o = neg ? '!=' : '==';
    neg = false;
    return o;
  };
  const ip = family === 'ip' ? 'ip' : 'ip6';
  for (; i < words.length; i++) {
    const w = words[i];
    if (w === '!') {
      neg = true;
      continue;
    }
    switch (w) {
      case '-s':
      case '--source':
        out.push(match(op(), payload(ip, 'saddr'), addrRight(need(w), family)));
        continue;
      case '-d':
      case '--destination':
        out.push(match(op(), payload(ip, 'daddr'), addrRight(need(w), family)));
        continue;
      case '-p':
      case '--protocol': {
        const p = need(w).toLowerCase();
        proto = p;
        if (p === 'all' || p === '0') neg = false;
        else out.push(match(op(), { meta: { key: 'l4proto' } }, /^\d+$/.test(p) ? Number(p) : p));
        continue;
      }
      case '-i':
      case '--in-interface':
      case '-o':
      case '--out-interface':
        out.push(match(op(), { meta: { key: w.startsWith('-i') || w === '--in-interface' ? 'iifname' : 'oifname' } }, need(w).replace(/\+$/, '*')));
        continue;
      case '-f':
      case '--fragment':
        neg = false;
        out.push(xtMatch('fragment'));
        continue;
      case '-m':
      case '--match':
        module = need(w);
        if (!['tcp', 'udp', 'multiport', 'conntrack', 'state', 'addrtype', 'iprange', 'comment', 'mark', 'connmark', 'pkttype', 'icmp', 'icmp6', 'icmpv6'].includes(module)) out.push(xtMatch(module));
        continue;
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        const target = need(w);
        const goto = w === '-g' || w === '--goto';
        const rest = words.slice(i + 1);
        out.push(...targetStatements(target, rest, goto, userChains));
        return out;
      }
      case '-c':
      case '--set-counters':
        i += 2;
        continue;
    }
    // A module's own option. Input for iptables-restore may leave out "-m tcp" after "-p tcp".
    if (!w.startsWith('--')) throw new RulesetError(`unexpected word "${w}"`);
    if (module === null && (proto === 'tcp' || proto === 'udp')) module = proto;
    const KNOWN = ['tcp', 'udp', 'multiport', 'conntrack', 'state', 'addrtype', 'iprange', 'comment', 'mark', 'connmark', 'pkttype', 'icmp', 'icmp6', 'icmpv6'];
    if (module === null && (proto === 'icmp' || proto === 'icmpv6' || proto === 'ipv6-icmp')) module = proto === 'icmp' ? 'icmp' : 'icmp6';
    switch (module) {
      case 'tcp':
      case 'udp':
        if (w === '--dport' || w === '--destination-port') out.push(match(op(), payload(module, 'dport'), portRight(need(w))));
        else if (w === '--sport' || w === '--source-port') out.push(match(op(), payload(module, 'sport'), portRight(need(w))));
        else if (w === '--syn') out.push(match(op(), { '&': [payload('tcp', 'flags'), ['fin', 'syn', 'rst', 'ack']] }, 'syn'));
        else if (w === '--tcp-flags') {
          const mask = flagsOf(need(w));
          const comp = flagsOf(need(w));
          out.push(match(op(), { '&': [payload('tcp', 'flags'), mask] }, comp.length === 1 ? comp[0] : comp));
        } else {
          neg = false;
          skipValues();
          out.push(xtMatch(`${module} ${w}`));
        }
        continue;
      case 'multiport': {
        const field = w === '--dports' || w === '--destination-ports' ? 'dport' : w === '--sports' || w === '--source-ports' ? 'sport' : null;
        const list = need(w).split(',').map(portRight);
        if (field === null) {
          neg = false;
          skipValues();
          out.push(xtMatch(`multiport ${w}`));
        } else out.push(match(op(), payload('th', field), { set: list }));
        continue;
      }
      case 'conntrack':
      case 'state':
        if (w === '--ctstate' || w === '--state') {
          const states = need(w).split(',').map((s) => s.toLowerCase());
          const n = neg;
          neg = false;
          out.push(n ? match('==', { '&': [{ ct: { key: 'state' } }, states] }, []) : match('in', { ct: { key: 'state' } }, states));
        } else if (w === '--ctstatus') {
          const st = need(w).split(',').map((s) => s.toLowerCase());
          const n = neg;
          neg = false;
          out.push(n ? match('==', { '&': [{ ct: { key: 'status' } }, st] }, []) : match('in', { ct: { key: 'status' } }, st));
        } else {
          neg = false;
          skipValues();
          out.push(xtMatch(`conntrack ${w}`));
        }
        continue;
      case 'addrtype':
        if (w === '--dst-type') out.push(match(op(), { fib: { result: 'type', flags: ['daddr'] } }, { set: need(w).split(',').map((t) => (t === 'UNICAST' ? 'unicast' : t.toLowerCase())) }));
        else {
          neg = false;
          skipValues();
          out.push(xtMatch(`addrtype ${w}`));
        }
        continue;
      case 'iprange': {
        const [lo, hi] = need(w).split('-');
        const field = w === '--src-range' ? 'saddr' : w === '--dst-range' ? 'daddr' : null;
        if (field === null || hi === undefined) {
          neg = false;
          skipValues();
          out.push(xtMatch(`iprange ${w}`));
        } else out.push(match(op(), payload(ip, field), { range: [lo, hi] }));
        continue;
      }
      case 'comment':
        need(w);
        neg = false;
        continue;
      case 'mark':
      case 'connmark': {
        if (w !== '--mark') {
          neg = false;
          skipValues();
          out.push(xtMatch(`${module} ${w}`));
          continue;
        }
        const [value, mask] = need(w).split('/');
        const left: Json = module === 'mark' ? { meta: { key: 'mark' } } : { ct: { key: 'mark' } };
        out.push(match(op(), mask === undefined ? left : { '&': [left, Number(mask)] }, Number(value)));
        continue;
      }
      case 'pkttype': {
        const t = need(w).toLowerCase();
        out.push(match(op(), { meta: { key: 'pkttype' } }, t === 'unicast' ? 'host' : t));
        continue;
      }
      case 'icmp':
      case 'icmp6':
      case 'icmpv6':
        need(w);
        out.push(match(op(), payload(module === 'icmp' ? 'icmp' : 'icmpv6', 'type'), 0));
        continue;
      default:
        // An option of a module handled as xt (its words up to the next option are its values); an option of
        // no module, or one a known module has that is not translated, is an xt match of its own.
        neg = false;
        if (module === null || KNOWN.includes(module)) out.push(xtMatch(`${module ?? proto ?? 'match'} ${w}`));
        skipValues();
        continue;
    }
  }
  return out;
}

function targetStatements(target: string, rest: string[], goto: boolean, userChains: ReadonlySet<string>): Json[] {
  const opt = (name: string): string | undefined => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  switch (target) {
    case 'ACCEPT':
      return [{ accept: null }];
    case 'DROP':
      return [{ drop: null }];
    case 'REJECT':
      return [{ reject: null }];
    case 'RETURN':
      return [{ return: null }];
    case 'MARK':
    case 'CONNMARK':
      return [{ mangle: { key: target === 'MARK' ? { meta: { key: 'mark' } } : { ct: { key: 'mark' } }, value: 0 } }];
    case 'DNAT': {
      const to = opt('--to-destination') ?? '';
      const m = /^\[?([^\]]*?)\]?(?::(\d+)(?:-\d+)?)?$/.exec(to);
      if (!m || to.includes(',') || /-\d+\.\d+/.test(to)) return [{ xt: { type: 'target', name: `DNAT --to-destination ${to}` } }];
      return [{ dnat: { ...(m[1] ? { addr: m[1] } : {}), ...(m[2] ? { port: Number(m[2]) } : {}) } }];
    }
    case 'REDIRECT': {
      const to = opt('--to-ports');
      if (to !== undefined && !/^\d+$/.test(to)) return [{ xt: { type: 'target', name: `REDIRECT --to-ports ${to}` } }];
      return [{ redirect: to === undefined ? {} : { port: Number(to) } }];
    }
  }
  if (NOOP_TARGETS.has(target)) return [{ counter: null }];
  if (userChains.has(target)) return [goto ? { goto: { target } } : { jump: { target } }];
  return [{ xt: { type: 'target', name: target } }];
}

/** An error that already names its line. */
class LineError extends RulesetError {}

/** Parses iptables-save (`family` ip) or ip6tables-save (`ip6`) output. */
export function rulesetFromIptablesSave(text: string, family: Family, origin: string): Ruleset {
  const chains: Chain[] = [];
  let table: string | null = null;
  let byName = new Map<string, Chain>();
  let pending: { chain: string; words: string[]; line: string; n: number }[] = [];
  // Rules are translated at COMMIT, once every chain of the table is declared (a jump may name a later one).
  const flush = () => {
    const user = new Set([...byName.values()].filter((c) => c.hook === undefined).map((c) => c.name));
    for (const p of pending) {
      const c = byName.get(p.chain);
      try {
        if (!c) throw new RulesetError(`a rule in chain ${p.chain}, which table ${table} does not declare`);
        c.rules.push({ expr: translate(p.words, family, user), text: p.line });
      } catch (e) {
        if (e instanceof RulesetError) throw new LineError(`line ${p.n}: ${e.message}`);
        throw e;
      }
    }
    chains.push(...byName.values());
    byName = new Map();
    pending = [];
  };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      if (line.startsWith('*')) {
        if (table !== null) throw new RulesetError(`table ${table} has no COMMIT`);
        table = line.slice(1);
        continue;
      }
      if (table === null) throw new RulesetError(`"${line.slice(0, 40)}" outside a table (*filter ... COMMIT)`);
      if (line === 'COMMIT') {
        flush();
        table = null;
        continue;
      }
      if (line.startsWith(':')) {
        const [name, policy] = line.slice(1).split(/\s+/);
        const builtin = BUILTIN[table]?.[name];
        const c: Chain = { family, table: `${table} (${origin})`, name, rules: [] };
        if (builtin) {
          if (policy !== 'ACCEPT' && policy !== 'DROP') throw new RulesetError(`built-in chain ${name} with policy ${policy}`);
          Object.assign(c, { hook: builtin.hook, prio: builtin.prio, type: builtin.type, policy: policy === 'DROP' ? 'drop' : 'accept' });
        }
        byName.set(name, c);
        continue;
      }
      const words = splitWords(line.replace(/^\[\d+:\d+\]\s+/, ''));
      if (words[0] !== '-A' && words[0] !== '--append') throw new RulesetError(`"${line.slice(0, 40)}" is not a chain, a rule or COMMIT`);
      if (words.length < 2) throw new RulesetError('-A without a chain');
      pending.push({ chain: words[1], words: words.slice(2), line, n: n + 1 });
    } catch (e) {
      if (e instanceof RulesetError && !(e instanceof LineError)) throw new LineError(`line ${n + 1}: ${e.message}`);
      throw e;
    }
  }
  if (table !== null) throw new RulesetError(`table ${table} has no COMMIT`);
  return { origin: [origin], chains, sets: [] };
}
