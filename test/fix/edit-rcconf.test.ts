/** Fixes written into FreeBSD rc.conf files: memcached_user, the flags variable, profiles, unrelated lines untouched. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { parseRcconf } from '../../src/dialects/rcconf.js';
import { analyze } from '../../src/memcached/model.js';
import { editRcconf } from '../../src/fix/edit-rcconf.js';
import { fixText } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const PATH = '/etc/rc.conf';
const fix = (text: string, options = {}) => fixText(text, 'rcconf', options, PATH);
const argvOf = (text: string) => parseRcconf(new SourceText(PATH, text)).argv.map((a) => a.value);
const SYSTEM = 'hostname="web1"\nifconfig_em0="DHCP"\n';

beforeAll(async () => {
  await loadDialect('rcconf');
});

describe('rcconf fixes', () => {
  it('fixes the sample: flags in place, memcached_user set, unrelated lines untouched', () => {
    const text = readFileSync(join(ROOT, 'samples/freebsd-rc.conf'), 'utf8');
    const p = fix(text);
    expect(p.unfixed).toEqual([]);
    expect(p.text).toContain('# mchard: memcached_user was "root" (MC201)\nmemcached_user="nobody"\n');
    expect(p.text).toMatch(/^memcached_flags="-l 127\.0\.0\.1 -m 512 -c 4096 -U 0 -p 11211"$/m);
    const lines = text.split('\n');
    expect(p.touchedLines.map((n) => lines[n - 1])).toEqual(['memcached_flags="-l 0.0.0.0 -m 512 -c 4096 -U 11211"', 'memcached_user="root"']);
    expect(argvOf(p.text).slice(-5)).toEqual(['-d', '-u', 'nobody', '-P', '/var/run/memcached/memcached.pid']);
    expect(fix(p.text).changed).toBe(false);
  });

  it('adds memcached_flags after the memcached lines when there is none', () => {
    const p = fix(`${SYSTEM}memcached_enable="YES"\nsshd_enable="YES"\n`);
    expect(p.text).toBe(`${SYSTEM}memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\nsshd_enable="YES"\n`);
  });

  it('writes into the checked profile\'s flags', () => {
    const text = 'memcached_enable="YES"\nmemcached_profiles="web"\nmemcached_web_flags="-l 0.0.0.0 -U 0 -p 11311"\n';
    const p = fix(text);
    expect(p.text).toContain('memcached_web_flags="-l 127.0.0.1 -U 0 -p 11311"');
  });

  it('refuses to remove an option the rc.d script adds', () => {
    const config = parseRcconf(new SourceText(PATH, 'memcached_flags="-l 127.0.0.1 -U 0"\n'));
    const model = analyze(config.argv);
    const d = model.applied.options.find((o) => o.spec.short === 'd')!;
    expect(editRcconf({ config, model, intents: [{ kind: 'remove-option', option: d }], label: { ruleId: 'MC999', slug: 't' }, fresh: new Set() })).toEqual({ ok: false, reason: '-d is not written in memcached_flags' });
  });
});
