/**
 * Running a system tool (dpkg-query, rpm, nft, iptables-legacy-save, nsenter): an argument vector, no
 * shell, a cleaned environment (a fixed PATH, the C locale, nothing inherited), standard input closed, a
 * time limit and an output limit. Callers check first that the tool is root-controlled at its fixed path.
 */
import { createRequire } from 'node:module';

export const CLEAN_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** The tool's standard output, or why it failed (its first line of standard error, or the exit status). */
export function runToolDetailed(tool: string, args: string[], maxBuffer = 8 * 1024 * 1024): { stdout: string } | { error: string } {
  // Loaded here: node:child_process pulls in net, dgram and streams, milliseconds of every lint's start.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(tool, args, { encoding: 'utf8', env: CLEAN_ENV, timeout: 10000, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { error: (r.error as NodeJS.ErrnoException).code ?? r.error.message };
  if (r.status !== 0) {
    const first = String(r.stderr ?? '').split('\n').find((l) => l.trim() !== '');
    return { error: first ? first.trim().slice(0, 300) : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}` };
  }
  return { stdout: r.stdout };
}
