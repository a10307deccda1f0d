import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
/**
 * The repository's copy of the workplace's shared folder (its corpus of real files with their provenance,
 * and the rule catalogue RULES.md): the tests need nothing beside the checkout.
 */
export const SHARED = join(ROOT, 'test', 'fixtures', 'shared');
