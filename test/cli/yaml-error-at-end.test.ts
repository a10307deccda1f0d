/**
 * A manifest or a values file that ends inside a quoted string of a flow sequence (`args: ["-l","0.0.0`,
 * a file cut short, or one a pull request truncates on purpose): the YAML library places the error one
 * character past the end of the text, and lint said "internal error while checking this file
 * (RuleContractError: rule MC001 breaks the rule contract: the span 161-162 is outside the file (161
 * characters)); please report it", exit 2. Compose files already kept the span within the text; now
 * Kubernetes manifests and Helm values files do too, and say what Kubernetes and helm say: invalid YAML.
 */
import { run, TempDir } from './helpers.js';

describe('a YAML file that ends inside an open quote', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  it.each([
    ['kubernetes', 'deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: mc\n          image: memcached:1.6\n          args: ["-l","0.0.0', 'Kubernetes', '9:29'],
    ['helm', 'chart/values.yaml', 'image:\n  repository: bitnami/memcached\nargs: ["-l","0.0.0', 'helm', '3:19'],
    ['compose', 'docker-compose.yml', 'services:\n  mc:\n    image: memcached:1.6\n    command: ["-l","0.0.0', 'Compose', '4:26'],
  ])('%s: invalid YAML at its end, not an internal error', async (_kind, name, text, reader, at) => {
    if (name.startsWith('chart/')) tmp.write('chart/Chart.yaml', 'apiVersion: v2\nname: memcached\nversion: 1.0.0\n');
    const file = tmp.write(name, text);
    const r = await run(['lint', file]);
    expect(r.out).not.toContain('internal error');
    expect(r.err).not.toContain('internal error');
    expect(r.out).toContain(`${file}:${at}  error  MC001  the file is not valid YAML (Missing closing "quote), so ${reader} refuses it`);
  });
});
