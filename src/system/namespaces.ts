/**
 * Which Linux namespaces a process is in, compared with mchard's own. A process in another network
 * namespace has its own socket tables and interfaces (what it listens on is read from /proc/PID/net, never
 * from mchard's /proc/net); a process in another mount namespace sees other files at the same paths (its
 * /proc/PID/exe path names a file in its own tree, not necessarily the file at that path here).
 *
 * A namespace is named by its inode (`net:[4026532301]`, from the /proc/PID/ns/KIND link), and a network
 * namespace also by the name `ip netns add` gave it: a file in /run/netns bind-mounted over the namespace,
 * whose inode is the namespace's.
 */
import { readdirSync, readlinkSync, statSync } from 'node:fs';

export type NamespaceKind = 'net' | 'mnt';

export interface Namespace {
  kind: NamespaceKind;
  /** The namespace's inode number, or null when the link cannot be read (not root, or the process ended). */
  inode: number | null;
  /** Whether it is mchard's own namespace of this kind; null when either side cannot be read. */
  own: boolean | null;
  /** For a network namespace: its name under /run/netns, when one matches. */
  name: string | null;
}

/** The inode of `/proc/PID/ns/KIND` (`net:[4026531840]`), or null. */
export function namespaceInode(pid: number | 'self', kind: NamespaceKind, proc = '/proc'): number | null {
  try {
    const m = /^[a-z]+:\[(\d+)\]$/.exec(readlinkSync(`${proc}/${pid}/ns/${kind}`));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Named network namespaces: inode → name, from the files `ip netns add` mounts in /run/netns. */
export function netnsNames(dir = '/run/netns'): Map<number, string> {
  const out = new Map<number, string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    try {
      const st = statSync(`${dir}/${name}`);
      // An unmounted placeholder is an empty regular file on the /run file system; a mounted one is the
      // namespace itself (nsfs), whose inode is the one /proc/PID/ns/net shows.
      if (!out.has(st.ino)) out.set(st.ino, name);
    } catch {
      // removed meanwhile
    }
  }
  return out;
}

/** The namespaces of one process, compared with mchard's. */
export function processNamespaces(pid: number, proc = '/proc', names: ReadonlyMap<number, string> = netnsNames()): { net: Namespace; mnt: Namespace } {
  const one = (kind: NamespaceKind): Namespace => {
    const inode = namespaceInode(pid, kind, proc);
    const self = namespaceInode('self', kind, proc);
    return {
      kind,
      inode,
      own: inode === null || self === null ? null : inode === self,
      name: kind === 'net' && inode !== null ? (names.get(inode) ?? null) : null,
    };
  };
  return { net: one('net'), mnt: one('mnt') };
}

/** `net:[4026532301] "mc-blue"` / `net:[4026532301]`: how a namespace is named in messages. */
export function describeNamespace(ns: Namespace): string {
  const id = ns.inode === null ? `${ns.kind}:[?]` : `${ns.kind}:[${ns.inode}]`;
  return ns.name ? `"${ns.name}" (${id})` : id;
}

/** Namespaces not read (a process described by other means): neither known nor compared. */
export function unreadNamespaces(): { net: Namespace; mnt: Namespace } {
  return { net: { kind: 'net', inode: null, own: null, name: null }, mnt: { kind: 'mnt', inode: null, own: null, name: null } };
}
