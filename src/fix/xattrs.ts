/**
 * A file's extended attributes, so that a replaced file keeps them: POSIX ACLs (the kernel keeps an access
 * ACL as the attribute `system.posix_acl_access`), SELinux labels (`security.selinux`) and other `security.*`
 * attributes, `user.*`, and `trusted.*` (visible to root only).
 *
 * Node.js has no getxattr/setxattr/listxattr. A native addon would need a compiler on every machine that
 * installs mchard and could not be loaded by the single executable; so mchard runs getfattr and setfattr
 * (the `attr` package on Debian, Ubuntu, RHEL and Alpine), as argument vectors without a shell, with a
 * fixed environment, and only from a fixed system path where the program and every folder above it belong
 * to root and are writable by nobody else (a program found on PATH could be anyone's). Values travel as
 * base64, names must be plain; what mchard cannot copy exactly it reports instead of dropping.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateGroup } from '../system/changeable.js';

export type Xattrs = Map<string, Buffer>;

export class XattrError extends Error {}

export interface XattrTools {
  getfattr: string | null;
  setfattr: string | null;
}

const ENV = { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const TIMEOUT_MS = 10_000;

/** Whether `path` (no links left in it) is a program root owns, in folders root owns, none writable by others. */
function trustedProgram(path: string): boolean {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.uid !== 0 || (st.mode & 0o022) !== 0 || (st.mode & 0o111) === 0) return false;
    for (let d = dirname(path); ; d = dirname(d)) {
      const ds = statSync(d);
      if (ds.uid !== 0 || (ds.mode & 0o022) !== 0) return false;
      if (d === dirname(d)) return true;
    }
  } catch {
    return false;
  }
}

function findProgram(name: string): string | null {
  for (const candidate of [`/usr/bin/${name}`, `/bin/${name}`]) {
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      continue;
    }
    if (trustedProgram(real)) return real;
  }
  return null;
}

let found: XattrTools | null = null;
/** getfattr and setfattr at their system paths, when they are there and trustworthy. */
export function systemXattrTools(): XattrTools {
  found ??= { getfattr: findProgram('getfattr'), setfattr: findProgram('setfattr') };
  return found;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  // The program's message names the file first ("getfattr: PATH: Permission denied"): keep the reason.
  const reason = line.slice(line.lastIndexOf(': ') + 2).trim();
  return (reason || line).slice(0, 200);
}

