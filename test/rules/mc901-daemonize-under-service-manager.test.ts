import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';
import { loadDialect } from '../../src/dialects/index.js';

beforeAll(async () => {
  for (const d of ['kubernetes', 'helm', 'dockerfile'] as const) await loadDialect(d);
});

const debianDefault = readFileSync(new URL('../../samples/debian-default.conf', import.meta.url), 'utf8');

describe('MC901 daemonize-under-service-manager', () => {
  it('reports -d that is not at the start of a Debian line', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-m 64 -d\n');
    const f = findings(r, 'MC901');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-d');
    expect(f[0].message).toContain('fork');
    expect(f[0].message).toContain('Restart=always');
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'remove-option', option: expect.objectContaining({ written: '-d' }) })]);
  });

  it('points at the letter d in a -vd cluster and hands the option event to the fix', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-vd\n');
    const f = findings(r, 'MC901');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('d');
    expect(f[0].message).toContain('"-vd"');
    const intent = fixOf(f[0])?.intents[0];
    expect(intent?.kind).toBe('remove-option');
    if (intent?.kind === 'remove-option') {
      expect(intent.option.spec.short).toBe('d');
      expect(intent.option.clusterOffset).toBe(2);
    }
  });

  it('reports the long form --daemon', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n--daemon\n');
    const f = findings(r, 'MC901');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('--daemon');
  });

  it('reports -d inside a sysconfig OPTIONS', () => {
    const r = lintText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -d"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC901');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(5);
    expect(pointedText(r, f[0])).toBe('-d');
    expect(f[0].message).toContain('OPTIONS');
  });

  it('accepts lines starting with -d, which the Debian wrapper drops', () => {
    expect(findings(lintText('-d\n-u memcache\n-l 127.0.0.1\n'), 'MC901')).toHaveLength(0);
    expect(findings(lintText('-dv\n-u memcache\n-l 127.0.0.1\n'), 'MC901')).toHaveLength(0);
    expect(findings(lintText(debianDefault), 'MC901')).toHaveLength(0);
  });

  it('accepts files without -d', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-v\n'), 'MC901')).toHaveLength(0);
    expect(findings(lintText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1,::1"\n', { dialect: 'sysconfig' }), 'MC901')).toHaveLength(0);
  });

  it("reports -d in a container's command line: a Kubernetes container's args, the Bitnami chart's values, a Dockerfile", () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  containers:\n    - name: memcached\n      image: memcached:1.6.38\n      args: ["-U", "0", "-d"]\n';
    const k = lintText(pod, { dialect: 'kubernetes', path: '/srv/k8s/cache.yaml' });
    const f = findings(k, 'MC901');
    expect(f.map((x) => x.severity)).toEqual(['error']);
    expect(pointedText(k, f[0])).toBe('-d');
    expect(f[0].message).toMatch(/the container's command or args .*CrashLoopBackOff/);
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'remove-option' })]);
    const values = 'image:\n  registry: docker.io\n  repository: bitnami/memcached\n  tag: 1.6.39-debian-12-r0\nextraEnvVars:\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: "-U 0 -d"\n';
    expect(findings(lintText(values, { dialect: 'helm', path: '/srv/chart/values.yaml' }), 'MC901').map((x) => x.severity)).toEqual(['error']);
    expect(findings(lintText('FROM memcached:1.6.38\nCMD ["-U", "0", "-d"]\n', { dialect: 'dockerfile', path: '/srv/app/Dockerfile' }), 'MC901')).toHaveLength(1);
    expect(findings(lintText(pod.replace(', "-d"', ''), { dialect: 'kubernetes', path: '/srv/k8s/cache.yaml' }), 'MC901')).toEqual([]);
  });
});
