/**
 * A fake /proc entry for one memcached process (its command line, status, cgroup, descriptors and the
 * socket tables of its network namespace), for the audit pipeline's tests.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

export function fakeProc(root: string, pid: number, words: string[], cgroup: string, sockets: { table: string; local: string; st: string; inode: number }[]) {
  const dir = `${root}/${pid}`;
  mkdirSync(`${dir}/fd`, { recursive: true });
  writeFileSync(`${dir}/cmdline`, words.join('\u0000') + '\u0000');
  writeFileSync(`${dir}/comm`, 'memcached\n');
  writeFileSync(`${dir}/status`, 'Name:\tmemcached\nUid:\t0\t0\t0\t0\n');
  writeFileSync(`${dir}/cgroup`, cgroup);
  sockets.forEach((s, i) => symlinkSync(`socket:[${s.inode}]`, `${dir}/fd/${i + 3}`));
  symlinkSync('/dev/null', `${dir}/fd/0`);
  mkdirSync(`${dir}/net`, { recursive: true });
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6', 'unix']) {
    const rows = sockets
      .filter((s) => s.table === table)
      .map((s, i) => `   ${i}: ${s.local} 00000000:0000 ${s.st} 00000000:00000000 00:00000000 00000000     0        0 ${s.inode} 1 0000000000000000 100 0 0 10 0\n`);
    writeFileSync(`${dir}/net/${table}`, (table === 'unix' ? 'Num       RefCount Protocol Flags    Type St Inode Path\n' : HEADER) + rows.join(''));
  }
}
