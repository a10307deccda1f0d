/**
 * Kubernetes' `$(VAR)` expansion (src/dialects/k8s-expand.ts) against the documented rules, edge cases
 * included, and against Kubernetes' own code: test/fixtures/kubernetes-expansion holds the kubelet's
 * expansion package (k8s.io/kubernetes third_party/forked/golang/expansion, with provenance) and a
 * driver; it is built with Debian's golang-go and fed thousands of generated strings.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { kubeExpand, serviceLinkVariable, type EnvBinding } from '../../src/dialects/k8s-expand.js';
import { literalChars, spreadChars, valueOf } from '../../src/dialects/sourced.js';
import { ROOT } from '../helpers/paths.js';

/** mchard's expansion of `input` with these variables defined (each a value the file sets). */
function expand(input: string, vars: Record<string, string> = {}, maybe: (n: string) => string | null = () => null) {
  const lookup = (n: string): EnvBinding | undefined => (Object.prototype.hasOwnProperty.call(vars, n) ? { kind: 'value', chars: literalChars(vars[n], 1000) } : undefined);
  return kubeExpand(literalChars(input, 0), lookup, maybe);
}
const value = (input: string, vars: Record<string, string> = {}) => valueOf(expand(input, vars).chars);

describe('Kubernetes $(VAR) expansion: the documented rules', () => {
  it('$(VAR) is replaced by a defined variable; an undefined one stays as written', () => {
    expect(value('-l $(ADDR)', { ADDR: '0.0.0.0' })).toBe('-l 0.0.0.0');
    expect(value('-l $(ADDR)')).toBe('-l $(ADDR)');
    expect(value('$(A)$(B)', { A: 'x', B: 'y' })).toBe('xy');
    expect(value('$(A)', { A: '' })).toBe('');
  });

  it('$$ is a literal $: $$(VAR) is never expanded, even when VAR is defined', () => {
    expect(value('$$(ADDR)', { ADDR: '0.0.0.0' })).toBe('$(ADDR)');
    expect(value('$$$(ADDR)', { ADDR: 'x' })).toBe('$x');
    expect(value('$$$$(ADDR)', { ADDR: 'x' })).toBe('$$(ADDR)');
    expect(value('a$$b')).toBe('a$b');
  });

  it('a $ that starts no reference, a $ at the end and an unclosed $( stay as written', () => {
    expect(value('$')).toBe('$');
    expect(value('a$')).toBe('a$');
    expect(value('$A')).toBe('$A');
    expect(value('${A}', { A: 'x' })).toBe('${A}');
    expect(value('$(A', { A: 'x' })).toBe('$(A');
    // The name runs to the first ")": here it is "$(A", which is not defined, so all of it stays.
    expect(value('$($(A)', { A: 'x' })).toBe('$($(A)');
    // After an unclosed $( the scan goes on after the "(": the $$ that follows is one $.
    expect(value('$(a$$', { A: 'x' })).toBe('$(a$');
  });

  it('the name is everything up to the first ")", and the value is not expanded again', () => {
    expect(value('$(A B)', { 'A B': 'x' })).toBe('x');
    expect(value('$(A(B)C)', { 'A(B': 'x' })).toBe('xC)');
    expect(value('$()', { '': 'empty name' })).toBe('empty name');
    expect(value('$(A)', { A: '$(B)', B: 'no' })).toBe('$(B)');
  });

  it('a replaced reference points at the $(VAR) text; the note says how the value was read', () => {
    const r = expand('-l $(ADDR)', { ADDR: '10.0.0.5' });
    expect(r.references).toEqual([{ name: 'ADDR', span: { start: 3, end: 10 }, outcome: 'value' }]);
    expect(r.chars.slice(3).every((c) => c.span?.start === 3 && c.span.end === 10)).toBe(true);
  });

  it('a variable the file does not show (valueFrom, envFrom) makes the characters depend on it', () => {
    const r = kubeExpand(literalChars('-l $(POD_IP)', 0), (n) => (n === 'POD_IP' ? { kind: 'unknown', why: 'set from fieldRef status.podIP' } : undefined));
    expect(valueOf(r.chars)).toBe('-l $(POD_IP)');
    expect(r.chars[3].dep).toMatch(/fieldRef status\.podIP/);
    expect(r.references[0].outcome).toBe('unknown');
    // Not defined, but an envFrom source may define it: maybe.
    const m = expand('$(X)', {}, () => 'envFrom configMapRef env may set it');
    expect(m.references[0].outcome).toBe('maybe');
    expect(m.chars[0].dep).toMatch(/envFrom configMapRef env may set it/);
    // A value that itself depends on something carries that on.
    const dep = kubeExpand(literalChars('$(A)', 0), () => ({ kind: 'value', chars: spreadChars('v', null, 'because') }));
    expect(dep.chars[0].dep).toBe('because');
  });

  it('a non-ASCII character after $ is kept (newer kubelets) and marked as depending on the kubelet', () => {
    const r = expand('$é $😀x');
    expect(valueOf(r.chars)).toBe('$é $😀x');
    expect(r.chars[0].dep).toMatch(/pull request 136325/);
    expect(r.chars[3].dep).toMatch(/pull request 136325/);
    expect(r.chars[6].dep).toBeUndefined();
  });

  it('Service link variables: NAME_SERVICE_HOST and friends, the kubernetes Service always', () => {
    for (const n of ['MEMCACHED_SERVICE_HOST', 'MEMCACHED_SERVICE_PORT', 'MEMCACHED_SERVICE_PORT_CLIENT', 'MEMCACHED_PORT', 'MEMCACHED_PORT_11211_TCP', 'MEMCACHED_PORT_11211_TCP_ADDR', 'MY_CACHE_PORT_11211_UDP_PROTO']) {
      expect({ n, link: serviceLinkVariable(n, true) }).toEqual({ n, link: true });
    }
    expect(serviceLinkVariable('MEMCACHED_SERVICE_HOST', false)).toBe(false);
    expect(serviceLinkVariable('KUBERNETES_SERVICE_HOST', false)).toBe(true);
    expect(serviceLinkVariable('POD_IP', true)).toBe(false);
    expect(serviceLinkVariable('MEMCACHED_PORT_NUMBER', true)).toBe(false);
  });
});

