/**
 * Where a command's report goes (standard output, or --output FILE written whole or not at all) and the
 * baseline of the run (--baseline, --update-baseline, --prune-baseline), shared by lint, fix and audit.
 * Messages always go to standard error.
 */
import { AtomicFile, AtomicWriteError, writeFileAtomic } from './write-atomic.js';
import {
  BaselineError,
  BaselineRun,
  baselineSize,
  readBaseline,
  serializeBaseline,
  staleLines,
  type BaselineOutcome,
} from '../engine/baseline.js';
import type { BaselineFlag } from './lint-flags.js';
import type { Format } from '../report/index.js';
import type { Io } from './io.js';
import { guardTerminal } from '../report/visible.js';

export interface ReportSink {
  write(text: string): void;
  /** Bytes the build made and checked (Io.outBytes), when the destination takes them as they are. */
  writeBytes?(data: Uint8Array): void;
  /** Makes the report the output file's content (nothing to do on standard output). False: it could not be written. */
  commit(): boolean;
  /** The run produced no report: the output file stays as it was. */
  abort(): void;
}

/** The report's destination; null (with the reason on standard error) when --output cannot be created. */
export function openReportSink(io: Io, output: string | null): ReportSink | null {
  if (output === null) {
    const outBytes = io.outBytes?.bind(io);
    return { write: (t) => io.out(t), ...(outBytes ? { writeBytes: outBytes } : {}), commit: () => true, abort: () => {} };
  }
  let file: AtomicFile;
  try {
    file = new AtomicFile(output);
  } catch (e) {
    if (!(e instanceof AtomicWriteError)) throw e;
    io.err(`mchard: --output ${e.message}\n`);
    return null;
  }
  let failed = false;
  const write = (t: string | Uint8Array) => {
    if (failed) return;
    try {
      // The file gets what standard output would: the terminal and workflow-command guard (src/cli/main.ts)
      // applies to it too. A report file is shown later (`cat report.txt` in a CI step, a terminal), and a
      // text report's line that starts with a file name '::stop-commands::TOKEN' would stop GitHub Actions
      // from reading every later command of the job. The build's checked bytes (writeBytes) pass as they are.
      file.write(typeof t === 'string' ? guardTerminal(t) : t);
    } catch (e) {
      if (!(e instanceof AtomicWriteError)) throw e;
      failed = true;
      io.err(`mchard: --output ${e.message}\n`);
    }
  };
  return {
    write,
    writeBytes: write,
    commit: () => {
      if (failed) return false;
      try {
        file.commit();
        return true;
      } catch (e) {
        if (!(e instanceof AtomicWriteError)) throw e;
        io.err(`mchard: --output ${e.message}\n`);
        return false;
      }
    },
    abort: () => file.abort(),
  };
}

/** The baseline of the run, or null without --baseline. A file that cannot be used: one line and null. */
export function openBaseline(flag: BaselineFlag | null, io: Io): { run: BaselineRun | null; ok: boolean } {
  if (!flag) return { run: null, ok: true };
  try {
    return { run: new BaselineRun(readBaseline(flag.path, flag.write === 'update'), flag.write === 'update'), ok: true };
  } catch (e) {
    if (!(e instanceof BaselineError)) throw e;
    io.err(`mchard: ${e.message}\n`);
    return { run: null, ok: false };
  }
}

/**
 * The baseline's outcome at the end of a run; with --update-baseline or --prune-baseline, the file is
 * written first (what it removed is then no longer stale). Stale entries are shown on standard error for
 * the formats that have no place for them (sarif, github, gitlab); text and JSON reports show them.
 * Null when the baseline could not be written (said on standard error).
 */
export function finishBaseline(run: BaselineRun, flag: BaselineFlag, format: Format, io: Io): BaselineOutcome | null {
  let outcome: BaselineOutcome;
  if (flag.write) {
    const next = run.next(flag.write);
    const size = baselineSize(next);
    try {
      writeFileAtomic(flag.path, serializeBaseline(next));
    } catch (e) {
      if (!(e instanceof AtomicWriteError)) throw e;
      io.err(`mchard: baseline ${e.message}\n`);
      return null;
    }
    const removed = run.stale().length;
    io.err(
      `mchard: ${run.baseline.created ? 'created' : 'wrote'} ${flag.path}: ${size.entries} entr${size.entries === 1 ? 'y' : 'ies'}, ${size.findings} finding${size.findings === 1 ? '' : 's'}` +
        `${removed ? `; ${removed} stale entr${removed === 1 ? 'y' : 'ies'} removed` : ''}\n`,
    );
    outcome = { ...run.outcome({ mode: flag.write, ...size }), stale: [] };
  } else {
    outcome = run.outcome();
  }
  if (format !== 'text' && format !== 'json') for (const l of staleLines(outcome)) io.err(`mchard: ${l}\n`);
  return outcome;
}
