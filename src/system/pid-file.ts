/**
 * Whether a pid file may say which process is a service. Any user who can write a pid file, or replace it
 * (its folder, or a folder or link on the way to it), can make it name any process: their own memcached on
 * the same ports, or another service's. So a pid file counts only when no one but root and the service's
 * own user (who writes it: memcached writes `-P` after it dropped to `-u`) can change it, ACLs included
 * (src/system/changeable.ts); otherwise which process it names is unknown, and the caller says so.
 */
import { isAbsolute } from 'node:path';
import { fileChangeableBy } from './changeable.js';
import { aclWriterOf } from '../fix/xattrs.js';
import { describeFsError } from '../input.js';
import { passwdEntries } from '../host.js';

/**
 * Why the pid file at `path` does not tell which process is the service whose user is `user` (a name; null
 * when unknown: then only root's files count), or null when it does.
 */
export function pidFileDoubt(path: string, user: string | null, passwd = '/etc/passwd'): string | null {
  if (!isAbsolute(path)) return `${path} is a relative path (which file it is depends on the folder memcached was started in)`;
  const uid = user === null ? 0 : (passwdEntries(passwd)?.get(user)?.uid ?? null);
  try {
    // A user that /etc/passwd lacks: only root's files count.
    return fileChangeableBy(path, uid ?? 0, aclWriterOf);
  } catch (e) {
    return `${path} cannot be checked (${e instanceof Error && !(e as NodeJS.ErrnoException).code ? e.message : describeFsError(e)})`;
  }
}
