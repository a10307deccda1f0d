/**
 * The official SARIF 2.1.0 schema (as shipped by @microsoft/jest-sarif), compiled with ajv 8.
 *
 * The file declares draft-04 (`"$schema": ".../draft-04/schema#"`, top-level `id`), which ajv 8 does not
 * ship a meta-schema for. The schema uses nothing whose meaning differs between draft-04 and draft-07
 * (no boolean exclusiveMinimum/Maximum; `id` appears only at the top), so it is compiled as draft-07
 * with `id` renamed `$id`. One `pattern` (for `language`) has a stray `]`, which is invalid with the
 * `u` flag, hence `unicodeRegExp: false`. ajv-formats supplies uri, uri-reference and date-time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ROOT } from '../cli/helpers.js';

export const SARIF_SCHEMA_PATH = join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const { $schema: _meta, id, ...rest } = JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // ajv-formats is CommonJS: its default export arrives as the module object or the function.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
  addFormats(ajv);
  return ajv.compile({ $id: id as string, ...rest });
}

/** The schema errors of a SARIF log (an empty list: valid). */
export function sarifErrors(log: unknown): ErrorObject[] {
  validator ??= compile();
  return validator(log) ? [] : [...(validator.errors ?? [])];
}
