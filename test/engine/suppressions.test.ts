/**
 * Suppression directives: the exact grammar (next line, same line, whole file), nothing that widens by
 * accident, MC002 for a directive that silences nothing (and its fix), MC003 for what is not a directive
 * mchard can apply, and `require-reason`.
 */
import { lintText, findings } from '../helpers/lint.js';
import { fixText } from '../fix/helpers.js';
import { loadAllDialects } from '../../src/dialects/index.js';
import type { DialectName } from '../../src/dialects/types.js';

const ids = (text: string, dialect: DialectName = 'debian', options = {}) => lintText(text, { dialect, options }).findings.map((f) => `${f.line}:${f.ruleId}`);
const messages = (text: string, id: string, dialect: DialectName = 'debian', options = {}) => findings(lintText(text, { dialect, options }), id).map((f) => f.message);

beforeAll(async () => {
  await loadAllDialects();
});

// A Debian file with exactly one problem on line 7 (every interface) besides the directive lines.
const BODY = '-u memcache\n-m 64\n-p 21211\n-U 0\n-X\n-F\n-l 0.0.0.0\n';

describe('the grammar cannot widen by accident', () => {
  it('# mchard-disable-line on a line of its own is not a file-wide mchard-disable: MC101 six lines below stays, and MC003 says why', () => {
    const text = `# mchard-disable-line MC101\n${BODY}`;
    const r = lintText(text);
    expect(findings(r, 'MC101').map((f) => f.line)).toEqual([8]);
    expect(findings(r, 'MC003')).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/on a line of its own silences nothing/) })]);
    expect(findings(r, 'MC002')).toEqual([]);
  });

  it('mchard-disable-next-line silences its next code line only', () => {
    const text = '-u memcache\n-m 64\n-p 21211\n-U 0\n-X\n-F\n# mchard-disable-next-line MC101 -- behind the firewall\n\n# another comment\n-l 0.0.0.0\n-l 10.0.0.1\n';
    expect(ids(text)).not.toContain('10:MC101');
    expect(findings(lintText(text), 'MC103').map((f) => f.line)).toEqual([11]);
  });

  it('mchard-disable silences the rule in the whole file, by ID or slug', () => {
    expect(ids(`# mchard-disable MC101 -- lab machine\n${BODY}`)).not.toContain('8:MC101');
    expect(ids(`# mchard-disable listen-all-interfaces\n${BODY}`)).not.toContain('8:MC101');
    expect(ids(`# mchard-disable mc101, MC503\n${BODY}`)).not.toContain('8:MC101');
  });

  it('a directive that names no rule silences nothing (there is no "disable everything")', () => {
    const text = `# mchard-disable\n${BODY}`;
    expect(ids(text)).toContain('8:MC101');
    expect(messages(text, 'MC003')).toEqual([expect.stringMatching(/names no rule/)]);
  });

  it('an unknown rule is reported; the known rules of the same directive still apply', () => {
    const text = `# mchard-disable MC999, MC101\n${BODY}`;
    expect(ids(text)).not.toContain('8:MC101');
    expect(messages(text, 'MC003')).toEqual(['mchard-disable names "MC999", which is not a rule; mchard rules lists them']);
    expect(messages(`# mchard-disable listen-all-interface\n${BODY}`, 'MC003')).toEqual([
      'mchard-disable names "listen-all-interface", which is not a rule (did you mean listen-all-interfaces?); mchard rules lists them',
    ]);
  });

  it('text that is not a rule, without " -- ", is not read as rules', () => {
    const text = `# mchard-disable MC101 because the firewall blocks it\n${BODY}`;
    expect(ids(text)).not.toContain('8:MC101');
    expect(messages(text, 'MC003')).toEqual(['mchard-disable: "because the firewall blocks it" is not a rule ID or slug (a reason goes after " -- ")']);
  });

  it.each([
    ['# mchard-enable MC101', /"mchard-enable" is not a directive mchard knows/],
    ['# mchard-disable-nextline MC101', /did you mean mchard-disable-next-line\?/],
    ['# mchard-disable:MC101', /must be followed by a blank/],
    ['#mchard-ignore MC101', /"mchard-ignore" is not a directive mchard knows/],
  ])('%s is a finding (MC003) and silences nothing', (directive, message) => {
    const text = `${directive}\n${BODY}`;
    expect(ids(text)).toContain('8:MC101');
    expect(messages(text, 'MC003')).toEqual([expect.stringMatching(message)]);
  });

  it('a comment that only mentions mchard- further on is not a directive', () => {
    expect(ids(`# restored from memcached.conf.mchard-backup\n${BODY}`).filter((x) => /MC00[23]/.test(x))).toEqual([]);
  });

  it('mchard-disable-next-line and mchard-disable after code are findings and silence nothing', () => {
    const text = '-u memcache\n-m 64\n-p 21211\n-U 0\n-X\n-F\n-l 0.0.0.0 # mchard-disable MC101\n';
    expect(ids(text)).toContain('7:MC101');
    expect(messages(text, 'MC003')).toEqual([expect.stringMatching(/must be a comment line of its own/)]);
  });
});

