/**
 * `mchard lsp --stdio` against a hostile client: the built executable as a child process, spoken to in raw
 * Content-Length framing (so the client can send what no library would): URIs naming host files, links
 * to /etc, malformed parameters, endless and malformed headers, oversized messages, documents that grow
 * without end, control characters, a flood, exit without shutdown. The server reads no host file the
 * client only named (strace proves it), never crashes or hangs, holds bounded memory, and every line it
 * sends for a person is escaped.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ensureBuilt, TempDir } from '../cli/helpers.js';
import { fileUri } from './client.js';

interface Message {
  id?: number;
  method?: string;
  params?: { uri?: string; version?: number; diagnostics?: { code?: string; message: string }[]; message?: string; type?: number };
  result?: unknown;
  error?: { code: number; message: string };
}

/** A client that writes raw bytes to the server and parses its framed replies. */
class RawClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly received: Message[] = [];
  readonly exited: Promise<number | null>;
  private out = Buffer.alloc(0);

  constructor(cwd: string, prefix: string[] = []) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const argv = [...prefix, process.execPath, BIN, 'lsp', '--stdio'];
    this.child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => {});
    this.child.stdout.on('data', (d: Buffer) => {
      this.out = Buffer.concat([this.out, d]);
      for (;;) {
        const end = this.out.indexOf('\r\n\r\n');
        if (end === -1) return;
        const len = Number(/Content-Length: (\d+)/i.exec(this.out.subarray(0, end).toString('latin1'))![1]);
        if (this.out.length < end + 4 + len) return;
        this.received.push(JSON.parse(this.out.subarray(end + 4, end + 4 + len).toString('utf8')) as Message);
        this.out = this.out.subarray(end + 4 + len);
      }
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Writes bytes, waiting for the pipe to drain (or the server to end: a pipe nobody reads never drains). */
  async raw(bytes: string | Buffer): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (!this.child.stdin.write(bytes)) await Promise.race([new Promise((r) => this.child.stdin.once('drain', r)), this.exited]);
  }

  /** One framed message (an object is serialised; a string is sent as it is). */
  send(message: unknown): Promise<void> {
    const body = Buffer.from(typeof message === 'string' ? message : JSON.stringify(message), 'utf8');
    return this.raw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  async initialize(): Promise<void> {
    await this.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    await this.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    await this.waitFor((m) => m.id === 1);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'memcached', version, text } } });
  }

  /** The first message received that passes `test`, waiting up to `ms`. */
  async waitFor(test: (m: Message) => boolean, ms = 20_000): Promise<Message> {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const m = this.received.find(test);
      if (m) return m;
      if (this.child.exitCode !== null) break;
    }
    throw new Error(`no such message within ${ms} ms; received: ${JSON.stringify(this.received).slice(0, 2000)}`);
  }

  diagnostics(uri: string, version = 1): Promise<Message> {
    return this.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri && m.params.version === version);
  }

  logs(): string[] {
    return this.received.filter((m) => m.method === 'window/logMessage' || m.method === 'window/showMessage').map((m) => m.params!.message!);
  }

  /** The server's resident memory, in MiB. */
  rssMiB(): number {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))![1]) / 1024;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

const DEBIAN = '-m 64\n-p 11300\n-u memcache\n-l 0.0.0.0\n';
/** Characters no line shown to a person may hold raw: C0 and C1 controls (but line feeds and tabs in a log block), bidirectional overrides. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let tmp: TempDir;
let client: RawClient | undefined;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-lsp-hostile-');
}, 180_000);
afterAll(() => tmp?.cleanup());
afterEach(() => client?.kill());

/** A client connected and initialized, in the temporary folder. */
async function connected(prefix: string[] = []): Promise<RawClient> {
  client = new RawClient(tmp.path, prefix);
  await client.initialize();
  return client;
}

/** A document mchard reads, to show the server still serves. */
async function stillServes(c: RawClient, name: string): Promise<void> {
  const uri = fileUri(tmp.join(name, 'etc', 'memcached.conf'));
  await c.open(uri, DEBIAN);
  const d = await c.diagnostics(uri);
  expect(d.params!.diagnostics!.map((x) => x.code)).toContain('MC101');
  expect(c.child.exitCode).toBeNull();
}

