/**
 * docker compose merges docker-compose.override.yml (or compose.override.yaml) onto a file of its default
 * name in the same folder. vinted/vmemcached-rs keeps its base and its ports: in two files (fixtures 301,
 * 300): laid out as docker compose finds them, the base alone publishes nothing, the override publishes
 * 11211 on every host interface. mchard does not read the override (only whether it is there), and says
 * that it may publish memcached instead of "only containers on the same Compose network reach it".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { companionsOf } from '../../src/cli/companions.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');

let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-compose-override-');
});
afterEach(() => tmp.cleanup());

describe('a Compose file with the override docker compose merges beside it', () => {
  it('lint and fix --dry-run say the override may publish memcached', async () => {
    const base = tmp.write('docker-compose.yml', real('compose/301-vinted-vmemcached-rs-docker-compose.base.yml'));
    tmp.write('docker-compose.override.yml', real('compose/300-vinted-vmemcached-rs-docker-compose.ci.yml'));
    expect(companionsOf(base)).toEqual({ composeOverride: 'docker-compose.override.yml' });
    const lint = await run(['lint', '--no-doc-links', base]);
    const mc101 = lint.out.split('\n').find((l) => l.includes('MC101'))!;
    expect(mc101).toContain('no ports: entry of this file publishes it, but docker compose merges docker-compose.override.yml beside it, which mchard does not read and whose ports: may');
    expect(lint.out).not.toContain('only containers on the same Compose network reach it');
    const fix = await run(['fix', '--dry-run', '--no-doc-links', base]);
    expect(fix.out).not.toContain('only containers on the same Compose network reach it');
  });

  it('without one (or for another name) the file alone decides, as before', async () => {
    const base = tmp.write('compose.yaml', real('compose/301-vinted-vmemcached-rs-docker-compose.base.yml'));
    expect(companionsOf(base)).toEqual({ composeOverride: null });
    const lint = await run(['lint', '--no-doc-links', base]);
    expect(lint.out).toContain('no ports: entry publishes it, so only containers on the same Compose network reach it');
    const other = tmp.write('stack/docker-compose.base.yml', real('compose/301-vinted-vmemcached-rs-docker-compose.base.yml'));
    tmp.write('stack/docker-compose.override.yml', 'services: {}\n');
    expect(companionsOf(other)).toEqual({});
    tmp.write('compose.override.yaml', 'services: {}\n');
    expect(companionsOf(base)).toEqual({ composeOverride: 'compose.override.yaml' });
  });
});
