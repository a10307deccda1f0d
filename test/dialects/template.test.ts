/**
 * Templates (issue 12 §3): Jinja2, ERB and Go templates are detected, their literal parts linted through the
 * file's own dialect, what they decide said to be unknown, and `fix` never changes a template tag.
 */
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { detectTemplate, isMaskChar, templateOf } from '../../src/dialects/template.js';
import { loadAllDialects, parseConfig } from '../../src/dialects/index.js';
import { lintSource } from '../../src/engine/lint.js';
import { planFix } from '../../src/fix/plan.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import type { DialectName } from '../../src/dialects/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';

beforeAll(async () => {
  await loadAllDialects();
});

const settings = () => ({ rules: RULES, options: defaultRuleOptions() });
const lint = (path: string, text: string, dialect: DialectName = 'debian') => lintSource(new SourceText(path, text), dialect, settings());
// Unsafe fixes too: these tests are about what a fix may touch in a template (MC201's -u root is unsafe without host checks).
const plan = (path: string, text: string, dialect: DialectName = 'debian') => planFix(new SourceText(path, text), dialect, { ...settings(), unsafeFixes: true });
const ids = (r: ReturnType<typeof lint>) => r.findings.map((f) => `${f.ruleId}:${f.severity}`);

describe('detecting a template', () => {
  it('by the suffix of its name', () => {
    expect(detectTemplate('roles/m/templates/memcached.conf.j2', '-m 64\n')).toEqual({ language: 'jinja', by: 'suffix' });
    expect(detectTemplate('templates/memcached.conf.erb', '-m 64\n')).toEqual({ language: 'erb', by: 'suffix' });
    expect(detectTemplate('memcached.conf.tmpl', '-m {{ .Memory }}\n')).toEqual({ language: 'go', by: 'suffix' });
    expect(detectTemplate('memcached.conf.tmpl', '{% if x %}-v{% endif %}\n')?.language).toBe('jinja');
  });

  it('by its content outside /etc, never inside it (the service reads /etc files as they are)', () => {
    expect(detectTemplate('repo/memcached.conf', '-p {{ memcached_port }}\n')?.language).toBe('jinja');
    expect(detectTemplate('repo/memcached.conf', '-p <%= @port %>\n')?.language).toBe('erb');
    expect(detectTemplate('repo/memcached.conf', '-p {{ .Values.port }}\n')?.language).toBe('go');
    expect(detectTemplate('/etc/memcached.conf', '-p {{ memcached_port }}\n')).toBeNull();
    expect(detectTemplate('repo/memcached.conf', '-m 64\n-o a={b,c}\n')).toBeNull();
  });
});

describe('masking keeps the file and its offsets', () => {
  it('print() returns the original bytes and every masked run has the tag length', () => {
    const text = '# {{ ansible_managed }}\n{% if x -%}\n-vv\n{%- endif %}\n-p {{ port }}\n<%# no %>\n';
    const c = parseConfig(new SourceText('t.conf.j2', text), 'debian');
    expect(c.print()).toBe(text);
    expect(c.source.text.length).toBe(text.length);
    const tpl = templateOf(c)!;
    const p = c.argv.find((a) => a.value.split('').some(isMaskChar))!;
    expect(tpl.unmask(p.value)).toBe('{{ port }}');
  });

  it('print() is the identity on arbitrary template text (property)', () => {
    const piece = fc.constantFrom('{{ x }}', '{%- if a -%}', '{% endif %}', '{# c #}', '<%= @y %>', '<% end -%>', '-l ', '\n', ' ', '-p 1', '#', '"', '{{', '%}', '<%%');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((a) => a.join('')), fc.constantFrom('a.j2', 'a.erb', 'a.tmpl'), (text, name) => {
        const c = parseConfig(new SourceText(name, text), 'debian');
        return c.print() === text && c.source.text.length === text.length;
      }),
      { numRuns: 500 },
    );
  });
});

