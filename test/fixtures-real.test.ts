/**
 * test/fixtures/real/ holds real files copied byte for byte from public repositories; MANIFEST.tsv records
 * where each came from. This checks the manifest against the folder (nothing about mchard's behaviour on
 * the files): every row names a file that exists, every file has a row, the provenance columns are
 * well-formed, each file's category is its folder, and each file still has the git blob id it had in
 * its repository (so no editor, formatter or line-ending conversion has touched its bytes).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/paths.js';

const DIR = join(ROOT, 'test', 'fixtures', 'real');
/** Files of the folder itself, not collected ones. */
const OWN = new Set(['MANIFEST.tsv', 'README.md', '.gitattributes']);
const COLUMNS = ['file', 'repo', 'path', 'commit', 'blob', 'category', 'template', 'installed_as', 'reader', 'evidence', 'licence', 'notes'];
const REQUIRED = COLUMNS; // every column is required; "unknown" / "none" are explicit values
const CATEGORIES = new Set([
  'ansible', 'erb', 'other-templates', 'dockerfile', 'kubernetes', 'helm', 'compose', 'upstart', 'sysv',
  'supervisord', 'debian', 'sysconfig', 'systemd', 'openrc', 'rcconf', 'other',
]);
const READERS = new Set([
  'debian-wrapper', 'systemd-environmentfile', 'systemd-unit', 'openrc-init', 'freebsd-rc', 'upstart', 'sysvinit-sh',
  'supervisord', 'runit', 'shell-source', 'application', 'docker-build', 'kubernetes', 'helm', 'compose', 'nixos-module', 'operator', 'nomad', 'salt', 'ansible', 'ci', 'swarm', 'compose-or-swarm', 'terraform', 'memcached-proxy', 'podman-quadlet', 'openbsd-rc', 'kolla', 'lando', 'process-manager', 'make', 'cloudformation', 'homebrew', 'chef', 'unknown',
]);

type Row = Record<string, string>;

/** Parses MANIFEST.tsv: a header line, then one tab-separated row per file, no quoting. */
function parseManifest(text: string): { header: string[]; rows: Row[]; problems: string[] } {
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('MANIFEST.tsv does not end with a newline');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = (lines.shift() ?? '').split('\t');
  const rows: Row[] = [];
  lines.forEach((line, i) => {
    const cells = line.split('\t');
    if (cells.length !== header.length) {
      problems.push(`line ${i + 2}: ${cells.length} cells, header has ${header.length}`);
      return;
    }
    rows.push(Object.fromEntries(header.map((h, j) => [h, cells[j]])));
  });
  return { header, rows, problems };
}

/** Every collected file under dir, as paths relative to it (the folder's own files excluded). */
function listFixtures(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (!(rel === '' && OWN.has(name))) out.push(r);
    }
  };
  walk('');
  return out;
}

/** git's blob id of some bytes (`git hash-object`). */
function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Every disagreement between the manifest and the folder, one line each (empty when they agree). */
function checkFixtures(dir: string): string[] {
  const { header, rows, problems } = parseManifest(readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8'));
  if (header.join('\t') !== COLUMNS.join('\t')) problems.push(`header is "${header.join(' ')}", expected "${COLUMNS.join(' ')}"`);
  const files = new Set(listFixtures(dir));
  const listed = new Set<string>();
  const sources = new Set<string>();
  for (const row of rows) {
    const f = row.file;
    for (const c of REQUIRED) if (!row[c] || row[c].trim() !== row[c]) problems.push(`${f}: column ${c} is empty or padded`);
    if (listed.has(f)) problems.push(`${f}: listed twice`);
    listed.add(f);
    const source = `${row.repo}\t${row.path}\t${row.commit}`;
    if (sources.has(source)) problems.push(`${f}: ${row.repo} ${row.path} at ${row.commit} collected twice`);
    sources.add(source);
    if (!files.has(f)) {
      problems.push(`${f}: listed but not in the folder`);
      continue;
    }
    if (!/^[0-9a-f]{40}$/.test(row.commit)) problems.push(`${f}: commit "${row.commit}" is not 40 hex digits`);
    if (!/^[0-9a-f]{40}$/.test(row.blob)) problems.push(`${f}: blob "${row.blob}" is not 40 hex digits`);
    else if (gitBlobId(readFileSync(join(dir, f))) !== row.blob) problems.push(`${f}: bytes differ from blob ${row.blob}`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/.test(row.repo)) problems.push(`${f}: repo "${row.repo}" is not owner/name`);
    const folder = f.split('/')[0];
    if (row.category !== folder) problems.push(`${f}: category ${row.category} but folder ${folder}`);
    if (!CATEGORIES.has(row.category)) problems.push(`${f}: unknown category ${row.category}`);
    if (!READERS.has(row.reader)) problems.push(`${f}: unknown reader ${row.reader}`);
    const m = /^[^/]+\/(\d{3,4})-(.+)$/.exec(f);
    if (!m) problems.push(`${f}: name is not <category>/<NNN>-<owner>-<repo>-<basename>`);
    else if (!m[2].startsWith(`${row.repo.replace('/', '-')}-`)) problems.push(`${f}: name does not start with its repository`);
  }
  for (const f of files) if (!listed.has(f)) problems.push(`${f}: in the folder but not in MANIFEST.tsv`);
  const numbers = rows.map((r) => /\/(\d{3,4})-/.exec(r.file)?.[1]).filter(Boolean);
  if (new Set(numbers).size !== numbers.length) problems.push('running numbers repeat');
  return problems;
}

describe('test/fixtures/real', () => {
  it('MANIFEST.tsv and the folder agree', () => {
    expect(checkFixtures(DIR)).toEqual([]);
  });

  it('holds at least 70 files', () => {
    expect(listFixtures(DIR).length).toBeGreaterThanOrEqual(70);
  });
});
