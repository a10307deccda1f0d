/** Building audit observations for the rule tests, and running the rules on a command line with them. */
import { SourceText } from '../../src/source.js';
import { lintSource, type LintResult } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import type { RuleOptions } from '../../src/engine/types.js';
import type { HeldSocket } from '../../src/system/sockets.js';
import type { Namespace } from '../../src/system/namespaces.js';
import type { AuditFacts, HostNetwork, ProcessInfo } from '../../src/audit/types.js';
import { RULES } from '../../rules/index.js';
import { driftOf } from '../../src/audit/drift.js';

export function proc(words: string[], extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid: 4242,
    argv0: '/usr/bin/memcached',
    words,
    uid: 65534,
    user: 'nobody',
    exe: '/usr/bin/memcached',
    unit: null,
    cgroupUnit: null,
    startedAt: null,
    namespaces: { net: OWN_NET, mnt: OWN_MNT },
    ...extra,
  };
}

export const OWN_NET: Namespace = { kind: 'net', inode: 4026531840, own: true, name: null };
export const OWN_MNT: Namespace = { kind: 'mnt', inode: 4026531841, own: true, name: null };

export const tcp = (address: string, port: number): HeldSocket => ({ transport: 'tcp', address, port });
export const udp = (address: string, port: number): HeldSocket => ({ transport: 'udp', address, port });

export const NETWORKS: HostNetwork[] = [
  { name: 'lo', address: '127.0.0.1', network: '127.0.0.0/8', internal: true },
  { name: 'eth0', address: '93.184.216.10', network: '93.184.216.0/24', internal: false },
  { name: 'eth1', address: '10.1.2.3', network: '10.1.2.0/24', internal: false },
];

export function facts(p: ProcessInfo, held: HeldSocket[], extra: Partial<AuditFacts> = {}): AuditFacts {
  const f = { process: p, held, match: null, networks: NETWORKS, probes: null, ...extra };
  return { ...f, drift: f.match ? driftOf(f.match, p, held) : null };
}

/** The rules run on `f.process`'s command line with the observations `f` (the argv dialect must be loaded). */
export function auditRun(f: AuditFacts, options: Partial<RuleOptions> = {}): LintResult {
  const text = [f.process.argv0, ...f.process.words].join(' ');
  return lintSource(new SourceText(`/proc/${f.process.pid}/cmdline`, text), 'argv', {
    rules: RULES,
    options: { ...defaultRuleOptions(), ...options },
    audit: f,
  });
}