describe('mchard-disable-line: a trailing comment on the line it silences', () => {
  it('Debian: the wrapper drops the comment, so it silences the finding of its own line only', () => {
    const text = '-u memcache\n-m 64\n-p 21211\n-U 0\n-X\n-F\n-l 0.0.0.0 # mchard-disable-line MC101 -- reviewed\n-l 10.0.0.1\n';
    const r = lintText(text);
    expect(findings(r, 'MC101')).toEqual([]);
    expect(findings(r, 'MC103').map((f) => f.line)).toEqual([8]);
    expect(findings(r, 'MC003')).toEqual([]);
    expect(findings(r, 'MC002')).toEqual([]);
  });

  it('sysconfig: systemd glues the comment onto the value, so the directive is a finding and silences nothing', () => {
    const text = 'PORT="21211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0 -U 0 -X -F" # mchard-disable-line MC101\n';
    const r = lintText(text, { dialect: 'sysconfig' });
    expect(findings(r, 'MC003')).toEqual([expect.objectContaining({ line: 5, message: expect.stringMatching(/reads this trailing comment as part of the line/) })]);
    expect(findings(r, 'MC904').length).toBe(1);
  });

  it('a systemd unit: a "#" after ExecStart= is an argument, so the directive is a finding', () => {
    const text = '[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 0.0.0.0 -U 0 # mchard-disable-line MC101\n';
    const r = lintText(text, { dialect: 'systemd', path: '/etc/systemd/system/memcached.service' });
    expect(findings(r, 'MC003').map((f) => f.line)).toEqual([3]);
  });

  it('rc.conf (sh): a trailing comment is a comment, so it works', () => {
    const text = 'memcached_enable="YES"\nmemcached_flags="-l 0.0.0.0 -U 0 -X -F" # mchard-disable-line MC101\n';
    const r = lintText(text, { dialect: 'rcconf', path: '/etc/rc.conf' });
    expect(findings(r, 'MC101')).toEqual([]);
    expect(findings(r, 'MC003')).toEqual([]);
  });
});

describe('a finding about something missing can be silenced without disabling the rule for the file', () => {
  it('a mchard-disable-next-line in the comments after the last option covers the insertion point there', () => {
    const base = '-u memcache\n-m 64\n-p 21211\n-l 127.0.0.1\n';
    // Shown at the end of the last line (the insertion point, past it, has no line of its own).
    expect(ids(base)).toContain('4:MC111');
    const text = `${base}# UDP is off by default in 1.6\n# mchard-disable-next-line MC111 -- memcached 1.6 only here\n`;
    expect(ids(text).filter((x) => /MC111|MC002|MC003/.test(x))).toEqual([]);
  });

  it('it does not cover a missing option whose insertion point is elsewhere, nor other lines', () => {
    // The directive sits before the first option line: its run of comments ends there, far from the end.
    const text = '# mchard-disable-next-line MC111\n-u memcache\n-m 64\n-p 21211\n-l 127.0.0.1\n';
    expect(ids(text)).toContain('5:MC111');
    expect(messages(text, 'MC002')).toEqual(['suppression of MC111 silences nothing']);
  });

  it('a directive for the last line, where the finding is shown, covers it too', () => {
    const text = '-u memcache\n-m 64\n-p 21211\n# mchard-disable-next-line MC111 -- UDP is off in 1.6\n-l 127.0.0.1\n';
    expect(ids(text).filter((x) => /MC111|MC002/.test(x))).toEqual([]);
  });

  it('sysconfig: the insertion point is inside OPTIONS, a real line, which the directive above it covers', () => {
    const text = 'PORT="21211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n# mchard-disable-next-line MC111\nOPTIONS="-l 127.0.0.1"\n';
    expect(ids(text, 'sysconfig').filter((x) => /MC111|MC002/.test(x))).toEqual([]);
  });
});