const hasStrace = spawnSync('strace', ['-V']).status === 0;

describe('mchard lsp --stdio against a hostile client', () => {
  (hasStrace ? it : it.skip)('documents whose URIs name host files: only their text is used; strace shows no such file opened', async () => {
    // A folder linking to /etc, and a link to /etc/shadow, in the workspace.
    symlinkSync('/etc', tmp.join('etc-link'));
    symlinkSync('/etc/shadow', tmp.join('shadow-link.conf'));
    const trace = tmp.join('trace.txt');
    const c = await connected(['strace', '-f', '-qq', '-e', 'trace=open,openat,openat2,execve', '-o', trace]);
    const uris = [
      'file:///etc/shadow',
      'file:///proc/self/environ',
      'file:///proc/1/environ',
      'file:///etc/memcached.conf',
      fileUri(tmp.join('etc-link', 'shadow')),
      fileUri(tmp.join('etc-link', 'memcached.conf')),
      fileUri(tmp.join('shadow-link.conf')),
      'file:///etc/%2e%2e/etc/shadow',
      'untitled:/etc/shadow',
      'http://example.invalid/etc/shadow',
      'etc/shadow',
      '../../../../etc/shadow',
      'file:///tmp/a%1B%5D0%3Bowned%07/etc/memcached.conf',
    ];
    for (const uri of uris) await c.open(uri, DEBIAN);
    for (const uri of uris) await c.diagnostics(uri);
    await stillServes(c, 'after-hosts');
    await c.send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
    await c.send({ jsonrpc: '2.0', method: 'exit' });
    expect(await c.exited).toBe(0);
    const opened = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => /open(at2?)?\(/.test(l) && !/ENOENT/.test(l))
      .map((l) => /"([^"]*)"/.exec(l)?.[1] ?? '');
    // Nothing the documents named was opened: not /etc/shadow, not any process's environment, not the links.
    expect(opened.filter((p) => /shadow|environ/.test(p))).toEqual([]);
    // The installed memcached's version is looked up in the package database (dpkg-query, rpm): nothing else runs.
    const execs = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => /execve\("/.test(l) && !/resumed/.test(l))
      .map((l) => /execve\("([^"]*)"/.exec(l)![1]);
    expect(execs.filter((p) => p !== 'strace' && !p.endsWith('/node') && !/\/(dpkg-query|rpm)$/.test(p))).toEqual([]);
  }, 120_000);

  it('an endless message (Content-Length 100 GB): the bytes are skipped as they stream, not held; the editor is told', async () => {
    const c = await connected();
    const before = c.rssMiB();
    await c.raw('Content-Length: 100000000000\r\n\r\n');
    const chunk = Buffer.alloc(1 << 20, 0x61);
    for (let k = 0; k < 256; k++) await c.raw(chunk);
    await c.waitFor((m) => m.method === 'window/logMessage' && /100000000000 bytes/.test(m.params!.message!));
    // 256 MiB sent: the server grew by far less (it held every byte before).
    expect(c.rssMiB() - before).toBeLessThan(100);
    expect(c.logs()).toContain('mchard: a message of 100000000000 bytes from the editor is more than the 16777216 the server reads: skipped');
    expect(c.child.exitCode).toBeNull();
  }, 60_000);

  it('an oversized message is skipped whole; the messages after it are served', async () => {
    const c = await connected();
    const big = `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x","languageId":"m","version":1,"text":"${'a'.repeat(17 * 1024 * 1024)}"}}}`;
    await c.send(big);
    await c.waitFor((m) => m.method === 'window/logMessage' && /from the editor is more than/.test(m.params!.message!));
    await stillServes(c, 'after-big');
  }, 60_000);

  it('a header that never ends, or without Content-Length: one line to the editor, and the server ends (it hung, serving nothing)', async () => {
    let c = await connected();
    await c.raw('Content-Type: application/vscode-jsonrpc\r\n\r\n{}');
    await c.open(fileUri(tmp.join('h1', 'etc', 'memcached.conf')), DEBIAN);
    expect(await c.exited).toBe(1);
    expect(c.logs()).toContain('mchard: the editor sent a message header without a Content-Length (a number of at most 15 digits): not the Language Server Protocol; the server ends');
    c = await connected();
    const before = c.rssMiB();
    await c.raw('Content-Length: 10\r\nX-Padding: ');
    for (let k = 0; k < 64; k++) await c.raw(Buffer.alloc(1 << 20, 0x61));
    expect(await c.exited).toBe(1);
    expect(c.logs()).toContain('mchard: the editor sent a message header longer than 8192 bytes: not the Language Server Protocol; the server ends');
    expect(before).toBeGreaterThan(0);
  }, 60_000);

  it('malformed parameters: an error answer or one log line, never an internal error; the server keeps serving', async () => {
    const c = await connected();
    const uri = fileUri(tmp.join('p', 'etc', 'memcached.conf'));
    await c.open(uri, DEBIAN);
    await c.diagnostics(uri);
    // A number for a URI and no text; no parameters at all; a change without a version.
    await c.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 42, languageId: 'x', version: 'x', text: null } } });
    await c.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: {} });
    await c.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///a\u202e\x1b[2J', version: null }, contentChanges: [{ text: 'x' }] } });
    await c.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: -1 } }, text: 'x' }] } });
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const requests = [
      { textDocument: { uri }, range, context: { diagnostics: [], only: 'quickfix' } },
      { textDocument: { uri }, range, context: { diagnostics: null } },
      { textDocument: { uri }, range, context: { diagnostics: [null, 5] } },
      null,
      { textDocument: { uri }, range, context: { diagnostics: [{ source: 'mchard', code: 'MC101' }] } },
    ];
    for (const [k, params] of requests.entries()) await c.send({ jsonrpc: '2.0', id: 10 + k, method: 'textDocument/codeAction', params });
    await c.send({ jsonrpc: '2.0', id: 20, method: 'codeAction/resolve', params: null });
    await c.send({ jsonrpc: '2.0', id: 21, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///etc/shadow' }, position: { line: 0, character: 0 } } });
    await c.send({ jsonrpc: '2.0', id: 22, method: 'workspace/executeCommand', params: { command: 'sh', arguments: ['-c', 'id'] } });
    for (let k = 0; k < requests.length; k++) {
      const r = await c.waitFor((m) => m.id === 10 + k);
      expect(r.error).toEqual({ code: -32602, message: 'mchard: textDocument/codeAction needs textDocument.uri, context.diagnostics (a list, each with a range) and, if given, context.only (a list of kinds)' });
    }
    expect((await c.waitFor((m) => m.id === 20)).error).toEqual({ code: -32602, message: 'mchard: codeAction/resolve needs a code action (an object with a title)' });
    expect((await c.waitFor((m) => m.id === 21)).error!.code).toBe(-32601);
    expect((await c.waitFor((m) => m.id === 22)).error!.code).toBe(-32601);
    await stillServes(c, 'after-params');
    const said = JSON.stringify(c.received);
    expect(said).not.toMatch(/internal error|Cannot read properties|is not a function|is not iterable/);
    // The malformed notifications were logged, nothing published for them.
    expect(c.logs().filter((l) => / without the parameters the protocol requires/.test(l))).toHaveLength(4);
    expect(c.received.filter((m) => m.method === 'textDocument/publishDiagnostics' && typeof m.params!.uri !== 'string')).toEqual([]);
  }, 60_000);

  it("what the protocol library logs about a client's message is escaped (a bidirectional override, a C1 control)", async () => {
    const c = await connected();
    await c.send({ jsonrpc: '2.0', note: '\u202eevil\u009b31m' });
    const line = await c.waitFor((m) => m.method === 'window/logMessage' && /neither a response nor a notification/.test(m.params!.message!));
    expect(line.params!.message).toContain('\\u202eevil\\x9b31m');
    for (const l of c.logs()) expect(l).not.toMatch(RAW_CONTROL);
  }, 30_000);

  it('a document that grows without end: no longer followed past 8 Mi characters, and says so; the others are unaffected', async () => {
    const c = await connected();
    const uri = fileUri(tmp.join('g', 'etc', 'memcached.conf'));
    await c.open(uri, DEBIAN);
    await c.diagnostics(uri);
    const mib = '#'.repeat(1 << 20);
    const before = c.rssMiB();
    for (let v = 2; v <= 40; v++) {
      await c.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: mib }] } });
    }
    const d = await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params!.uri === uri && /no longer follows/.test(m.params!.diagnostics?.[0]?.message ?? ''));
    expect(d.params!.diagnostics).toEqual([
      expect.objectContaining({
        code: 'MC001',
        message: 'cannot read the document: the document is more than 8388608 characters; mchard no longer follows it (close documents, then open it again) (parse-error)',
      }),
    ]);
    // 39 MiB sent: not all held.
    expect(c.rssMiB() - before).toBeLessThan(200);
    await stillServes(c, 'after-growth');
  }, 60_000);

  it('many large documents: past 64 Mi characters open together, new ones are not followed', async () => {
    const c = await connected();
    const text = `${DEBIAN}${'#'.repeat(3 << 20)}\n`;
    const uris = Array.from({ length: 24 }, (_, k) => fileUri(tmp.join(`m${k}`, 'etc', 'memcached.conf')));
    for (const uri of uris) await c.open(uri, text);
    const last = await c.diagnostics(uris[23]);
    expect(last.params!.diagnostics![0].message).toMatch(/the open documents are more than 67108864 characters together; mchard no longer follows it/);
    // The first ones were followed (and are too large to lint).
    expect((await c.diagnostics(uris[0])).params!.diagnostics![0].message).toMatch(/more than the 1048576 mchard reads/);
    // Closing documents makes room again.
    for (const uri of uris.slice(0, 12)) await c.send({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri } } });
    await stillServes(c, 'after-many');
  }, 90_000);

  it('a burst of 2,100 documents: 2,000 followed, the others say why they are not', async () => {
    const c = await connected();
    const uri = (k: number) => fileUri(tmp.join(`burst${k}`, 'etc', 'memcached.conf'));
    const frames: Buffer[] = [];
    for (let k = 0; k < 2100; k++) {
      const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: uri(k), languageId: 'memcached', version: 1, text: DEBIAN } } });
      frames.push(Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    }
    await c.raw(Buffer.concat(frames));
    expect((await c.diagnostics(uri(1999))).params!.diagnostics!.map((d) => d.code)).toContain('MC101');
    expect((await c.diagnostics(uri(2000))).params!.diagnostics).toEqual([
      expect.objectContaining({ code: 'MC001', message: 'cannot read the document: more than 2000 documents are open; mchard no longer follows it (close documents, then open it again) (parse-error)' }),
    ]);
    // Closing one makes room.
    await c.send({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri: uri(0) } } });
    await stillServes(c, 'after-burst');
  }, 90_000);

  it('a URI 500,000 folders deep (1 MB): linted at once, nothing looked up beside it', async () => {
    const c = await connected();
    const uri = `file:///${'a/'.repeat(500_000)}etc/memcached.conf`;
    const started = Date.now();
    await c.open(uri, DEBIAN);
    const d = await c.diagnostics(uri, 1);
    // It asked for a .mchardrc in each folder, copying the whole path each time: minutes.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(d.params!.diagnostics!.map((x) => x.code)).toContain('MC101');
    await stillServes(c, 'after-deep');
  }, 60_000);

  it('a flood of changes then exit without shutdown: the server ends at once with status 1', async () => {
    const c = await connected();
    const uri = fileUri(tmp.join('f', 'etc', 'memcached.conf'));
    await c.open(uri, DEBIAN);
    const frames: Buffer[] = [];
    for (let v = 2; v <= 20_000; v++) {
      const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `# ${v}\n` }] } });
      frames.push(Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    }
    await c.raw(Buffer.concat(frames));
    await c.diagnostics(uri, 20_000);
    const started = Date.now();
    await c.send({ jsonrpc: '2.0', method: 'exit' });
    expect(await c.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 90_000);
});