describe('what the template decides is unknown', () => {
  const stouts = '-d\nlogfile {{ log }}\n-m {{ memory }}\n-p {{ port }}\n-u {{ user }}\n-l {{ listen }}\n-c {{ conns }}\n';

  it('an expression in value position is a templated value, not an error (no MC802/MC806/MC302/MC403)', () => {
    const r = lint('roles/m/templates/memcached.conf.j2', stouts);
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(ids(r)).not.toEqual(expect.arrayContaining([expect.stringMatching(/MC(802|806|302|403|101|202)/)]));
    expect(r.model.unknownOf('listeners')?.reason).toContain('{{ listen }}');
    expect(r.model.runsAsKnown.known).toBe(false);
    expect(r.model.startup.unknown?.depends).toBe('template');
    // MC910 says what the template decides.
    expect(r.findings.filter((f) => f.ruleId === 'MC910').map((f) => f.message).join('\n')).toMatch(/\{\{ listen \}\}.*where memcached listens/);
  });

  it('reports what holds whatever renders: a literal -u root, a literal -U 11211, no -U at all', () => {
    const r = lint('x/memcached.conf.j2', '-u root\n-U 11211\n-l {{ listen }}\n-p {{ port }}\n');
    expect(r.findings.find((f) => f.ruleId === 'MC201')?.severity).toBe('error');
    expect(r.model.known('udpport')).toEqual({ known: true, value: 11211 });
    const none = lint('x/memcached.conf.j2', '-u memcache\n-l {{ listen }}\n');
    expect(none.model.known('udpport').known).toBe(true);
  });

  it('a template piece where an option goes may set anything after it', () => {
    const r = lint('x/memcached.conf.j2', '-u root\n{{ extra_options }}\n');
    expect(r.model.known('username').known).toBe(false);
    expect(r.findings.find((f) => f.ruleId === 'MC201')).toBeUndefined();
    // before it, nothing it renders can undo a -A (a flag only switches on)
    const a = lint('x/memcached.conf.j2', '-A\n-u memcache\n-l 127.0.0.1\n{{ extra_options }}\n');
    expect(a.model.known('shutdownCommand')).toEqual({ known: true, value: true });
    expect(a.findings.find((f) => f.ruleId === 'MC501')).toBeDefined();
  });

  it('an ERB option letter (-<%= @verbosity %>) is an opaque piece, not an unknown option', () => {
    const r = lint('t/memcached.conf.erb', '-u memcache\n-l 127.0.0.1\n-<%= @verbosity %>\n');
    expect(ids(r)).not.toContain('MC801:error');
    expect(r.model.known('verbose').known).toBe(false);
  });

  it('lines inside {% if %} are conditional: their options may be absent', () => {
    const r = lint('t/memcached.conf.j2', '-u memcache\n-l 127.0.0.1\n{% if debug %}\n-vv\n{% endif %}\n');
    const vv = r.config.argv.find((a) => a.value === '-vv')!;
    expect(vv.conditional?.reason).toContain('{% if debug %}');
    expect(r.findings.find((f) => f.ruleId === 'MC502')).toBeUndefined();
    expect(r.model.known('verbose').known).toBe(false);
  });

  it('an inline {% if %}# {% endif %}-d line depends on the template', () => {
    const r = lint('t/memcached.conf.j2', '-u memcache\n-l 127.0.0.1\n{% if not daemon %}# {% endif %}-d\n');
    expect(r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
    expect(r.model.known('daemonize').known).toBe(false);
  });
});

describe('ERB and /bin/sh', () => {
  const erb = '-d\n-P <%= @pidfile %>\n-m <%= scope.call_function("memcached::max_memory", [@max_memory]) %>\n-u <%= @user %>\n';

  it('raw ERB characters are not taken for shell syntax: a rendered ERB file has no "<%"', () => {
    // The same text read as a finished file goes through /bin/sh and fails (cannot open %=): exit 2.
    const raw = lint('/etc/memcached.conf', erb);
    expect(raw.model.startup).toMatchObject({ ok: false, exitCode: 2, certain: true });
    const t = lint('modules/memcached/templates/memcached.conf.erb', erb);
    expect(t.config.launchFailure).toBeNull();
    expect(t.model.startup.ok === false && t.model.startup.exitCode === 2).toBe(false);
    expect(t.findings.filter((f) => f.ruleId === 'MC902')).toEqual([]);
  });

  it('a failure the literal text causes whatever renders is reported: a "(" on an unconditional line', () => {
    const t = lint('templates/memcached.conf.erb', '-u <%= @user %>\n-l 127.0.0.1 (local)\n');
    expect(t.model.startup).toMatchObject({ ok: false, exitCode: 2, certain: true });
    expect(t.model.startup.ok ? '' : t.model.startup.reason).toContain('Syntax error: "(" unexpected');
  });

  it('the same "(" on a line inside <% if %> holds only when that line renders', () => {
    const t = lint('templates/memcached.conf.erb', '-u <%= @user %>\n<% if @local -%>\n-l 127.0.0.1 (local)\n<% end -%>\n');
    expect(t.model.startup.unknown?.reason).toContain('<% if @local');
  });
});

describe('fix and templates', () => {
  it('never edits -a {{ memcached_permissions }} (the fix that left "-a 0700 memcached_permissions }}")', () => {
    const text = '-u memcache\n-s /run/memcached/memcached.sock\n-a {{ memcached_permissions }}\n';
    const p = plan('roles/m/templates/memcached.conf.j2', text);
    expect(p.text).toContain('-a {{ memcached_permissions }}\n');
    expect(p.text).not.toMatch(/0700 memcached_permissions/);
  });

  it('fixes literal lines and keeps every tag byte for byte', () => {
    const text = '# {{ ansible_managed }}\n-u root\n-vv\n-l {{ memcached_listen }}\n-p {{ memcached_port }}\n';
    const p = plan('roles/m/templates/memcached.conf.j2', text);
    expect(p.applied.map((a) => a.ruleId)).toEqual(expect.arrayContaining(['MC201', 'MC502']));
    for (const tag of ['# {{ ansible_managed }}\n', '-l {{ memcached_listen }}\n', '-p {{ memcached_port }}\n']) expect(p.text).toContain(tag);
    expect(p.text).toContain('\n-u memcache\n');
  });

  it("removes an unused suppression (MC002) from a template and keeps every tag: the comment edit is judged on the dialect's reading of the masked text", () => {
    const text = '# {{ ansible_managed }}\n-u memcache\n-l {{ memcached_listen }}\n-U 0\n# mchard-disable-next-line MC503\n-m 64\n';
    expect(lint('roles/m/templates/memcached.conf.j2', text).findings.map((f) => f.ruleId)).toContain('MC002');
    const p = plan('roles/m/templates/memcached.conf.j2', text);
    expect(p.failed).toEqual([]);
    expect(p.applied.map((a) => a.ruleId)).toEqual(['MC002']);
    expect(p.text).toBe('# {{ ansible_managed }}\n-u memcache\n-l {{ memcached_listen }}\n-U 0\n-m 64\n');
  });

  it('a fixable finding inside a {% if %} block becomes a note that it depends on the template, without a fix (the engine\'s report sink)', () => {
    const text = '-u memcache\n-l 127.0.0.1\n-U 0\n{% if small %}\n# mchard-disable-next-line MC503\n-m 64\n{% endif %}\n';
    const f = lint('roles/m/templates/memcached.conf.j2', text).findings.find((x) => x.ruleId === 'MC002');
    expect(f).toMatchObject({ severity: 'info', fix: null, message: expect.stringMatching(/^depends on the template \(.*\{% if small %\}.*\): /) });
    // The same lines outside the block: a warning with its fix.
    const plain = lint('roles/m/templates/memcached.conf.j2', text.replace('{% if small %}\n', '').replace('{% endif %}\n', ''));
    expect(plain.findings.find((x) => x.ruleId === 'MC002')).toMatchObject({ severity: 'warning', fix: { safety: 'safe' } });
  });

  it('accepts a same-line directive in a template (its reading is compared without the template layer)', () => {
    const text = '-u memcache\n-l {{ memcached_listen }}\n-U 0\n-vv # mchard-disable-line MC502 -- debugging this box\n';
    const ids = lint('roles/m/templates/memcached.conf.j2', text).findings.map((f) => f.ruleId);
    expect(ids).not.toContain('MC502');
    expect(ids).not.toContain('MC003');
  });

  it('refuses, with the reason, an edit of a line that holds a tag', () => {
    const p = plan('t/memcached.conf.j2', '-u memcache\n-l 127.0.0.1\n-vv {# chatty on purpose #}\n');
    expect(p.text).toContain('\n-vv {# chatty on purpose #}\n');
    expect(p.failed.find((f) => f.ruleId === 'MC502')?.reason).toContain('holds the template tag {# chatty on purpose #}');
  });

  it('does not add an option inside a {% if %} block (only some renderings would get it)', () => {
    const text = '-u memcache\n-l 127.0.0.1\n{% if pid %}\n-P /run/m.pid\n{% endif %}\n';
    const p = plan('t/memcached.conf.j2', text);
    // -U 0 goes after the last line every rendering has, before the block
    expect(p.text).toBe('-u memcache\n-l 127.0.0.1\n-U 0\n{% if pid %}\n-P /run/m.pid\n{% endif %}\n');
  });

  it('refuses an editor output that changes a tag, whatever the editor (the generic check)', () => {
    const c = parseConfig(new SourceText('t/memcached.conf.j2', '-u memcache\n-a {{ perms }}\n'), 'debian');
    const tpl = templateOf(c)!;
    const masked = c.source.text;
    const lines = masked.split('\n');
    const broken = [lines[0], `-a 0700 ${lines[1].slice(3, -2)}`, ''].join('\n');
    const r = tpl.restore(masked, broken, [0, null, 2]);
    expect(r).toMatchObject({ ok: false });
    expect(tpl.restore(masked, `${lines[0]}\n${lines[1]}\n-U 0\n`, [0, 1, null])).toEqual({ ok: true, text: '-u memcache\n-a {{ perms }}\n-U 0\n', origin: [0, 1, null] });
  });
});

describe('%name% placeholders a deployment script substitutes', () => {
  it('are recognised where every "%" on a non-comment line is a whole-value %name% token', () => {
    expect(detectTemplate('conf/memcached.conf', '-m %memcache_memory%\n-p %memcache_port% \n-u nobody\n')).toEqual({ language: 'placeholder', by: 'content' });
    expect(detectTemplate('sysconfig/memcached', 'PORT="%port%"\nOPTIONS="-l %listen_ip% -U 0"\n')?.language).toBe('placeholder');
    expect(detectTemplate('conf/memcached.conf', '# 50% of the memory\n-m %memory%\n')?.language).toBe('placeholder');
  });

  it('are not recognised where "%" means something else or the reading is ambiguous', () => {
    // under /etc the file is what the service reads
    expect(detectTemplate('/etc/memcached.conf', '-m %memory%\n')).toBeNull();
    // systemd specifiers, printf formats, a percent sign in a value
    expect(detectTemplate('memcached@.service', '[Service]\nExecStart=/usr/bin/memcached -p %i -m %mem%\n')).toBeNull();
    expect(detectTemplate('conf/memcached.conf', '-m %s\n')).toBeNull();
    expect(detectTemplate('conf/memcached.conf', '-o slab_automove_ratio=50%\n')).toBeNull();
    // a marker glued to other text, or one letter long
    expect(detectTemplate('conf/memcached.conf', '-l 10.0.0.%host%\n')).toBeNull();
    expect(detectTemplate('conf/memcached.conf', '-p %i%\n')).toBeNull();
    // only in comments
    expect(detectTemplate('conf/memcached.conf', '# -m %memory%\n-m 64\n')).toBeNull();
  });

  const text = '-d\nlogfile /var/log/memcached.log\n-m %memcache_memory%\n-p %memcache_port% \n-u root\n-l %listen%\n';

  it('what a placeholder decides is unknown (a note, no fix); what the literal text decides is judged', () => {
    const config = parseConfig(new SourceText('conf/memcached.conf', text), 'debian');
    expect(templateOf(config)?.language).toBe('placeholder');
    expect(config.argv.map((a) => (a.unknown?.depends === 'template' ? `?${a.unknown.reason}` : a.value))).toEqual([
      '-m', '?%memcache_memory% (line 3)', '-p', '?%memcache_port% (line 4)', '-u', 'root', '-l', '?%listen% (line 6)',
    ]);
    const r = lint('conf/memcached.conf', text);
    // -u root is literal: reported as an error, as in a plain file
    expect(ids(r)).toContain('MC201:error');
    // nothing judges a placeholder as a value (no invalid -m, no port, no listen address finding)
    expect(r.findings.filter((f) => f.ruleId !== 'MC910' && f.ruleId !== 'MC201' && f.ruleId !== 'MC111').map((f) => f.ruleId)).toEqual([]);
    const mc910 = r.findings.filter((f) => f.ruleId === 'MC910').map((f) => f.message);
    expect(mc910.some((m) => m.includes('%listen% (line 6)') && m.includes('where memcached listens'))).toBe(true);
  });

  it('the start-up outcome is unknown unless the literal text decides it', async () => {
    const { analyzeConfig } = await import('../../src/engine/lint.js');
    const unknown = analyzeConfig(parseConfig(new SourceText('conf/memcached.conf', text), 'debian'), defaultRuleOptions());
    expect(unknown.startup).toEqual(expect.objectContaining({ certain: false, unknown: expect.objectContaining({ depends: 'template' }) }));
    // -B nonsense is literal and memcached refuses it while reading its options, before the placeholders matter
    const refused = analyzeConfig(parseConfig(new SourceText('conf/memcached.conf', '-B nonsense\n-m %memory%\n'), 'debian'), defaultRuleOptions());
    expect(refused.startup).toEqual(expect.objectContaining({ ok: false, exitCode: 64 }));
    expect(refused.startup.unknown).toBeUndefined();
  });

  it('fix never changes a placeholder', () => {
    const p = plan('conf/memcached.conf', text);
    for (const tag of ['%memcache_memory%', '%memcache_port% ', '%listen%']) expect(p.text).toContain(tag);
    expect(p.text.match(/%\w+%/g)).toEqual(['%memcache_memory%', '%memcache_port%', '%listen%']);
    // the literal -u root is fixed
    expect(p.text).not.toMatch(/^-u root$/m);
    // where a fix would rewrite the option a placeholder gives a value (UDP), it leaves the line alone
    const udp = plan('conf/memcached.conf', '-U %udp_port%\n-p %port%\n-u memcache\n-l 127.0.0.1\n');
    expect(udp.text).toContain('-U %udp_port%\n');
    expect(udp.text).toContain('-p %port%\n');
  });
});

describe('%name% placeholders in a real file', () => {
  // heedley/ubuntu-setup conf/memcached.conf: install.sh substitutes %memcache_memory% and %memcache_port%
  // (Ruby gsub), then links the file to /etc/memcached.conf, where Debian's wrapper reads it.
  const file = join(ROOT, 'test', 'fixtures', 'real', 'other-templates', '101-heedley-ubuntu-setup-memcached.conf');
  const text = readFileSync(file, 'utf8');

  it('is read as a placeholder template of /etc/memcached.conf: the placeholders are notes, the literal options judged', () => {
    const r = lint('conf/memcached.conf', text);
    expect(r.findings.map((f) => `${f.ruleId}:${f.severity}:${f.line}`)).toEqual(['MC910:info:23', 'MC910:info:26', 'MC111:info:36']);
    expect(r.findings[0].message).toMatch(/^%memcache_memory% \(line 23\): the template decides whether it starts/);
    expect(r.findings[1].message).toMatch(/^%memcache_port% \(line 26\): the template decides where memcached listens/);
  });

  it('fix keeps both placeholders and the line they are on, byte for byte', () => {
    const p = plan('conf/memcached.conf', text);
    expect(p.text).toContain('-m %memcache_memory%\n');
    expect(p.text).toContain('-p %memcache_port% \n');
  });

  it('at /etc/memcached.conf the file is what the wrapper reads: the markers are values memcached refuses', () => {
    const r = lint('/etc/memcached.conf', text);
    expect(r.findings.some((f) => f.severity === 'error' && f.line === 23)).toBe(true);
  });
});

describe('@NAME@ placeholders (autoconf, CMake, meson, sed and bash install scripts)', () => {
  it('a whole value is a placeholder; an "@" used otherwise is text', () => {
    // the shape of andy0mg/bitrix_al9's cluster/templates/memcached.tpl
    const sysconfig = 'PORT="@MEMCACHED_PORT@"\nUSER="memcached"\nOPTIONS="-l @MEMCACHED_BIND@"\n';
    expect(detectTemplate('templates/sysconfig/memcached', sysconfig)).toEqual({ language: 'placeholder', by: 'content' });
    expect(detectTemplate('cluster/templates/memcached.tpl', sysconfig)).toEqual({ language: 'placeholder', by: 'suffix' });
    expect(detectTemplate('conf/memcached.conf', '-p @PORT@\n-m @MEMORY@ \n-u memcache\n')?.language).toBe('placeholder');
    // systemd's "@" prefix (argv[0] follows), an e-mail address, a template unit's instance, an image digest:
    // text beside a placeholder, and no placeholder on their own
    const unit = '[Unit]\nDescription=memcached (root@example.com)\nAfter=network.target memcached@main.service\n[Service]\nExecStart=@/usr/bin/memcached memcached -p @PORT@\n';
    expect(detectTemplate('units/memcached.service', unit)?.language).toBe('placeholder');
    expect(detectTemplate('units/memcached.service', unit.replace('@PORT@', '11211'))).toBeNull();
    expect(detectTemplate('conf/memcached.conf', '-u memcache\n-l 127.0.0.1\n# mail admin@example.com about @MEMCACHED_PORT@\n')).toBeNull();
    expect(detectTemplate('docker-compose.yml', 'services:\n  cache:\n    image: memcached@sha256:0123abcd\n')).toBeNull();
    // under /etc the file is what the service reads
    expect(detectTemplate('/etc/sysconfig/memcached', sysconfig)).toBeNull();
  });

  it('an @NAME@ glued to other text makes the reading ambiguous: the file is read as it is', () => {
    const good = '-p @PORT@\n-u memcache\n';
    expect(detectTemplate('conf/memcached.conf', good)?.language).toBe('placeholder');
    // a configure-time prefix, a placeholder inside a path or an address
    expect(detectTemplate('conf/memcached.conf', `${good}-o ssl_chain_cert=@CERTDIR@/chain.pem\n`)).toBeNull();
    expect(detectTemplate('conf/memcached.conf', `${good}-l @BIND@:11211\n`)).toBeNull();
    expect(detectTemplate('units/memcached.service', '[Service]\nExecStart=@PREFIX@/bin/memcached -p @PORT@\n')).toBeNull();
    // one letter long, like %i%
    expect(detectTemplate('conf/memcached.conf', '-p @PORT@\n-m @m@\n')).toBeNull();
    // a "%" that is no %name% placeholder still decides as before
    expect(detectTemplate('units/memcached@.service', '[Service]\nExecStart=/usr/bin/memcached -p %i -m @MEMORY@\n')).toBeNull();
  });

  const text = '# Placeholders substituted by the install script.\nPORT="@MEMCACHED_PORT@"\nUSER="root"\nMAXCONN="@MEMCACHED_MAXCONN@"\nCACHESIZE="@MEMCACHED_CACHESIZE@"\nOPTIONS="-l @MEMCACHED_BIND@"\n';

  it('what a placeholder decides is a note; the literal USER="root" is judged', () => {
    const r = lint('templates/sysconfig/memcached', text, 'sysconfig');
    expect(ids(r)).toContain('MC201:error');
    expect(r.findings.filter((f) => !['MC910', 'MC201', 'MC111'].includes(f.ruleId)).map((f) => f.ruleId)).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === 'MC910').map((f) => f.message.split(':')[0])).toEqual(['@MEMCACHED_MAXCONN@ (line 4)', '@MEMCACHED_BIND@ (line 6)']);
    // at /etc/sysconfig/memcached the same text is what systemd hands memcached: the values are literal
    const etc = lint('/etc/sysconfig/memcached', text, 'sysconfig');
    expect(ids(etc)).toEqual(expect.arrayContaining(['MC302:error', 'MC401:error', 'MC403:error']));
    expect(ids(etc)).not.toContain('MC910:info');
  });

  it('fix never changes a placeholder', () => {
    const p = plan('templates/sysconfig/memcached', text, 'sysconfig');
    expect(p.text).not.toBe(text);
    expect(p.text).not.toContain('USER="root"');
    expect(p.text.match(/@\w+@/g)).toEqual(['@MEMCACHED_PORT@', '@MEMCACHED_MAXCONN@', '@MEMCACHED_CACHESIZE@', '@MEMCACHED_BIND@']);
    expect(p.text).toContain('OPTIONS="-l @MEMCACHED_BIND@"\n');
  });
});
