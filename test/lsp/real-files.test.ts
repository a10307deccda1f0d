/**
 * The language server on real files from public repositories (test/fixtures/real, and the shared corpus
 * when it is beside the checkout), each opened at the path it has in its repository, as an editor open on
 * that repository would send it. For every file the server reads, its diagnostics are exactly the
 * findings `mchard lint` reports for the same file at the same path; a file it does not read gets none.
 * Every quick fix offered applies cleanly, and "fix all safe problems" gives what `mchard fix` writes
 * wherever the file offers no unsafe fix (today's `fix` applies unsafe fixes too).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { ensureBuilt, ROOT, runBin, TempDir } from '../cli/helpers.js';
import { SHARED } from '../helpers/paths.js';
import { applyEdits, editsOf, fileUri, LspSession } from './client.js';

interface RealFile {
  /** Where the copy is, in the folder, and where it was in its repository. */
  source: string;
  repo: string;
  path: string;
}

function manifest(folder: string): RealFile[] {
  const tsv = join(folder, 'MANIFEST.tsv');
  if (!existsSync(tsv)) return [];
  const [header, ...rows] = readFileSync(tsv, 'utf8').split('\n').filter(Boolean);
  const cols = header.split('\t');
  const at = (name: string) => cols.indexOf(name);
  return rows.map((r) => r.split('\t')).map((c) => ({ source: join(folder, c[at('file')]), repo: c[at('repo')], path: c[at('path')] }));
}

const FILES = [...manifest(join(ROOT, 'test', 'fixtures', 'real')), ...manifest(join(SHARED, 'corpus'))];

let tmp: TempDir;
let session: LspSession;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-lsp-real-');
}, 180_000);
afterAll(() => {
  session?.kill();
  tmp?.cleanup();
});

const apply = applyEdits;

interface LintJson {
  files: { path: string; findings: { ruleId: string; severity: string; message: string; slug: string }[] }[];
}

const SEVERITY: Record<string, number> = { error: 1, warning: 2, info: 3 };

describe('mchard lsp on real files', () => {
  it('diagnostics equal mchard lint for every file it reads, none for the others; quick fixes apply; fix all equals mchard fix', async () => {
    expect(FILES.length).toBeGreaterThanOrEqual(120);
    // Each file where its repository had it (distinct repositories of the same path stay apart).
    const placed = FILES.map((f, k) => {
      const text = readFileSync(f.source).toString('utf8');
      const path = tmp.write(join('repos', String(k), f.repo, f.path), text);
      return { ...f, text, path, uri: fileUri(path) };
    });
    const lint = JSON.parse(runBin(['lint', '--format', 'json', ...placed.map((p) => p.path)], { cwd: tmp.path }).out) as LintJson;
    const linted = new Map(lint.files.map((f) => [f.path, f.findings]));
    // lint's notes (how it read a file whose content its reader does not act on), from its text output.
    const noted = new Map<string, string>();
    for (const l of runBin(['lint', ...placed.map((p) => p.path)], { cwd: tmp.path }).out.split('\n')) {
      const at = l.indexOf('  note  ');
      if (at > 0) noted.set(l.slice(0, at), l.slice(at + '  note  '.length));
    }

    session = LspSession.start({ cwd: tmp.path });
    await session.initialize();
    const published = new Map<string, Diagnostic[]>();
    for (const p of placed) {
      await session.open(p.uri, p.text);
      published.set(p.uri, await session.diagnosticsOf(p.uri, 1));
    }

    let read = 0;
    let notRead = 0;
    const fixAllChecked: { path: string; text: string; fixed: string }[] = [];
    let quickFixes = 0;
    let notes = 0;
    for (const p of placed) {
      const every = published.get(p.uri)!;
      // The server's note is lint's, on the document's first character, with no rule.
      const note = every.filter((d) => d.code === undefined && String(d.message).startsWith('how mchard read this file: '));
      expect({ file: p.path, note: note.map((d) => String(d.message).slice('how mchard read this file: '.length)) }).toEqual({ file: p.path, note: noted.has(p.path) ? [noted.get(p.path)] : [] });
      for (const d of note) expect([d.severity, d.range.start, d.range.end]).toEqual([3, { line: 0, character: 0 }, { line: 0, character: 0 }]);
      notes += note.length;
      const diags = every.filter((d) => !note.includes(d));
      const findings = linted.get(p.path) ?? [];
      if (diags.length === 0) {
        // Not read by the server, or read and clean: lint agrees either way when it has nothing to say.
        if (findings.length) notRead++;
        continue;
      }
      read++;
      const want = findings.map((f) => `${f.ruleId} ${SEVERITY[f.severity]} ${f.message}`).sort();
      const got = diags.map((d) => `${d.code} ${d.severity} ${String(d.message).replace(/ \([a-z0-9-]+\)$/, '')}`).sort();
      expect({ file: p.path, findings: got }).toEqual({ file: p.path, findings: want });

      const fixable = diags.filter((d) => (d.data as { fix: string | null }).fix !== null);
      for (const d of fixable) {
        const actions = await session.codeActions(p.uri, d.range, [d], ['quickfix']);
        for (const a of actions.filter((x) => !x.disabled)) {
          const after = apply(p.text, editsOf(a, p.uri));
          expect(after).not.toBe(p.text);
          quickFixes++;
        }
      }
      const [all] = await session.codeActions(p.uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll.mchard']);
      if (all && !fixable.some((d) => (d.data as { fix: string }).fix === 'unsafe')) fixAllChecked.push({ path: p.path, text: p.text, fixed: apply(p.text, editsOf(all, p.uri)) });
    }
    // The comparison means something: most files are read, many offer fixes.
    expect(read).toBeGreaterThanOrEqual(60);
    expect(notes).toBeGreaterThanOrEqual(1);
    expect(quickFixes).toBeGreaterThanOrEqual(30);
    expect(fixAllChecked.length).toBeGreaterThanOrEqual(20);

    // mchard fix on copies of the same files at the same paths, in one run.
    const copies = fixAllChecked.map((c) => ({ ...c, copy: c.path.replace(`${tmp.path}/repos/`, `${tmp.path}/fixed/`) }));
    for (const c of copies) tmp.write(c.copy.slice(tmp.path.length + 1), c.text);
    runBin(['fix', '--yes', '--no-restart', '--no-backup', ...copies.map((c) => c.copy)], { cwd: tmp.path });
    for (const c of copies) expect({ file: c.path, text: c.fixed }).toEqual({ file: c.path, text: readFileSync(c.copy, 'utf8') });
    console.info(`lsp on ${placed.length} real files: ${read} with diagnostics, ${notRead} not read (lint reports them), ${quickFixes} quick fixes applied, ${notes} notes, fix all checked on ${copies.length}`);
  }, 300_000);
});
