/**
 * `fix --yes` on every real file (test/fixtures/real and the shared corpus, provenance in their
 * MANIFEST.tsv), as a user runs it on a checkout: the built executable, in a copy of both trees (so
 * each file keeps the files beside it that decide what it is), a file whose format only its content
 * tells fixed with the `--dialect` lint names (what the refusal to fix a guessed format tells the user
 * to pass). What fix says must be what happened:
 * - a file it says it wrote changed on disk, and a file it says it did not write did not;
 * - a file lint refuses, given to fix, is refused there too and left byte for byte;
 * - the findings fix says remain are the findings a lint of the written file reports, line for line;
 * - each rule's findings fell by at least as many as fix says it fixed, and no error appeared;
 * - the written file is read by the same program as before;
 * - a second fix writes nothing.
 * Unsafe fixes included (`--unsafe-fixes`): every editor mchard has gets its turn on real files.
 */
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBuilt, runBin, TempDir } from './helpers.js';
import { REAL_FIXTURES } from '../helpers/real-fixtures.js';
import { SHARED } from '../helpers/paths.js';

type Finding = { ruleId: string; line: number; severity: string; message: string };
type LintFile = { path: string; dialect: string | null; dialectReason?: string; readBy?: string; findings: Finding[]; notRead?: unknown };
type FixFile = LintFile & { changed?: boolean; written?: boolean; fixed?: { ruleId: string }[] };

const NOT_FILES = /^(MANIFEST\.tsv|README\.md|FEATURES\.tsv)$/;
const FIX = ['--yes', '--no-restart', '--no-host-checks', '--no-backup', '--unsafe-fixes', '--format', 'json'];

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else if (!NOT_FILES.test(name)) out.push(p);
  }
  return out;
}

const byPath = <T extends { path: string }>(out: string): Map<string, T> => new Map((JSON.parse(out).files as T[]).map((f) => [f.path, f]));
const counts = (fs: Finding[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const f of fs) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
};
const where = (fs: Finding[]): string[] => fs.map((f) => `${f.ruleId}@${f.line}`).sort();

let tmp: TempDir;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-fix-real-');
  cpSync(REAL_FIXTURES, join(tmp.path, 'real'), { recursive: true });
  cpSync(join(SHARED, 'corpus'), join(tmp.path, 'corpus'), { recursive: true });
});
afterAll(() => tmp.cleanup());

test('fix --yes on every real file says what it wrote, and the file on disk says the same', () => {
  const files = filesUnder(tmp.path).map((p) => relative(tmp.path, p));
  expect(files.length).toBeGreaterThan(290);
  const original = new Map(files.map((f) => [f, readFileSync(join(tmp.path, f))]));
  const disk = (f: string) => readFileSync(join(tmp.path, f));

  const lint = runBin(['lint', '--format', 'json', ...files], { cwd: tmp.path });
  expect(lint.code).toBe(2); // some files are refused
  const before = byPath<LintFile>(lint.out);
  expect(before.size).toBe(files.length);

  // Files read, grouped by what fix needs to be told; the refused ones go to fix as they are.
  const groups = new Map<string, string[]>();
  const refused: string[] = [];
  for (const f of files) {
    const b = before.get(f)!;
    if (b.dialect === null) {
      refused.push(f);
      continue;
    }
    const key = b.dialectReason === 'content' ? b.dialect : '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  expect(refused.length).toBeGreaterThan(50);
  expect(groups.size).toBeGreaterThan(4);

  const r = runBin(['fix', ...FIX, ...refused], { cwd: tmp.path });
  const refusedByFix = byPath<FixFile>(r.out);
  for (const f of refused) {
    expect({ f, same: disk(f).equals(original.get(f)!) }).toEqual({ f, same: true });
    expect({ f, dialect: refusedByFix.get(f)?.dialect ?? null, written: refusedByFix.get(f)?.written ?? false }).toEqual({ f, dialect: null, written: false });
  }

  let written = 0;
  for (const [dialect, group] of groups) {
    const flag = dialect ? ['--dialect', dialect] : [];
    const fixed = byPath<FixFile>(runBin(['fix', ...flag, ...FIX, ...group], { cwd: tmp.path }).out);
    const changed = group.filter((f) => !disk(f).equals(original.get(f)!));
    for (const f of group) {
      const said = fixed.get(f);
      expect({ f, reported: said !== undefined }).toEqual({ f, reported: true });
      expect({ f, written: said!.written === true }).toEqual({ f, written: changed.includes(f) });
    }
    if (changed.length === 0) continue;
    written += changed.length;
    const after = byPath<LintFile>(runBin(['lint', ...flag, '--format', 'json', ...changed], { cwd: tmp.path }).out);
    for (const f of changed) {
      const b = before.get(f)!;
      const a = after.get(f)!;
      const said = fixed.get(f)!;
      expect({ f, dialect: a.dialect, readBy: a.readBy }).toEqual({ f, dialect: b.dialect, readBy: b.readBy });
      // What fix says remains is what is there.
      expect({ f, remain: where(said.findings) }).toEqual({ f, remain: where(a.findings) });
      // Each rule fell by at least what fix says it fixed (one finding per instance or line).
      const was = counts(b.findings);
      const now = counts(a.findings);
      for (const [rule, n] of counts((said.fixed ?? []).map((x) => ({ ruleId: x.ruleId, line: 0, severity: '', message: '' })))) {
        expect({ f, rule, fell: (was.get(rule) ?? 0) - (now.get(rule) ?? 0) >= n }).toEqual({ f, rule, fell: true });
      }
      const errorsBefore = new Set(b.findings.filter((x) => x.severity === 'error').map((x) => x.ruleId));
      expect({ f, newErrors: a.findings.filter((x) => x.severity === 'error' && !errorsBefore.has(x.ruleId)).map((x) => `${x.ruleId} ${x.message}`) }).toEqual({ f, newErrors: [] });
    }
    // A second fix writes nothing.
    const now = new Map(changed.map((f) => [f, disk(f)]));
    const again = byPath<FixFile>(runBin(['fix', ...flag, ...FIX, ...changed], { cwd: tmp.path }).out);
    for (const f of changed) {
      expect({ f, same: disk(f).equals(now.get(f)!), written: again.get(f)?.written ?? false }).toEqual({ f, same: true, written: false });
    }
  }
  // Most editors had real work: Debian, sysconfig, systemd, Compose, Kubernetes, Helm, supervisord...
  expect(written).toBeGreaterThan(100);
}, 300_000);
