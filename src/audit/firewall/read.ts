/**
 * Reading the packet filter of a network namespace: nftables through `nft -j list ruleset`, and legacy
 * iptables through `iptables-legacy-save`/`ip6tables-legacy-save` when the namespace has legacy tables
 * loaded (/proc/PID/net/ip_tables_names). For mchard's own namespace the tools run directly; for another
 * one, through `nsenter --net` on the namespace mchard holds open (so a process that exits meanwhile cannot
 * swap it for another). Every tool must be root-controlled at its fixed system path and runs with an
 * argument vector and a clean environment. An unreadable filter is not an error: the reason is returned,
 * and the verdicts are "unknown".
 */
import { jsonProblem } from '../../json-error.js';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { notRootControlled } from '../../system/trusted-path.js';
import { runToolDetailed } from '../../system/run-tool.js';
import { mergeRulesets, rulesetFromNftJson, RulesetError, type Ruleset } from './ruleset.js';
import { rulesetFromIptablesSave } from './iptables.js';

export type Runner = (tool: string, args: string[]) => { stdout: string } | { error: string };

const defaultRunner: Runner = (tool, args) => runToolDetailed(tool, args, 64 * 1024 * 1024);

/** The first of `paths` that exists, if root controls it; else the reason. */
function systemTool(paths: string[]): { path: string } | { missing: true } | { unsafe: string } {
  const path = paths.find((p) => existsSync(p));
  if (!path) return { missing: true };
  const why = notRootControlled(path);
  return why ? { unsafe: `${path} not run: ${why}` } : { path };
}

export const NFT = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'];
export const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter', '/usr/sbin/nsenter'];
const LEGACY_SAVE = { ip: ['/usr/sbin/iptables-legacy-save', '/sbin/iptables-legacy-save'], ip6: ['/usr/sbin/ip6tables-legacy-save', '/sbin/ip6tables-legacy-save'] };
/** Before iptables 1.8, `iptables-save` is the legacy one. */
const PLAIN_SAVE = { ip: ['/usr/sbin/iptables-save', '/sbin/iptables-save'], ip6: ['/usr/sbin/ip6tables-save', '/sbin/ip6tables-save'] };

export interface NamespaceRef {
  pid: number;
  /** Whether it is mchard's own network namespace. */
  own: boolean;
  /** Its inode, checked on the descriptor mchard opens. */
  inode: number | null;
  /** How it is named in messages. */
  label: string;
}

function tableNames(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
}

/** The ruleset the namespace's packets meet, or why it cannot be read. */
export function readNamespaceRuleset(ns: NamespaceRef, opts: { proc?: string; run?: Runner; root?: boolean } = {}): { ruleset: Ruleset } | { unavailable: string } {
  const proc = opts.proc ?? '/proc';
  const run = opts.run ?? defaultRunner;
  if (!(opts.root ?? process.getuid?.() === 0)) return { unavailable: 'reading the packet filter needs root' };
  let fd: number | undefined;
  let prefix: (tool: string) => { tool: string; args: string[] } = (tool) => ({ tool, args: [] });
  try {
    if (!ns.own) {
      const nsenter = systemTool(NSENTER);
      if ('missing' in nsenter) return { unavailable: `the filter of network namespace ${ns.label} cannot be read: nsenter is not installed` };
      if ('unsafe' in nsenter) return { unavailable: nsenter.unsafe };
      try {
        fd = openSync(`${proc}/${ns.pid}/ns/net`, 'r');
      } catch (e) {
        return { unavailable: `network namespace ${ns.label}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be opened'}` };
      }
      if (ns.inode !== null && fstatSync(fd).ino !== ns.inode) return { unavailable: `process ${ns.pid} left network namespace ${ns.label} while it was read` };
      // nsenter opens the namespace through mchard's own descriptor (root may open another process's).
      const held = `/proc/${process.pid}/fd/${fd}`;
      prefix = (tool) => ({ tool: nsenter.path, args: [`--net=${held}`, '--', tool] });
    }
    const call = (tool: string, args: string[]) => {
      const p = prefix(tool);
      return run(p.tool, [...p.args, ...args]);
    };
    const parts: Ruleset[] = [];
    const nft = systemTool(NFT);
    if ('missing' in nft) return { unavailable: 'nft is not installed: the nftables ruleset cannot be read' };
    if ('unsafe' in nft) return { unavailable: nft.unsafe };
    const out = call(nft.path, ['-j', 'list', 'ruleset']);
    if ('error' in out) return { unavailable: `nft -j list ruleset failed: ${out.error}` };
    try {
      // An empty ruleset prints nothing at all with some nft versions.
      parts.push(out.stdout.trim() === '' ? { origin: ['nftables'], chains: [], sets: [] } : rulesetFromNftJson(JSON.parse(out.stdout)));
    } catch (e) {
      return { unavailable: `nft -j list ruleset: ${e instanceof RulesetError || e instanceof SyntaxError ? e.message : String(e)}` };
    }
    for (const family of ['ip', 'ip6'] as const) {
      const names = tableNames(`${proc}/${ns.pid}/net/${family === 'ip' ? 'ip_tables_names' : 'ip6_tables_names'}`);
      if (names.length === 0) continue;
      const legacy = family === 'ip' ? 'iptables-legacy' : 'ip6tables-legacy';
      let tool = systemTool(LEGACY_SAVE[family]);
      if ('missing' in tool) {
        // iptables before 1.8 has only the legacy backend, under the plain name.
        const plain = systemTool(PLAIN_SAVE[family]);
        if ('path' in plain) {
          const v = run(plain.path, ['--version']);
          if ('stdout' in v && !/nf_tables/.test(v.stdout)) tool = plain;
        }
      }
      if ('missing' in tool) return { unavailable: `legacy ${family === 'ip' ? 'iptables' : 'ip6tables'} tables are loaded (${names.join(', ')}), but ${legacy}-save is not installed` };
      if ('unsafe' in tool) return { unavailable: tool.unsafe };
      const saved = call(tool.path, []);
      if ('error' in saved) return { unavailable: `${legacy}-save failed: ${saved.error}` };
      try {
        parts.push(rulesetFromIptablesSave(saved.stdout, family, legacy));
      } catch (e) {
        return { unavailable: `${legacy}-save: ${e instanceof RulesetError ? e.message : String(e)}` };
      }
    }
    return { ruleset: mergeRulesets(parts) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A saved ruleset (`--ruleset FILE`): `nft -j list ruleset` JSON, or `iptables-save` / `ip6tables-save` text. */
export function rulesetFromText(text: string, name: string): Ruleset {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new RulesetError(`not valid nft JSON: ${jsonProblem(e, text)}`);
    }
    return rulesetFromNftJson(doc, name);
  }
  if (/^(#.*\n\s*)*\*[a-z]+\s*$/m.test(t) || t.startsWith('*') || t.startsWith('#')) {
    // iptables-save or ip6tables-save: the family shows in the addresses (or a ":" in a -s/-d value).
    const ip6 = /(^|\s)-[sd]\s+[0-9a-f]*:[0-9a-f:]*(\/\d+)?(\s|$)/im.test(t) || /ip6tables-save/.test(t) || /ip6tables|rules\.v6/i.test(name);
    return rulesetFromIptablesSave(text, ip6 ? 'ip6' : 'ip', name);
  }
  throw new RulesetError('neither "nft -j list ruleset" JSON nor iptables-save output');
}
