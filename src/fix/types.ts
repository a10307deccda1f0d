/** Types the fix editors and the planner share. */
import type { EditOutput } from './text-edit.js';
import type { ParsedConfig } from '../dialects/types.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { FixIntent } from '../engine/types.js';

/** The rule whose fixes an edit applies, for the `# mchard:` notes. */
export interface BatchLabel {
  ruleId: string;
  slug: string;
}

/** One edit an editor is asked for: the file as parsed, its model, the intents of one rule's fixes. */
export interface EditSession<C extends ParsedConfig = ParsedConfig> {
  readonly config: C;
  readonly model: MemcachedModel;
  readonly intents: readonly FixIntent[];
  /** The rule whose fixes these are, for the `# mchard:` notes. */
  readonly label: BatchLabel;
  /** 0-based lines an earlier fix of the same run wrote (the Debian editor edits those in place). */
  readonly fresh: ReadonlySet<number>;
}

/** An editor's answer: the edited text, or why the intents cannot be written into this file. */
export type EditAttempt = { ok: true; output: EditOutput } | { ok: false; reason: string };
