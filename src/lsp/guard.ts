/**
 * What stands between the editor's bytes and the language server: the client is outside input like any
 * other. Two guards:
 *
 * - `framedInput`: the Content-Length framing, checked before the protocol library buffers anything. The
 *   library keeps every byte of a message until its announced length has arrived, and every byte of a
 *   header until its blank line, with no limit: `Content-Length: 100000000000` followed by a stream of
 *   bytes grew the server without end. Here a header is at most MAX_HEADER_BYTES (more, or one without a
 *   number for Content-Length, is not the protocol: the input ends there, and the server with it), and a
 *   message larger than MAX_MESSAGE_BYTES is skipped as it streams past (counted, never held), with one
 *   line to the editor's log.
 *
 * - `checkedSync`: document notifications whose parameters are not what the protocol says (a number for a
 *   URI, no text, no version) are dropped with one log line instead of reaching the document store, where
 *   they became "internal error" diagnostics or library failures quoting the URI raw; a document may hold
 *   at most MAX_DOCUMENT_CHARS characters, all open documents together at most MAX_OPEN_CHARS, and at
 *   most MAX_OPEN_DOCUMENTS are followed: past that the server stops following the document (it is closed for mchard, and says so on it) instead of
 *   growing with every change.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, NotificationHandler } from 'vscode-languageserver/node';

/** The connection as TextDocuments.listen uses it. */
type TextDocumentConnection = Parameters<TextDocuments<{ uri: string }>['listen']>[0];

/** The largest header section of one message (the protocol's headers are two short lines). */
export const MAX_HEADER_BYTES = 8 * 1024;
/** The largest message read: a 1 MiB document (the most mchard lints) with every character escaped in JSON is 6 MiB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** The most characters one document may hold: larger ones are not followed (they are not linted either: 1 MiB). */
export const MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;
/** The most characters all open documents may hold together. */
export const MAX_OPEN_CHARS = 64 * 1024 * 1024;
/**
 * The most documents followed at once: each costs about 25 kB besides its text (its lint, its findings),
 * and 5,000 small documents opened in a burst grew the server by 120 MB.
 */
export const MAX_OPEN_DOCUMENTS = 2000;

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * The input stream, with each message checked against the limits above before the protocol library sees
 * it: messages within them pass byte for byte; a larger one is skipped; a header that is not the
 * protocol's ends the input. `problem` gets one line for each.
 */
export function framedInput(input: NodeJS.ReadableStream, problem: (line: string) => void): NodeJS.ReadableStream {
  let header = Buffer.alloc(0);
  /** Bytes of the current body still to come, and whether they pass (false: skipped). */
  let body = 0;
  let passing = true;
  let broken = false;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (broken) return done();
      let at = 0;
      while (at < chunk.length) {
        if (body > 0) {
          const n = Math.min(body, chunk.length - at);
          if (passing) this.push(chunk.subarray(at, at + n));
          body -= n;
          at += n;
          continue;
        }
        // A header: up to its blank line, at most MAX_HEADER_BYTES.
        const part = Buffer.concat([header, chunk.subarray(at, at + MAX_HEADER_BYTES + 4)]);
        const end = part.indexOf(CRLF2);
        if (end === -1) {
          if (part.length > MAX_HEADER_BYTES) return fail(`a message header longer than ${MAX_HEADER_BYTES} bytes`, done);
          header = part;
          break;
        }
        const consumed = end + 4 - header.length;
        const text = part.subarray(0, end).toString('latin1');
        header = Buffer.alloc(0);
        at += consumed;
        // Every line `Name: value`, one of them the body's length in bytes.
        if (!text.split('\r\n').every((l) => /^[!-9;-~]+:[ \t]*[ -~]*$/.test(l))) return fail('a malformed message header', done);
        const m = /^content-length:[ \t]*(\d{1,15})[ \t]*$/im.exec(text);
        if (!m) return fail('a message header without a Content-Length (a number of at most 15 digits)', done);
        const length = Number(m[1]);
        passing = length <= MAX_MESSAGE_BYTES;
        if (passing) this.push(part.subarray(0, end + 4));
        else problem(`a message of ${length} bytes from the editor is more than the ${MAX_MESSAGE_BYTES} the server reads: skipped`);
        body = length;
      }
      done();
    },
  });
  const fail = (what: string, done: TransformCallback) => {
    broken = true;
    problem(`the editor sent ${what}: not the Language Server Protocol; the server ends`);
    done();
    // The rest is read and dropped: a client still writing is not left blocked on a full pipe.
    input.unpipe(guard);
    input.resume();
    // A moment later: the answers already under way and the line saying why reach the editor first.
    setTimeout(() => guard.end(), 250);
  };
  input.pipe(guard);
  input.on('error', (e) => guard.destroy(e));
  return guard;
}

/** One line saying what was dropped and why, for the log (escaped there). */
type Problem = (line: string) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function validOpen(p: unknown): p is DidOpenTextDocumentParams {
  const d = isObject(p) ? p.textDocument : undefined;
  return isObject(d) && typeof d.uri === 'string' && Number.isInteger(d.version) && typeof d.text === 'string';
}

