import { findings, lintText } from '../helpers/lint.js';
import { loadDialect } from '../../src/dialects/index.js';
import { compareVersions, parseVersion } from '../../src/memcached/version.js';
import { VULNERABILITIES } from '../../rules/mc920-known-vulnerable-version.js';

const compose = (body: string) => lintText(`services:\n  cache:\n${body.replace(/^/gm, '    ')}\n`, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
const mc920 = (r: ReturnType<typeof lintText>) => findings(r, 'MC920');

beforeAll(async () => {
  await loadDialect('compose');
  await loadDialect('dockerfile');
});

describe('MC920 known-vulnerable-version', () => {
  it('the table: every row has CVEs, a fix after its first affected release, a feature and a source', () => {
    for (const row of VULNERABILITIES) {
      expect(row.cves.every((c) => /^CVE-\d{4}-\d{4,}$/.test(c))).toBe(true);
      const fixed = parseVersion(row.fixed)!;
      expect(fixed).not.toBeNull();
      if (row.introduced) expect(compareVersions(parseVersion(row.introduced)!, fixed)).toBeLessThan(0);
      expect(row.source).toMatch(/^https?:\/\//);
    }
    // CVE-2022-26635 is PHP-Memcached's (a client), not memcached's: not in the table.
    expect(VULNERABILITIES.flatMap((r) => r.cves)).not.toContain('CVE-2022-26635');
  });

  it("an image tag before a fix whose feature the configuration uses is an error, pointed at the image", () => {
    // 1.6.1: CVE-2020-10931 (binary protocol, on by default), CVE-2020-22570 (any).
    const r = compose('image: memcached:1.6.1\ncommand: ["-U", "0"]');
    const f = mc920(r);
    expect(f.filter((x) => x.severity === 'error').map((x) => x.message.match(/CVE-[\d-]+/)![0]).sort()).toEqual(['CVE-2020-10931', 'CVE-2020-22570']);
    expect(r.config.source.slice(f[0].span!)).toBe('memcached:1.6.1');
    // UDP off, no proxy, no -Y: those rows are one info.
    const info = f.filter((x) => x.severity === 'info');
    expect(info).toHaveLength(1);
    expect(info[0].message).toMatch(/CVE-2022-48571 \(1\.6\.8; UDP is off\)/);
    expect(info[0].message).toMatch(/CVE-2021-37519 \(1\.6\.10; no -Y\)/);
    expect(info[0].message).toMatch(/upgrading to 1\.6\.10 or later/);
  });

  it('-B ascii takes the binary-protocol rows out of the errors', () => {
    const f = mc920(compose('image: memcached:1.6.1\ncommand: ["-U", "0", "-B", "ascii"]'));
    expect(f.filter((x) => x.severity === 'error').map((x) => x.message.match(/CVE-[\d-]+/)![0])).toEqual(['CVE-2020-22570']);
    expect(f.find((x) => x.severity === 'info')!.message).toMatch(/CVE-2020-10931 \(1\.6\.2; -B ascii turns the binary protocol off\)/);
  });

  it('proxy mode counts only with -o proxy_config; UDP before 1.5.6 is on by default', () => {
    const proxy = mc920(compose('image: memcached:1.6.21\ncommand: ["-U", "0", "-o", "proxy_config=/etc/proxy.lua"]'));
    expect(proxy.filter((x) => x.severity === 'error').map((x) => x.message.match(/CVE-[\d-]+, CVE-[\d-]+/)?.[0])).toEqual(['CVE-2023-46852, CVE-2023-46853']);
    const noProxy = mc920(compose('image: memcached:1.6.21\ncommand: ["-U", "0"]'));
    expect(noProxy.map((x) => x.severity)).toEqual(['info']);
    const old = mc920(compose('image: memcached:1.4.25'));
    const errors = old.filter((x) => x.severity === 'error').map((x) => x.message.match(/CVE-[\d-]+/)![0]);
    expect(errors).toEqual(expect.arrayContaining(['CVE-2018-1000115', 'CVE-2016-8704', 'CVE-2017-9951', 'CVE-2018-1000127']));
    // 1.4.25 predates the "lru mode" command (1.4.35): CVE-2019-11596 does not apply.
    expect(old.some((x) => x.message.includes('CVE-2019-11596'))).toBe(false);
  });

  it('a floating tag counts only when every release of it is affected', () => {
    expect(mc920(compose('image: memcached:1.5-alpine\ncommand: ["-U", "0"]')).some((x) => x.severity === 'error' && x.message.includes('CVE-2020-22570'))).toBe(false);
    expect(mc920(compose('image: memcached:1.5-alpine\ncommand: ["-U", "0"]')).some((x) => x.severity === 'error' && x.message.includes('CVE-2019-11596'))).toBe(false);
    expect(mc920(compose('image: memcached:1.4')).some((x) => x.message.includes('CVE-2017-9951'))).toBe(false);
    expect(mc920(compose('image: memcached:1.4')).some((x) => x.message.includes('CVE-2018-1000115'))).toBe(true);
    expect(mc920(compose('image: memcached:1.6'))).toEqual([]);
    expect(mc920(compose('image: memcached:latest'))).toEqual([]);
    expect(mc920(compose('image: memcached@sha256:0123456789abcdef'))).toEqual([]);
    expect(mc920(compose('image: memcached:${TAG}'))).toEqual([]);
  });

  it("a tag from a variable is judged for its default's release in one warning that says it is only the default", () => {
    const f = mc920(compose('image: memcached:${TAG:-1.4.25}'));
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(f[0].message).toMatch(/^the image memcached:\$\{TAG:-1\.4\.25\} \(memcached 1\.4\.25 unless TAG is set\)/);
    expect(f[0].message).toMatch(/CVE-2017-9951/);
    expect(f[0].message).toMatch(/when it keeps its default/);
    // The default names a release without these vulnerabilities: nothing.
    expect(mc920(compose('image: memcached:${TAG:-1.6.45}'))).toEqual([]);
    // A Dockerfile's build argument: the same.
    const d = lintText('ARG V=1.4.25\nFROM memcached:$V\nCMD ["-U", "0"]\n', { dialect: 'dockerfile' }).findings.filter((x) => x.ruleId === 'MC920');
    expect(d.map((x) => x.severity)).toEqual(['warning']);
    expect(d[0].message).toMatch(/^the image memcached:\$V \(memcached 1\.4\.25 unless V is set\)/);
  });

  it("Bitnami's tags name the release too", () => {
    const f = mc920(compose('image: bitnami/memcached:1.6.9-debian-10-r204\nenvironment:\n  MEMCACHED_EXTRA_FLAGS: "-U 0"'));
    expect(f.some((x) => x.severity === 'error' && x.message.includes('CVE-2021-37519'))).toBe(false); // no -Y
    expect(f.some((x) => x.message.includes('CVE-2021-37519'))).toBe(true);
    expect(mc920(compose('image: bitnami/memcached:1.6.39'))).toEqual([]);
  });

  it('for host files the version is the installed one: a warning, since distributions backport fixes', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-U 0\n', { options: { version: parseVersion('1.4.15')!, versionExplicit: true, versionSource: 'the installed memcached' } });
    const f = mc920(r);
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
    expect(f.filter((x) => x.severity === 'warning').length).toBeGreaterThan(0);
    expect(f[0].message).toMatch(/memcached 1\.4\.15 \(the installed memcached\)/);
    expect(f[0].message).toMatch(/backport/);
    // No version known: nothing said.
    expect(mc920(lintText('-u memcache\n-l 127.0.0.1\n-U 0\n'))).toEqual([]);
  });

  it('an image whose options the file does not show: the feature rows are warnings', () => {
    const r = compose('image: bitnami/memcached:1.6.9\nenv_file: memcached.env');
    expect(r.config.argvUnknown).toBeTruthy();
    const f = mc920(r);
    expect(f.find((x) => x.message.includes('CVE-2021-37519'))?.severity).toBe('warning');
  });

  it('a Dockerfile: the official image its FROM names', () => {
    const r = lintText('FROM memcached:1.6.1-alpine\nCMD ["memcached", "-U", "0"]\n', { dialect: 'dockerfile', path: '/srv/Dockerfile' });
    expect(mc920(r).filter((x) => x.severity === 'error')).toHaveLength(2);
    expect(r.config.source.slice(mc920(r)[0].span!)).toBe('FROM memcached:1.6.1-alpine');
  });
});
