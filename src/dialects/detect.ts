/**
 * Choosing a file's dialect: an explicit `--dialect`, else its path, else its content, else Debian's.
 * Detection never loads a dialect's module: it is a few regular expressions per dialect.
 */
import type { DialectName } from './types.js';

export const DIALECTS: readonly DialectName[] = ['debian', 'sysconfig', 'systemd', 'openrc', 'rcconf', 'compose', 'dockerfile', 'supervisord', 'argv'];

/** The language of a fenced example of the dialect in the docs. */
export const DOC_LANGUAGE: Readonly<Record<DialectName, string>> = {
  debian: 'text',
  sysconfig: 'sh',
  systemd: 'ini',
  openrc: 'sh',
  rcconf: 'sh',
  compose: 'yaml',
  dockerfile: 'dockerfile',
  supervisord: 'ini',
  argv: 'text',
};

export function isDialect(name: string): name is DialectName {
  return (DIALECTS as readonly string[]).includes(name);
}

/** Path patterns, tried in order; a file named `memcached.conf` is left to its content. */
const BY_PATH: readonly [RegExp, DialectName][] = [
  [/(^|\/)sysconfig\/memcached[^/]*$/, 'sysconfig'],
  [/\.service$|\.service\.d\/[^/]+\.conf$/, 'systemd'],
  [/(^|\/)conf\.d\/memcached[^/]*$|(^|\/)[^/]*memcached[^/]*\.confd$/, 'openrc'],
  [/(^|\/)rc\.conf(\.local)?$|(^|\/)rc\.conf\.d\/memcached[^/]*$/, 'rcconf'],
  [/(^|\/)(docker-)?compose[^/]*\.ya?ml$/, 'compose'],
  [/(^|\/)(Dockerfile|Containerfile)([.-][^/]*)?$|\.(dockerfile|containerfile)$/i, 'dockerfile'],
  [/(^|\/)supervisord?[^/]*\.(conf|ini)$|(^|\/)supervisor\/conf\.d\/[^/]+\.(conf|ini)$/, 'supervisord'],
];

export function dialectFromPath(path: string): DialectName | null {
  const norm = path.replace(/\\/g, '/');
  for (const [re, name] of BY_PATH) if (re.test(norm)) return name;
  return null;
}

/** Content signatures of the formats that are not option files, tried before the option-file heuristic. */
const BY_CONTENT: readonly [RegExp, DialectName][] = [
  [/^[ \t]*\[program:[^\]\n]+\][ \t]*\r?$/m, 'supervisord'],
  [/^[ \t]*\[(Unit|Service|Install)\][ \t]*\r?$/m, 'systemd'],
  [/^services:[ \t]*\r?$/m, 'compose'],
  [/^[ \t]*memcached_(enable|flags|user|profiles)=/m, 'rcconf'],
  [/^[ \t]*(MEMUSAGE|LISTENON|MEMCACHED_RUNAS|UDPPORT|MISC_OPTS)=/m, 'openrc'],
];

const SYSCONFIG_LINE = /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*=/;
const DEBIAN_LINE = /^[ \t]*-/;

/**
 * A Dockerfile: its first instruction (after parser directives, comments and ARGs) is FROM, and another
 * instruction follows.
 */
export function looksLikeDockerfile(text: string): boolean {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|[ \t]*ARG[ \t][^\n]*\n)*[ \t]*FROM[ \t]+\S[^\n]*\n/i.exec(text.slice(0, 65536));
  return m !== null && /^[ \t]*(RUN|CMD|ENTRYPOINT|COPY|ADD|EXPOSE|ENV|USER|WORKDIR|LABEL|VOLUME|ARG|HEALTHCHECK|STOPSIGNAL|SHELL|ONBUILD|MAINTAINER|FROM)[ \t]/im.test(text.slice(m[0].length, 65536));
}

export function dialectFromContent(text: string): DialectName | null {
  if (looksLikeDockerfile(text)) return 'dockerfile';
  for (const [re, name] of BY_CONTENT) if (re.test(text)) return name;
  let sys = 0;
  let deb = 0;
  // One line at a time, not text.split('\n'): a 50 MB file would hold a million strings at once.
  for (let at = 0; at !== -1; ) {
    const nl = text.indexOf('\n', at);
    const line = text.slice(at, nl === -1 ? text.length : nl);
    at = nl === -1 ? -1 : nl + 1;
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
