/**
 * A hostile `.mchardrc` (redteam7): a repository's own settings are the pull request author's. A
 * `trusted-networks` list of a megabyte (about 90,000 networks) was parsed again by the exposure of each
 * file and by several rules, IPv6 tried first for each IPv4 network: a one-file lint took 12.6 s. Now each
 * list is parsed once, and an address without a colon only as IPv4 (the same answers).
 */
import { spawnSync } from 'node:child_process';
import { BIN, builtTempDir } from '../cli/helpers.js';
import { parseCidrs } from '../../src/engine/exposure.js';
import ipaddr from 'ipaddr.js';
import { ConfigError, parseConfigText } from '../../src/engine/config.js';
import { RULES } from '../../rules/index.js';

const tmp = builtTempDir();

describe('trusted-networks of a megabyte', () => {
  it('a one-file lint takes seconds, not tens', () => {
    tmp.write('.mchardrc', `trusted-networks = ${'10.0.0.0/8,'.repeat(90_000)}\n`);
    tmp.write('memcached.conf', '-u memcache\n-l 10.1.2.3\n-U 0\n');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json', 'memcached.conf'], { cwd: tmp.path, encoding: 'utf8', timeout: 60_000 });
    const ms = Date.now() - t0;
    expect(r.status).toBe(0);
    // The list is used: 10.1.2.3 is in a trusted network.
    expect(JSON.parse(r.stdout).files[0].findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('MC102');
    expect(ms).toBeLessThan(5000);
  }, 90_000);

  it('parses each network as ipaddr.parseCIDR did, once per list', () => {
    const list = ['10.0.0.0/8', '10/8', '0x0a.0.0.0/8', '1.2.3/24', '01.2.3.4/8', '192.168.1.1', '::1', 'fe80::/10', '::ffff:1.2.3.4/128'];
    const parsed = parseCidrs(list);
    expect(parsed.map(([a, n]) => `${a.toString()}/${n}`)).toEqual(list.map((c) => ipaddr.parseCIDR(c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`)).map(([a, n]) => `${a.toString()}/${n}`));
    expect(parseCidrs(list)).toBe(parsed);
    for (const bad of ['1.2.3.4/33', 'x', '1.2.3.4/8/8', '']) expect(() => parseCidrs([bad])).toThrow(`invalid network "${bad}"`);
  });
});

describe('__proto__ as a key or section (redteam7)', () => {
  // The ini parser drops them without a word: `[__proto__]` with rule severities, or `__proto__ = ...`, was
  // taken silently where any other unknown name is an error. Now it is one, naming the line.
  it.each([
    ['[rules]\n__proto__ = off\n', 2],
    ['[__proto__]\nMC101 = off\n', 1],
    ['fail-on = error\n__proto__ = 1\n', 2],
    ['  "__proto__" = 1\n', 1],
    ['[rules.__proto__]\nx = 1\n', 1],
  ])('%j is an error', (text, line) => {
    expect(() => parseConfigText('/w/.mchardrc', text, RULES)).toThrow(new ConfigError(`/w/.mchardrc: line ${line}: "__proto__" is not a key or section mchard knows`));
  });

  it('a comment or a value that says __proto__ is not', () => {
    expect(parseConfigText('/w/.mchardrc', '# __proto__ = 1\n[rules]\nMC101 = off\n', RULES).severities.get('MC101')).toBe('off');
    expect(() => parseConfigText('/w/.mchardrc', 'fail-on = __proto__\n', RULES)).toThrow('fail-on: "__proto__" is not one of error, warning, info');
  });
});
