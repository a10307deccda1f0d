/**
 * scripts/sea-blob.mjs against blobs the real `node --experimental-sea-config` writes (this Node.js,
 * a start-up snapshot, assets): read and written back byte for byte, the built-in modules' code cache
 * found once, the entries asked for left out and every other byte kept, and anything else refused.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TempDir } from '../cli/helpers.js';
// @ts-expect-error: a build script (plain JavaScript, no types)
import { dropBuiltinCodeCache, findBuiltinCodeCache, parseSeaBlob, writeSeaBlob } from '../../scripts/sea-blob.mjs';

let tmp: TempDir;
let blob: Buffer;

beforeAll(() => {
  tmp = new TempDir('mchard-sea-blob-');
  tmp.write('main.cjs', "require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {});\n");
  tmp.write('a.txt', 'first asset');
  tmp.write('b.bin', Buffer.from([0, 1, 2, 255]));
  const config = { main: tmp.join('main.cjs'), output: tmp.join('sea.blob'), disableExperimentalSEAWarning: true, useSnapshot: true, assets: { 'a.txt': tmp.join('a.txt'), 'b.bin': tmp.join('b.bin') } };
  tmp.write('sea.json', JSON.stringify(config));
  const r = spawnSync(process.execPath, ['--no-warnings', '--experimental-sea-config', tmp.join('sea.json')], { cwd: tmp.path, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  blob = readFileSync(tmp.join('sea.blob'));
}, 60_000);

afterAll(() => tmp?.cleanup());

describe('the single executable preparation blob', () => {
  it('is read into its parts and written back byte for byte', () => {
    const sea = parseSeaBlob(blob);
    expect(sea.codePath.toString()).toBe(tmp.join('main.cjs'));
    const assets = Object.fromEntries(sea.assets.map(([k, v]: Buffer[]) => [k.toString(), v.toString('hex')]));
    expect(assets).toEqual({ 'a.txt': Buffer.from('first asset').toString('hex'), 'b.bin': '000102ff' });
    expect(writeSeaBlob(sea).equals(blob)).toBe(true);
  });

  it("finds the built-in modules' code cache once, ending at the snapshot's last byte", () => {
    const { entries } = findBuiltinCodeCache(parseSeaBlob(blob).main);
    const ids = entries.map((e: { id: string }) => e.id);
    expect(ids.length).toBeGreaterThan(100);
    expect(ids).toEqual(expect.arrayContaining(['fs', 'path', 'vm', 'child_process', 'internal/errors']));
  });

  it('leaves out the entries asked for and keeps every other byte', () => {
    const sea = parseSeaBlob(blob);
    const before = findBuiltinCodeCache(sea.main);
    const drop = new Set(['fs', 'path', 'internal/errors']);
    const out = dropBuiltinCodeCache(blob, (id: string) => drop.has(id));
    expect(out.dropped.sort()).toEqual([...drop].sort());
    const after = parseSeaBlob(out.blob);
    // Everything before the code cache and every asset is unchanged.
    expect(after.main.subarray(0, before.at).equals(sea.main.subarray(0, before.at))).toBe(true);
    expect(after.assets).toEqual(sea.assets);
    const kept = findBuiltinCodeCache(after.main).entries;
    expect(kept.map((e: { id: string }) => e.id)).toEqual(before.entries.map((e: { id: string }) => e.id).filter((id: string) => !drop.has(id)));
    for (const e of kept) {
      const was = before.entries.find((b: { id: string }) => b.id === e.id);
      expect(after.main.subarray(e.from, e.end).equals(sea.main.subarray(was.from, was.end))).toBe(true);
    }
    expect(out.bytes).toBe(sea.main.length - after.main.length);
  });

  it('a blob it cannot read to its last byte is refused', () => {
    expect(() => dropBuiltinCodeCache(Buffer.concat([blob, Buffer.from([0])]), (id: string) => id === 'fs')).toThrow(/after the blob's last part/);
    expect(() => dropBuiltinCodeCache(blob.subarray(0, blob.length - 1), (id: string) => id === 'fs')).toThrow(/truncated|beyond/);
    expect(() => parseSeaBlob(Buffer.alloc(3))).toThrow(/truncated/);
  });
});
