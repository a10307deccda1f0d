/** `mchard lsp --stdio`: the language server, for editors (see server.ts). */
import { parseCommandArgs, UsageError } from '../cli/args.js';
import type { Io } from '../cli/io.js';
import { startServer } from './server.js';

export const LSP_HELP = `Usage: mchard lsp --stdio

Runs mchard as a language server (the Language Server Protocol) on standard
input and output, for editors. Every document mchard reads (decided as lint
decides it: by path, then name, then content) gets lint's findings as
diagnostics, with the rule's ID and a link to its documentation; documents
mchard does not read get none. Quick fixes apply a finding's fix, and
"fix all safe problems" (code action kind source.fixAll.mchard) every safe fix,
exactly as "mchard fix" writes them; an unsafe fix is offered only for its own
finding, titled as unsafe.

The nearest .mchardrc above a document's file and suppression comments apply as
for lint. The server never runs memcached, not even "memcached -V" (set
memcached-version in .mchardrc for a release other than the newest; for a
document under /etc the package database is asked, with dpkg-query or rpm,
which release is installed); besides
the documents it reads only the .mchardrc files above them and what lint reads
beside a file (a unit's drop-ins, never through a link, a Helm values file's
Chart.yaml), never a file a document names (a unit's EnvironmentFile=).
Documents larger than 1 MiB are not linted.

A baseline (see "mchard lint --baseline") hides the findings it records, as
for lint: give it with --baseline FILE or the client's initializationOptions
{"baseline": "FILE"} (a relative path is taken from the workspace folder, and
not read when a link leads it out of that folder). It is read again on every
lint; an unusable one hides nothing and the editor shows why.

Options:
  --stdio            speak the protocol on standard input and output (required)
  --baseline FILE    hide the findings this baseline records

See README.md, "Editor integration", for VS Code, Neovim and Helix.
`;

const OPTIONS = { stdio: { type: 'boolean' }, baseline: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export async function runLsp(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(LSP_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`lsp takes no FILE (got "${positionals[0]}"); editors send the documents`);
  if (!values.stdio) throw new UsageError('lsp needs --stdio: the protocol runs on standard input and output');
  if (io.stdinIsTTY) io.err('mchard lsp: speaking the Language Server Protocol on standard input and output; start it from an editor\n');
  if (values.baseline === '') throw new UsageError('--baseline needs a file name');
  const connection = startServer(process.stdin, process.stdout, { baseline: values.baseline ?? null });
  // The connection ends the process itself (the exit notification, or standard input closed); until then
  // the open streams keep it running.
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
