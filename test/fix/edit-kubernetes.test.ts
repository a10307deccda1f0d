/**
 * fix for Kubernetes manifests and Helm values: edits in the file's own YAML, comments and layout kept.
 * For real files and made ones, a fixed file must still parse, keep every comment, mean the same in
 * every document apart from the edited list or variables, and be byte for byte the original outside
 * the edited ranges; memcached must get exactly what the fixes intend; `-l 127.0.0.1` is never written
 * inside a pod, and who may connect (a Service, a NetworkPolicy) is never edited.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffLines } from 'diff';
import { parseAllDocuments, isMap, isSeq, type Document } from 'yaml';
import { fixText } from './helpers.js';
import { loadDialect } from '../../src/dialects/index.js';
import { editKubernetes, encodeK8sString } from '../../src/fix/edit-kubernetes.js';
import { editCompose } from '../../src/fix/edit-compose.js';
import { planFix } from '../../src/fix/plan.js';
import { SourceText } from '../../src/source.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import type { KubeConfig } from '../../src/dialects/kubernetes.js';
import type { ComposeConfig } from '../../src/dialects/compose.js';
import type { DialectName } from '../../src/dialects/types.js';
import { lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
const fix = (text: string, dialect: DialectName = 'kubernetes', path = '/srv/k8s/memcached.yaml') => fixText(text, dialect, {}, path);
const argvAfter = (text: string, dialect: DialectName = 'kubernetes') => lintText(text, { dialect, path: '/srv/k8s/memcached.yaml' }).config.argv.map((t) => t.value);

/** The documents as Kubernetes decodes them (YAML 1.1), with the named keys of every container and the values' sections removed. */
function meaning(text: string, drop: readonly string[]): unknown[] {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false }) as Document[];
  for (const d of docs) expect(d.errors).toEqual([]);
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) if (!drop.includes(k)) out[k] = strip(v);
      return out;
    }
    return node;
  };
  return docs.map((d) => strip(d.toJS()));
}

