/** Fixes written into Debian files: notes, commented-out lines, clusters, placement, line endings. */
import { SourceText } from '../../src/source.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { analyze } from '../../src/memcached/model.js';
import { editDebian } from '../../src/fix/edit-debian.js';
import { keptText as debianKept } from '../../src/dialects/debian-lines.js';
import type { FixIntent } from '../../src/engine/types.js';
import { fixText } from './helpers.js';
import { lintText } from '../helpers/lint.js';

const argvOf = (text: string) => parseDebian(new SourceText('/x.conf', text)).argv.map((t) => t.value);
const SAFE = '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n';

/** Edits `text` with hand-made intents (for changes no rule offers on this text). */
function edit(text: string, make: (ev: ReturnType<typeof analyze>['applied']['options']) => FixIntent[]) {
  const config = parseDebian(new SourceText('/x.conf', text));
  const model = analyze(config.argv);
  return editDebian({ config, model, intents: make(model.applied.options), label: { ruleId: 'MC999', slug: 'test' }, fresh: new Set() });
}

describe('Debian: removing a dangerous option', () => {
  it('replaces a line holding only -A with a note naming the rule', () => {
    const p = fixText(`${SAFE}-A\n`);
    expect(p.text).toBe(`${SAFE}# mchard: -A removed (MC501 shutdown-command-enabled)\n`);
    expect(p.applied.map((a) => a.ruleId)).toEqual(['MC501']);
  });

  it("keeps the line's own comment after the note", () => {
    const p = fixText(`${SAFE}-A   # for the deploy script\n`);
    expect(p.text).toBe(`${SAFE}# mchard: -A removed (MC501 shutdown-command-enabled)  # for the deploy script\n`);
  });

  it('comments out a line holding other options too and keeps them on the next line', () => {
    const p = fixText('-m 64 -A -p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n');
    expect(p.text).toBe('# -m 64 -A -p 11211  # mchard: -A removed (MC501 shutdown-command-enabled)\n-m 64 -p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n');
  });

  it('removes --enable-shutdown written long', () => {
    const p = fixText(`${SAFE}--enable-shutdown\n`);
    expect(p.text).toBe(`${SAFE}# mchard: --enable-shutdown removed (MC501 shutdown-command-enabled)\n`);
  });

  it('removes every -A', () => {
    const p = fixText(`-A\n${SAFE}-A\n`);
    expect(p.text.match(/-A removed/g)).toHaveLength(2);
    expect(argvOf(p.text)).not.toContain('-A');
  });
});

describe('Debian: clusters are edited inside the word', () => {
  it('-vv becomes -v', () => {
    const p = fixText(`${SAFE}-vv\n`);
    expect(p.text).toBe(`${SAFE}# -vv  # mchard: -v removed (MC502 verbose-logging)\n-v\n`);
  });

  it('-vvv becomes -v in one step', () => {
    const p = fixText(`${SAFE}-vvv\n`);
    expect(p.text).toBe(`${SAFE}# -vvv  # mchard: -v removed (MC502 verbose-logging)\n-v\n`);
  });

  it('-vd loses its d (MC901)', () => {
    const p = fixText(`${SAFE}-vd\n`);
    expect(p.text).toBe(`${SAFE}# -vd  # mchard: -d removed (MC901 daemonize-under-service-manager)\n-v\n`);
  });

  it('-v -v on one line keeps the first', () => {
    const p = fixText(`${SAFE}-v -v\n`);
    expect(argvOf(p.text)).toEqual([...argvOf(SAFE), '-v']);
  });

  it('a value attached to a later letter is cut off with it (-vl0.0.0.0 → -v and a new -l)', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n-U 0\n-vl0.0.0.0\n');
    expect(argvOf(p.text)).toEqual(['-m', '64', '-p', '11211', '-u', 'memcache', '-U', '0', '-v', '-l', '127.0.0.1']);
    expect(p.text).toContain('# -vl0.0.0.0  # mchard: -l0.0.0.0 replaced (MC101 listen-all-interfaces)\n-v -l 127.0.0.1\n');
  });
});

