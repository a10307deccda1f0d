/**
 * What a finding means for security, for reports that rank alerts (SARIF's `security-severity`, GitLab's
 * severity). Two kinds of rule:
 * - `security`: the finding is about who can reach memcached, what they can do or read, or what runs as
 *   root. It gets a score on GitHub's scale (critical 9.0–10.0, high 7.0–8.9, medium 4.0–6.9, low
 *   0.1–3.9), decided from what the finding means, and a higher score for the cases the rule itself
 *   reports as worse (`cases`: the severity the rule gives the case → the score).
 * - `correctness`: memcached does not start, or does something other than the file says; the security
 *   consequence, if any, is reported by the exposure rules from the model (an `export OPTIONS=...` that
 *   systemd drops is MC905, and the resulting listener on every interface is MC101's).
 *
 * A rule not listed here (a new one) is ranked from its default severity (`fallbackRisk`).
 * GitHub ranks alerts by the rule's score only (result property bags are not read by code scanning);
 * the per-case score is written on the result as well, for other consumers and for people.
 */
import type { Rule, Severity } from '../engine/types.js';

export interface RuleRisk {
  kind: 'security' | 'correctness';
  /** security: the score of the rule's default case. */
  score?: number;
  /** security: the score of a case the rule reports with another severity. */
  cases?: Partial<Record<Severity, number>>;
}

const sec = (score: number, cases?: Partial<Record<Severity, number>>): RuleRisk => ({ kind: 'security', score, ...(cases ? { cases } : {}) });
const CORRECTNESS: RuleRisk = { kind: 'correctness' };

/** Rule ID → its risk. Each score is argued in a comment. */
export const RISKS: Readonly<Record<string, RuleRisk>> = {
  MC001: CORRECTNESS, // the file cannot be read as its dialect
  MC002: CORRECTNESS, // an unused suppression comment
  MC101: sec(8.2), // every interface: anyone on any network the host is on reaches an unauthenticated cache
  MC102: sec(8.6), // a public address: reachable from the internet unless a firewall says otherwise
  MC103: sec(5.3), // a private address outside the trusted networks: reachable from the local network
  MC104: sec(4.3), // a host name: which interfaces listen depends on DNS at start-up
  MC105: sec(3.1), // an -l silently dropped: listeners differ from what the file shows
  MC110: sec(7.5), // UDP: a reflection/amplification source (the 2018 attacks, CVE-2018-1000115)
  MC111: sec(2.0), // UDP off only by the release's default: older releases open it
  MC201: sec(7.8), // runs as root: a memory-corruption bug in memcached is a root compromise
  MC202: CORRECTNESS, // exits 64
  MC203: CORRECTNESS, // exits 71
  MC301: sec(2.0), // the default port: found first by scanners; not a boundary
  MC302: CORRECTNESS,
  MC303: CORRECTNESS,
  MC401: CORRECTNESS,
  MC402: CORRECTNESS,
  MC403: CORRECTNESS,
  MC404: CORRECTNESS,
  MC501: sec(5.5, { error: 7.5 }), // shutdown: a local denial of service; from the network (error) a remote one
  MC502: sec(4.3), // keys and commands in the logs: cached data leaks to whoever reads them
  MC503: sec(3.3), // cached data in core files
  MC504: sec(5.3), // anyone reaching it lists the keys
  MC505: sec(5.3), // anyone reaching it empties the cache
  MC506: sec(5.3), // anyone reaching it streams other clients' keys
  // No authentication on a network-exposed listener: read, change, delete every item (high); on a public
  // address, the wildcard or a port Compose publishes on the host (the rule's error case): critical.
  MC601: sec(7.5, { error: 9.1 }),
  MC602: sec(4.8), // clear text on the network: keys, values, credentials readable in transit
  MC603: CORRECTNESS, // memcached refuses to start
  MC604: sec(5.9), // TLS settings without -Z: the file reads as encrypted, the traffic is not
  MC605: sec(5.3), // TLS 1.0/1.1 allowed
  MC606: sec(3.7), // TLS without client certificates: anyone completes the handshake
  MC701: sec(5.5), // other local users connect to the unix socket: every item, no authentication
  MC702: sec(4.7), // the socket in a world-writable folder: others can take its name first
  MC703: CORRECTNESS,
  MC801: CORRECTNESS,
  MC802: CORRECTNESS,
  MC803: CORRECTNESS,
  MC804: CORRECTNESS,
  MC805: CORRECTNESS, // exits 67 (the UDP it meant to close is MC110's)
  MC806: CORRECTNESS,
  MC901: CORRECTNESS,
  MC902: sec(7.2), // the root-run wrapper hands the line to /bin/sh: whoever writes it runs commands as root
  MC903: CORRECTNESS,
  MC904: CORRECTNESS,
  MC905: CORRECTNESS,
  MC906: CORRECTNESS,
  MC907: CORRECTNESS,
  MC908: CORRECTNESS,
  MC909: CORRECTNESS,
  MC910: CORRECTNESS,
  MC911: CORRECTNESS,
  MC912: sec(7.2), // rc evaluates the flags with a shell as root: further commands run as root
  MC913: CORRECTNESS,
  MC950: CORRECTNESS, // a restart is needed; what runs is judged by the other audit rules
  MC951: sec(8.2, { warning: 6.5 }), // a live socket on the wildcard or a public address; a private one (warning)
  MC952: sec(9.3), // a live listener reachable from the network answered without authentication
  MC953: sec(8.6), // a live UDP socket reachable from the network: an amplifier now
};

/** The risk of a rule not in the table: a security rule scored from its default severity. */
export function fallbackRisk(rule: Pick<Rule, 'severity'>): RuleRisk {
  return sec(rule.severity === 'error' ? 7.0 : rule.severity === 'warning' ? 4.0 : 2.0);
}

export function riskOf(rule: Pick<Rule, 'id' | 'severity'>): RuleRisk {
  return RISKS[rule.id] ?? fallbackRisk(rule);
}

/** GitHub reads `security-severity` as a string holding a number with one decimal. */
export function scoreText(score: number): string {
  return score.toFixed(1);
}

/** The score of one finding's case (its rule's score unless the rule reported the case as another severity). */
export function caseScore(risk: RuleRisk, caseSeverity: Severity | undefined): number | undefined {
  if (risk.kind !== 'security') return undefined;
  return (caseSeverity !== undefined ? risk.cases?.[caseSeverity] : undefined) ?? risk.score;
}
