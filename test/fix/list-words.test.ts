/**
 * The word plan the list editors share (Compose's command: list, a Kubernetes container's args, a
 * Dockerfile's exec-form CMD): several letters taken out of one option cluster.
 */
import { planWords, expectedOf } from '../../src/fix/list-words.js';
import { loadDialect } from '../../src/dialects/index.js';
import { lintText } from '../helpers/lint.js';

beforeAll(async () => {
  await loadDialect('compose');
});

const WHERE = { format: 'Compose files', place: 'command:' };

describe('planWords', () => {
  it('removes two letters of one cluster by their places as written (-dA: both go, the word with them)', () => {
    const r = lintText('services:\n  cache:\n    image: memcached:1.6.38\n    command: ["-dA", "-U", "0"]\n', { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
    const ev = (letter: string) => r.model.applied.options.find((o) => o.spec.short === letter)!;
    const both = planWords(r.config, r.model, [{ kind: 'remove-option', option: ev('d') }, { kind: 'remove-option', option: ev('A') }], WHERE);
    expect(expectedOf(r.config, both)).toEqual(['-U', '0']);
    const reversed = planWords(r.config, r.model, [{ kind: 'remove-option', option: ev('A') }, { kind: 'remove-option', option: ev('d') }], WHERE);
    expect(expectedOf(r.config, reversed)).toEqual(['-U', '0']);
    const one = planWords(r.config, r.model, [{ kind: 'remove-option', option: ev('d') }], WHERE);
    expect(expectedOf(r.config, one)).toEqual(['-A', '-U', '0']);
  });

  it('a letter and a tail of one cluster both go, in either order (-dvp 11211 without -d and -p: -v)', () => {
    const r = lintText('services:\n  cache:\n    image: memcached:1.6.38\n    command: ["-dvp", "11211", "-U", "0"]\n', { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
    const ev = (letter: string) => r.model.applied.options.find((o) => o.spec.short === letter)!;
    for (const order of [['d', 'p'], ['p', 'd']]) {
      const plan = planWords(r.config, r.model, order.map((l) => ({ kind: 'remove-option' as const, option: ev(l) })), WHERE);
      expect(expectedOf(r.config, plan)).toEqual(['-v', '-U', '0']);
    }
  });

  it('names the file and the place in a refusal', () => {
    const r = lintText('services:\n  cache:\n    image: memcached:1.6.38\n    command: ["-U", "0"]\n', { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
    expect(() => planWords(r.config, r.model, [{ kind: 'set-option', letter: 'l', value: '$(x)' }], { format: 'Kubernetes manifests', place: "the container's args" })).toThrow(/cannot be written safely in the container's args/);
  });
});
