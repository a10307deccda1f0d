/**
 * What both Compose editors (`command:`, and Bitnami's `environment:`) share: where a new key of the
 * memcached service goes, and the re-read they end with: the edited file as Compose reads it must start
 * the same service, as the same user, and mean what it meant everywhere but the one key of that service
 * the editor changed.
 */
import { isDeepStrictEqual } from 'node:util';
import { SourceText } from '../source.js';
import type { ComposeConfig } from '../dialects/compose.js';
import { dialectOf } from '../dialects/index.js';
import { CannotEdit } from './word-edits.js';
import { lineEndAt, lineStartAt } from './text-edit.js';

type KeyNode = { value?: unknown; range?: number[] };

/**
 * Where a new key (`what`: `command:`, `environment:`) of the memcached service goes: the indentation of
 * the service's keys, and the line after its `image:` (else after its last key).
 */
export function newServiceKey(config: ComposeConfig, what: string): { indent: string; at: number } {
  const text = config.source.text;
  const node = config.service!.node as unknown as { flow?: boolean; items: { key: KeyNode; value?: KeyNode | null }[] };
  if (node.flow) throw new CannotEdit('the service is a flow mapping ({...}); mchard does not add keys to it');
  const first = node.items[0]?.key?.range;
  if (!first) throw new CannotEdit(`the service has no key to align ${what} with`);
  const indent = text.slice(lineStartAt(text, first[0]), first[0]);
  if (!/^[ ]*$/.test(indent)) throw new CannotEdit('the service keys are not indented with spaces only');
  const anchor = node.items.find((p) => p.key?.value === 'image') ?? node.items[node.items.length - 1];
  const end = anchor.value?.range?.[2] ?? anchor.key.range![1];
  const at = text[end - 1] === '\n' ? end : lineEndAt(text, end);
  return { indent, at: Math.min(at, text.length) };
}

/** The edited file, re-read; `key` is the service's key the editor changed, `what` names it in a refusal. */
export function rereadCompose(config: ComposeConfig, edited: string, key: 'command' | 'environment', what: string): ComposeConfig {
  // The compose module is loaded (it parsed `config`); importing it here would load YAML for every fix.
  const whole = dialectOf('compose').parse(new SourceText(config.source.path, edited)) as ComposeConfig;
  // One of several memcached services (instances): the same one, read back.
  const after = config.partName === undefined ? whole : ((whole.parts ?? [whole]) as ComposeConfig[]).find((p) => p.partName === config.partName);
  if (!after) throw new CannotEdit('the edit would change which services run memcached');
  if (after.launchFailure) throw new CannotEdit(`Compose would not start the edited service: ${after.launchFailure.reason}`);
  if (after.service?.name !== config.service!.name) throw new CannotEdit('the edit would change which service runs memcached');
  const strip = (c: ComposeConfig) => {
    // Real files reuse anchors a lot (Sentry's self-hosted docker-compose.yml, fixture 123, goes past the
    // YAML library's default of 100 expansions); the bound stays, against files built to explode.
    let js: { services: Record<string, Record<string, unknown>> };
    try {
      js = c.document!.toJS({ maxAliasCount: 10_000 }) as typeof js;
    } catch (e) {
      throw new CannotEdit(`the file expands its YAML aliases too many times to compare before and after (${(e as Error).message})`);
    }
    delete js.services[c.service!.name][key];
    return js;
  };
  if (!isDeepStrictEqual(strip(config), strip(after))) throw new CannotEdit(`the edit would change more of the file than ${what}`);
  if (after.startsAs !== config.startsAs) throw new CannotEdit('the edit would change the user memcached runs as');
  return after;
}
