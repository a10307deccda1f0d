/**
 * The names mchard gives the files it creates beside a file it fixes, and how it recognises them again:
 * - temporary files: `.NAME.mchard-tmp-PID-HEX8` (hidden, named after the file and the process that made
 *   them, so that a later run can tell a dead process's leftovers from anything else);
 * - the lock: `.NAME.mchard-lock`;
 * - backups: `NAME.mchard-backup-20261205T101500Z` (UTC, sorts by time), `...Z-2`, `...Z-3` when one
 *   second holds more than one; `NAME.mchard-backup` is what mchard 0.1.0 wrote, kept as it is.
 * None of them ends in `.conf`, so neither Debian's init script (`/etc/memcached_*.conf`) nor systemd
 * (`*.service.d/*.conf`) reads a backup or a temporary file as configuration.
 */
import { randomBytes } from 'node:crypto';

export const BACKUP_SUFFIX = '.mchard-backup';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function tempName(name: string): string {
  return `.${name}.mchard-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The pid in a temporary file's name when the name is exactly one of mchard's temporary names for `name`, else null. */
export function tempOwner(name: string, candidate: string): number | null {
  const current = new RegExp(`^\\.${escape(name)}\\.mchard-tmp-([1-9][0-9]{0,9})-[0-9a-f]{8}$`).exec(candidate);
  // mchard 0.1.0 named them `.NAME.mchard-PID-HEX8` and `.NAME.mchard-backup.mchard-PID-HEX8`.
  const legacy = new RegExp(`^\\.${escape(name)}(?:${escape(BACKUP_SUFFIX)})?\\.mchard-([1-9][0-9]{0,9})-[0-9a-f]{8}$`).exec(candidate);
  const m = current ?? legacy;
  return m ? Number(m[1]) : null;
}

export function lockName(name: string): string {
  return `.${name}.mchard-lock`;
}

/** `20261205T101500Z` for the given time. */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The backup names to try for `name` at `at`, in order. */
export function* backupNames(name: string, at: Date): Generator<string> {
  const base = `${name}${BACKUP_SUFFIX}-${backupStamp(at)}`;
  yield base;
  for (let i = 2; ; i++) yield `${base}-${i}`;
}

/** Whether `candidate` is one of mchard's backup names for `name` (this version's or 0.1.0's). */
export function isBackupName(name: string, candidate: string): boolean {
  return new RegExp(`^${escape(name)}${escape(BACKUP_SUFFIX)}(?:-\\d{8}T\\d{6}Z(?:-[1-9][0-9]*)?)?$`).test(candidate);
}
