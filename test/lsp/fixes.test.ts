/**
 * The language server's fix safety and description for a finding of a file that starts several memcached
 * instances (a Kubernetes manifest with two memcached containers, the only format with `parts`): they come
 * from the finding's own instance, as `mchard fix` plans it, not from the first instance (commit ff99e35).
 * Through a real client the difference does not show today (a manifest is known only from its content, so
 * the server offers it no code action, and no fix's safety depends on the instance without host checks):
 * these functions are what a lazy code action's title and every diagnostic's `data.fix` are made from.
 */
import { lintDocument } from '../../src/lsp/analysis.js';
import { fixDescription, fixSafety } from '../../src/lsp/fixes.js';

/** Two Deployments: the first container has two arguments; the second sets -m twice, the first time as -m64 (its 4th word). */
const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: small
spec:
  selector:
    matchLabels: {app: small}
  template:
    metadata:
      labels: {app: small}
    spec:
      containers:
        - name: memcached
          image: memcached:1.6.38
          args: ["-U", "0"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  selector:
    matchLabels: {app: big}
  template:
    metadata:
      labels: {app: big}
    spec:
      containers:
        - name: memcached
          image: memcached:1.6.38
          args: ["-U", "0", "-X", "-m64", "-m", "128"]
`;

describe('fix safety and description in a file of several instances', () => {
  it("the second container's overridden -m64 is described as written there, from its own instance", async () => {
    const lint = await lintDocument({ path: '/srv/deploy/memcached.yaml', file: null }, MANIFEST, 1);
    if (lint.outcome !== 'linted') throw new Error(`not linted: ${lint.outcome}`);
    expect(lint.dialect).toBe('kubernetes');
    expect(lint.result.parts).toHaveLength(2);
    const mc803 = lint.findings.filter((f) => f.ruleId === 'MC803');
    expect(mc803.map((f) => f.part)).toEqual([1]);
    // The first instance's argument vector has no 4th word, so read there -m64 would be described as "-m 64".
    expect(fixDescription(mc803[0], lint)).toBe('remove the overridden -m64');
    expect(fixSafety(mc803[0], lint)).toBe('safe');
  });
});
