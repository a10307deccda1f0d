/**
 * containerVerdict answers null at once for a file of a dialect that is no container's (the exposure
 * rules ask it about every file of a run). Held here to what it did before that first line (ask its two
 * readers, podReachOf and containerReach), for every dialect, with a real Compose file's and a real
 * Kubernetes manifest's notes put into the file, for any listeners.
 */
import fc from 'fast-check';
import { containerReach, containerVerdict, podReachOf } from '../../src/dialects/container-reach.js';
import { DIALECTS } from '../../src/dialects/detect.js';
import type { ParsedConfig } from '../../src/dialects/types.js';
import { lintText } from '../helpers/lint.js';
import { loadDialect } from '../../src/dialects/index.js';

beforeAll(async () => {
  await loadDialect('compose');
  await loadDialect('kubernetes');
});

const COMPOSE = 'services:\n  cache:\n    image: memcached:1.6.21\n    ports:\n      - "11211:11211"\n';
const KUBE = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\nspec:\n  selector:\n    matchLabels:\n      app: cache\n  template:\n    metadata:\n      labels:\n        app: cache\n    spec:\n      containers:\n        - name: memcached\n          image: memcached:1.6.21\n          ports:\n            - containerPort: 11211\n`;

const listener = fc.record({
  transport: fc.constantFrom('tcp', 'udp', 'unix'),
  port: fc.option(fc.constantFrom(11211, 11212, 80, 0), { nil: undefined }),
  address: fc.option(fc.constantFrom('0.0.0.0', '127.0.0.1', '::', 'cache.local'), { nil: undefined }),
});

describe('containerVerdict', () => {
  it('is null exactly where its readers made it null, for every dialect, whatever the notes and listeners', () => {
    const compose = lintText(COMPOSE, { dialect: 'compose', path: '/repo/docker-compose.yml' }).config;
    const kube = lintText(KUBE, { dialect: 'kubernetes', path: '/repo/deploy.yaml' }).config;
    expect(compose.notes.map((n) => n.kind)).toContain('container-reach');
    expect(kube.notes.map((n) => n.kind)).toContain('pod-reach');
    const noteSets = [compose.notes, kube.notes, [...compose.notes, ...kube.notes], []];
    let answered = 0;
    fc.assert(
      fc.property(fc.constantFrom(...DIALECTS), fc.constantFrom(...noteSets), fc.array(listener, { maxLength: 4 }), (dialect, notes, ls) => {
        const config = { ...compose, dialect, notes } as unknown as ParsedConfig;
        const ports = ls.flatMap((l) => ((l.transport === 'tcp' || l.transport === 'udp') && typeof l.port === 'number' ? [{ port: l.port, transport: l.transport as 'tcp' | 'udp' }] : []));
        // What the function did before its first line: ask podReachOf, then (without a pod-reach note) containerReach.
        const before = podReachOf(config, ls) === null && (notes.some((n) => n.kind === 'pod-reach') || containerReach(config, ports) === null);
        const verdict = containerVerdict(config, ls);
        expect(verdict === null).toBe(before);
        if (verdict) answered++;
        if (!['compose', 'dockerfile', 'kubernetes', 'helm'].includes(dialect)) expect(verdict).toBeNull();
      }),
      { numRuns: 400 },
    );
    expect(answered).toBeGreaterThan(0);
  });

  it('still judges a Compose file and a Kubernetes manifest', async () => {
    const compose = lintText(COMPOSE, { dialect: 'compose', path: '/repo/docker-compose.yml' });
    expect(containerVerdict(compose.config, compose.model.listeners)?.reach).toBe('host');
    const kube = lintText(KUBE, { dialect: 'kubernetes', path: '/repo/deploy.yaml' });
    expect(containerVerdict(kube.config, kube.model.listeners)).not.toBeNull();
  });
});