const goAvailable = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
const describeGo = goAvailable || process.env.CI ? describe : describe.skip;

describeGo("Kubernetes $(VAR) expansion: the same as Kubernetes' own code (Go)", () => {
  let dir: string;
  let driver: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `mchard-k8s-expand-${process.pid}-`));
    driver = join(dir, 'expand');
    execFileSync('go', ['build', '-o', driver, '.'], {
      cwd: join(ROOT, 'test', 'fixtures', 'kubernetes-expansion'),
      env: { ...process.env, GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath'), GOFLAGS: '-mod=mod', GOPROXY: 'off', GO111MODULE: 'on', CGO_ENABLED: '0' },
      stdio: 'pipe',
    });
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const kubelet = (cases: { input: string; vars: Record<string, string> }[]): string[] => {
    const out = execFileSync(driver, [], { input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 });
    return out.trim().split('\n').map((l) => JSON.parse(l) as string);
  };

  it('the edge cases above', () => {
    const cases = [
      ['-l $(ADDR)', { ADDR: '0.0.0.0' }],
      ['-l $(ADDR)', {}],
      ['$$(ADDR)', { ADDR: 'x' }],
      ['$$$(ADDR)', { ADDR: 'x' }],
      ['$', {}],
      ['a$', {}],
      ['$(A', { A: 'x' }],
      ['$($(A)', { A: 'x' }],
      ['$(a$$', { A: 'x' }],
      ['$(A B)', { 'A B': 'x' }],
      ['$(A(B)C)', { 'A(B': 'x' }],
      ['$()', { '': 'e' }],
      ['$(A)', { A: '$(B)', B: 'no' }],
      ['$é $😀x', {}],
    ] as const;
    const got = kubelet(cases.map(([input, vars]) => ({ input, vars: { ...vars } })));
    cases.forEach(([input, vars], i) => expect({ input, out: value(input, { ...vars }) }).toEqual({ input, out: got[i] }));
  });

  it('3000 generated strings and variable sets give what the kubelet gives', () => {
    const alphabet = fc.constantFrom('$', '$', '(', ')', 'A', 'B', 'AB', '_', ' ', 'x', 'é', '😀', '-l ');
    const input = fc.array(alphabet, { maxLength: 16 }).map((a) => a.join(''));
    const vars = fc.dictionary(fc.constantFrom('A', 'B', 'AB', 'A B', '', '$(A)', 'x'), fc.array(alphabet, { maxLength: 4 }).map((a) => a.join('')), { maxKeys: 4 });
    const cases = fc.sample(fc.record({ input, vars }), { numRuns: 3000, seed: 17 });
    const got = kubelet(cases);
    const diffs = cases.map((c, i) => ({ ...c, mchard: value(c.input, c.vars), kubelet: got[i] })).filter((d) => d.mchard !== d.kubelet);
    expect(diffs).toEqual([]);
  });
});
