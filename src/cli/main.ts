/**
 * The `mchard` program: dispatches to a command; usage errors exit 2, internal errors too, never a stack
 * trace. Everything a command writes to standard output and error passes `guardTerminal` here, so no
 * control character from a file, a process or a probe reaches a terminal raw, whatever the command.
 */
import { UsageError } from './args.js';
import { suggestion } from '../suggest.js';
import { currentFile, processIo, type Io } from './io.js';
import { VERSION } from '../version.js';
import { guardTerminal, visible, shorten } from '../report/visible.js';

export const MAIN_HELP = `Usage: mchard COMMAND [options] [FILE...]

memcached configuration linter and hardener.

Commands:
  lint [FILE...]      check configuration files (default: the system's)
  inspect FILE...     show what memcached will do with a file
  fix [FILE...]       fix what can be fixed (shows the diff, asks first)
  audit [FILE...]     check the memcached processes running on this machine
  rules               list the rules
  explain RULE        show a rule's documentation
  lsp --stdio         run the language server, for editors
  help [COMMAND]      show help

Options:
  -h, --help          show help
  -V, --version       show mchard's version

Run "mchard help COMMAND" for a command's options.
`;

type Command = (argv: string[], io: Io) => Promise<number>;

/** Commands load on demand, so a command never pays for another's modules. */
const COMMANDS: Record<string, () => Promise<{ run: Command; help: string }>> = {
  lint: async () => {
    const m = await import('./lint.js');
    return { run: m.runLint, help: m.LINT_HELP };
  },
  inspect: async () => {
    const m = await import('./inspect.js');
    return { run: m.runInspect, help: m.INSPECT_HELP };
  },
  audit: async () => {
    const m = await import('./audit.js');
    return { run: m.runAudit, help: m.AUDIT_HELP };
  },
  fix: async () => {
    const m = await import('./fix.js');
    return { run: m.runFix, help: m.FIX_HELP };
  },
  rules: async () => {
    const m = await import('./rules.js');
    return { run: m.runRules, help: m.RULES_HELP };
  },
  explain: async () => {
    const m = await import('./rules.js');
    return { run: m.runExplain, help: m.EXPLAIN_HELP };
  },
  lsp: async () => {
    const m = await import('../lsp/command.js');
    return { run: m.runLsp, help: m.LSP_HELP };
  },
};

/** The message for a command mchard does not have, with the nearest one when there is one. */
function unknownCommand(cmd: string): string {
  const hint = suggestion(cmd, [...Object.keys(COMMANDS), 'help']);
  if (hint) return `unknown command "${cmd}" (${hint})`;
  if (cmd.startsWith('-')) return `unknown option ${cmd.split('=')[0]} before the command: options follow it (mchard COMMAND [options]; try mchard --help)`;
  return `unknown command "${cmd}" (try mchard --help)`;
}

/** The streams of a run, each write passed through the terminal guard. */
export function guardedIo(io: Io): Io {
  return {
    out: (text) => io.out(guardTerminal(text)),
    // Only the build's checked bytes come this way (Io.outBytes); without the method, none do.
    ...(io.outBytes ? { outBytes: (data: Uint8Array) => io.outBytes!(data) } : {}),
    err: (text) => io.err(guardTerminal(text)),
    get stdoutStream() {
      return io.stdoutStream;
    },
    get stdinIsTTY() {
      return io.stdinIsTTY;
    },
  };
}

export async function main(argv: string[], rawIo: Io = processIo): Promise<number> {
  const io = guardedIo(rawIo);
  const [cmd, ...rest] = argv;
  currentFile.path = null;
  try {
    if (cmd === undefined) {
      // A usage error: the help goes to standard error, so it never lands in redirected output.
      io.err(MAIN_HELP);
      return 2;
    }
    if (cmd === '-h' || cmd === '--help') {
      io.out(MAIN_HELP);
      return 0;
    }
    if (cmd === '-V' || cmd === '--version') {
      io.out(`mchard ${VERSION}\n`);
      return 0;
    }
    if (cmd === 'help') {
      if (rest.length === 0) {
        io.out(MAIN_HELP);
        return 0;
      }
      const load = COMMANDS[rest[0]];
      if (!load) throw new UsageError(unknownCommand(rest[0]));
      io.out((await load()).help);
      return 0;
    }
    const load = COMMANDS[cmd];
    if (!load) throw new UsageError(unknownCommand(cmd));
    return await (await load()).run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mchard: ${e.message}\n`);
      return 2;
    }
    // A failure no command caught: say which file was being worked on, in one line.
    const where = currentFile.path !== null ? ` while processing ${visible(currentFile.path)}` : '';
    io.err(`mchard: internal error${where}: ${visible(shorten(String((e as Error)?.message ?? e), 300))}\n`);
    if (process.env.MCHARD_DEBUG) io.err(`${(e as Error)?.stack}\n`);
    return 2;
  }
}
