/**
 * mchard's language server: one connection (vscode-languageserver, JSON-RPC over the streams given),
 * open documents kept in sync (incrementally), each linted on open and, debounced, on change, its
 * diagnostics published with the document's version and cleared on close; code actions for the fixes
 * the findings offer, one per finding and one for every safe fix of the file.
 *
 * Nothing a document holds can stop the server: each lint's failure is that document's diagnostic and a
 * log message, each handler's failure a log message and an empty answer.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  CodeActionKind,
  CodeActionRequest,
  CodeActionResolveRequest,
  createConnection,
  ErrorCodes,
  ResponseError,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type ClientCapabilities,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type Features,
  type InitializeResult,
  type RemoteConsole,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../engine/types.js';
import type { FixPlan } from '../fix/plan.js';
import { VERSION } from '../version.js';
import { visible, visibleBlock } from '../report/visible.js';
import { lintDocument, readerOf, type DocumentLint, type DocumentPlace } from './analysis.js';
import { diagnosticsOf, droppedDiagnostics, findingRange, isFindingData } from './diagnostics.js';
import { fixDescription, fixSafety, planFindingFix, planSafeFixes, textEdits } from './fixes.js';
import { checkedSync, framedInput, validRange } from './guard.js';

/** The code action kind of "fix every safe problem in this file" (editors run it on save when asked). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.mchard`;

/**
 * Above this many characters, a client that resolves code actions gets them without their edits, which
 * are planned only when one is chosen (codeAction/resolve): planning lints the document a few times, and
 * editors ask for code actions at every cursor move.
 */
export const LAZY_PLAN_CHARS = 64 * 1024;

/**
 * At most this many findings' fixes are planned for one code-action request (each plan lints the document
 * a few times). A request for a range holding many diagnostics (a selection of the whole document) planned
 * every one: 100 diagnostics of a 45 kB document held the server 25 s, and longer for a longer one. Past
 * the limit a client that resolves code actions gets them unplanned (their edits come with resolve);
 * another gets no more quick fixes in that answer (the fix-all action still fixes them).
 */
export const MAX_PLANNED_ACTIONS = 8;

/** What a code action to be resolved carries: the document version it was made for, and which action. */
interface ActionData {
  uri: string;
  version: number;
  /** A finding's index, or 'all' for fix all. */
  target: number | 'all';
}

function isActionData(v: unknown): v is ActionData {
  const d = v as ActionData;
  return typeof d === 'object' && d !== null && typeof d.uri === 'string' && Number.isInteger(d.version) && (d.target === 'all' || Number.isInteger(d.target));
}

/** Quiet time after a change before the document is linted again: longer for long documents. */
export function debounceMs(length: number): number {
  return length <= 32 * 1024 ? 100 : 400;
}

/** Where a document is, from its URI: a file: URI is a file on disk; any other scheme only names it. */
export function placeOf(uri: string): DocumentPlace {
  try {
    const u = new URL(uri);
    if (u.protocol === 'file:') {
      const path = fileURLToPath(u);
      // A path of 4096 bytes or more (PATH_MAX) names no file on this disk: nothing beside it is looked up
      // (a URI 500,000 folders deep had the server ask for a .mchardrc in each, for minutes).
      return { path, file: Buffer.byteLength(path) < 4096 ? path : null };
    }
    return { path: decodeURIComponent(u.pathname), file: null };
  } catch {
    return { path: uri, file: null };
  }
}

type Linted = Extract<DocumentLint, { outcome: 'linted' }>;

