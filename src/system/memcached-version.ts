/**
 * The version of a memcached binary, without running it: the package database's, for a path it owns whose
 * content still has the recorded checksum, else the version string in the binary's bytes, else unknown with
 * the reasons. Used by `lint` (the installed memcached, src/host.ts) and `audit` (a process's binary,
 * src/audit/binary.ts).
 */
import { statSync } from 'node:fs';
import { readBinary, versionInBytes, type BinaryBytes, type VersionReport } from './binary-version.js';
import { packageFacts, runTool, type ToolRunner } from './packages.js';

export interface BinarySpec {
  /** What is opened and read: the binary itself, or /proc/PID/exe. */
  open: string;
  /** Follow a symbolic link in `open`'s last component (/proc/PID/exe must be followed). */
  follow: boolean;
  /**
   * The path to look up in the package database, or the reason there is none (a process in another mount
   * namespace, a deleted binary). Used only when the file at this path is the very file `open` reads.
   */
  packagePath: string | { none: string };
  /** How the binary is named in messages (`/usr/bin/memcached`, `/proc/1234/exe`). */
  label: string;
}

export interface VersionOptions {
  run?: ToolRunner;
  admindir?: string;
}

function sameFile(path: string, dev: number, ino: number): boolean {
  try {
    const st = statSync(path);
    return st.dev === dev && st.ino === ino;
  } catch {
    return false;
  }
}

/** `read`: the binary's bytes when the caller read them already (audit, src/audit/binary.ts). */
export function binaryVersionReport(spec: BinarySpec, opts: VersionOptions = {}, read: BinaryBytes | { error: string } = readBinary(spec.open, spec.follow)): VersionReport {
  if ('error' in read) return { version: null, source: null, detail: `unknown: ${read.error}` };
  const reasons: string[] = [];
  if (typeof spec.packagePath !== 'string') {
    reasons.push(`package database not asked: ${spec.packagePath.none}`);
  } else if (!sameFile(spec.packagePath, read.dev, read.ino)) {
    reasons.push(`package database not asked: ${spec.packagePath} here is not the file ${spec.label} runs`);
  } else {
    const facts = packageFacts(spec.packagePath, read.bytes, opts.run ?? runTool, opts.admindir);
    if (typeof facts === 'string') reasons.push(facts);
    else if (facts.checksumMatches === false) {
      reasons.push(`${facts.manager}: ${spec.packagePath} belongs to package ${facts.package} ${facts.packageVersion}, but its content differs from the package's`);
    } else if (facts.version === null) {
      reasons.push(`${facts.manager}: package ${facts.package} version ${facts.packageVersion} names no release`);
    } else {
      const check = facts.checksumMatches ? 'checksum matches' : 'no checksum recorded';
      return {
        version: facts.version,
        source: 'package',
        detail: `${facts.manager}: ${spec.packagePath} belongs to package ${facts.package} ${facts.packageVersion} (${check})`,
      };
    }
  }
  const found = versionInBytes(read.bytes);
  if ('version' in found) {
    const suffix = found.full !== found.version ? ` (built as ${found.full})` : '';
    const why = reasons.length ? `; ${reasons.join('; ')}` : '';
    return { version: found.version, source: 'binary', detail: `the version string in ${spec.label}'s bytes${suffix}, read without running it${why}` };
  }
  reasons.push(found.error);
  return { version: null, source: null, detail: `unknown: ${reasons.join('; ')}` };
}
