/**
 * An editor whose edits collide (text-edit's EditConflict) answers with a refusal, as every editor does
 * through attempt(): `mchard fix` reports that file's fixes as not fixed, with the reason, and the other
 * files keep theirs. Bitnami's environment editor (edit-compose-env.ts) let the exception escape instead.
 *
 * No real Compose file was found whose Bitnami environment edit collides (the editor's whole-line removals
 * check their lines hold nothing else), so the collision is forced: applyEdits, for the text of the real
 * Bitnami Compose file 079 only, throws the EditConflict it throws for overlapping edits. Everything else
 * (the dialects, rules, planning, the other file's editor and the report) is the real code.
 */
import { jest } from '@jest/globals';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from '../cli/helpers.js';
import { ROOT } from '../helpers/paths.js';

const actual = await import('../../src/fix/text-edit.js');
const BITNAMI = join(ROOT, 'test/fixtures/real/compose/079-bitnami-bitnami-docker-memcached-docker-compose.yml');
const MARK = readFileSync(BITNAMI, 'utf8');
jest.unstable_mockModule('../../src/fix/text-edit.js', () => ({
  ...actual,
  applyEdits: (...args: Parameters<typeof actual.applyEdits>) => {
    if (args[0] === MARK && (args[1].length > 0 || args[2].length > 0)) throw new actual.EditConflict('overlapping edits at offset 42');
    return actual.applyEdits(...args);
  },
}));

interface NotFixed {
  ruleId: string;
  kind: string;
  reason: string;
}

describe('an edit conflict in the Bitnami environment editor', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  it('is that file\'s "not fixed: <reason>"; the other file keeps its fixes (fix --dry-run, text and JSON)', async () => {
    mkdirSync(tmp.join('app'), { recursive: true });
    const compose = tmp.join('app/docker-compose.yml');
    copyFileSync(BITNAMI, compose);
    const debian = tmp.write('etc/memcached.conf', readFileSync(join(ROOT, 'samples/insecure-debian.conf'), 'utf8'));

    const json = await run(['fix', '--dry-run', '--format', 'json', compose, debian]);
    expect(json.err).not.toMatch(/internal error|EditConflict|    at /);
    const doc = JSON.parse(json.out) as { files: { path: string; changed: boolean; notFixed: NotFixed[]; error?: unknown }[] };
    const c = doc.files.find((f) => f.path === compose)!;
    const d = doc.files.find((f) => f.path === debian)!;
    expect(c.changed).toBe(false);
    expect(c.notFixed.length).toBeGreaterThan(0);
    expect(c.notFixed.every((n) => n.kind === 'refused' && n.reason === 'overlapping edits at offset 42')).toBe(true);
    expect(d.changed).toBe(true);
    // Its fixes are planned (a dry run writes nothing); none is refused.
    expect(d.notFixed.filter((n) => n.kind === 'not-written').map((n) => n.ruleId)).toEqual(expect.arrayContaining(['MC101', 'MC111']));
    expect(d.notFixed.filter((n) => n.kind === 'refused')).toEqual([]);

    const text = await run(['fix', '--dry-run', compose, debian]);
    expect(text.out + text.err).toMatch(/not fixed\s+MC111\s.*overlapping edits at offset 42/);
    expect(text.out + text.err).toContain(`+++ ${debian}`);
  });
});
