/**
 * The package database's word on a memcached binary: which package owns a path, that package's version,
 * and whether the file still has the content the package installed (its recorded checksum). Asked through
 * the package managers' own query tools, `dpkg-query` (Debian, Ubuntu) and `rpm` (RHEL, Fedora, SUSE), and
 * only when the tool is root-controlled at its fixed system path; each runs with an argument vector, no
 * shell, a cleaned environment and a time limit. Nothing else is ever run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { digest } from './binary-version.js';
import { notRootControlled } from './trusted-path.js';
import { runToolDetailed } from './run-tool.js';

export const DPKG_QUERY = '/usr/bin/dpkg-query';
export const RPM = '/usr/bin/rpm';

/** Runs a tool and returns its standard output, or null when it fails, times out or says nothing. */
export type ToolRunner = (tool: string, args: string[]) => string | null;

export const runTool: ToolRunner = (tool, args) => {
  const r = runToolDetailed(tool, args);
  return 'stdout' in r ? r.stdout : null;
};

export interface PackageFacts {
  manager: 'dpkg' | 'rpm';
  package: string;
  /** The package's version as its manager writes it (`1.6.18-1+deb12u1`, `1.6.9`). */
  packageVersion: string;
  /** The upstream release it carries (`1.6.18`), or null when the version does not show one. */
  version: string | null;
  /** Whether the file's bytes have the checksum the package recorded for the path (null: no record). */
  checksumMatches: boolean | null;
}

/** A path mchard asks a package manager about: absolute, and free of pattern and line characters. */
function queryablePath(path: string): boolean {
  return /^\/[^\n\r*?[\]\\]*$/.test(path);
}

/** The upstream release in a Debian or RPM version: `1:1.6.18-1+deb12u1` → `1.6.18`. */
export function upstreamRelease(packageVersion: string): string | null {
  const m = /^(?:\d+:)?(\d+\.\d+(?:\.\d+)?)(?![\d])/.exec(packageVersion);
  return m ? m[1] : null;
}

/** `dpkg-query -S PATH` output: the package owning exactly PATH (`memcached: /usr/bin/memcached`). */
export function dpkgOwner(output: string, path: string): string | null {
  for (const line of output.split('\n')) {
    if (line.startsWith('diversion ')) continue;
    const at = line.indexOf(': ');
    if (at < 0 || line.slice(at + 2) !== path) continue;
    const owners = line.slice(0, at).split(', ');
    // A path shared by several packages says nothing certain about this file.
    return owners.length === 1 && /^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?$/.test(owners[0]) ? owners[0] : null;
  }
  return null;
}

/** The checksum a dpkg `.md5sums` file records for `path`, or null. */
export function dpkgRecordedMd5(md5sums: string, path: string): string | null {
  const rel = path.replace(/^\/+/, '');
  for (const line of md5sums.split('\n')) {
    const m = /^([0-9a-f]{32}) {2}(.*)$/.exec(line);
    if (m && m[2] === rel) return m[1];
  }
  return null;
}

function dpkgFacts(path: string, bytes: Buffer | null, run: ToolRunner, admindir: string): PackageFacts | string {
  // The package named like the binary first (`dpkg-query -L memcached` reads one file list, 6 ms here);
  // `dpkg-query -S` searches every package's list (80 ms here).
  const named = basename(path);
  const list = /^[a-z0-9][a-z0-9+.-]*$/.test(named) ? run(DPKG_QUERY, ['-L', '--', named]) : null;
  let pkg: string | null = list !== null && list.split('\n').includes(path) ? named : null;
  if (pkg === null) {
    const owner = run(DPKG_QUERY, ['-S', '--', path]);
    pkg = owner === null ? null : dpkgOwner(owner, path);
  }
  if (pkg === null) return `dpkg: no package owns ${path}`;
  const status = run(DPKG_QUERY, ['-W', '-f', '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n', '--', pkg]);
  const line = status?.split('\n').find((l) => l.split('\t')[0] === pkg.split(':')[0]);
  const [, packageVersion, abbrev] = line?.split('\t') ?? [];
  if (!packageVersion || !/^ii/.test(abbrev ?? '')) return `dpkg: package ${pkg} is not installed`;
  let recorded: string | null = null;
  for (const name of [pkg, pkg.split(':')[0]]) {
    try {
      recorded = dpkgRecordedMd5(readFileSync(`${admindir}/info/${name}.md5sums`, 'latin1'), path);
      if (recorded) break;
    } catch {
      // no md5sums for this name (the arch-qualified one, or a package shipped without)
    }
  }
  return {
    manager: 'dpkg',
    package: pkg,
    packageVersion,
    version: upstreamRelease(packageVersion),
    checksumMatches: recorded === null || bytes === null ? null : digest(bytes, 'md5') === recorded,
  };
}

/** rpm's digest algorithm numbers (RPM_HASH_*; %{FILEDIGESTALGO}). */
const RPM_DIGESTS: Record<string, 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512'> = { '1': 'md5', '2': 'sha1', '8': 'sha256', '9': 'sha384', '10': 'sha512' };

/**
 * `rpm -qf --qf '%{NAME}\t%{VERSION}\t%{FILEDIGESTALGO}\n[%{FILENAMES}\t%{FILEDIGESTS}\n]' PATH`: the owning
 * package's name, version and digest algorithm, then one line per file with its digest.
 */
export function rpmFacts(output: string, path: string, bytes: Buffer | null): PackageFacts | string {
  const lines = output.split('\n');
  const [name, version, algo] = (lines[0] ?? '').split('\t');
  if (!name || !version || /is not owned/.test(output)) return `rpm: no package owns ${path}`;
  const file = lines.slice(1).find((l) => l.slice(0, l.lastIndexOf('\t')) === path);
  const recorded = file ? file.slice(file.lastIndexOf('\t') + 1) : '';
  const algorithm = RPM_DIGESTS[algo ?? ''] ?? null;
  return {
    manager: 'rpm',
    package: name,
    packageVersion: version,
    version: upstreamRelease(version),
    checksumMatches: recorded === '' || algorithm === null || bytes === null ? null : digest(bytes, algorithm) === recorded.toLowerCase(),
  };
}

/**
 * What the package database says about the binary at `path` whose content is `bytes`: the facts, or the
 * reason there are none (no package manager here, not root-controlled, no package owns the path).
 */
export function packageFacts(path: string, bytes: Buffer | null, run: ToolRunner = runTool, admindir = '/var/lib/dpkg'): PackageFacts | string {
  if (!queryablePath(path)) return `the path ${JSON.stringify(path)} cannot be looked up in a package database`;
  const reasons: string[] = [];
  for (const [tool, ask] of [
    [DPKG_QUERY, () => dpkgFacts(path, bytes, run, admindir)],
    [
      RPM,
      () => {
        const out = run(RPM, ['-qf', '--qf', '%{NAME}\\t%{VERSION}\\t%{FILEDIGESTALGO}\\n[%{FILENAMES}\\t%{FILEDIGESTS}\\n]', '--', path]);
        return out === null ? `rpm: no package owns ${path}` : rpmFacts(out, path, bytes);
      },
    ],
  ] as const) {
    if (!existsSync(tool)) continue;
    const unsafe = notRootControlled(tool);
    if (unsafe) {
      reasons.push(`${tool} not run: ${unsafe}`);
      continue;
    }
    const facts = ask();
    if (typeof facts !== 'string') return facts;
    reasons.push(facts);
  }
  return reasons.length ? reasons.join('; ') : 'no package manager (dpkg-query, rpm) on this machine';
}
