import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
/** The shared folder beside the checkout (reference, corpus, RULES.md). */
export const SHARED = join(ROOT, '..', 'shared');