export function validRange(r: unknown): boolean {
  const pos = (q: unknown) => isObject(q) && Number.isInteger(q.line) && Number.isInteger(q.character) && (q.line as number) >= 0 && (q.character as number) >= 0;
  return isObject(r) && pos(r.start) && pos(r.end);
}

function validChange(p: unknown): p is DidChangeTextDocumentParams {
  const d = isObject(p) ? p.textDocument : undefined;
  if (!isObject(d) || typeof d.uri !== 'string' || !Number.isInteger(d.version) || !Array.isArray((p as Record<string, unknown>).contentChanges)) return false;
  return ((p as DidChangeTextDocumentParams).contentChanges as unknown[]).every((c) => isObject(c) && typeof c.text === 'string' && (c.range === undefined || validRange(c.range)));
}

function validClose(p: unknown): p is DidCloseTextDocumentParams {
  const d = isObject(p) ? p.textDocument : undefined;
  return isObject(d) && typeof d.uri === 'string';
}

/** What checkedSync tells the server about a document it stopped following. */
export interface Dropped {
  uri: string;
  version: number;
  reason: string;
  /** The start of its text (what detection looks at to tell whether mchard reads it). */
  head: string;
}

/** How much of a dropped document's text is kept to tell whether mchard reads it. */
const HEAD_CHARS = 64 * 1024;

/**
 * The connection as the document store (TextDocuments.listen) sees it: only well-formed document
 * notifications, and documents within the size limits. `length(uri)`: the characters the store holds for
 * a document (-1: none). A document past the limits is closed in the store and `dropped` is called.
 */
export function checkedSync(connection: TextDocumentConnection, problem: Problem, textOf: (uri: string) => string | undefined, dropped: (d: Dropped) => void): TextDocumentConnection {
  /** Characters held, by URI (what the store holds, as the notifications built it). */
  const held = new Map<string, number>();
  let total = 0;
  let closeHandler: NotificationHandler<DidCloseTextDocumentParams> | null = null;
  /** Records what the store holds for a document (-1: nothing). */
  const setHeld = (uri: string, n: number) => {
    total -= held.get(uri) ?? 0;
    if (n < 0) {
      held.delete(uri);
    } else {
      held.set(uri, n);
      total += n;
    }
  };
  const drop = (uri: string, version: number, reason: string, text = textOf(uri) ?? '') => {
    const head = text.slice(0, HEAD_CHARS);
    if (held.has(uri)) closeHandler?.({ textDocument: { uri } });
    setHeld(uri, -1);
    dropped({ uri, version, reason, head });
  };
  const tooLarge = (uri: string, chars: number): string | null =>
    !held.has(uri) && held.size >= MAX_OPEN_DOCUMENTS
      ? `more than ${MAX_OPEN_DOCUMENTS} documents are open`
      : chars > MAX_DOCUMENT_CHARS
      ? `the document is more than ${MAX_DOCUMENT_CHARS} characters`
      : total - (held.get(uri) ?? 0) + chars > MAX_OPEN_CHARS
        ? `the open documents are more than ${MAX_OPEN_CHARS} characters together`
        : null;
  const ignore = (what: string) => problem(`${what} without the parameters the protocol requires (textDocument.uri, version, text): ignored`);
  return {
    onDidOpenTextDocument: (handler) =>
      connection.onDidOpenTextDocument((p) => {
        if (!validOpen(p)) return ignore('textDocument/didOpen');
        const { uri, version, text } = p.textDocument;
        const reason = tooLarge(uri, text.length);
        if (reason) return drop(uri, version, reason, text);
        setHeld(uri, text.length);
        return handler(p);
      }),
    onDidChangeTextDocument: (handler) =>
      connection.onDidChangeTextDocument((p) => {
        if (!validChange(p)) return ignore('textDocument/didChange');
        const { uri, version } = p.textDocument;
        if (!held.has(uri)) return;
        // At most the document's characters now plus every text inserted (a full replacement: its text).
        let bound = held.get(uri)!;
        for (const c of p.contentChanges) bound = 'range' in c && c.range ? bound + c.text.length : c.text.length;
        const reason = tooLarge(uri, bound);
        if (reason) return drop(uri, version, reason);
        const r = handler(p);
        setHeld(uri, textOf(uri)?.length ?? 0);
        return r;
      }),
    onDidCloseTextDocument: (handler) => {
      closeHandler = handler;
      return connection.onDidCloseTextDocument((p) => {
        if (!validClose(p)) return ignore('textDocument/didClose');
        setHeld(p.textDocument.uri, -1);
        return handler(p);
      });
    },
    onWillSaveTextDocument: (handler) => connection.onWillSaveTextDocument((p) => (validClose(p) ? handler(p) : ignore('textDocument/willSave'))),
    onWillSaveTextDocumentWaitUntil: (handler) => connection.onWillSaveTextDocumentWaitUntil((p, token) => (validClose(p) ? handler(p, token) : [])),
    onDidSaveTextDocument: (handler) => connection.onDidSaveTextDocument((p) => (validClose(p) ? handler(p) : ignore('textDocument/didSave'))),
  };
}