describe('Debian: replacing a value', () => {
  it('comments the old line out and puts the new option on the next line', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n-l 0.0.0.0\n-U 0\n');
    expect(p.text).toBe('-m 64\n-p 11211\n-u memcache\n# -l 0.0.0.0  # mchard: -l 0.0.0.0 replaced (MC101 listen-all-interfaces)\n-l 127.0.0.1\n-U 0\n');
  });

  it('keeps a trailing comment on the commented-out line only', () => {
    const p = fixText('-m 64\n-p 11211\n-u root   # old habit\n-l 127.0.0.1\n-U 0\n');
    expect(p.text).toContain('# -u root   # old habit  # mchard: -u root replaced (MC201 runs-as-root)\n-u memcache\n');
  });

  it('uses the --listen addresses and the --user name', () => {
    const p = fixText('-m 64\n-p 11211\n-u root\n-l 0.0.0.0\n-U 0\n', 'debian', { fixListen: ['127.0.0.2', '::1'], fixUser: 'nobody' });
    expect(argvOf(p.text)).toEqual(['-m', '64', '-p', '11211', '-u', 'nobody', '-l', '127.0.0.2,::1', '-U', '0']);
  });

  it('removes earlier -l options and replaces the last one', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n-l 10.0.0.1\n-l 8.8.8.8\n-U 0\n');
    expect(argvOf(p.text)).toEqual(['-m', '64', '-p', '11211', '-u', 'memcache', '-l', '127.0.0.1', '-U', '0']);
    expect(p.text).toContain('# mchard: -l 10.0.0.1 removed (MC102 listen-public-address)\n');
  });

  it('handles a value written on the next line', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n-U 0\n-l\n0.0.0.0\n');
    expect(argvOf(p.text)).toEqual(['-m', '64', '-p', '11211', '-u', 'memcache', '-U', '0', '-l', '127.0.0.1']);
    expect(p.unfixed).toEqual([]);
  });

  it('changes -U 11211 to -U 0 and keeps TCP on 11211 when -p was missing', () => {
    const p = fixText('-m 64\n-u memcache\n-l 127.0.0.1\n-U 11211\n');
    const words = argvOf(p.text);
    expect(words.join(' ')).toContain('-U 0');
    expect(words.join(' ')).toContain('-p 11211');
  });

  it('only with --port does it move TCP off 11211', () => {
    expect(fixText(SAFE).changed).toBe(false);
    const p = fixText(SAFE, 'debian', { fixPort: 41234 });
    expect(argvOf(p.text)).toEqual(['-m', '64', '-p', '41234', '-u', 'memcache', '-l', '127.0.0.1', '-U', '0']);
  });

  it('-u 0 (the -U 0 typo) becomes -U 0 and a real user (MC805)', () => {
    const p = fixText('-m 64\n-p 11211\n-l 127.0.0.1\n-u 0\n');
    const words = argvOf(p.text).join(' ');
    expect(words).toContain('-U 0');
    expect(words).toContain('-u memcache');
    expect(lintText(p.text).findings.filter((f) => f.fix)).toEqual([]);
  });

  it('-a 0700 for a unix socket (MC701)', () => {
    const p = fixText('-m 64\n-u memcache\n-s /run/memcached/memcached.sock\n-a 0777\n');
    expect(p.text).toBe('-m 64\n-u memcache\n-s /run/memcached/memcached.sock\n# -a 0777  # mchard: -a 0777 replaced (MC701 socket-permissions-too-open)\n-a 0700\n');
  });

  it('replacing an option by one with another letter writes the new letter', () => {
    const r = edit('-m 64\n-u 0\n', (opts) => [{ kind: 'set-option', letter: 'U', value: '0', replace: opts.find((o) => o.spec.short === 'u') }]);
    expect(r.ok && r.output.text).toBe('-m 64\n# -u 0  # mchard: -u 0 replaced (MC999 test)\n-U 0\n');
  });
});

describe('Debian: several fixes on one line', () => {
  it('comments the line out once and lists every change in one note', () => {
    const p = fixText('-m 64 -p 11211 -u root -l 0.0.0.0 -A -vv\n');
    expect(p.text).toBe(
      '# -m 64 -p 11211 -u root -l 0.0.0.0 -A -vv  # mchard: -u root replaced (MC201 runs-as-root), -l 0.0.0.0 replaced (MC101 listen-all-interfaces), -A removed (MC501 shutdown-command-enabled), -v removed (MC502 verbose-logging)\n' +
        '-m 64 -p 11211 -u memcache -l 127.0.0.1 -v\n-U 0\n',
    );
  });

  it('drops the new line when a later fix empties it', () => {
    const p = fixText('-m 64 -A\n-m 128\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n');
    expect(p.text).toBe('# -m 64 -A  # mchard: -m 64 removed (MC803 duplicate-option), -A removed (MC501 shutdown-command-enabled)\n-m 128\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n');
  });

  it('does not rewrite lines an earlier run wrote', () => {
    const first = fixText('-m 64\n-p 11211\n-u root\n-l 127.0.0.1\n-U 0\n').text;
    const second = fixText(first, 'debian', { fixUser: 'nobody' }).text;
    expect(second).toContain('# -u root  # mchard: -u root replaced (MC201 runs-as-root)\n');
    expect(second.split('\n').filter((l) => l.startsWith('-u '))).toEqual(['-u memcache']);
  });
});

