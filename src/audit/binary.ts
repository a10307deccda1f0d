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
 *
 * One audit looks at each distinct binary once: a host running 30 instances of one memcached read its
 * binary 30 times and asked dpkg-query about it 30 times (30 × a 60 MB binary: 6.6–11 s). A binary is the
 * same when its device, inode, size, modification and change times are (a binary replaced or rewritten
 * is looked at again); they are read from the very descriptor whose bytes are read.
 *
 * What other users' binaries may cost a root audit is bounded: any user can start hundreds of processes
 * named memcached, each running its own copy (a sparse 64 MB file costs them no disk). Binaries owned by
 * others than root are read up to FOREIGN_BINARIES of them and FOREIGN_BYTES in all; beyond that a
 * process's version is unknown, and says why.
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { binaryVersionReport, type VersionOptions } from '../system/memcached-version.js';
import { MAX_BINARY_BYTES, readOpenBinary, type BinaryBytes, type VersionReport } from '../system/binary-version.js';
import type { ProbeResult, ProcessInfo } from './types.js';

/** The most distinct binaries owned by others than root that one audit reads. */
export const FOREIGN_BINARIES = 8;
/** The most bytes of binaries owned by others than root that one audit reads. */
export const FOREIGN_BYTES = 128 * 1024 * 1024;

/** What one audit has looked at: each binary's report (by identity and package path), and what others' binaries cost. */
export interface BinaryLooks {
  reports: Map<string, { report: VersionReport; label: string }>;
  foreignBinaries: number;
  foreignBytes: number;
}

export function binaryLooks(): BinaryLooks {
  return { reports: new Map(), foreignBinaries: 0, foreignBytes: 0 };
}

/** The version a probe reply (`VERSION 1.6.18`) states, as a report. */
export function versionFromProbes(probes: readonly ProbeResult[] | null): VersionReport | null {
  for (const p of probes ?? []) {
    const m = p.transport === 'tcp' && p.reply ? /^VERSION (\d{1,4}\.\d{1,4}\.\d{1,4})(\S*)$/.exec(p.reply) : null;
    if (m) return { version: m[1], source: 'probe', detail: `the process answered "version" on ${p.socket} with "${p.reply}"` };
  }
  return null;
}

export function processVersion(p: ProcessInfo, probes: readonly ProbeResult[] | null, proc = '/proc', opts: VersionOptions = {}, looks: BinaryLooks = binaryLooks()): VersionReport {
  const fromProbe = versionFromProbes(probes);
  if (fromProbe) return fromProbe;
  let packagePath: string | { none: string };
  if (p.exe === null) packagePath = { none: `/proc/${p.pid}/exe cannot be read` };
  else if (p.exe.endsWith(' (deleted)')) packagePath = { none: `the binary the process runs was deleted or replaced (${p.exe})` };
  else if (p.namespaces.mnt.own === false) packagePath = { none: `the process is in another mount namespace: its path ${p.exe} names a file in its own file system` };
  else packagePath = p.exe;
  const open = `${proc}/${p.pid}/exe`;
  const label = `/proc/${p.pid}/exe`;
  let fd: number;
  try {
    fd = openSync(open, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { version: null, source: null, detail: `unknown: ${open}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be opened'}` };
  }
  let read: BinaryBytes | { error: string };
  let key: string;
  try {
    const st = fstatSync(fd, { bigint: true });
    key = JSON.stringify([String(st.dev), String(st.ino), String(st.size), String(st.mtimeNs), String(st.ctimeNs), packagePath]);
    const seen = looks.reports.get(key);
    if (seen) return { ...seen.report, detail: seen.report.detail.split(seen.label).join(label) };
    const size = Number(st.size);
    if (st.isFile() && size <= MAX_BINARY_BYTES && st.uid !== 0n) {
      if (looks.foreignBinaries >= FOREIGN_BINARIES || looks.foreignBytes + size > FOREIGN_BYTES) {
        const mib = (n: number) => `${Math.ceil(n / 1048576)} MiB`;
        const detail = `unknown: ${label} not read: the binary belongs to uid ${st.uid}, not root, and this audit already read ${looks.foreignBinaries} binaries (${mib(looks.foreignBytes)}) of users other than root, of the ${FOREIGN_BINARIES} binaries and ${mib(FOREIGN_BYTES)} it reads of them`;
        return { version: null, source: null, detail };
      }
      looks.foreignBinaries++;
      looks.foreignBytes += size;
    }
    read = readOpenBinary(fd, open, st.isFile(), size, Number(st.dev), Number(st.ino));
  } catch (e) {
    return { version: null, source: null, detail: `unknown: ${open}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be read'}` };
  } finally {
    closeSync(fd);
  }
  const report = binaryVersionReport({ open, follow: true, packagePath, label }, opts, read);
  looks.reports.set(key, { report, label });
  return report;
}
