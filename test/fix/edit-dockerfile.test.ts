import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixText } from './helpers.js';
import { loadDialect } from '../../src/dialects/index.js';
import { lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const PATH = '/srv/image/Dockerfile';
const fix = (text: string) => fixText(text, 'dockerfile', {}, PATH);
const argvAfter = (text: string) => lintText(text, { dialect: 'dockerfile', path: PATH }).config.argv.map((t) => t.value);
const DIR = join(ROOT, 'test', 'fixtures', 'real', 'dockerfile');
const real = (prefix: string) => readFileSync(join(DIR, readdirSync(DIR).find((f) => f.startsWith(prefix))!), 'utf8');

beforeAll(async () => {
  await loadDialect('dockerfile');
});

describe('Dockerfile editor', () => {
  it('edits the exec-form CMD in place, in its own separator, with a comment line above (real file 045)', () => {
    const text = real('045');
    const p = fix(text);
    expect(p.failed).toEqual([]);
    // No -X: the image's memcached is what alpine:3.7 installs, whose release the file does not state, and
    // releases before 1.4.34 refuse -X (MC504 says so instead of fixing). -p keeps TCP on 11211: from 1.4.3 to
    // 1.5.3 a lone -U 0 is copied to the TCP port.
    expect(p.applied.map((a) => a.ruleId)).toEqual(['MC111']);
    expect(p.text).toBe(
      text.replace(
        'CMD [ "-l", "0.0.0.0", "-m", "8", "-u", "memcached" ]',
        '# mchard: -U 0 set, -p 11211 set (MC111 udp-not-explicitly-disabled)\nCMD [ "-l", "0.0.0.0", "-m", "8", "-u", "memcached", "-U", "0", "-p", "11211" ]',
      ),
    );
    // Never -l 127.0.0.1 inside a container.
    expect(p.text).toContain('"-l", "0.0.0.0"');
    expect(argvAfter(p.text)).toEqual(['-l', '0.0.0.0', '-m', '8', '-u', 'memcached', '-U', '0', '-p', '11211']);
  });

  it('removes items with their separator', () => {
    const p = fix('FROM alpine\nUSER nobody\nENTRYPOINT ["memcached","-d","-vv","-U","0","-X"]\n');
    expect(p.failed).toEqual([]);
    expect(p.text).toBe('FROM alpine\nUSER nobody\n# mchard: -d removed (MC901 daemonize-under-service-manager)\n# mchard: -v removed (MC502 verbose-logging)\nENTRYPOINT ["memcached","-v","-U","0","-X"]\n');
  });

  it("adds a CMD when the official image's default command runs", () => {
    const p = fix('FROM memcached:1.6.39\nEXPOSE 11211');
    expect(p.text).toBe('FROM memcached:1.6.39\nEXPOSE 11211\n# mchard: -U 0 set (MC111 udp-not-explicitly-disabled)\n# mchard: -X set (MC504 dumping-enabled)\nCMD ["memcached", "-U", "0", "-X"]\n');
    expect(argvAfter(p.text)).toEqual(['-U', '0', '-X']);
  });

  it('edits a plain shell form exactly, and refuses one it cannot write exactly', () => {
    const p = fix('FROM alpine\nUSER nobody\nCMD exec memcached -m 64 -A\n');
    expect(p.failed).toEqual([]);
    expect(p.text).toContain('CMD exec memcached -m 64 -U 0 -p 11211\n');
    const q = fix('FROM alpine\nUSER nobody\nCMD memcached -m 64 \\\n  -A\n');
    expect(q.failed.map((f) => f.reason)).toContain('the command is in shell form with escapes or continued lines; mchard edits only what it can write exactly (use the exec form, a JSON array)');
    expect(q.changed).toBe(false);
    const env = fix('FROM alpine\nUSER nobody\nENV M=64\nCMD memcached -m $M -A\n');
    expect(env.failed[0].reason).toMatch(/not written plainly/);
  });

  it("leaves Bitnami's ENV to where the container runs", () => {
    // ENV gives only the image's default (docker run -e replaces it): -A is a guess, so no fix is planned,
    // and an editor that got one would still leave ENV alone.
    const p = fix('FROM bitnami/memcached:1.6.39\nENV MEMCACHED_EXTRA_FLAGS=-A\n');
    expect(p.changed).toBe(false);
    expect(p.applied).toEqual([]);
    for (const f of p.failed) expect(f.reason).toMatch(/ENV MEMCACHED_\* variables/);
  });

  it('fixes every real Dockerfile it reads without changing what it does not fix', () => {
    for (const f of readdirSync(DIR)) {
      const text = readFileSync(join(DIR, f), 'utf8');
      const p = fix(text);
      if (!p.changed) continue;
      // Only the command instruction and the comment lines mchard adds differ.
      const before = text.split('\n');
      const after = p.text.split('\n').filter((l) => !l.startsWith('# mchard: '));
      const diff = after.filter((l, k) => l !== before[k]);
      expect(diff.length).toBeLessThanOrEqual(1);
      expect(diff.every((l) => /^(CMD|ENTRYPOINT) /.test(l))).toBe(true);
    }
  });
});
