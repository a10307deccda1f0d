/**
 * The language server on a document under /etc (an editor open on this machine's /etc/memcached.conf): its
 * diagnostics are what `mchard lint` reports for the same text at that path, which judges it for the
 * installed memcached's release and this machine's users (MC916) (looked up without running anything: the package database or the
 * binary's version string). The server used to assume the newest release there, so a host with an old
 * memcached got no MC920 in the editor and different UDP and option wording than `lint` gave.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ensureBuilt, runBin, TempDir } from '../cli/helpers.js';
import { fileUri, LspSession } from './client.js';

const DEFAULT = '/usr/share/memcached/memcached.conf.default';
const usable = existsSync('/usr/bin/memcached') && existsSync(DEFAULT);
if (!usable) console.warn(`lsp system-file: skipped (needs the memcached package: /usr/bin/memcached, ${DEFAULT})`);
const maybe = usable ? it : it.skip;
const SEVERITY: Record<string, number> = { error: 1, warning: 2, info: 3 };

let tmp: TempDir;
let session: LspSession | undefined;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-lsp-etc-');
}, 180_000);
afterAll(() => {
  session?.kill();
  tmp?.cleanup();
});

maybe('a document at /etc/memcached.conf: the diagnostics equal mchard lint of the same text there, for the installed release', async () => {
  // Listening everywhere with UDP: findings whose wording names the release; and a -u user this machine lacks (MC916).
  const text = readFileSync(DEFAULT, 'utf8').replace(/^-l 127\.0\.0\.1$/m, '-l 0.0.0.0\n-U 11211').replace(/^-u memcache$/m, '-u mchard_no_such_user');
  const lint = JSON.parse(runBin(['lint', '--format', 'json', '--stdin-filename', '/etc/memcached.conf', '-'], { cwd: tmp.path, input: text }).out) as {
    files: { findings: { ruleId: string; severity: string; message: string }[] }[];
  };
  const want = lint.files[0].findings.map((f) => `${f.ruleId} ${SEVERITY[f.severity]} ${f.message}`).sort();
  expect(want.join('\n')).toContain('the installed memcached');
  expect(want.join('\n')).toContain("MC916 1 on this machine memcached exits 67 at start: can't find the user mchard_no_such_user");
  session = LspSession.start({ cwd: tmp.path });
  await session.initialize();
  const uri = fileUri('/etc/memcached.conf');
  await session.open(uri, text);
  const diags = await session.diagnosticsOf(uri, 1);
  const got = diags.map((d) => `${d.code} ${d.severity} ${String(d.message).replace(/ \([a-z0-9-]+\)$/, '')}`).sort();
  expect(got).toEqual(want);
}, 120_000);

maybe("a document of another scheme at /etc/memcached.conf (another machine's, over an editor's remote link; an unsaved buffer): judged as lint judges a file that is not this host's, never with this host's release", async () => {
  // The installed release shapes the wording of the UDP and option findings: the remote document's must
  // not carry it, nor this machine's users (MC916).
  const text = readFileSync(DEFAULT, 'utf8').replace(/^-l 127\.0\.0\.1$/m, '-l 0.0.0.0\n-U 11211').replace(/^-u memcache$/m, '-u mchard_no_such_user');
  const lint = JSON.parse(runBin(['lint', '--format', 'json', '--stdin-filename', 'memcached.conf', '-'], { cwd: tmp.path, input: text }).out) as {
    files: { findings: { ruleId: string; severity: string; message: string }[] }[];
  };
  const want = lint.files[0].findings.map((f) => `${f.ruleId} ${SEVERITY[f.severity]} ${f.message}`).sort();
  expect(want.join('\n')).not.toContain('the installed memcached');
  session?.kill();
  session = LspSession.start({ cwd: tmp.path });
  await session.initialize();
  for (const uri of ['vscode-remote://ssh-remote%2Bdb1/etc/memcached.conf', 'untitled:/etc/memcached.conf']) {
    await session.open(uri, text);
    const diags = await session.diagnosticsOf(uri, 1);
    const got = diags.map((d) => `${d.code} ${d.severity} ${String(d.message).replace(/ \([a-z0-9-]+\)$/, '')}`).sort();
    expect({ uri, got }).toEqual({ uri, got: want });
  }
}, 120_000);
