/**
 * A refusal as every command shows it, for the sweep tests of real files: lint (JSON and text) and inspect
 * (text and JSON) each exit 2 with no finding; lint says it in one line naming the file, inspect repeats
 * what lint says the file looks like.
 */
import { run } from '../cli/helpers.js';

export type RefusedFile = {
  dialect: string | null;
  refused?: { looksLike: string | null; reason: string; message: string };
  findings: { ruleId: string; severity: string; message: string; line?: number }[];
};

/** `lint --format json` of one file: the run and its one file's report. */
export async function lintJson(f: string, extra: string[] = []) {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as RefusedFile };
}

/**
 * Checks that every command refuses `f` and returns lint's report of it. `shown`: how much of the
 * description inspect's text must repeat (all of it unless given: a long one is checked by its start).
 */
export async function refusedEverywhere(f: string, shown?: number): Promise<RefusedFile> {
  const { code, file, err } = await lintJson(f);
  expect(code).toBe(2);
  expect(file.dialect).toBeNull();
  expect(file.findings).toEqual([]);
  expect(err.trim().split('\n')).toHaveLength(1);
  expect(err).toContain(f);
  const text = await run(['lint', f]);
  expect(text.code).toBe(2);
  expect(text.out).not.toMatch(/MC\d{3}/);
  const i = await run(['inspect', f]);
  expect(i.code).toBe(2);
  expect(i.out).toBe('');
  const looksLike = file.refused!.looksLike!;
  expect(i.err).toContain(shown === undefined ? looksLike : looksLike.slice(0, shown));
  const ij = await run(['inspect', '--format', 'json', f]);
  expect(ij.code).toBe(2);
  expect(JSON.parse(ij.out).refused.looksLike).toBe(looksLike);
  return file;
}
