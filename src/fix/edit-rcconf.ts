/**
 * Fix intents → edits of a FreeBSD `rc.conf`: memcached_user for the `-u` the rc.d script passes, the
 * flags variable (memcached_flags, or the checked profile's memcached_<p>_flags) for every other option.
 * Unrelated variables of the file are never touched. The writing and the checks are `edit-shvars.ts`'s.
 */
import { SourceText } from '../source.js';
import { parseRcconf, type RcconfConfig } from '../dialects/rcconf.js';
import { editShVars } from './edit-shvars.js';
import type { EditAttempt, EditSession } from './types.js';

export function editRcconf(session: EditSession<RcconfConfig>): EditAttempt {
  const config = session.config;
  return editShVars(session, {
    optionsVariable: config.flagsVariable,
    variableOf: (letter) => (letter === 'u' ? 'memcached_user' : null),
    omittedWhenEmpty: () => null,
    isServiceVariable: (name) => name.startsWith('memcached_'),
    reparse: (text) => parseRcconf(new SourceText(config.source.path, text), config.profile !== null ? { profile: config.profile } : {}),
  });
}
