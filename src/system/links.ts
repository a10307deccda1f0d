/**
 * Symbolic links that lead out of the folder a command was given. A repository decides where its links
 * point: `etc/memcached.conf -> /etc/shadow` must not make a root-run mchard read (lint) or write (fix)
 * the host's files. Shared by the reader (src/cli/files.ts) and the safe write (src/fix/write.ts).
 */
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

export function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

export interface Located {
  target: string;
  /** The tree named (absolute, as written) and where it really is. */
  treeAbs: string;
  treeReal: string;
  /** The tree a link led out of, or null. */
  outsideTree: string | null;
  /** Why following it needs --follow-symlinks. */
  outsideReason: string | null;
}

/**
 * Where `path` leads, and whether a symbolic link on the way leaves the tree named on the command line
 * (`tree`, else the file's folder; for a relative path, also the current folder). Throws the file-system
 * error when the path or the tree cannot be resolved.
 */
export function locateInTree(path: string, tree?: string): Located {
  const treeGiven = tree ?? dirname(path);
  const treeAbs = resolve(treeGiven);
  // The kernel's resolution (realpath(3)), as reading the file does: `a/../x` is x beside where the link a leads, not ./x.
  const target = realpathSync.native(path);
  const treeReal = realpathSync.native(treeGiven);
  const resolved = { target, treeAbs, treeReal };
  if (!isAbsolute(treeGiven)) {
    // A relative argument inside the current folder names something in it: a folder link on the way must not lead out.
    const cwd = process.cwd();
    let cwdReal = cwd;
    try {
      cwdReal = realpathSync.native(cwd);
    } catch {
      // keep the name
    }
    if (isInside(treeAbs, cwd) && !isInside(treeReal, cwdReal)) {
      return {
        ...resolved,
        outsideTree: cwdReal,
        outsideReason: `${treeGiven} leads through a symbolic link to ${treeReal}, outside the current folder ${cwdReal}`,
      };
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
    return { ...resolved, outsideTree: treeReal, outsideReason: `${leads}, outside ${where}, the folder named on the command line` };
  }
  return { ...resolved, outsideTree: null, outsideReason: null };
}
