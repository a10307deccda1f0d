import { findings, lintText } from '../helpers/lint.js';
import { loadDialect } from '../../src/dialects/index.js';

const compose = (image: string) => lintText(`services:\n  cache:\n    image: ${image}\n`, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
const mc921 = (image: string) => findings(compose(image), 'MC921');

const lintAs = (dialect: 'kubernetes' | 'helm' | 'dockerfile', path: string, text: string) => findings(lintText(text, { dialect, path }), 'MC921');
const pod = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  containers:\n    - name: memcached\n      image: ${image}\n`;
const values = (body: string) => lintAs('helm', '/srv/chart/values.yaml', body);

beforeAll(async () => {
  for (const d of ['compose', 'kubernetes', 'helm', 'dockerfile'] as const) await loadDialect(d);
});

describe('MC921 image-not-updated', () => {
  it("Bitnami's legacy repository and the old Docker Hub name are warnings", () => {
    const legacy = mc921('bitnamilegacy/memcached:1.6.39-debian-12-r0');
    expect(legacy.map((f) => f.severity)).toEqual(['warning']);
    expect(legacy[0].message).toMatch(/no updates since Bitnami's catalog change of August 28, 2025/);
    expect(mc921('docker.io/bitnami/memcached:1').map((f) => f.severity)).toEqual(['warning']);
    expect(mc921('bitnami/memcached:latest')[0].message).toMatch(/no longer pulls from Docker Hub/);
    expect(mc921('public.ecr.aws/bitnami/memcached:1.6.39')[0].message).toMatch(/June 10, 2026/);
  });

  it('bitnamisecure is fine under latest; another tag is an info', () => {
    expect(mc921('bitnamisecure/memcached:latest')).toEqual([]);
    expect(mc921('bitnamisecure/memcached')).toEqual([]);
    expect(mc921('bitnamisecure/memcached:1.6.39').map((f) => f.severity)).toEqual(['info']);
  });

  it('other images are not its business', () => {
    expect(mc921('memcached:1.6.45')).toEqual([]);
    expect(mc921('myregistry.example/bitnami/memcached:1.6.39')).toEqual([]);
  });

  it("every format that names an image: a Kubernetes container, the Bitnami chart's image values, a Dockerfile's FROM", () => {
    const k8s = lintText(pod('docker.io/bitnamilegacy/memcached:1.6.39-debian-12-r0'), { dialect: 'kubernetes', path: '/srv/k8s/cache.yaml' });
    const f = findings(k8s, 'MC921');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(k8s.config.source.slice(f[0].span!)).toBe('docker.io/bitnamilegacy/memcached:1.6.39-debian-12-r0');
    expect(lintAs('kubernetes', '/srv/k8s/cache.yaml', pod('memcached:1.6.39'))).toEqual([]);

    // The chart's image.registry/repository/tag, and global.imageRegistry over image.registry.
    expect(values('image:\n  registry: docker.io\n  repository: bitnamilegacy/memcached\n  tag: 1.6.39-debian-12-r0\n').map((x) => x.severity)).toEqual(['warning']);
    expect(values('image:\n  registry: public.ecr.aws\n  repository: bitnami/memcached\n  tag: 1.6.39\n')[0].message).toMatch(/June 10, 2026/);
    expect(values('global:\n  imageRegistry: public.ecr.aws\nimage:\n  registry: docker.io\n  repository: bitnami/memcached\n  tag: 1.6.39\n')[0].message).toMatch(/public\.ecr\.aws/);
    expect(values('image:\n  registry: docker.io\n  repository: bitnamisecure/memcached\n  tag: latest\n')).toEqual([]);

    expect(lintAs('dockerfile', '/srv/app/Dockerfile', 'FROM bitnamilegacy/memcached:1.6.39\nENV MEMCACHED_EXTRA_FLAGS="-U 0"\n').map((x) => x.severity)).toEqual(['warning']);
    // Only the final stage's image runs.
    expect(lintAs('dockerfile', '/srv/app/Dockerfile', 'FROM bitnamilegacy/memcached:1.6.39 AS old\nFROM memcached:1.6.39\nCMD ["memcached", "-U", "0"]\n')).toEqual([]);
  });
});