describe('Debian: adding an option', () => {
  it('puts -U 0 after the -p line, not at the end', () => {
    const p = fixText('# cache\n-m 64\n\n# port\n-p 11211\n\n# user\n-u memcache\n-l 127.0.0.1\n');
    expect(p.text).toBe('# cache\n-m 64\n\n# port\n-p 11211\n-U 0\n\n# user\n-u memcache\n-l 127.0.0.1\n');
    expect(p.touchedLines).toEqual([]);
  });

  it('adds after the last option line when no related option exists', () => {
    const p = fixText('-m 64\n# trailing comment\n', 'debian');
    const words = argvOf(p.text);
    expect(words).toEqual(expect.arrayContaining(['-l', '127.0.0.1', '-U', '0', '-u', 'memcache']));
    expect(p.text.startsWith('-m 64\n')).toBe(true);
    expect(p.text.endsWith('# trailing comment\n')).toBe(true);
  });

  it('an empty file gets a user, loopback and -U 0 (the wrapper would run it as root on every interface)', () => {
    const p = fixText('');
    expect(p.text.split('\n').filter(Boolean).sort()).toEqual(['-U 0', '-l 127.0.0.1', '-u memcache']);
    expect(p.unfixed).toEqual([]);
  });

  it('a comments-only file keeps its comments first', () => {
    const p = fixText('# nothing configured\n');
    expect(p.text.startsWith('# nothing configured\n')).toBe(true);
    expect(argvOf(p.text)).toEqual(expect.arrayContaining(['-u', 'memcache', '-l', '127.0.0.1']));
  });
});

describe('Debian: the rest of the file stays byte for byte', () => {
  it('keeps CRLF line endings, also on the lines it adds', () => {
    const p = fixText('# c\r\n-m 64\r\n-p 11211\r\n-u root\r\n-l 127.0.0.1\r\n');
    expect(p.text).toBe('# c\r\n-m 64\r\n-p 11211\r\n-U 0\r\n# -u root  # mchard: -u root replaced (MC201 runs-as-root)\r\n-u memcache\r\n-l 127.0.0.1\r\n');
  });

  it('keeps a missing final newline', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n-l 0.0.0.0');
    expect(p.text.endsWith('\n')).toBe(false);
    expect(p.text).toBe('-m 64\n-p 11211\n-U 0\n-u memcache\n# -l 0.0.0.0  # mchard: -l 0.0.0.0 replaced (MC101 listen-all-interfaces)\n-l 127.0.0.1');
  });

  it('adds at the end of a file without a final newline without gluing lines together', () => {
    const p = fixText('-m 64\n-u memcache\n-l 127.0.0.1');
    expect(p.text).toBe('-m 64\n-u memcache\n-l 127.0.0.1\n-U 0');
  });

  it('keeps leading whitespace, blank lines and odd comments elsewhere', () => {
    const text = '   # indented comment\n\n\t-m 64\n#-l 0.0.0.0\n-p 11211 # port\n-u memcache\n-l 127.0.0.1\n-A\n';
    const p = fixText(text);
    expect(p.text).toBe('   # indented comment\n\n\t-m 64\n#-l 0.0.0.0\n-p 11211 # port\n-U 0\n-u memcache\n-l 127.0.0.1\n# mchard: -A removed (MC501 shutdown-command-enabled)\n');
  });

  it('a note never leaves text the wrapper would keep (escaped #)', () => {
    const r = edit('-m 64\n-o x\\#y -A\n', (opts) => [{ kind: 'remove-option', option: opts.find((o) => o.spec.short === 'A')! }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const lines = r.output.text.split('\n');
    expect(debianKept(lines[1])).toBe('');
    expect(argvOf(r.output.text)).toEqual(argvOf('-m 64\n-o x\\#y\n'));
  });
});

describe('Debian: edits that cannot be written faithfully are refused', () => {
  it('refuses sysconfig-only intents', () => {
    const r = edit('-m 64\n', () => [{ kind: 'set-variable', key: 'USER', value: 'x' }]);
    expect(r.ok).toBe(false);
  });

  it('refuses a value that is not safe to write', () => {
    const r = edit('-m 64\n', () => [{ kind: 'set-option', letter: 'l', value: '127.0.0.1; rm -rf /' }]);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('cannot be written safely') });
  });

  it('refuses a removal that would leave the wrapper nothing (it would then add -u root)', () => {
    const r = edit('-A\n', (opts) => [{ kind: 'remove-option', option: opts.find((o) => o.spec.short === 'A')! }]);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('-u root') });
  });

  it('rewrites a quoted word of a shell-evaluated line plainly', () => {
    const p = fixText("-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n'-vv'\n");
    expect(argvOf(p.text)).toEqual([...argvOf(SAFE), '-v']);
  });
});
