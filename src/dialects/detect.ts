/** Choosing a file's dialect: from its path, else from its content. */
import type { DialectName } from './types.js';

export const DIALECTS: readonly DialectName[] = ['debian', 'sysconfig'];

export function isDialect(name: string): name is DialectName {
  return (DIALECTS as readonly string[]).includes(name);
}

export function dialectFromPath(path: string): DialectName | null {
  const norm = path.replace(/\\/g, '/');
  if (/(^|\/)sysconfig\/memcached[^/]*$/.test(norm)) return 'sysconfig';
  // A file named memcached.conf is usually Debian's, but some are sysconfig-style: the content decides.
  return null;
}

const SYSCONFIG_LINE = /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*=/;
const DEBIAN_LINE = /^[ \t]*-/;

export function dialectFromContent(text: string): DialectName | null {
  let sys = 0;
  let deb = 0;
  for (const line of text.split('\n')) {
    if (SYSCONFIG_LINE.test(line)) sys++;
    else if (DEBIAN_LINE.test(line)) deb++;
  }
  if (sys === 0 && deb === 0) return null;
  return sys > deb ? 'sysconfig' : 'debian';
}

/** The dialect for a file: an explicit choice, else the path, else the content, else Debian's. */
export function chooseDialect(path: string, text: string, explicit?: DialectName): DialectName {
  return explicit ?? dialectFromPath(path) ?? dialectFromContent(text) ?? 'debian';
}
