/**
 * Fix intents → edits of an OpenRC `/etc/conf.d/memcached`: the init script's variables (UDPPORT="0",
 * MEMCACHED_RUNAS="memcached", LISTENON="127.0.0.1") for the options it builds from them, MISC_OPTS for
 * the rest. The writing and the checks are `edit-shvars.ts`'s.
 */
import { SourceText } from '../source.js';
import { OPENRC_OPTIONS, OPENRC_VARIABLES, parseOpenrc, type OpenrcConfig } from '../dialects/openrc.js';
import { editShVars } from './edit-shvars.js';
import type { EditAttempt, EditSession } from './types.js';

const SERVICE_VARIABLES = new Set([...Object.values(OPENRC_VARIABLES), OPENRC_OPTIONS, 'PIDBASE', 'MEMCACHED_BINARY']);

export function editOpenrc(session: EditSession<OpenrcConfig>): EditAttempt {
  const config = session.config;
  const gentoo = config.script === 'gentoo';
  return editShVars(session, {
    optionsVariable: OPENRC_OPTIONS,
    // Only Gentoo's script reads SOCKET and SOCKET_MASK.
    variableOf: (letter) => ('pUlmcu'.includes(letter) || (gentoo && 'sa'.includes(letter)) ? (OPENRC_VARIABLES[letter] ?? null) : null),
    // The scripts add -l (and Gentoo's -s, -a) only for a non-empty variable.
    omittedWhenEmpty: (letter) => (letter === 'l' || (gentoo && (letter === 's' || letter === 'a')) ? OPENRC_VARIABLES[letter] : null),
    isServiceVariable: (name) => SERVICE_VARIABLES.has(name),
    reparse: (text) => parseOpenrc(new SourceText(config.source.path, text), { script: config.script }),
  });
}
