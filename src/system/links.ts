/**
 * Symbolic links that lead out of the folder a command was given. A repository decides where its links
 * point: `etc/memcached.conf -> /etc/shadow` must not make a root-run mchard read (lint) or write (fix)
 * the host's files. Shared by the reader (src/cli/files.ts) and the safe write (src/fix/write.ts).
 */
import { existsSync, lstatSync, realpathSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { absolutePath } from './paths.js';

export function isInside(child: string, parent: string): boolean {
  // child starts with parent and a "/" (or parent ends with one), without building `${parent}/` per call.
  if (child === parent) return true;
  if (!child.startsWith(parent)) return false;
  return parent.endsWith('/') || child.charCodeAt(parent.length) === 47 /* / */;
}

/**
 * Where a path named inside the folder `within` really leads when symbolic links (its own or a folder's on
 * the way) take it out of that folder; null when it stays inside, is named outside it (`../x`, `/x`: the
 * user's choice), or does not resolve (missing). For files mchard reads or writes because a command line
 * named them relative to the current folder, a repository's (`--config ci/mchard.ini -> /etc/shadow`).
 */
export function realOutside(path: string, within: string): string | null {
  const abs = resolve(within, path);
  if (!isInside(abs, resolve(within))) return null;
  let real: string;
  let base: string;
  try {
    real = realpathSync.native(abs);
    base = realpathSync.native(within);
  } catch {
    return null;
  }
  return isInside(real, base) ? null : real;
}

/** Why a file named inside `within` is not read: a symbolic link leads it to `real`, outside that folder. */
export function linkOutsideWords(real: string, within: string, label = ''): string {
  return `a symbolic link leads it to ${real}, outside ${label}${realpathSync.native(within)}; not read (name it by its real path to use it)`;
}

/**
 * realOutside's check made again on the file opened (readRegularFile's `acceptReal`, given where the open
 * descriptor's file really is): a folder on the way swapped for a link after the check by name.
 */
export function staysInside(within: string, label = ''): (real: string) => string | null {
  return (real) => (isInside(real, realpathSync.native(within)) ? null : linkOutsideWords(real, within, label));
}

/**
 * An open descriptor named as a path (`/proc/self/fd/N`, Linux), so that what is reached through it is
 * never reached by name again; elsewhere `name`. Whether /proc names descriptors is asked on the first use,
 * not at load (the start-up snapshot would keep the build's answer).
 */
export function descriptorPath(fd: number, name: string): string {
  return (procFd ??= existsSync('/proc/self/fd')) ? `/proc/self/fd/${fd}` : name;
}
let procFd: boolean | undefined;

export interface Located {
  target: string;
  /** The tree named (absolute, as written) and where it really is. */
  treeAbs: string;
  treeReal: string;
  /** The tree a link led out of, or null. */
  outsideTree: string | null;
  /** Why following it needs --follow-symlinks. */
  outsideReason: string | null;
  /** lstat(2) of the file when it was taken here and it is no symbolic link (what stat(2) would say too). */
  fileStat?: Stats;
}

/**
 * Where `path` leads, and whether a symbolic link on the way leaves the tree named on the command line
 * (`tree`, else the file's folder; for a relative path, also the current folder). Throws the file-system
 * error when the path or the tree cannot be resolved.
 */
export function locateInTree(path: string, tree?: string, folders?: FolderResolver): Located {
  const treeGiven = tree ?? dirname(path);
  const treeAbs = absolutePath(treeGiven);
  const real = folders ?? realpathSync.native;
  // The kernel's resolution (realpath(3)), as reading the file does: `a/../x` is x beside where the link a leads, not ./x.
  const treeReal = real(treeGiven);
  const inside = folders && tree === undefined ? inFolder(path, treeReal) : { target: realpathSync.native(path) };
  const target = inside.target;
  // The answer as one object literal of known shape (spreading a partial one into each return was a
  // slow object copy on every file of a run).
  const located = (outsideTree: string | null, outsideReason: string | null): Located => {
    const r: Located = { target, treeAbs, treeReal, outsideTree, outsideReason };
    if (inside.stat) r.fileStat = inside.stat;
    return r;
  };
  if (!isAbsolute(treeGiven)) {
    // A relative argument inside the current folder names something in it: a folder link on the way must not lead out.
    const cwd = process.cwd();
    let cwdReal = cwd;
    try {
      cwdReal = real(cwd);
    } catch {
      // keep the name
    }
    if (isInside(treeAbs, cwd) && !isInside(treeReal, cwdReal)) {
      return located(cwdReal, `${treeGiven} leads through a symbolic link to ${treeReal}, outside the current folder ${cwdReal}`);
    }
  }
  if (!isInside(target, treeReal)) {
    const where = treeReal === treeAbs ? treeAbs : `${treeAbs} (${treeReal})`;
    let link = false;
    try {
      link = lstatSync(path).isSymbolicLink();
    } catch {
      // gone meanwhile: the later checks say so
    }
    const leads = link ? `is a symbolic link to ${target}` : `leads through a symbolic link to ${target}`;
    return located(treeReal, `${leads}, outside ${where}, the folder named on the command line`);
  }
  return located(null, null);
}

/** Resolves a folder as realpath(3) does; a FolderResolver may remember its answers. */
export type FolderResolver = (folder: string) => string;

/**
 * realpath(3) of folders, remembered: for reading many files in one run, where each file's folder, and the
 * current folder, would otherwise be resolved again for every file (a readlink per path component). A
 * folder whose last component is no symbolic link (one lstat) is its parent's real path and its name; any
 * other (a link, `.`, `..`, the root) is left to realpath(3). Names are taken as written, never normalised
 * (`x/link/..` is not `x`). For reading only: the safe write resolves afresh (src/fix/write.ts calls
 * locateInTree without one).
 */
export function rememberingFolders(): FolderResolver {
  const known = new Map<string, string>();
  const real = (folder: string): string => {
    // Most names have no doubled slash: no regular expression run for them (the run asks once per file).
    const key = folder.includes('//') ? folder.replace(/\/{2,}/g, '/') : folder;
    let answer = known.get(key);
    if (answer !== undefined) return answer;
    // `key` is absolute with no doubled slash: its last component and the rest, as basename(3) and
    // dirname(3) give them for such a name when it has no trailing slash (one with a trailing slash is
    // left to realpath(3) below, whatever these say).
    const cut = key.lastIndexOf('/');
    const name = key.slice(cut + 1);
    const parent = cut === 0 ? '/' : key.slice(0, cut);
    // A trailing slash makes the kernel follow a link and insist on a folder: realpath(3) decides.
    const plain = parent !== key && name !== '.' && name !== '..' && name !== '';
    const st = plain ? lstatSync(key) : null;
    if (st && st.isDirectory()) {
      const up = real(parent);
      answer = up === '/' ? `/${name}` : `${up}/${name}`;
    } else {
      answer = realpathSync.native(key);
    }
    known.set(key, answer);
    return answer;
  };
  return (folder) => real(isAbsolute(folder) ? folder : `${process.cwd()}/${folder}`);
}

/**
 * Where `path` leads when its folder is `folderReal` (realpath(3) of dirname(path)): the folder's real
 * path and the name, unless the name itself is a symbolic link (then realpath(3) of the whole path). One
 * lstat instead of a readlink per component. Throws as realpath(3) would for a missing file.
 */
function inFolder(path: string, folderReal: string): { target: string; stat?: Stats } {
  const name = basename(path);
  const st = lstatSync(path);
  if (st.isSymbolicLink() || name === '..' || name === '.' || name === '' || path.endsWith('/')) return { target: realpathSync.native(path) };
  return { target: folderReal === '/' ? `/${name}` : `${folderReal}/${name}`, stat: st };
}
