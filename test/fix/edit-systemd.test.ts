/**
 * Fixing a systemd unit: options change inside ExecStart= with a `# mchard:` note above it, every other
 * line stays, options from variables are refused with the place to change them, and on generated units
 * no fixable finding is left, the result loads, and a second fix changes nothing.
 */
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { parseSystemd } from '../../src/dialects/systemd.js';
import { fixText } from './helpers.js';
import { lintText } from '../helpers/lint.js';

const PATH = '/srv/units/memcached.service';
const fix = (text: string) => fixText(text, 'systemd', {}, PATH);
const unit = (service: string) => `[Unit]\nDescription=memcached\n\n[Service]\n${service}\n\n[Install]\nWantedBy=multi-user.target\n`;
const argvOf = (text: string) => parseSystemd(new SourceText(PATH, text)).argv.map((t) => t.value);

beforeAll(async () => {
  await loadDialect('systemd');
});

describe('fix of a unit', () => {
  it('edits ExecStart= in place over continued lines and notes each change above it', () => {
    const before = unit('# keep me\nExecStart=/usr/bin/memcached -u root -m 64 \\\n    -l "0.0.0.0" -U 11211 -vd');
    const plan = fix(before);
    expect(plan.text).toBe(
      unit(
        '# keep me\n' +
          // One note per fix, in the order the fixes apply (errors of the settings phase by position, then -d).
          '# mchard: replaced -u root with -u memcache in ExecStart= (MC201)\n' +
          '# mchard: replaced -l 0.0.0.0 with -l 127.0.0.1 in ExecStart= (MC101)\n' +
          '# mchard: replaced -U 11211 with -U 0, added -p 11211 in ExecStart= (MC110)\n' +
          '# mchard: removed -d in ExecStart= (MC901)\n' +
          'ExecStart=/usr/bin/memcached -u memcache -m 64 \\\n    -l 127.0.0.1 -U 0 -v -p 11211',
      ),
    );
    expect(plan.failed).toEqual([]);
  });

  it('adds a missing option at the end of the command, after $OPTIONS', () => {
    const plan = fix(unit('Environment=OPTIONS=-v\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 $OPTIONS'));
    expect(plan.text).toContain('ExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 $OPTIONS -u memcache\n');
    expect(argvOf(plan.text)).toEqual(['-l', '127.0.0.1', '-U', '0', '-v', '-u', 'memcache']);
  });

  it('refuses an option that comes from a variable, naming where it is set', () => {
    const plan = fix(unit('User=memcache\nEnvironment="OPTIONS=-l 0.0.0.0 -U 0"\nExecStart=/usr/bin/memcached $OPTIONS'));
    expect(plan.failed.find((f) => f.ruleId === 'MC101')?.reason).toMatch(/comes from \$OPTIONS \(Environment= on line 6\)/);
    expect(plan.text).not.toContain('127.0.0.1');
  });

  it('leaves a unit that does not decide the command line alone', () => {
    const t = unit('ExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf');
    expect(fix(t).text).toBe(t);
  });
});

// ---- Generated units ----

const piece = fc.constantFrom('-l 0.0.0.0', '-l "10.0.0.1"', "-l '0.0.0.0'", '-U 11211', '-U 0', '-u root', '-u memcache', '-A', '-vv', '-vA', '-d', '-p 11211', '-c 1024', '-a 0777', '-s /tmp/m.sock', '-m ${MEM}', '--', '\\\n   ', '"-X"');
const unitGen = fc
  .tuple(fc.array(piece, { maxLength: 7 }), fc.constantFrom('', 'User=memcache\n', 'Type=forking\n', 'Type=notify\n'), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([ps, extra, eol, env]) => unit(`${extra}${env ? 'Environment=MEM=64\n' : ''}# the command\nExecStart=/usr/bin/memcached ${ps.join(' ')}`).replace(/\n/g, eol));

describe('fix on generated units', () => {
  it('leaves no fixable finding, keeps every other line, loads, and is idempotent', () => {
    fc.assert(
      fc.property(unitGen, (text) => {
        const plan = fix(text);
        const after = lintText(plan.text, { dialect: 'systemd', path: PATH });
        expect({ text, left: after.findings.filter((f) => f.fix).map((f) => f.ruleId), failed: plan.failed }).toEqual({ text, left: [], failed: [] });
        expect(after.config.launchFailure).toBeNull();
        const kept = plan.text.split('\n');
        text.split('\n').forEach((l, k) => {
          if (!plan.touchedLines.includes(k + 1)) expect(kept).toContain(l);
        });
        expect(plan.text).toContain('# the command');
        expect(fix(plan.text).text).toBe(plan.text);
      }),
      { numRuns: 200 },
    );
  });
});
