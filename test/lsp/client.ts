/**
 * A real LSP client for the tests: vscode-languageserver-protocol's client-side connection over the
 * standard streams of `node bin/mchard.js lsp --stdio`, run as its own process. Every JSON-RPC message
 * both ways is also kept, as framed on the wire, for transcripts.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  type ShowMessageParams,
  RegistrationRequest,
  type Registration,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentContentChangeEvent,
  type TextDocumentEdit,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { BIN } from '../cli/helpers.js';

export interface WireMessage {
  dir: 'client→server' | 'server→client';
  message: unknown;
}

/** Splits `Content-Length` framed JSON-RPC messages out of a byte stream. */
function framer(onMessage: (m: unknown) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const headerEnd = buf.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const m = /Content-Length: (\d+)/i.exec(buf.subarray(0, headerEnd).toString('ascii'));
      if (!m) throw new Error('a frame without Content-Length');
      const len = Number(m[1]);
      if (buf.length < headerEnd + 4 + len) return;
      onMessage(JSON.parse(buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8')));
      buf = buf.subarray(headerEnd + 4 + len);
    }
  };
}

/** What a client that supports the usual features announces (VS Code-like). */
export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: { workspaceEdit: { documentChanges: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true, tagSupport: { valueSet: [1, 2] } },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
    },
  },
  general: { positionEncodings: ['utf-16'] },
};

export class LspSession {
  readonly conn: ProtocolConnection;
  readonly wire: WireMessage[] = [];
  /** Every publishDiagnostics, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  stderr = '';
  /** What the server registered (client/registerCapability). */
  readonly registrations: Registration[] = [];
  /** window/showMessage notifications the server sent. */
  readonly messages: ShowMessageParams[] = [];
  private waiters: { test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    const toServer = new PassThrough();
    toServer.on('data', framer((message) => this.wire.push({ dir: 'client→server', message })));
    toServer.pipe(child.stdin);
    const fromServer = new PassThrough();
    child.stdout.on('data', framer((message) => this.wire.push({ dir: 'server→client', message })));
    child.stdout.pipe(fromServer);
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    // The server's own requests (client/registerCapability) are answered as a client does.
    this.conn = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
    this.conn.onRequest(RegistrationRequest.type, (p) => void this.registrations.push(...p.registrations));
    this.conn.onNotification(ShowMessageNotification.type, (p) => void this.messages.push(p));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.conn.onError(() => {});
    this.conn.listen();
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Starts `mchard lsp --stdio` (NODE_EXTRA_CA_CERTS unset: it only slows Node.js's start); `bin`: another
   * mchard executable than this checkout's (an installed package's).
   */
  static start(opts: { cwd?: string; args?: string[]; bin?: string } = {}): LspSession {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(process.execPath, [opts.bin ?? BIN, 'lsp', '--stdio', ...(opts.args ?? [])], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new LspSession(child);
  }

  async initialize(capabilities: ClientCapabilities = CLIENT_CAPABILITIES, rootUri: string | null = null, initializationOptions?: unknown): Promise<InitializeResult> {
    const r = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      ...(rootUri ? { workspaceFolders: [{ uri: rootUri, name: 'root' }] } : {}),
      capabilities,
      clientInfo: { name: 'mchard-test' },
      ...(initializationOptions !== undefined ? { initializationOptions } : {}),
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    return r;
  }

  /** The next publishDiagnostics for `uri` that satisfies `test` (one already received counts only if `since` allows it). */
  diagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
    const seen = this.published.find((p) => p.uri === uri && test(p));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        test: (p) => p.uri === uri && test(p),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** The diagnostics published for exactly this version of the document. */
  diagnosticsOf(uri: string, version: number, timeoutMs?: number): Promise<Diagnostic[]> {
    return this.diagnostics(uri, (p) => p.version === version, timeoutMs).then((p) => p.diagnostics);
  }

  async open(uri: string, text: string, version = 1, languageId = 'memcached'): Promise<void> {
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const r = await this.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
    return (r ?? []) as CodeAction[];
  }

  /** shutdown, then exit; the process's exit status. */
  async shutdown(): Promise<{ code: number | null; signal: NodeJS.Signals | null; result: unknown }> {
    const result = await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const exit = await this.exited;
    this.conn.dispose();
    return { ...exit, result };
  }

  /** exit without shutdown. */
  async exitNow(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await this.conn.sendNotification(ExitNotification.type);
    const exit = await this.exited;
    this.conn.dispose();
    return exit;
  }

  whenExited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  /** Ends the process if a test left it running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.conn.dispose();
  }
}

/** The text edits of a code action for one document (documentChanges or changes). */
export function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const e = action.edit!;
  if (e.documentChanges) {
    const d = e.documentChanges.find((c) => 'textDocument' in c && c.textDocument.uri === uri) as TextDocumentEdit | undefined;
    return (d?.edits ?? []) as TextEdit[];
  }
  return e.changes?.[uri] ?? [];
}

/** Edits applied to a text, as an editor applies them (through LSP positions). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'x', 1, text), edits);
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}
