/** Fixes written into OpenRC conf.d files: the init script's variables, MISC_OPTS, whole-line notes, refusals. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { parseOpenrc } from '../../src/dialects/openrc.js';
import { analyze } from '../../src/memcached/model.js';
import { editOpenrc } from '../../src/fix/edit-openrc.js';
import type { FixIntent } from '../../src/engine/types.js';
import { fixText } from './helpers.js';
import { SHARED } from '../helpers/paths.js';

const PATH = '/etc/conf.d/memcached';
const fix = (text: string, options = {}) => fixText(text, 'openrc', options, PATH);
const argvOf = (text: string) => parseOpenrc(new SourceText(PATH, text)).argv.map((a) => a.value);
const BASE = 'MEMCACHED_BINARY="/usr/bin/memcached"\nMEMUSAGE="64"\nMEMCACHED_RUNAS="memcached"\nMAXCONN="1024"\nPORT="11211"\n';

function edit(text: string, make: (o: ReturnType<typeof analyze>['applied']['options']) => FixIntent[]) {
  const config = parseOpenrc(new SourceText(PATH, text));
  const model = analyze(config.argv);
  return editOpenrc({ config, model, intents: make(model.applied.options), label: { ruleId: 'MC999', slug: 'test' }, fresh: new Set() });
}

beforeAll(async () => {
  await loadDialect('openrc');
});

describe('openrc fixes', () => {
  it('fixes the stock Gentoo file by setting LISTENON and UDPPORT, noting the old values, keeping every other line', () => {
    const text = readFileSync(join(SHARED, 'corpus/other/086-gentoo-gentoo-memcached.confd'), 'utf8');
    const p = fix(text);
    expect(p.applied.map((a) => a.ruleId)).toEqual(['MC101', 'MC110']);
    expect(p.text).toContain('# mchard: LISTENON was "" (MC101)\nLISTENON="127.0.0.1"\n');
    expect(p.text).toContain('# mchard: UDPPORT was "${PORT}" (MC110)\nUDPPORT="0"\n');
    expect(p.touchedLines.map((n) => text.split('\n')[n - 1])).toEqual(['LISTENON=""', 'UDPPORT="${PORT}"']);
    expect(argvOf(p.text)).toEqual(['-d', '-p', '11211', '-U', '0', '-l', '127.0.0.1', '-m', '64', '-c', '1024', '-u', 'memcached', '-P', '/var/run/memcached/memcached.pid']);
    expect(fix(p.text).changed).toBe(false);
  });

  it('sets MEMCACHED_RUNAS for a root user and removes options from MISC_OPTS with a note', () => {
    const p = fix(`${BASE.replace('"memcached"', '"root"')}LISTENON="127.0.0.1"\nUDPPORT="0"\nMISC_OPTS="-vv -A -m 128"\n`);
    expect(p.text).toContain('# mchard: MEMCACHED_RUNAS was "root" (MC201)\nMEMCACHED_RUNAS="memcached"\n');
    expect(p.text).toContain('# mchard: removed -A from MISC_OPTS (MC501)\n');
    expect(p.text).toMatch(/^MISC_OPTS="-v -m 128"$/m);
    expect(p.unfixed).toEqual([]);
  });

  it('replaces a -l inside MISC_OPTS and empties LISTENON when both give -l', () => {
    const text = `${BASE}UDPPORT="0"\nLISTENON="10.0.0.1"\nMISC_OPTS="-l 0.0.0.0"\n`;
    const p = fix(text);
    expect(argvOf(p.text).filter((w, k, a) => a[k - 1] === '-l')).toEqual(['127.0.0.1']);
    expect(p.text).toContain('LISTENON=""');
    expect(p.text).toContain('MISC_OPTS="-l 127.0.0.1"');
  });

  it('adds a missing variable after the service variables, and a missing MISC_OPTS', () => {
    const text = `# header\n${BASE}LISTENON="127.0.0.1"\n# trailer\n`;
    const r = edit(text, () => [{ kind: 'set-variable', key: 'UDPPORT', value: '0' }, { kind: 'set-option', letter: 'X', value: null }]);
    expect(r.ok && r.output.text).toBe(`# header\n${BASE}LISTENON="127.0.0.1"\nUDPPORT="0"\nMISC_OPTS="-X"\n# trailer\n`);
  });

  it('keeps single quotes and rewrites an unquoted MISC_OPTS in double quotes', () => {
    expect(fix(`${BASE}UDPPORT='11211'\nLISTENON='127.0.0.1'\n`).text).toContain("UDPPORT='0'");
    const p = fix(`${BASE}UDPPORT=0\nLISTENON=127.0.0.1\nMISC_OPTS=-A\n`);
    expect(p.text).toContain('MISC_OPTS=""');
  });

  it('refuses what it cannot write faithfully, with a reason', () => {
    const text = `${BASE}UDPPORT="0"\nLISTENON="127.0.0.1"\n`;
    const r = edit(text, (o) => [{ kind: 'remove-option', option: o.find((x) => x.spec.short === 'm')! }]);
    expect(r).toEqual({ ok: false, reason: '-m is not written in MISC_OPTS' });
    // PORT is used again by UDPPORT="${PORT}": changing it would change UDPPORT too.
    const r2 = edit(`${BASE}UDPPORT="\${PORT}"\n`, () => [{ kind: 'set-variable', key: 'PORT', value: '11311' }]);
    expect(r2).toEqual({ ok: false, reason: 'the edit would change UDPPORT' });
    const r3 = edit(text, () => [{ kind: 'set-option', letter: 'o', value: 'a b' }]);
    expect(r3.ok).toBe(false);
  });
});
