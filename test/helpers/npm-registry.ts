/**
 * A package registry on 127.0.0.1 for installing mchard's tarball without the internet. It serves the
 * runtime dependencies recorded in package-lock.json (the entries not marked `dev`), as this checkout's
 * `npm ci` installed them in node_modules/: for each name a packument with every locked version, and
 * for each version a tarball packed from the installed folder (with its sha512 integrity). That is
 * the part of the npm registry protocol `npm install` uses.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';

interface Locked {
  name: string;
  version: string;
  dir: string;
}

export interface Registry {
  url: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

const MANIFEST_FIELDS = ['name', 'version', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu'];

function runtimePackages(root: string): Map<string, Locked[]> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; link?: boolean }>;
  };
  const byName = new Map<string, Locked[]>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.link || !entry.version || !existsSync(join(root, path))) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    byName.set(name, [...(byName.get(name) ?? []), { name, version: entry.version, dir: join(root, path) }]);
  }
  return byName;
}

/** The installed folder as a .tgz (npm strips the first path component, whatever its name). */
function pack(dir: string): Buffer {
  const r = spawnSync('tar', ['-czf', '-', '--exclude=node_modules', '-C', dirname(dir), basename(dir)], { maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`tar failed for ${dir}: ${r.stderr}`);
  return r.stdout;
}

export async function startRegistry(root: string): Promise<Registry> {
  const packages = runtimePackages(root);
  const tarballs = new Map<string, Buffer>();
  const requests: string[] = [];
  let url = '';

  const packument = (name: string) => {
    const versions: Record<string, unknown> = {};
    for (const p of packages.get(name)!) {
      const file = `${name.split('/').pop()}-${p.version}.tgz`;
      const tgz = pack(p.dir);
      tarballs.set(`/${name}/-/${file}`, tgz);
      const manifest = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const picked = Object.fromEntries(MANIFEST_FIELDS.filter((f) => manifest[f] !== undefined).map((f) => [f, manifest[f]]));
      const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
      versions[p.version] = { ...picked, name, version: p.version, dist: { tarball: `${url}/${name}/-/${file}`, integrity } };
    }
    // The hoisted copy is the version npm chose for the top level.
    const top = packages.get(name)!.find((p) => p.dir === join(root, 'node_modules', name)) ?? packages.get(name)![0];
    return { name, 'dist-tags': { latest: top.version }, versions };
  };

  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(path);
    const name = path.slice(1);
    if (packages.has(name)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(packument(name)));
    } else if (tarballs.has(path)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(tarballs.get(path));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
