/**
 * `mchard lsp --stdio` driven by a real LSP client (vscode-languageserver-protocol's client connection)
 * over the standard streams of the built executable: initialize, diagnostics on open and on change,
 * code actions whose edits give exactly what `mchard fix` writes, suppressions and `.mchardrc`,
 * documents mchard does not read, hostile documents, shutdown and exit.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeActionResolveRequest, DidChangeWatchedFilesNotification, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { ensureBuilt, ROOT, runBin, TempDir } from '../cli/helpers.js';
import { applyEdits, CLIENT_CAPABILITIES, editsOf, fileUri, LspSession } from './client.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const DOCS = `https://github.com/mchard/mchard/blob/v${pkg.version}/docs/rules`;

let tmp: TempDir;
let session: LspSession;

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-lsp-');
}, 180_000);
afterAll(() => tmp?.cleanup());
afterEach(() => session?.kill());

/** A session, initialized. */
async function started(): Promise<LspSession> {
  session = LspSession.start({ cwd: tmp.path });
  await session.initialize();
  return session;
}

const apply = applyEdits;

/** What `mchard fix --yes` writes for this text at this relative path (a copy in its own folder). */
function fixWrites(rel: string, text: string): string {
  const dir = new TempDir('mchard-lsp-fix-');
  try {
    const p = dir.write(rel, text);
    const r = runBin(['fix', '--yes', '--no-restart', '--no-backup', p], { cwd: dir.path });
    expect(r.err).toBe('');
    return readFileSync(p, 'utf8');
  } finally {
    dir.cleanup();
  }
}

/** The rule IDs `mchard lint` reports for this text at this relative path. */
function lintIds(rel: string, text: string): string[] {
  const dir = new TempDir('mchard-lsp-lint-');
  try {
    const p = dir.write(rel, text);
    const r = runBin(['lint', '--format', 'json', p], { cwd: dir.path });
    const json = JSON.parse(r.out) as { files: { findings: { ruleId: string }[] }[] };
    return json.files[0].findings.map((f) => f.ruleId);
  } finally {
    dir.cleanup();
  }
}

const DEBIAN = '-m 64\n-p 11300\n-u memcache\n-l 0.0.0.0\n-U 0\n';

