import { spawnSync } from 'node:child_process';

/**
 * Runs `sh -c script sh ...args` under `unshare FLAGS` (namespaces the test makes: -n a network of loopback
 * only once `ip link set lo up` ran, -m a private mount table), with colour off, for at most 30 s.
 */
export function unshareSh(flags: string[], script: string, args: string[]) {
  return spawnSync('unshare', [...flags, '--', 'sh', '-c', script, 'sh', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
  });
}