interface DocState {
  /** The last lint published. */
  lint?: DocumentLint;
  /** A lint under way, for one version. */
  running?: { version: number; promise: Promise<DocumentLint | undefined> };
  timer?: NodeJS.Timeout;
  /** Code actions of the last lint, by finding index; `all` for the fix-all action (null: none). */
  actions: Map<number | 'all', CodeAction | null>;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** How the server was started: `baseline`, the file given with `mchard lsp --baseline FILE`. */
export interface ServerOptions {
  readonly baseline?: string | null;
}

/**
 * The baseline file a session uses: `--baseline` first, else the client's `initializationOptions.baseline`;
 * a relative path is taken from the first workspace folder (or the root URI), else the server's folder.
 */
export function baselineFor(given: string | null | undefined, params: { initializationOptions?: unknown; workspaceFolders?: { uri: string }[] | null; rootUri?: string | null }): string | null {
  const fromClient = (params.initializationOptions as { baseline?: unknown } | null | undefined)?.baseline;
  const path = given ?? (typeof fromClient === 'string' && fromClient !== '' ? fromClient : null);
  if (path === null) return null;
  if (isAbsolute(path)) return path;
  return resolve(baselineFolder(params), path);
}

/** The folder a relative baseline name is taken from: the first workspace folder (or the root URI), else the server's folder. */
function baselineFolder(params: { workspaceFolders?: { uri: string }[] | null; rootUri?: string | null }): string {
  const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? null;
  return (root ? placeOf(root).file : null) ?? process.cwd();
}

/** For a baseline named by a relative path: the folder it was taken from, which a link must not lead it out of (null: an absolute name). */
export function baselineWithinFor(given: string | null | undefined, params: { initializationOptions?: unknown; workspaceFolders?: { uri: string }[] | null; rootUri?: string | null }): string | null {
  const fromClient = (params.initializationOptions as { baseline?: unknown } | null | undefined)?.baseline;
  const path = given ?? (typeof fromClient === 'string' && fromClient !== '' ? fromClient : null);
  return path === null || isAbsolute(path) ? null : baselineFolder(params);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Whether a codeAction request's parameters are as the protocol says (a hostile client's are not). */
function validCodeActionParams(p: unknown): p is CodeActionParams {
  if (!isObject(p) || !isObject(p.textDocument) || typeof p.textDocument.uri !== 'string' || !isObject(p.context)) return false;
  const { diagnostics, only } = p.context;
  return Array.isArray(diagnostics) && diagnostics.every((d) => isObject(d) && validRange(d.range)) && (only === undefined || only === null || (Array.isArray(only) && only.every((k) => typeof k === 'string')));
}

export function startServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, options: ServerOptions = {}): Connection {
  // Messages past the framing limits never reach the protocol library (src/lsp/guard.ts); what was
  // skipped is said in the editor's log once the connection is there.
  const early: string[] = [];
  let framingProblem = (line: string) => void early.push(line);
  // The editor's log shows what it is sent, and an editor's output panel is often a terminal's emulation:
  // every line sent there is escaped as the CLI's output is (a document's path, a lint's failure and a
  // stack quote text from outside; stacks keep their line breaks), the protocol library's own lines too
  // (it quotes a malformed message or a failing handler's error, text from the client).
  const escapedConsole = {
    __brand: 'features',
    console: (Base: new () => RemoteConsole) =>
      class extends Base {
        override error(m: string) {
          super.error(visibleBlock(String(m)));
        }
        override warn(m: string) {
          super.warn(visibleBlock(String(m)));
        }
        override info(m: string) {
          super.info(visibleBlock(String(m)));
        }
        override log(m: string) {
          super.log(visibleBlock(String(m)));
        }
        override debug(m: string) {
          super.debug(visibleBlock(String(m)));
        }
      },
  } as unknown as Features;
  const connection: Connection = createConnection(escapedConsole, framedInput(input, (line) => framingProblem(line)), output);
  // The editor's log: its console escapes every line (escapedConsole above), mchard's and the library's alike.
  const log = connection.console;
  // Whatever writes to the console (a library's warning) goes to the client's log: standard output is the protocol's.
  framingProblem = (line) => {
    try {
      log.error(`mchard: ${line}`);
    } catch {
      // The connection is gone.
    }
  };
  for (const line of early.splice(0)) framingProblem(line);
  const toLog = (...args: unknown[]) => log.log(format(...args));
  console.log = console.info = console.debug = console.warn = console.error = toLog;

  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocState>();
  let versionedEdits = false;
  let disabledSupport = false;
  let resolveEdits = false;
  let watchConfig = false;
  let shutDown = false;
  let baseline: string | null = null;
  let baselineWithin: string | null = null;
  /** Baseline problems already shown (each once, not on every keystroke). */
  const baselineWarned = new Set<string>();

  const stateOf = (uri: string): DocState => {
    let s = states.get(uri);
    if (!s) {
      s = { actions: new Map() };
      states.set(uri, s);
    }
    return s;
  };
  const logFailure = (what: string, e: unknown) => {
    try {
      log.error(`mchard: ${visible(what)}: ${(e as Error)?.stack ?? String(e)}`);
    } catch {
      // The connection is gone: nobody is left to tell.
    }
  };
  // A notification (window/showMessage), not showWarningMessage's request: every client handles it, and
  // nothing waits for an answer.
  const warn = (message: string) => {
    connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: visible(message) }).catch((e) => logFailure('showing a message', e));
  };
  // A promise nobody awaited that fails is a bug to log, not a reason to end the server (Node.js's default).
  process.on('unhandledRejection', (e) => logFailure('unexpected failure', e));

  /** Lints the document's current version (once), publishes its diagnostics, and returns the lint. */
  function lintNow(doc: TextDocument, force = false): Promise<DocumentLint | undefined> {
    const st = stateOf(doc.uri);
    clearTimeout(st.timer);
    st.timer = undefined;
    if (!force && st.lint?.version === doc.version) return Promise.resolve(st.lint);
    if (!force && st.running?.version === doc.version) return st.running.promise;
    const version = doc.version;
    const promise = (async () => {
      const lint = await lintDocument(placeOf(doc.uri), doc.getText(), version, baseline, baselineWithin);
      if (lint.outcome === 'linted' && lint.baselineProblem && !baselineWarned.has(lint.baselineProblem)) {
        baselineWarned.add(lint.baselineProblem);
        warn(`mchard: the baseline is not used (every finding is shown): ${lint.baselineProblem}`);
      }
      // Closed, or changed since: this lint is of a text that no longer exists.
      if (states.get(doc.uri) !== st || documents.get(doc.uri)?.version !== version) return undefined;
      st.lint = lint;
      st.actions.clear();
      if (lint.outcome === 'failed') log.error(`mchard: ${visible(doc.uri)}: internal error: ${visible(lint.problem)}`);
      await connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: diagnosticsOf(doc, lint) });
      return lint;
    })()
      .catch((e) => {
        logFailure(`linting ${doc.uri}`, e);
        return undefined;
      })
      .finally(() => {
        if (st.running?.promise === promise) st.running = undefined;
      });
    st.running = { version, promise };
    return promise;
  }

  function schedule(doc: TextDocument, delay: number): void {
    const st = stateOf(doc.uri);
    clearTimeout(st.timer);
    st.timer = setTimeout(() => {
      st.timer = undefined;
      const current = documents.get(doc.uri);
      if (current) void lintNow(current, true);
    }, delay);
  }

  connection.onInitialize((params): InitializeResult => {
    // Whatever the client sent (null for an object included): a missing capability is one not announced.
    const caps: ClientCapabilities = isObject(params.capabilities) ? params.capabilities : {};
    versionedEdits = caps.workspace?.workspaceEdit?.documentChanges === true;
    disabledSupport = caps.textDocument?.codeAction?.disabledSupport === true;
    const resolvable = caps.textDocument?.codeAction?.resolveSupport?.properties;
    resolveEdits = Array.isArray(resolvable) && resolvable.includes('edit');
    watchConfig = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    baseline = baselineFor(options.baseline, params);
    baselineWithin = baselineWithinFor(options.baseline, params);
    return {
      capabilities: {
        positionEncoding: 'utf-16',
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      },
      serverInfo: { name: 'mchard', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    log.info(`mchard ${VERSION} language server`);
    // An edited .mchardrc changes every open document's findings.
    if (watchConfig) {
      // So is the baseline (mchard lint --update-baseline rewrites it).
      const watchers = [{ globPattern: '**/.mchardrc' }, ...(baseline ? [{ globPattern: `**/${basename(baseline).replace(/[[\]{}*?]/g, '[$&]')}` }] : [])];
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch((e) => logFailure('watching .mchardrc', e));
    }
  });

  connection.onDidChangeWatchedFiles(() => {
    baselineWarned.clear();
    for (const doc of documents.all()) schedule(doc, 0);
  });

  documents.onDidChangeContent(({ document }) => {
    if (shutDown) return;
    const st = stateOf(document.uri);
    // Just opened: at once. Then once typing pauses.
    if (!st.lint && !st.running) void lintNow(document);
    else schedule(document, debounceMs(document.getText().length));
  });

  documents.onDidClose(({ document }) => {
    const st = states.get(document.uri);
    if (st) clearTimeout(st.timer);
    states.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }).catch((e) => logFailure('clearing diagnostics', e));
  });

  function workspaceEdit(doc: TextDocument, lint: Linted, plan: FixPlan): WorkspaceEdit {
    const edits = textEdits(doc, lint.source.text, plan.text);
    return versionedEdits ? { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits }] } : { changes: { [doc.uri]: edits } };
  }

  /** The finding a diagnostic the client sent stands for, in this lint; null for another server's or a stale one. */
  function findingOf(doc: TextDocument, lint: Linted, d: Diagnostic): { finding: Finding; index: number } | null {
    if (d.source !== 'mchard') return null;
    if (isFindingData(d.data) && d.data.version === lint.version) {
      const f = lint.findings[d.data.index];
      return f && f.ruleId === d.data.ruleId ? { finding: f, index: d.data.index } : null;
    }
    const index = lint.findings.findIndex((f) => f.ruleId === d.code && sameRange(findingRange(doc, f), d.range));
    return index === -1 ? null : { finding: lint.findings[index], index };
  }

  const findingTitle = (finding: Finding, safety: 'safe' | 'unsafe', description: string) =>
    safety === 'safe' ? `mchard: ${description} (${finding.ruleId})` : `mchard, unsafe fix (review before use): ${description} (${finding.ruleId})`;

  function findingAction(doc: TextDocument, lint: Linted, finding: Finding, diagnostic: Diagnostic | undefined): CodeAction | null {
    const safety = fixSafety(finding, lint);
    if (!safety) return null;
    const plan = planFindingFix(lint, finding);
    const description = plan.applied.map((a) => a.description).join('; ') || plan.failed.map((f) => f.description).join('; ');
    const title = findingTitle(finding, safety, description);
    if (!plan.changed) {
      if (!disabledSupport || plan.failed.length === 0) return null;
      return { title, kind: CodeActionKind.QuickFix, diagnostics: diagnostic && [diagnostic], disabled: { reason: plan.failed.map((f) => f.reason).join('; ') } };
    }
    return { title, kind: CodeActionKind.QuickFix, diagnostics: diagnostic && [diagnostic], isPreferred: safety === 'safe', edit: workspaceEdit(doc, lint, plan) };
  }

  function fixAllAction(doc: TextDocument, lint: Linted): CodeAction | null {
    const plan = planSafeFixes(lint);
    if (!plan.changed) return null;
    const n = plan.applied.length;
    return { title: `mchard: fix all safe problems in this file (${n} rule${n === 1 ? '' : 's'})`, kind: FIX_ALL_KIND, edit: workspaceEdit(doc, lint, plan) };
  }

  /** The same actions, unplanned: their edits come with codeAction/resolve. */
  function lazyFindingAction(doc: TextDocument, lint: Linted, finding: Finding, index: number, diagnostic: Diagnostic): CodeAction | null {
    const safety = fixSafety(finding, lint);
    if (!safety) return null;
    const data: ActionData = { uri: doc.uri, version: lint.version, target: index };
    return { title: findingTitle(finding, safety, fixDescription(finding, lint)), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: safety === 'safe', data };
  }

  function lazyFixAllAction(doc: TextDocument, lint: Linted): CodeAction | null {
    if (!lint.findings.some((f) => fixSafety(f, lint) === 'safe')) return null;
    const data: ActionData = { uri: doc.uri, version: lint.version, target: 'all' };
    return { title: 'mchard: fix all safe problems in this file', kind: FIX_ALL_KIND, data };
  }

  /** A cached action of this lint, or the one `make` builds; a failure is logged and gives none. */
  function cached(st: DocState, key: number | 'all', make: () => CodeAction | null): CodeAction | null {
    if (st.actions.has(key)) return st.actions.get(key)!;
    let action: CodeAction | null = null;
    try {
      action = make();
    } catch (e) {
      logFailure(`planning a fix`, e);
    }
    st.actions.set(key, action);
    return action;
  }

  // Registered as plain requests (not onCodeAction): the library's wrapper reads the parameters before
  // any check, so a request with none answered "internal error".
  connection.onRequest(CodeActionRequest.type, async (params: CodeActionParams): Promise<CodeAction[]> => {
    if (!validCodeActionParams(params)) throw new ResponseError(ErrorCodes.InvalidParams, 'mchard: textDocument/codeAction needs textDocument.uri, context.diagnostics (a list, each with a range) and, if given, context.only (a list of kinds)');
    const doc = documents.get(params.textDocument.uri);
    if (!doc || shutDown) return [];
    const lint = await lintNow(doc);
    if (!lint || lint.outcome !== 'linted' || documents.get(doc.uri)?.version !== lint.version) return [];
    // A format only the content told is not edited, as `mchard fix` does not write it without --dialect.
    if (lint.guessed) return [];
    const st = stateOf(doc.uri);
    const lazy = resolveEdits && lint.source.text.length > LAZY_PLAN_CHARS;
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const out: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      let planned = 0;
      for (const d of params.context.diagnostics) {
        const hit = findingOf(doc, lint, d);
        if (!hit) continue;
        const eager = !lazy && (st.actions.has(hit.index) || planned < MAX_PLANNED_ACTIONS);
        if (!eager && !resolveEdits) continue;
        if (eager && !st.actions.has(hit.index)) planned++;
        const action = eager ? cached(st, hit.index, () => findingAction(doc, lint, hit.finding, d)) : lazyFindingAction(doc, lint, hit.finding, hit.index, d);
        if (action) out.push(action);
      }
    }
    if (wants(FIX_ALL_KIND)) {
      const action = lazy ? lazyFixAllAction(doc, lint) : cached(st, 'all', () => fixAllAction(doc, lint));
      if (action) out.push(action);
    }
    return out;
  });

  // The edit of an action listed without one. For a document changed since, the action comes back
  // without an edit (the client applies nothing) and a message says why.
  connection.onRequest(CodeActionResolveRequest.type, async (action: CodeAction): Promise<CodeAction> => {
    if (!isObject(action) || typeof action.title !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'mchard: codeAction/resolve needs a code action (an object with a title)');
    const data = action.data;
    if (!isActionData(data)) return action;
    const doc = documents.get(data.uri);
    const lint = doc && !shutDown ? await lintNow(doc) : undefined;
    if (!doc || !lint || lint.outcome !== 'linted' || lint.version !== data.version || documents.get(doc.uri)?.version !== lint.version) {
      warn('mchard: the document changed since this fix was offered; ask for the fix again');
      return action;
    }
    const st = stateOf(doc.uri);
    const planned =
      data.target === 'all'
        ? cached(st, 'all', () => fixAllAction(doc, lint))
        : lint.findings[data.target]
          ? cached(st, data.target, () => findingAction(doc, lint, lint.findings[data.target as number], action.diagnostics?.[0]))
          : null;
    if (!planned?.edit) {
      const reason = planned?.disabled?.reason ?? 'nothing to change';
      warn(`mchard: ${action.title}: not applied: ${reason}`);
      return action;
    }
    return { ...action, edit: planned.edit };
  });

  connection.onShutdown(() => {
    shutDown = true;
    for (const st of states.values()) clearTimeout(st.timer);
  });

  // The document store sees only well-formed notifications of documents within the size limits; a
  // document past them is no longer followed, and says so.
  const sync = checkedSync(
    connection,
    (line) => log.error(`mchard: ${line}`),
    (uri) => documents.get(uri)?.getText(),
    ({ uri, version, reason, head }) => {
      log.error(`mchard: ${visible(uri)}: ${reason}: no longer followed`);
      // Said on the document only when mchard reads it (as its lint would say it is too large).
      const place = placeOf(uri);
      if (!readerOf(place.path, head, place.file)) return;
      void connection.sendDiagnostics({ uri, version, diagnostics: droppedDiagnostics(reason) }).catch((e) => logFailure('publishing diagnostics', e));
    },
  );
  documents.listen(sync);
  connection.listen();
  return connection;
}
