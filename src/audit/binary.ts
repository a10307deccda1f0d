/**
 * The version of the memcached a process runs, without running anything: the process's own answer to
 * `--probe`'s `version`, else the package database for the binary (only when the file at the path
 * /proc/PID/exe names here is the very file the process runs), else the version string in the bytes of
 * /proc/PID/exe, else unknown. The binary is never executed: a program called `memcached` may be any
 * user's, and audit runs as root.
 *
 * /proc/PID/exe as a link names a path in the process's own mount namespace and root; opened, it is the
 * file the process runs, whatever namespace it is in, and even after an upgrade deleted it. So the bytes
 * are always read through the link, and the path is believed only when the file found at it here is that
 * same file (device and inode).
 */
import { binaryVersionReport, type VersionOptions } from '../system/memcached-version.js';
import type { VersionReport } from '../system/binary-version.js';
import type { ProbeResult, ProcessInfo } from './types.js';

/** The version a probe reply (`VERSION 1.6.18`) states, as a report. */
export function versionFromProbes(probes: readonly ProbeResult[] | null): VersionReport | null {
  for (const p of probes ?? []) {
    const m = p.transport === 'tcp' && p.reply ? /^VERSION (\d{1,4}\.\d{1,4}\.\d{1,4})(\S*)$/.exec(p.reply) : null;
    if (m) return { version: m[1], source: 'probe', detail: `the process answered "version" on ${p.socket} with "${p.reply}"` };
  }
  return null;
}

export function processVersion(p: ProcessInfo, probes: readonly ProbeResult[] | null, proc = '/proc', opts: VersionOptions = {}): VersionReport {
  const fromProbe = versionFromProbes(probes);
  if (fromProbe) return fromProbe;
  let packagePath: string | { none: string };
  if (p.exe === null) packagePath = { none: `/proc/${p.pid}/exe cannot be read` };
  else if (p.exe.endsWith(' (deleted)')) packagePath = { none: `the binary the process runs was deleted or replaced (${p.exe})` };
  else if (p.namespaces.mnt.own === false) packagePath = { none: `the process is in another mount namespace: its path ${p.exe} names a file in its own file system` };
  else packagePath = p.exe;
  return binaryVersionReport({ open: `${proc}/${p.pid}/exe`, follow: true, packagePath, label: `/proc/${p.pid}/exe` }, opts);
}
