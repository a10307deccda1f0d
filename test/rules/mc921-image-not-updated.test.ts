import { findings, lintText } from '../helpers/lint.js';
import { loadDialect } from '../../src/dialects/index.js';

const compose = (image: string) => lintText(`services:\n  cache:\n    image: ${image}\n`, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
const mc921 = (image: string) => findings(compose(image), 'MC921');

beforeAll(async () => {
  await loadDialect('compose');
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
});
