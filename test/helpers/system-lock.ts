/**
 * Tests that change the machine's own memcached service (/etc/memcached.conf, the init script, the
 * process it starts) take this lock, so two such test files in parallel jest workers never run at once.
 * A directory is created atomically; it holds the owner's pid, and a lock whose owner is dead is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const LOCK = '/tmp/mchard-system-service.lock';

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(`${LOCK}/pid`, 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (up to `timeoutMs`) for the lock; returns the function that releases it. */
export async function lockSystemService(timeoutMs = 600_000): Promise<() => void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(`${LOCK}/pid`, String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Give a new owner a moment to write its pid before judging it dead.
      await new Promise((r) => setTimeout(r, 250));
      if (!ownerAlive()) {
        try {
          // Only a lock that still has no live owner is removed.
          if (!ownerAlive()) rmSync(LOCK, { recursive: true, force: true });
        } catch {
          // another waiter removed it first
        }
      }
      if (Date.now() > until) throw new Error(`timed out waiting for ${LOCK}`);
    }
  }
}