describe('mchard lsp --stdio', () => {
  it('initialize: incremental sync, code actions for quick fixes and source.fixAll.mchard, server info', async () => {
    session = LspSession.start({ cwd: tmp.path });
    const r = await session.initialize();
    expect(r.serverInfo).toEqual({ name: 'mchard', version: pkg.version });
    expect(r.capabilities.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
    expect(r.capabilities.codeActionProvider).toEqual({ codeActionKinds: ['quickfix', 'source.fixAll.mchard'], resolveProvider: true });
    expect(r.capabilities.positionEncoding).toBe('utf-16');
  });

  it('a Debian file with -l 0.0.0.0: MC101 with its code, documentation link, severity and range', async () => {
    await started();
    const uri = fileUri(tmp.join('a', 'etc', 'memcached.conf'));
    await session.open(uri, DEBIAN);
    const diags = await session.diagnosticsOf(uri, 1);
    const mc101 = diags.find((d) => d.code === 'MC101')!;
    expect(mc101).toMatchObject({
      source: 'mchard',
      severity: 1,
      codeDescription: { href: `${DOCS}/MC101.md` },
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 10 } },
      message: '-l 0.0.0.0 listens on every interface (TCP 0.0.0.0:11300) (listen-all-interfaces)',
      data: { version: 1, ruleId: 'MC101', fix: 'safe' },
    });
    // info maps to Information; the same findings as `mchard lint`.
    expect(diags.find((d) => d.code === 'MC504')?.severity).toBe(3);
    expect(diags.map((d) => d.code).sort()).toEqual(lintIds('etc/memcached.conf', DEBIAN).sort());
  });

  it('a line /bin/sh rejects: one MC914 at it, no option diagnostics, no fix action, as mchard lint says', async () => {
    await started();
    // -u root, -l 0.0.0.0 and -U 11300 would be MC201, MC101, MC110; a pasted hyperlink's ";;" stops the wrapper's shell first.
    const text = '-m 64\n-u root\n-l 0.0.0.0\n-U 11300\n-l 127.0.0.1 ;;\n';
    const uri = fileUri(tmp.join('launch', 'etc', 'memcached.conf'));
    await session.open(uri, text);
    const diags = await session.diagnosticsOf(uri, 1);
    expect(diags.map((d) => d.code).sort()).toEqual(['MC902', 'MC914']);
    expect(diags.map((d) => d.code).sort()).toEqual(lintIds('etc/memcached.conf', text).sort());
    const mc914 = diags.find((d) => d.code === 'MC914')!;
    expect(mc914).toMatchObject({ severity: 1, range: { start: { line: 4, character: 13 }, end: { line: 4, character: 15 } } });
    expect(mc914.message).toContain('the service fails before memcached runs (exit status 2)');
    const actions = await session.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 4, character: 15 } }, diags, ['quickfix', 'source.fixAll']);
    expect(actions).toEqual([]);
  });

  it('ranges count UTF-16 code units, on CRLF lines after non-ASCII text; a lone CR ends a line for the editor', async () => {
    await started();
    // "-P /run/memcached/é🚀.pid " is 26 UTF-16 code units (é one, 🚀 two), 25 code points, 29 bytes.
    const text = '-m 64\r\n-p 11300\r\n-u memcache\r\n-P /run/memcached/é🚀.pid -l 0.0.0.0\r\n-U 0\r\n';
    const uri = fileUri(tmp.join('b', 'etc', 'memcached.conf'));
    await session.open(uri, text);
    const mc101 = (await session.diagnosticsOf(uri, 1)).find((d) => d.code === 'MC101')!;
    expect(mc101.range).toEqual({ start: { line: 3, character: 26 }, end: { line: 3, character: 36 } });
    // A lone CR inside a comment: mchard's lines end at LF only, the editor's at CR too; the range is the editor's.
    const withCr = '# note\rmore\n-l 0.0.0.0\n-U 0\n';
    const uri2 = fileUri(tmp.join('b2', 'etc', 'memcached.conf'));
    await session.open(uri2, withCr);
    const d2 = (await session.diagnosticsOf(uri2, 1)).find((d) => d.code === 'MC101')!;
    expect(d2.range).toEqual({ start: { line: 2, character: 0 }, end: { line: 2, character: 10 } });
  });

  it('an incremental change re-lints: the diagnostics of the new version replace the old ones', async () => {
    await started();
    const uri = fileUri(tmp.join('c', 'etc', 'memcached.conf'));
    await session.open(uri, DEBIAN);
    expect((await session.diagnosticsOf(uri, 1)).map((d) => d.code)).toContain('MC101');
    // 0.0.0.0 → 127.0.0.1 on line 4 (0-based 3), characters 3–10.
    await session.change(uri, 2, [{ range: { start: { line: 3, character: 3 }, end: { line: 3, character: 10 } }, text: '127.0.0.1' }]);
    const v2 = await session.diagnosticsOf(uri, 2);
    expect(v2.map((d) => d.code)).not.toContain('MC101');
    expect(v2).toEqual([]);
    // And back: a full-text change.
    await session.change(uri, 3, [{ text: DEBIAN.replace('-U 0\n', '') }]);
    expect((await session.diagnosticsOf(uri, 3)).map((d) => d.code)).toEqual(expect.arrayContaining(['MC101', 'MC111']));
  });

  it('the quick fix for MC101: its edit gives what mchard fix writes, and the result lints clean for MC101', async () => {
    await started();
    const uri = fileUri(tmp.join('d', 'etc', 'memcached.conf'));
    await session.open(uri, DEBIAN);
    const diags = await session.diagnosticsOf(uri, 1);
    const mc101 = diags.find((d) => d.code === 'MC101')!;
    const actions = await session.codeActions(uri, mc101.range, [mc101], ['quickfix']);
    expect(actions).toHaveLength(1);
    const [a] = actions;
    expect(a).toMatchObject({ title: 'mchard: listen on 127.0.0.1 only (MC101)', kind: 'quickfix', isPreferred: true, diagnostics: [mc101] });
    // Versioned: the client announced documentChanges.
    expect(a.edit!.documentChanges).toEqual([{ textDocument: { uri, version: 1 }, edits: expect.any(Array) }]);
    const edits = editsOf(a, uri);
    // Minimal: the old line is kept and commented out ("# " before, the note after), the new line inserted.
    const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
    expect(edits).toEqual([
      { range: at(3, 0), newText: '# ' },
      { range: at(3, 10), newText: '  # mchard: -l 0.0.0.0 replaced (MC101 listen-all-interfaces)' },
      { range: at(4, 0), newText: '-l 127.0.0.1\n' },
    ]);
    const fixed = apply(DEBIAN, edits);
    expect(fixed).toBe(fixWrites('etc/memcached.conf', DEBIAN));
    expect(lintIds('etc/memcached.conf', fixed)).not.toContain('MC101');
    // The JSON-RPC messages of this session, for a transcript (MCHARD_LSP_TRANSCRIPT=FILE).
    if (process.env.MCHARD_LSP_TRANSCRIPT) writeFileSync(process.env.MCHARD_LSP_TRANSCRIPT, session.wire.map((m) => `${m.dir} ${JSON.stringify(m.message)}`).join('\n') + '\n');
  });

  it('the quick fix keeps CRLF and non-ASCII text as mchard fix does', async () => {
    await started();
    const text = '-m 64\r\n-p 11300\r\n-u memcache\r\n-P /run/memcached/é🚀.pid -l 0.0.0.0\r\n-U 0\r\n';
    const uri = fileUri(tmp.join('e', 'etc', 'memcached.conf'));
    await session.open(uri, text);
    const mc101 = (await session.diagnosticsOf(uri, 1)).find((d) => d.code === 'MC101')!;
    const [a] = await session.codeActions(uri, mc101.range, [mc101]);
    const fixed = apply(text, editsOf(a, uri));
    expect(fixed).toBe(fixWrites('etc/memcached.conf', text));
  });

  it('fix all safe problems: one source.fixAll.mchard action equal to mchard fix, unsafe fixes left out', async () => {
    await started();
    // MC110 (UDP on), MC502 (-vv), MC501 (-A), MC101: safe fixes. No unsafe one here, so mchard fix
    // (which today applies unsafe fixes too) writes the same.
    const text = '# memcached\n-m 64\n-p 11300\n-u memcache\n-vv\n-A\n-l 0.0.0.0\n-U 11300\n';
    const uri = fileUri(tmp.join('f', 'etc', 'memcached.conf'));
    await session.open(uri, text);
    const diags = await session.diagnosticsOf(uri, 1);
    expect(diags.map((d) => d.code)).toEqual(expect.arrayContaining(['MC101', 'MC110', 'MC501', 'MC502']));
    const actions = await session.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll']);
    expect(actions.map((a) => a.kind)).toEqual(['source.fixAll.mchard']);
    const fixed = apply(text, editsOf(actions[0], uri));
    expect(fixed).toBe(fixWrites('etc/memcached.conf', text));
    expect(lintIds('etc/memcached.conf', fixed).filter((id) => ['MC101', 'MC110', 'MC501', 'MC502'].includes(id))).toEqual([]);
    // The first comment line is untouched: edits start at the lines that change.
    for (const e of editsOf(actions[0], uri)) expect(e.range.start.line).toBeGreaterThan(0);
  });

  it('an unsafe fix (MC805, -u 0 for -U 0) is a separate, non-preferred quick fix titled as unsafe, and not part of fix all', async () => {
    await started();
    const text = '-m 64\n-p 11300\n-u 0\n-l 127.0.0.1\n';
    const uri = fileUri(tmp.join('g', 'etc', 'memcached.conf'));
    await session.open(uri, text);
    const diags = await session.diagnosticsOf(uri, 1);
    const mc805 = diags.find((d) => d.code === 'MC805')!;
    expect(mc805.data).toMatchObject({ fix: 'unsafe' });
    const [a] = await session.codeActions(uri, mc805.range, [mc805], ['quickfix']);
    expect(a.title).toBe('mchard, unsafe fix (review before use): replace -u 0 with -U 0 and run as memcache (MC805)');
    expect(a.isPreferred).toBe(false);
    expect(apply(text, editsOf(a, uri))).toBe('-m 64\n-p 11300\n-U 0\n# -u 0  # mchard: -u 0 replaced (MC805 user-zero-typo)\n-u memcache\n-l 127.0.0.1\n');
    // Fix all applies the safe MC111 fix (add -U 0) and leaves -u 0 alone.
    const [all] = await session.codeActions(uri, mc805.range, [], ['source.fixAll.mchard']);
    const fixed = apply(text, editsOf(all, uri));
    expect(fixed).toContain('\n-u 0\n');
    expect(lintIds('etc/memcached.conf', fixed)).toEqual(['MC805']);
  });

  it('a large document, with a client that resolves code actions: actions listed without edits, planned on resolve', async () => {
    session = LspSession.start({ cwd: tmp.path });
    const caps = structuredClone(CLIENT_CAPABILITIES);
    caps.textDocument!.codeAction!.resolveSupport = { properties: ['edit'] };
    await session.initialize(caps);
    // 70 KiB: above the 64 KiB from which planning waits for resolve.
    const text = '# padding line for a large memcached configuration file, kept as it is\n'.repeat(1000) + '-m 64\n-p 11300\n-u memcache\n-vv\n-l 0.0.0.0\n-U 0\n';
    const uri = fileUri(tmp.join('r', 'etc', 'memcached.conf'));
    await session.open(uri, text);
    const diags = await session.diagnosticsOf(uri, 1);
    const mc101 = diags.find((d) => d.code === 'MC101')!;
    const listed = await session.codeActions(uri, mc101.range, [mc101]);
    expect(listed.map((a) => [a.title, a.kind, a.edit])).toEqual([
      ['mchard: listen on 127.0.0.1 only (MC101)', 'quickfix', undefined],
      ['mchard: fix all safe problems in this file', 'source.fixAll.mchard', undefined],
    ]);
    const quick = await session.conn.sendRequest(CodeActionResolveRequest.type, listed[0]);
    // Only MC101's fix: -vv (MC502) stays.
    expect(apply(text, editsOf(quick, uri))).toBe(text.replace('-l 0.0.0.0\n', '# -l 0.0.0.0  # mchard: -l 0.0.0.0 replaced (MC101 listen-all-interfaces)\n-l 127.0.0.1\n'));
    const all = await session.conn.sendRequest(CodeActionResolveRequest.type, listed[1]);
    expect(apply(text, editsOf(all, uri))).toBe(fixWrites('etc/memcached.conf', text));
    // Resolved after a change: no edit.
    await session.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
    expect((await session.conn.sendRequest(CodeActionResolveRequest.type, listed[1])).edit).toBeUndefined();
  });

  it('code actions only for mchard diagnostics of the current version; none for a stale or foreign one', async () => {
    await started();
    const uri = fileUri(tmp.join('h', 'etc', 'memcached.conf'));
    await session.open(uri, DEBIAN);
    const mc101 = (await session.diagnosticsOf(uri, 1)).find((d) => d.code === 'MC101')!;
    const foreign: Diagnostic = { ...mc101, source: 'other', data: undefined };
    expect(await session.codeActions(uri, mc101.range, [foreign], ['quickfix'])).toEqual([]);
    // The line moves down by one: the old diagnostic no longer matches a finding there.
    await session.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# moved\n' }]);
    expect(await session.codeActions(uri, mc101.range, [mc101], ['quickfix'])).toEqual([]);
    const moved = (await session.diagnosticsOf(uri, 2)).find((d) => d.code === 'MC101')!;
    expect(moved.range.start.line).toBe(4);
    expect(await session.codeActions(uri, moved.range, [moved], ['quickfix'])).toHaveLength(1);
  });

  it('suppression comments and the nearest .mchardrc apply, and an edited .mchardrc counts on the next lint', async () => {
    await started();
    const dir = tmp.join('i');
    tmp.write('i/.mchardrc', '[rules]\nlisten-all-interfaces = warning\nMC504 = off\n');
    const uri = fileUri(join(dir, 'etc', 'memcached.conf'));
    await session.open(uri, DEBIAN);
    const diags = await session.diagnosticsOf(uri, 1);
    expect(diags.find((d) => d.code === 'MC101')?.severity).toBe(2);
    expect(diags.map((d) => d.code)).not.toContain('MC504');
    // The same text elsewhere (no .mchardrc above it) has both at their defaults.
    const other = fileUri(tmp.join('i2', 'etc', 'memcached.conf'));
    await session.open(other, DEBIAN);
    const plain = await session.diagnosticsOf(other, 1);
    expect(plain.find((d) => d.code === 'MC101')?.severity).toBe(1);
    expect(plain.map((d) => d.code)).toContain('MC504');
    // A suppression comment.
    const suppressed = DEBIAN.replace('-l 0.0.0.0', '# mchard-disable-next-line MC101 -- firewalled\n-l 0.0.0.0');
    await session.change(other, 2, [{ text: suppressed }]);
    expect((await session.diagnosticsOf(other, 2)).map((d) => d.code)).not.toContain('MC101');
    // An invalid .mchardrc: one diagnostic naming it, no findings.
    tmp.write('i/.mchardrc', '[rules]\nMC999 = off\n');
    await session.change(uri, 2, [{ text: DEBIAN + '\n' }]);
    const bad = await session.diagnosticsOf(uri, 2);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ severity: 1, source: 'mchard', range: { start: { line: 0, character: 0 } } });
    expect(bad[0].message).toContain(`${join(dir, '.mchardrc')}: unknown rule "MC999"`);
  });

  it('.mchardrc is watched: a change to it re-lints the open documents', async () => {
    await started();
    const uri = fileUri(tmp.join('w', 'etc', 'memcached.conf'));
    const rc = tmp.write('w/.mchardrc', '[rules]\n');
    await session.open(uri, DEBIAN);
    expect((await session.diagnosticsOf(uri, 1)).find((d) => d.code === 'MC101')?.severity).toBe(1);
    expect(session.registrations).toEqual([
      expect.objectContaining({ method: 'workspace/didChangeWatchedFiles', registerOptions: { watchers: [{ globPattern: '**/.mchardrc' }] } }),
    ]);
    tmp.write('w/.mchardrc', '[rules]\nMC101 = info\n');
    await session.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: fileUri(rc), type: 2 }] });
    // The same version, linted again with the new severity.
    const again = await session.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'MC101' && d.severity === 3));
    expect(again.diagnostics.length).toBeGreaterThan(0);
  });

  it('a baseline hides what it records, as lint --baseline does; the client may name it; an unusable one hides nothing', async () => {
    // The baseline is made by the CLI from the file as committed: MC101 and the others recorded.
    const file = tmp.write('b/etc/memcached.conf', DEBIAN);
    const base = tmp.join('b', 'mchard-baseline.json');
    expect(runBin(['lint', '--baseline', base, '--update-baseline', file], { cwd: tmp.path }).code).toBe(0);
    const uri = fileUri(file);
    const withNew = DEBIAN + '-vv\n';
    // Given on the command line.
    session = LspSession.start({ cwd: tmp.path, args: ['--baseline', base] });
    await session.initialize();
    await session.open(uri, withNew);
    expect((await session.diagnosticsOf(uri, 1)).map((d) => d.code)).toEqual(['MC502']);
    expect(lintIds('etc/memcached.conf', withNew)).toEqual(expect.arrayContaining(['MC101', 'MC502']));
    session.kill();
    // Named by the client, relative to the workspace folder.
    session = LspSession.start({ cwd: tmp.path });
    await session.initialize(CLIENT_CAPABILITIES, fileUri(tmp.join('b')), { baseline: 'mchard-baseline.json' });
    await session.open(uri, withNew);
    expect((await session.diagnosticsOf(uri, 1)).map((d) => d.code)).toEqual(['MC502']);
    expect(session.registrations[0].registerOptions).toEqual({ watchers: [{ globPattern: '**/.mchardrc' }, { globPattern: '**/mchard-baseline.json' }] });
    // Broken: every finding shows, and the editor is told why (once).
    writeFileSync(base, '{"version": 2, "files": {}}');
    await session.change(uri, 2, [{ text: withNew + '\n' }]);
    const all = (await session.diagnosticsOf(uri, 2)).map((d) => d.code);
    expect(all).toEqual(expect.arrayContaining(['MC101', 'MC502']));
    await session.change(uri, 3, [{ text: withNew }]);
    await session.diagnosticsOf(uri, 3);
    const warned = session.messages.filter((m) => m.message.includes('baseline'));
    expect(warned).toHaveLength(1);
    expect(warned[0].message).toContain(`${base}: not a valid mchard baseline: version 2 is not supported`);
  });

  it("a workspace's baseline that links out of the workspace is not read: the editor is told why, never the linked file's keys", async () => {
    const file = tmp.write('h/etc/memcached.conf', DEBIAN);
    const secret = tmp.write('private/tokens.json', '{"c2VjcmV0LXRva2Vu": {"user": "deploy"}}\n');
    symlinkSync(secret, tmp.join('h', 'mchard-baseline.json'));
    session = LspSession.start({ cwd: tmp.path });
    await session.initialize(CLIENT_CAPABILITIES, fileUri(tmp.join('h')), { baseline: 'mchard-baseline.json' });
    const uri = fileUri(file);
    await session.open(uri, DEBIAN);
    expect((await session.diagnosticsOf(uri, 1)).map((d) => d.code)).toContain('MC101');
    const warned = session.messages.filter((m) => m.message.includes('baseline'));
    expect(warned.map((m) => m.message)).toEqual([
      `mchard: the baseline is not used (every finding is shown): ${tmp.join('h', 'mchard-baseline.json')}: cannot read the baseline: a symbolic link leads it to ${secret}, outside ${tmp.join('h')}; not read (name it by its real path to use it)`,
    ]);
    expect(JSON.stringify(session.messages)).not.toContain('c2VjcmV0');
  });

  it('a manifest of two memcached containers: each finding at its own container, its fix safety its own; no code action (the format is known only from the content)', async () => {
    await started();
    // Compose checks only the first memcached service; a Kubernetes manifest is the format whose instances are
    // all linted (parts). The containers differ: the second sets -m twice (MC803), the first has two arguments.
    const manifest = (name: string, args: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: memcached\n          image: memcached:1.6.38\n          args: ${args}\n`;
    const text = `${manifest('small', '["-U", "0"]')}---\n${manifest('big', '["-U", "0", "-X", "-m64", "-m", "128"]')}`;
    const uri = fileUri(tmp.join('k8s', 'memcached.yaml'));
    await session.open(uri, text);
    const diags = await session.diagnosticsOf(uri, 1);
    expect(diags.map((d) => d.code).sort()).toEqual(lintIds('k8s/memcached.yaml', text).sort());
    const mc803 = diags.filter((d) => d.code === 'MC803');
    expect(mc803).toHaveLength(1);
    // Line 31 (0-based 30) is the second container's args; -m64 starts at character 35 (inside its quotes).
    expect(mc803[0]).toMatchObject({ range: { start: { line: 30, character: 35 } }, data: { ruleId: 'MC803', fix: 'safe' } });
    // MC504 (no -X) is the first container's only: the second has -X.
    expect(diags.filter((d) => d.code === 'MC504').map((d) => d.range.start.line)).toEqual([14]);
    // As mchard fix does not write a format it only guessed without --dialect, the server offers no edit.
    expect(await session.codeActions(uri, mc803[0].range, mc803, ['quickfix', 'source.fixAll'])).toEqual([]);
  });

  it('a document mchard does not read gets no diagnostics, whatever it holds', async () => {
    await started();
    // (A Dockerfile that runs memcached is read now: the dockerfile dialect.)
    const script = "import memcache\nprint(memcache.Client(['0.0.0.0:11211']).get('k'))\n";
    const uri = fileUri(tmp.join('j', 'cache.py'));
    await session.open(uri, script);
    expect(await session.diagnosticsOf(uri, 1)).toEqual([]);
    // Control: the same server lints a Debian file opened after it.
    const deb = fileUri(tmp.join('j', 'etc', 'memcached.conf'));
    await session.open(deb, DEBIAN);
    expect((await session.diagnosticsOf(deb, 1)).length).toBeGreaterThan(0);
  });

  // Host-file access (LintSettings.hostFiles) is none by default: the server never reads a file a document names.
  it('a unit naming an EnvironmentFile= on this host: the server does not read it', async () => {
    await started();
    const env = tmp.write('o/secret.env', 'OPTIONS="-l 0.0.0.0 --secret-token-XYZ"\n');
    const unit = `[Service]\nEnvironmentFile=${env}\nExecStart=/usr/bin/memcached $OPTIONS\n`;
    const uri = fileUri(tmp.join('o', 'memcached.service'));
    await session.open(uri, unit);
    const diags = await session.diagnosticsOf(uri, 1);
    expect(diags.map((d) => d.code)).toContain('MC910');
    expect(diags.map((d) => d.code)).not.toContain('MC101');
    for (const d of diags) expect(d.message).not.toContain('XYZ');
  });

  it('an unsaved buffer (untitled:) is read by its content, with no .mchardrc, when the content tells its format', async () => {
    await started();
    // Debian's stock header says who reads the file: read, diagnostics.
    const uri = 'untitled:Untitled-1';
    await session.open(uri, `# memcached default config file\n${DEBIAN}`);
    expect((await session.diagnosticsOf(uri, 1)).map((d) => d.code)).toContain('MC101');
    // Option lines alone only let mchard guess the format: not read, as lint refuses it.
    const bare = 'untitled:Untitled-2';
    await session.open(bare, DEBIAN);
    expect(await session.diagnosticsOf(bare, 1)).toEqual([]);
  });

  it('a huge document and documents with control characters: one diagnostic each, the server keeps serving', async () => {
    await started();
    const huge = fileUri(tmp.join('k', 'etc', 'memcached.conf'));
    // 2 MiB of option lines.
    await session.open(huge, '-l 0.0.0.0\n'.repeat(200_000));
    const h = await session.diagnosticsOf(huge, 1);
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ code: 'MC001', severity: 1 });
    expect(h[0].message).toMatch(/2200000 bytes, more than the 1048576 mchard reads/);
    const nul = fileUri(tmp.join('k2', 'etc', 'memcached.conf'));
    await session.open(nul, '-l 0.0.0.0\n-m 64\0\n');
    const n = await session.diagnosticsOf(nul, 1);
    expect(n).toEqual([expect.objectContaining({ code: 'MC001', message: expect.stringContaining('binary data (NUL byte at offset 16)') })]);
    // Escape sequences, a bidirectional override, C1 controls and lone surrogates: linted; no raw control reaches a message.
    const esc = fileUri(tmp.join('k3', 'etc', 'memcached.conf'));
    const hostile = '-l 0.0.0.0\n-u \x1b]52;c;AAAA\x07\x1b[2J\u202e\x9b\ud800x\n-o \x1b[31mred\n\r\r\n-p 1\udc00\n';
    await session.open(esc, hostile);
    const e = await session.diagnosticsOf(esc, 1);
    expect(e.length).toBeGreaterThan(0);
    for (const d of e) expect(d.message).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
    // YAML nested 200,000 deep (the parser's recursion overflows the stack): one diagnostic, no crash.
    const deep = fileUri(tmp.join('k5', 'docker-compose.yml'));
    await session.open(deep, `services:\n  memcached:\n    image: memcached\n    command: ${'['.repeat(200_000)}\n`);
    const dd = await session.diagnosticsOf(deep, 1);
    expect(dd).toEqual([expect.objectContaining({ severity: 1, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })]);
    // A "billion laughs" Compose file (nine levels of nine aliases): refused as lint refuses it (MC001,
    // cannot read), not expanded, not an internal error.
    const bomb = fileUri(tmp.join('k6', 'docker-compose.yml'));
    const levels = 'abcdefghi';
    const lol = [`x-a: &a [${Array(9).fill('"lol"').join(',')}]`, ...[...levels].slice(1).map((n, k) => `x-${n}: &${n} [${Array(9).fill(`*${levels[k]}`).join(',')}]`)].join('\n');
    await session.open(bomb, `${lol}\nservices:\n  memcached:\n    image: memcached\n`);
    const bd = await session.diagnosticsOf(bomb, 1);
    expect(bd).toEqual([expect.objectContaining({ code: 'MC001', severity: 1, message: expect.stringMatching(/^cannot read the document: YAML aliases expand the document far beyond its text \(an alias bomb/) })]);
    // Still serving: a code action request and a new document.
    expect(await session.codeActions(esc, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll.mchard'])).toEqual(expect.any(Array));
    const after = fileUri(tmp.join('k4', 'etc', 'memcached.conf'));
    await session.open(after, DEBIAN);
    expect((await session.diagnosticsOf(after, 1)).map((d) => d.code)).toContain('MC101');
    expect(session.child.exitCode).toBeNull();
  });

  it('typing in a large document is debounced: a burst of changes is linted once, at its last version', async () => {
    await started();
    const uri = fileUri(tmp.join('l', 'etc', 'memcached.conf'));
    // 60 KiB: over the small-document threshold.
    const base = '# padding line for a large memcached configuration file\n'.repeat(1100) + DEBIAN;
    await session.open(uri, base);
    await session.diagnosticsOf(uri, 1);
    // A keystroke every 25 ms, as someone typing.
    for (let v = 2; v <= 21; v++) {
      await session.change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }]);
      await new Promise((r) => setTimeout(r, 25));
    }
    await session.diagnosticsOf(uri, 21);
    const versions = session.published.filter((p) => p.uri === uri).map((p) => p.version);
    expect(versions[0]).toBe(1);
    expect(versions[versions.length - 1]).toBe(21);
    // Twenty changes, each within the quiet time of the one before: at most a couple of intermediate lints.
    expect(versions.length).toBeLessThanOrEqual(4);
  });

  it('closing a document clears its diagnostics', async () => {
    await started();
    const uri = fileUri(tmp.join('m', 'etc', 'memcached.conf'));
    await session.open(uri, DEBIAN);
    await session.diagnosticsOf(uri, 1);
    await session.close(uri);
    const cleared = await session.diagnostics(uri, (p) => p.version === undefined && p.diagnostics.length === 0);
    expect(cleared.diagnostics).toEqual([]);
  });

  it('shutdown then exit: exit status 0; exit without shutdown: 1', async () => {
    await started();
    expect(await session.shutdown()).toMatchObject({ code: 0, result: null });
    await started();
    expect(await session.exitNow()).toMatchObject({ code: 1 });
  });

  it('a client without versioned edits gets plain changes', async () => {
    session = LspSession.start({ cwd: tmp.path });
    await session.initialize({ textDocument: { publishDiagnostics: {}, codeAction: {} } });
    const uri = fileUri(tmp.join('n', 'etc', 'memcached.conf'));
    await session.open(uri, DEBIAN);
    const mc101 = (await session.diagnosticsOf(uri, 1)).find((d) => d.code === 'MC101')!;
    const [a] = await session.codeActions(uri, mc101.range, [mc101], ['quickfix']);
    expect(a.edit!.documentChanges).toBeUndefined();
    expect(apply(DEBIAN, a.edit!.changes![uri])).toBe(fixWrites('etc/memcached.conf', DEBIAN));
  });
});

