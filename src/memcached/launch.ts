/**
 * A start-up that fails at stage `launch`: the program that starts memcached (Debian's wrapper handing the
 * line to /bin/sh, systemd loading the unit, an init script sourcing its file) fails first, so memcached
 * never runs. One wording for every place that tells it: MC914, inspect, fix, the service's restart.
 */

/** What the model and the dialects say about such a failure. */
export interface LaunchOutcome {
  readonly exitCode: number;
  readonly reason: string;
  /** False when the exit status is not memcached's nor the failing program's alone (sh goes on after it). */
  readonly certain?: boolean;
}

/** " (exit status 2)", what decides the status, or nothing where no exit status applies (systemd refuses the unit). */
export function launchStatus(f: LaunchOutcome): string {
  if (f.exitCode < 0) return '';
  return f.certain === false ? ' (with the exit status of the commands after it)' : ` (exit status ${f.exitCode})`;
}

/** "the service fails before memcached runs (exit status 2): /bin/sh: sh: 1: Syntax error: ...". */
export function launchFailureText(f: LaunchOutcome): string {
  return `the service fails before memcached runs${launchStatus(f)}: ${f.reason}`;
}
