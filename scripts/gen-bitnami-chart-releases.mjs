#!/usr/bin/env node
/**
 * Prints the table of src/dialects/helm-chart-releases.ts from a clone of github.com/bitnami/charts: for
 * every version of Bitnami's memcached chart its history holds (incubator/memcached until the folder was
 * renamed on 2018-04-13, bitnami/memcached since), the memcached release its values.yaml's default image
 * names (`imageTag: 1.4.25-r6`, `image: bitnami/memcached:1.4.33-r3`, then `image.tag: 1.6.39-debian-12-r0`).
 * A chart version seen with more than one release over the commits that carry it (a branch merged later)
 * keeps the lowest and highest. Consecutive chart versions with the same releases are joined.
 *
 *   node scripts/gen-bitnami-chart-releases.mjs /path/to/bitnami-charts
 */
import { execFileSync } from 'node:child_process';

const repo = process.argv[2];
if (!repo) {
  console.error('usage: gen-bitnami-chart-releases.mjs BITNAMI_CHARTS_CLONE');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const show = (commit, path) => {
  try {
    return git('show', `${commit}:${path}`);
  } catch {
    return null;
  }
};
const parse = (t) => t.split('.').map(Number);
const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The memcached release a values.yaml's default image names, or null. */
function releaseOf(values) {
  const m =
    /^imageTag:\s*["']?(\d+\.\d+\.\d+)/m.exec(values) ??
    /^image:\s*["']?[\w./-]*memcached:(\d+\.\d+\.\d+)/m.exec(values) ??
    /^image:[^\n]*\n(?:[ \t]+[^\n]*\n)*?[ \t]+tag:\s*["']?(\d+\.\d+\.\d+)/m.exec(values);
  return m ? m[1] : null;
}

const seen = new Map(); // chart version -> { min, max, last: [date, commit] }
for (const dir of ['incubator/memcached', 'bitnami/memcached']) {
  const log = git('log', 'main', '--format=%H %cs', '--', `${dir}/Chart.yaml`).trim().split('\n');
  for (const line of log) {
    const [commit, date] = line.split(' ');
    const chart = show(commit, `${dir}/Chart.yaml`);
    const values = show(commit, `${dir}/values.yaml`);
    if (!chart || !values) continue;
    const v = /^version:\s*["']?(\d+\.\d+\.\d+)["']?\s*$/m.exec(chart)?.[1];
    const r = releaseOf(values);
    if (!v || !r) continue;
    const e = seen.get(v) ?? { min: r, max: r, commits: [] };
    if (cmp(parse(r), parse(e.min)) < 0) e.min = r;
    if (cmp(parse(r), parse(e.max)) > 0) e.max = r;
    e.commits.push(`${date} ${commit.slice(0, 10)}`);
    seen.set(v, e);
  }
}
const versions = [...seen.keys()].sort((a, b) => cmp(parse(a), parse(b)));
const rows = [];
for (const v of versions) {
  const e = seen.get(v);
  const last = rows[rows.length - 1];
  if (last && last.min === e.min && last.max === e.max) last.to = v;
  else rows.push({ from: v, to: v, min: e.min, max: e.max });
}
for (const r of rows) console.log(`  ['${r.from}', '${r.to}', '${r.min}', '${r.max}'],`);
console.error(`${versions.length} chart versions, ${rows.length} rows; newest ${versions[versions.length - 1]}; main ${git('log', '-1', '--format=%H %cs', 'main').trim()}`);
