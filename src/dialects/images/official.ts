/**
 * The official memcached image (docker-library/memcached): what its entrypoint makes of a container's
 * command. Its `docker-entrypoint.sh` is
 *
 *     case "$1" in -*) set -- memcached "$@";; esac
 *     exec "$@"
 *
 * so a command whose first word starts with `-` is memcached's options, and any other command is the
 * program that runs (`memcached ...` included). The image's `CMD ["memcached"]` applies when the container
 * gives no command, and `USER memcache` (uid 11211 in the current Dockerfiles) makes memcached start
 * unprivileged: it ignores `-u`.
 */

export const OFFICIAL_USER = 'memcache';
export const OFFICIAL_UID = 11211;

/** A program word that runs memcached (`memcached`, `/usr/local/bin/memcached`). */
export const isMemcachedProgram = (word: string): boolean => /(^|\/)memcached$/.test(word);

/**
 * What the official entrypoint runs for a command (the container's CMD, or `command:`/`args`):
 * - `memcached`: memcached, with `argv` (the words after `memcached`, or all of them when the first starts with `-`);
 * - `other`: another program (`program`), so memcached's options are not in these words;
 * - `default`: no command: the image's own `CMD ["memcached"]`, plain memcached.
 */
export function officialEntrypoint<T extends { readonly value: string }>(command: readonly T[] | null):
  | { readonly runs: 'memcached'; readonly argv: readonly T[]; readonly skip: number }
  | { readonly runs: 'default'; readonly argv: readonly T[]; readonly skip: 0 }
  | { readonly runs: 'other'; readonly program: string } {
  if (command === null || command.length === 0) return { runs: 'default', argv: [], skip: 0 };
  const first = command[0].value;
  if (first.startsWith('-')) return { runs: 'memcached', argv: command, skip: 0 };
  if (isMemcachedProgram(first)) return { runs: 'memcached', argv: command.slice(1), skip: 1 };
  return { runs: 'other', program: first };
}
