/** The benchmark's inputs, generated: one ordinary Debian file, a fleet of small files, a large file. */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One Debian file of the usual size: Debian's shipped comments, an insecure setup (findings to print). */
export const ONE_FILE = `# memcached default config file
# 2003 - Jay Bonci <jaybonci@debian.org>
# This configuration file is read by the start-memcached script provided as
# part of the Debian GNU/Linux distribution.

# Run memcached as a daemon. This command is implied, and is not needed for the
# daemon to run.
-d

logfile /var/log/memcached.log

# Start with a cap of 64 megs of memory. It's reasonable, and the daemon default
-m 1024

# Default connection port is 11211
-p 11211

# Run the daemon as root. The start-memcached will default to running as root if no
# -u command is present in this config file
-u root

# Specify which IP address to listen on. The default is to listen on all IP addresses
-l 0.0.0.0

# Limit the number of simultaneous incoming connections. The daemon default is 1024
-c 4096
-vv
`;

/** One Compose file: a memcached service published on every interface, as many repositories have it. */
export const COMPOSE_FILE = `services:
  web:
    image: nginx:1.25
    ports:
      - "8080:80"
  cache:
    image: memcached:1.6.21
    command: memcached -m 256 -c 2048 -v
    ports:
      - "11211:11211"
    restart: unless-stopped
`;

/** A fleet's files: mostly Debian, one in five sysconfig, in a few shapes with varying numbers. */
function fleetFile(i) {
  const port = 11211 + (i % 7);
  const mem = 64 * (1 + (i % 16));
  switch (i % 5) {
    case 0:
      return { rel: `hosts/h${i}/sysconfig/memcached`, text: `PORT="${port}"\nUSER="memcached"\nMAXCONN="${1024 + (i % 100)}"\nCACHESIZE="${mem}"\nOPTIONS="-l 127.0.0.1 -U 0"\n` };
    case 1:
      return { rel: `hosts/h${i}/memcached.conf`, text: `# app server ${i}\n-u memcache\n-m ${mem}\n-p ${port}\n-l 127.0.0.1\n-U 0\n-c 1024\n` };
    case 2:
      return { rel: `hosts/h${i}/memcached.conf`, text: `# cache ${i}, reachable from the web nodes\n-u root\n-m ${mem}\n-l 0.0.0.0\n-c 4096\n-vv\n-A\n` };
    case 3:
      return { rel: `hosts/h${i}/memcached.conf`, text: ONE_FILE.replace('-m 1024', `-m ${mem}`) };
    default:
      return { rel: `hosts/h${i}/memcached.conf`, text: `-u memcache\n-s /run/memcached/memcached.sock\n-a 0770\n-m ${mem}\n# mchard-disable-next-line MC803\n-m ${mem * 2}\n` };
  }
}

export function writeFleet(dir, count) {
  const paths = [];
  for (let i = 0; i < count; i++) {
    const f = fleetFile(i);
    const p = join(dir, f.rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
    paths.push(f.rel);
  }
  return paths;
}

/**
 * A large Debian-style file: comment paragraphs, commented-out options, blank lines, and a pair of option
 * lines after every `proseLines` lines of them (48: about every fifty lines) (values vary, so later ones override earlier ones: duplicate-option findings).
 */
export function writeBigFile(path, bytes, proseLines = 48) {
  const fd = openSync(path, 'w');
  let written = 0;
  const head = '-u memcache\n-l 127.0.0.1\n-p 11211\n-U 0\n';
  writeSync(fd, head);
  written += head.length;
  const prose = [
    '# Start with a cap of 64 megs of memory. It is reasonable, and the daemon default',
    '# Note that the daemon will grow to this size, but does not start out holding this much',
    '# -c 1024',
    '#   Limit the number of simultaneous incoming connections.',
    '',
    '# Lock down all paged memory. Consult with the README and homepage before you do this',
    '# -k',
    '##########################################################################',
  ];
  let block = 0;
  while (written < bytes) {
    const lines = [];
    for (let k = 0; k < proseLines; k++) lines.push(prose[(block + k) % prose.length]);
    lines.push(`-m ${64 + (block % 512)}   # block ${block}`);
    lines.push(`-c ${1024 + (block % 1000)}`);
    const chunk = lines.join('\n') + '\n';
    const room = bytes - written;
    const out = chunk.length <= room ? chunk : chunk.slice(0, room - 1) + '\n';
    writeSync(fd, out);
    written += out.length;
    block++;
  }
  closeSync(fd);
}