describe('MC002 unused-suppression', () => {
  it('reports a directive whose rule reported nothing there, at the directive', () => {
    const text = '-u memcache\n-m 64\n# mchard-disable-next-line MC101 -- firewalled\n-l 127.0.0.1\n-U 0\n';
    const r = lintText(text);
    expect(findings(r, 'MC002')).toEqual([expect.objectContaining({ line: 3, column: 1, severity: 'warning', message: 'suppression of MC101 silences nothing' })]);
  });

  it('says when no line follows, and when the rule never applies to the dialect', () => {
    // (No -p: MC301 points at the insertion point after -X, which the directive covers.)
    expect(messages('-u memcache\n-l 127.0.0.1\n-X\n# mchard-disable-next-line MC301\n', 'MC002')).toEqual([]);
    expect(messages('-u memcache\n-l 127.0.0.1\n-U 0\n# mchard-disable-next-line MC101\n', 'MC002')).toEqual(['suppression of MC101 silences nothing (no line follows it)']);
    expect(messages('# mchard-disable MC905\n-u memcache\n-l 127.0.0.1\n-U 0\n', 'MC002')).toEqual(['suppression of MC905 silences nothing (MC905 never applies to debian files)']);
  });

  it('reports only the names that silence nothing', () => {
    const text = '# mchard-disable MC101, MC301 -- lab\n-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n-U 0\n';
    expect(messages(text, 'MC002')).toEqual(['suppression of MC101 silences nothing']);
  });

  it('does not judge a rule that did not run (turned off) or file-level rules', () => {
    const text = '# mchard-disable MC101\n-u memcache\n-l 127.0.0.1\n-U 0\n';
    expect(findings(lintText(text, { rules: undefined }), 'MC002')).toHaveLength(1);
    const off = lintText(text, { options: {} });
    expect(findings(off, 'MC002')).toHaveLength(1);
    expect(messages('# mchard-disable MC003\n-u memcache\n-l 127.0.0.1\n-U 0\n', 'MC002')).toEqual([]);
  });

  it('fix: removes the comment line; or the names that silence nothing; and the service reads the file the same', () => {
    const whole = fixText('-u memcache\n-m 64\n# mchard-disable-next-line MC101 -- firewalled\n-l 127.0.0.1\n-U 0\n-X\n');
    expect(whole.text).toBe('-u memcache\n-m 64\n-l 127.0.0.1\n-U 0\n-X\n');
    expect(whole.applied.map((a) => a.ruleId)).toEqual(['MC002']);
    const part = fixText('# mchard-disable MC101, MC301 -- lab\n-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n-U 0\n');
    expect(part.text.split('\n')[0]).toBe('# mchard-disable MC301 -- lab');
    const trailing = fixText('-u memcache\n-m 64\n-l 127.0.0.1 # mchard-disable-line MC101\n-U 0\n');
    expect(trailing.text).toBe('-u memcache\n-m 64\n-l 127.0.0.1\n-U 0\n');
  });
});

describe('require-reason', () => {
  it('a directive without " -- reason" is reported (MC003) and still applies', () => {
    const text = `# mchard-disable MC101\n${BODY}`;
    expect(ids(text, 'debian', { requireReason: true })).not.toContain('8:MC101');
    expect(messages(text, 'MC003', 'debian', { requireReason: true })).toEqual([expect.stringMatching(/gives no reason: .mchardrc asks for one/)]);
    expect(messages(`# mchard-disable MC101 -- lab machine\n${BODY}`, 'MC003', 'debian', { requireReason: true })).toEqual([]);
    expect(messages(text, 'MC003')).toEqual([]);
  });
});