/** Every comment of the original is in the fixed text, in order. */
function commentsOf(text: string): string[] {
  return text.split('\n').flatMap((l) => (/#/.test(l) ? [l.slice(l.indexOf('#')).trim()] : []));
}

/** The byte ranges of the original the edit changed lie inside the given spans (the edited lists or values). */
function changedOutside(before: string, after: string, allowed: readonly [number, number][]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const part of diffLines(before, after)) {
    if (part.removed) {
      const inside = allowed.some(([s, e]) => at >= s && at + part.value.length <= e);
      if (!inside) out.push(part.value);
      at += part.value.length;
    } else if (part.added) {
      const inside = allowed.some(([s, e]) => at >= s && at <= e);
      if (!inside) out.push(part.value);
    } else at += part.value.length;
  }
  return out;
}

/** The spans (whole lines) of the given keys' values in every container / values section: what a fix may touch. */
function editableSpans(text: string, keys: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  const visit = (node: unknown) => {
    if (isMap(node)) {
      for (const p of node.items as { key: { value?: unknown; range?: number[] }; value: { range?: number[] } | null }[]) {
        if (keys.includes(String(p.key?.value)) && p.key.range) {
          const start = text.lastIndexOf('\n', p.key.range[0]) + 1;
          const endAt = p.value?.range?.[2] ?? p.value?.range?.[1] ?? p.key.range[1];
          const end = text.indexOf('\n', Math.max(endAt - 1, start));
          spans.push([start, end === -1 ? text.length : end + 1]);
        }
        visit(p.value);
      }
      // New keys go right after the container's image: line.
      const image = (node.items as { key: { value?: unknown }; value: { range?: number[] } | null }[]).find((p) => p.key?.value === 'image');
      if (image?.value?.range) {
        // (the line after its value: a scalar's line, or the last line of the values' image: mapping)
        const at = text.indexOf('\n', image.value.range[1] - 1) + 1;
        spans.push([at, at]);
      }
    } else if (isSeq(node)) for (const i of node.items) visit(i);
  };
  for (const d of parseAllDocuments(text, { version: '1.1' }) as Document[]) visit(d.contents);
  return spans;
}

function checkFixed(before: string, after: string, dialect: DialectName, edited: readonly string[]) {
  expect(meaning(after, edited)).toEqual(meaning(before, edited));
  const kept = commentsOf(before);
  const now = commentsOf(after);
  let k = 0;
  for (const c of now) if (c === kept[k]) k++;
  expect(k).toBe(kept.length);
  expect(changedOutside(before, after, editableSpans(before, edited))).toEqual([]);
  // Read again, it is a file of its dialect with a known command line.
  expect(lintText(after, { dialect, path: '/srv/k8s/x.yaml' }).config.notes.filter((n) => n.kind === 'parse-error')).toEqual([]);
}

beforeAll(async () => {
  await loadDialect('kubernetes');
  await loadDialect('helm');
  await loadDialect('compose');
});

describe('fix of real manifests and values', () => {
  const CASES: [string, DialectName, string[], string[]][] = [
    // file, dialect, keys the fix may edit, what memcached gets after
    ['kubernetes/058-fluxcd-flux-memcache-dep.yaml', 'kubernetes', ['args', 'command', 'env'], ['-m 512', '-I 5m', '-p 11211', '-U', '0', '-X']],
    ['kubernetes/061-femiwiki-kubernetes-memcached-deployment.yaml', 'kubernetes', ['args', 'command', 'env'], ['-U', '0', '-X']],
    ['kubernetes/056-dongweiming-lyanna-memcached.yaml', 'kubernetes', ['args', 'command', 'env'], ['-o', 'modern', '-v', '-I', '20m', '-U', '0', '-X']],
    ['helm/071-jangaraj-mimir-chunks-cache-statefulset.yaml', 'kubernetes', ['args', 'command', 'env'], ['-m 8192', '-o', 'modern', '-I 1m', '-c 16384', '-v', '-u 11211', '-U', '0', '-X']],
    ['helm/118-davidcollom-manifests-memcached.yaml', 'kubernetes', ['args', 'command', 'env'], ['-u', 'memcached', '-p', '11211', '-v', '-U', '0', '-X']],
    ['helm/064-bitnami-charts-values.yaml', 'helm', ['args', 'extraEnvVars'], ['-u', 'memcached', '-p', '11211', '-v', '-U', '0', '-X']],
    ['helm/065-bitnami-charts-values.yaml', 'helm', ['args', 'extraEnvVars'], ['-u', 'memcached', '-p', '11211', '-v', '-U', '0', '-X']],
    ['helm/066-zulip-docker-zulip-values.yaml', 'helm', ['args', 'extraEnvVars'], ['-u', 'memcached', '-p', '11211', '-v', '-S', '-U', '0', '-X']],
  ];
  for (const [file, dialect, keys, want] of CASES) {
    it(`${file}: fixed in place, the rest of the file unchanged`, () => {
      const text = real(file);
      const p = fix(text, dialect);
      expect(p.failed).toEqual([]);
      expect(p.applied.map((a) => a.ruleId)).toEqual(['MC111', 'MC504']);
      expect(argvAfter(p.text, dialect)).toEqual(want);
      checkFixed(text, p.text, dialect, keys);
      // Nothing binds loopback inside the pod; MC101 stays, with the reach it reports.
      expect(argvAfter(p.text, dialect)).not.toContain('127.0.0.1');
      expect(p.after.findings.some((f) => f.ruleId === 'MC101')).toBe(true);
    });
  }

  it('flux: new items go after the last option, in the list\'s plain style, before its commented-out line', () => {
    const p = fix(real('kubernetes/058-fluxcd-flux-memcache-dep.yaml'));
    expect(p.text).toContain('        - -p 11211 # Default port\n        - -U\n        - "0"\n        - -X\n        # - -vv    # Uncomment');
  });
});

describe('kubernetes editor', () => {
  const pod = (container: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\n  labels:\n    app: cache\nspec:\n  containers:\n    - name: memcached\n${container.split('\n').map((l) => `      ${l}`).join('\n')}\n`;

  it('a flow list: options removed and added in place, with its quotes', () => {
    const text = pod("image: memcached:1.6.21 # pinned\nargs: ['-m', '64', '-vv', '-A'] # tuned");
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(p.text).toBe(pod("image: memcached:1.6.21 # pinned\nargs: ['-m', '64', '-v', '-U', '0', '-X'] # tuned"));
    expect(p.touchedLines).toEqual([11]);
  });

  it('a block list: an option\'s own lines go; one that shares its line with a comment is refused', () => {
    const p = fix(pod('image: memcached\nargs:\n  # options\n  - -d\n  - -U\n  - "0"\n  - -X'));
    expect(p.text).toBe(pod('image: memcached\nargs:\n  # options\n  - -U\n  - "0"\n  - -X'));
    const refused = fix(pod('image: memcached\nargs:\n  - -d # why?\n  - -U\n  - "0"\n  - -X'));
    expect(refused.failed.map((f) => [f.ruleId, f.reason])).toEqual([['MC901', expect.stringMatching(/shares its line with other text/)]]);
  });

  it('an item the kubelet expands from $(VAR) is not rewritten', () => {
    const p = fix(pod('image: memcached\nenv:\n  - name: V\n    value: "-vv"\nargs: ["$(V)", "-U", "0", "-X"]'));
    expect(p.failed.map((f) => [f.ruleId, f.reason])).toEqual([['MC502', expect.stringMatching(/expanded by the kubelet/)]]);
  });

  it('the official image with no args: an args: line after image:, indented like the container\'s keys', () => {
    const p = fix(pod('image: memcached:1.6.21\nports:\n  - containerPort: 11211'));
    expect(p.text).toBe(pod('image: memcached:1.6.21\nargs: ["-U", "0", "-X"]  # mchard: added args: (MC111)\nports:\n  - containerPort: 11211'));
    // args: [] becomes the list.
    expect(fix(pod('image: memcached:1.6.21\nargs: []')).text).toBe(pod('image: memcached:1.6.21\nargs: ["-U", "0", "-X"]'));
  });

  it('command: [memcached]: options go after the program', () => {
    const p = fix(pod('image: memcached\ncommand:\n  - memcached\n  - -vv'));
    expect(p.text).toBe(pod('image: memcached\ncommand:\n  - memcached\n  - -v\n  - -U\n  - "0"\n  - -X'));
  });

  it("Bitnami's image: MEMCACHED_EXTRA_FLAGS edited word by word, or added to env", () => {
    const p = fix(pod('image: bitnami/memcached:1.6.21\nenv:\n  # flags\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: "-A -vv"'));
    expect(p.failed).toEqual([]);
    expect(p.text).toBe(pod('image: bitnami/memcached:1.6.21\nenv:\n  # flags\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: "-U 0 -X"'));
    const added = fix(pod('image: bitnami/memcached:1.6.21'));
    expect(added.text).toBe(pod('image: bitnami/memcached:1.6.21\nenv:\n  - name: MEMCACHED_EXTRA_FLAGS  # mchard: added (MC111)\n    value: "-U 0 -X"'));
    expect(argvAfter(added.text)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-U', '0', '-X']);
  });

  it("Bitnami's image: the last word taken out of MEMCACHED_EXTRA_FLAGS leaves it empty, and that is the removal", () => {
    const text = pod('image: bitnami/memcached:1.6.21\nenv:\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: "-A"');
    // MC501 alone: nothing is added to the variable in the same run, so -A is its only word.
    const only = RULES.filter((r) => r.id === 'MC501');
    const p = planFix(new SourceText('/srv/k8s/memcached.yaml', text), 'kubernetes', { rules: only, options: defaultRuleOptions(), unsafeFixes: true });
    expect(p.failed).toEqual([]);
    expect(p.applied.map((a) => a.ruleId)).toEqual(['MC501']);
    expect(p.text).toBe(pod('image: bitnami/memcached:1.6.21\nenv:\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: ""'));
    expect(argvAfter(p.text)).toEqual(['-u', 'memcached', '-p', '11211', '-v']);
  });

  it("Bitnami's image: a removal that does not happen is refused by the re-check (the variable goes, run.sh still passes -p 11211)", async () => {
    // MEMCACHED_PORT_NUMBER set in env: run.sh passes `-p $MEMCACHED_PORT_NUMBER`, and `-p 11211` without it.
    // No rule asks to remove it today; the intent is written by hand, as MC803 would write it.
    const text = pod('image: bitnami/memcached:1.6.21\nenv:\n  - name: MEMCACHED_PORT_NUMBER\n    value: "11211"\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: "-U 0 -X"');
    const r = lintText(text, { dialect: 'kubernetes', path: '/srv/k8s/memcached.yaml' });
    const p = r.model.applied.options.find((o) => o.spec.short === 'p')!;
    expect(p.value).toBe('11211');
    const session = { config: r.config as KubeConfig, model: r.model, intents: [{ kind: 'remove-option' as const, option: p }], label: { ruleId: 'MC803', slug: 'duplicate-option' }, fresh: new Set<number>() };
    const out = editKubernetes(session);
    expect(out).toEqual({ ok: false, reason: 'the edited file would not remove -p' });
    // Compose's editor of the same variables refuses it the same way (one re-check for both).
    const compose = 'services:\n  cache:\n    image: bitnami/memcached:1.6.21\n    environment:\n      MEMCACHED_PORT_NUMBER: "11211"\n      MEMCACHED_EXTRA_FLAGS: "-U 0 -X"\n';
    const c = lintText(compose, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
    const cp = c.model.applied.options.find((o) => o.spec.short === 'p')!;
    expect(editCompose({ ...session, config: c.config as ComposeConfig, model: c.model, intents: [{ kind: 'remove-option', option: cp }] })).toEqual({ ok: false, reason: 'the edited file would not remove -p' });
  });

  it('several memcached workloads in one file: each is fixed, each in its own container', () => {
    const two = [pod('image: memcached:1.6.21\nargs: ["-A"]'), pod('image: memcached:1.6.21\nargs: ["-vv"]').replace('name: cache', 'name: other').replace('app: cache', 'app: other')].join('---\n');
    const p = fix(two);
    expect(p.failed).toEqual([]);
    const r = lintText(p.text, { dialect: 'kubernetes', path: '/srv/k8s/x.yaml' });
    expect(r.parts!.map((x) => x.config.argv.map((t) => t.value))).toEqual([
      ['-U', '0', '-X'],
      ['-v', '-U', '0', '-X'],
    ]);
    checkFixed(two, p.text, 'kubernetes', ['args']);
  });

  it('CRLF line ends and a missing final newline are kept', () => {
    const text = pod('image: memcached:1.6.21\nargs:\n  - -vv').replace(/\n/g, '\r\n').replace(/\r\n$/, '');
    const p = fix(text);
    expect(p.text).toBe(pod('image: memcached:1.6.21\nargs:\n  - -v\n  - -U\n  - "0"\n  - -X').replace(/\n/g, '\r\n').replace(/\r\n$/, ''));
  });

  it('strings stay strings: digits and YAML 1.1 words are quoted, $ doubled against the kubelet', () => {
    expect(encodeK8sString('0', 'PLAIN')).toBe('"0"');
    expect(encodeK8sString('on', 'PLAIN')).toBe('"on"');
    expect(encodeK8sString('y', 'PLAIN')).toBe('"y"');
    expect(encodeK8sString('-U', 'PLAIN')).toBe('-U');
    expect(encodeK8sString('a$(B)', 'QUOTE_DOUBLE')).toBe('"a$$(B)"');
    expect(encodeK8sString("it's", 'QUOTE_SINGLE')).toBe("'it''s'");
  });

  it('a NodePort Service is reported with a suggestion, never edited', () => {
    const text = `${pod('image: memcached:1.6.21\nargs: ["-U", "0", "-X"]')}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  type: NodePort\n  selector:\n    app: cache\n  ports:\n    - port: 11211\n`;
    const p = fix(text);
    expect(p.text).toBe(text);
    expect(p.after.findings.find((f) => f.ruleId === 'MC101')).toMatchObject({ severity: 'error', fix: null });
  });
});