function run(program: string, args: string[]): { status: number | null; stdout: string; stderr: string; error?: Error } {
  const r = spawnSync(program, args, { env: ENV, timeout: TIMEOUT_MS, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

const NAME = /^[A-Za-z0-9_.:@+\-]+$/;

/** Parses `getfattr --dump --encoding=base64` output. */
export function parseDump(text: string): Xattrs {
  const out: Xattrs = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# file: ')) continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    const value = eq === -1 ? '0s' : line.slice(eq + 1);
    if (!NAME.test(name)) throw new XattrError(`it has an extended attribute with a name mchard does not copy (${JSON.stringify(name.slice(0, 80))})`);
    if (!/^0s[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new XattrError(`getfattr printed a value mchard cannot read for ${name}`);
    out.set(name, Buffer.from(value.slice(2), 'base64'));
  }
  return out;
}

/** Every extended attribute of `path` (not following a link) that this process can see. */
export function readXattrs(path: string, tools: XattrTools): Xattrs {
  if (!tools.getfattr) {
    throw new XattrError('mchard cannot see its ACLs and extended attributes (SELinux label, user.*) to keep them: getfattr is not installed in /usr/bin (package "attr")');
  }
  const r = run(tools.getfattr, ['--absolute-names', '--no-dereference', '--dump', '--match=-', '--encoding=base64', '--', path]);
  if (r.error) throw new XattrError(`getfattr did not run (${r.error.message})`);
  if (r.status !== 0) {
    // A file system without extended attributes has none to lose.
    if (/Operation not supported/.test(r.stderr)) return new Map();
    throw new XattrError(`getfattr cannot read its extended attributes (${firstLine(r.stderr) || `exit status ${r.status}`})`);
  }
  return parseDump(r.stdout);
}

/** Names whose presence or value differs between `a` and `b`. */
export function xattrDifferences(a: Xattrs, b: Xattrs): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((n) => {
    const x = a.get(n);
    const y = b.get(n);
    return !x || !y || !x.equals(y);
  }).sort();
}

/** Gives `path` (which has `have`) exactly the attributes `want`: removes the others, sets the missing and different ones. */
export function applyXattrs(path: string, want: Xattrs, have: Xattrs, tools: XattrTools): void {
  const removals = [...have.keys()].filter((n) => !want.has(n));
  const sets = [...want.entries()].filter(([n, v]) => !have.get(n)?.equals(v));
  if (removals.length === 0 && sets.length === 0) return;
  if (!tools.setfattr) {
    throw new XattrError(`mchard cannot give the new file the same ACLs and extended attributes (${[...removals, ...sets.map(([n]) => n)].join(', ')}): setfattr is not installed in /usr/bin (package "attr")`);
  }
  for (const name of removals) {
    const r = run(tools.setfattr, ['--no-dereference', '--remove', name, '--', path]);
    if (r.error || r.status !== 0) throw new XattrError(`cannot remove ${name} the new file was given (${r.error?.message ?? firstLine(r.stderr)})`);
  }
  for (const [name, value] of sets) {
    // An empty value is given as "": setfattr reads an empty "0s" as nothing to do.
    const r = run(tools.setfattr, ['--no-dereference', `--name=${name}`, `--value=${value.length ? `0s${value.toString('base64')}` : ''}`, '--', path]);
    if (r.error || r.status !== 0) throw new XattrError(`cannot give the new file ${name} (${r.error?.message ?? firstLine(r.stderr)})`);
  }
}

/**
 * The access ACL of a folder (the attribute system.posix_acl_access, in the kernel's binary form), or null
 * when it has none. Read with getfattr, as fix reads a file's attributes (src/fix/xattrs.ts); throws when
 * getfattr is not there or cannot read it: who can change the folder is then unknown.
 */
export function accessAcl(dir: string): Buffer | null {
  const tools = systemXattrTools();
  if (!tools.getfattr) throw new Error(`cannot tell who can change ${dir} (group-writable, and its ACL unreadable: getfattr is not installed in /usr/bin, package "attr")`);
  let attrs;
  try {
    attrs = readXattrs(dir, tools);
  } catch (e) {
    throw new Error(`cannot tell who can change ${dir} (group-writable, and its ACL unreadable: ${(e as Error).message})`);
  }
  return attrs.get('system.posix_acl_access') ?? null;
}

/**
 * Who other than root and `me` an access ACL lets write (a named user's or group's entry with write, the
 * mask allowing it), as "uid N" or "group N", or null. The kernel's form (linux/posix_acl_xattr.h): a
 * 4-byte version 2, then 8-byte entries (tag, permissions, id), little-endian. An ACL it cannot read
 * counts as one that lets others write.
 */
export function aclWriter(acl: Buffer | null, me: number): string | null {
  if (acl === null) return null;
  if (acl.length < 4 || (acl.length - 4) % 8 !== 0 || acl.readUInt32LE(0) !== 2) return 'users its ACL names (an ACL mchard cannot read)';
  const entries: { tag: number; perm: number; id: number }[] = [];
  for (let at = 4; at < acl.length; at += 8) entries.push({ tag: acl.readUInt16LE(at), perm: acl.readUInt16LE(at + 2), id: acl.readUInt32LE(at + 4) });
  const mask = entries.find((e) => e.tag === 0x10);
  const maskWrite = mask === undefined || (mask.perm & 2) !== 0;
  if (!maskWrite) return null;
  for (const e of entries) {
    if ((e.perm & 2) === 0) continue;
    if (e.tag === 0x02 && e.id !== 0 && e.id !== me) return `uid ${e.id}`;
    if (e.tag === 0x08 && e.id !== 0 && !privateGroup(e.id, me)) return `group ${e.id}`;
  }
  return null;
}

/** Who other than root and `me` may write `path` through its access ACL (aclWriter of accessAcl), or null. */
export function aclWriterOf(path: string, me = 0): string | null {
  return aclWriter(accessAcl(path), me);
}

let lsattr: string | null | undefined;

/**
 * The inode flags of each of `paths` as lsattr shows them (`-----a--------e-------`), or null when they
 * cannot be read: lsattr is not at its system path (package e2fsprogs), or the file system keeps no such
 * flags (tmpfs before Linux 6.0, some overlays). Run as getfattr is: fixed path, no shell, fixed environment.
 */
export function inodeFlags(paths: readonly string[]): string[] | null {
  if (lsattr === undefined) lsattr = findProgram('lsattr');
  if (lsattr === null) return null;
  const r = run(lsattr, ['-d', '--', ...paths]);
  if (r.error || r.status !== 0) return null;
  // One line per path, "FLAGS PATH": each line is checked to name the path asked, so a name holding a line
  // break cannot shift the next one.
  const out: string[] = [];
  let at = 0;
  for (const p of paths) {
    const sp = r.stdout.indexOf(' ', at);
    const flags = sp === -1 ? '' : r.stdout.slice(at, sp);
    const rest = ` ${p}\n`;
    if (!/^[-A-Za-z]{1,64}$/.test(flags) || r.stdout.slice(sp, sp + rest.length) !== rest) return null;
    out.push(flags);
    at = sp + rest.length;
  }
  return out;
}
