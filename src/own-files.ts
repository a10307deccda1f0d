/** The files mchard fix makes beside a file it fixes, told apart from configuration (kept out of src/fix: lint never loads fix's code). */

/**
 * Whether a file name is one that mchard makes beside a file it fixes (any version's; src/fix/names.ts
 * makes them): a backup (`NAME.mchard-backup`, `NAME.mchard-backup-TIME`), the lock (`.NAME.mchard-lock`)
 * or a temporary file (`.NAME.mchard-tmp-PID-HEX8`, 0.1.0's `.NAME.mchard-PID-HEX8`). None of them is
 * configuration: folder walks, the pre-commit hook and system paths never pick them.
 */
export function isMchardFile(name: string): boolean {
  return (
    /\.mchard-backup(?:-\d{8}T\d{6}Z(?:-[1-9][0-9]*)?)?$/.test(name) ||
    /^\..+\.mchard-lock$/.test(name) ||
    /^\..+\.mchard-(?:tmp-)?[1-9][0-9]{0,9}-[0-9a-f]{8}$/.test(name)
  );
}
