/** Types the fix editors and the planner share. */
import type { EditOutput } from './text-edit.js';

/** The rule whose fixes an edit applies, for the `# mchard:` notes. */
export interface BatchLabel {
  ruleId: string;
  slug: string;
}

/** An editor's answer: the edited text, or why the intents cannot be written into this file. */
export type EditAttempt = { ok: true; output: EditOutput } | { ok: false; reason: string };
