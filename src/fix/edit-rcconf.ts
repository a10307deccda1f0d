/**
 * Fix intents → edits of a FreeBSD `rc.conf`: memcached_user for the `-u` the rc.d script passes, the
 * flags variable (memcached_flags, or the checked profile's memcached_<p>_flags) for every other option.
 * Unrelated variables of the file are never touched. The writing and the checks are `edit-shvars.ts`'s.
 */
import { SourceText } from '../source.js';
import { parseRcconf, type RcconfConfig } from '../dialects/rcconf.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { FixIntent } from '../engine/types.js';
import { editShVars } from './edit-shvars.js';
import type { BatchLabel, EditAttempt } from './types.js';

export function editRcconf(config: RcconfConfig, model: MemcachedModel, intents: readonly FixIntent[], label: BatchLabel): EditAttempt {
  return editShVars(config, model, intents, label, {
    optionsVariable: config.flagsVariable,
    variableOf: (letter) => (letter === 'u' ? 'memcached_user' : null),
    omittedWhenEmpty: () => null,
    isServiceVariable: (name) => name.startsWith('memcached_'),
    reparse: (text) => parseRcconf(new SourceText(config.source.path, text), config.profile !== null ? { profile: config.profile } : {}),
  });
}
