/** `mchard audit`: placeholder until the command lands (issue 8). */
import { UsageError } from './args.js';
import type { Io } from './io.js';

export const AUDIT_HELP = 'Usage: mchard audit [options] [FILE...]\n';

export async function runAudit(_argv: string[], _io: Io): Promise<number> {
  throw new UsageError('audit is not implemented yet');
}
