/**
 * Hostile sizes and shapes (redteam5): files an attacker writes so that reading them costs minutes, gigabytes
 * or the call stack. Each case ended in a hang, an out-of-memory abort or "internal error" before its fix.
 */
import { SourceText } from '../../src/source.js';
import { parseSupervisord } from '../../src/dialects/supervisord.js';
import { loadDialect } from '../../src/dialects/index.js';

beforeAll(async () => {
  await loadDialect('supervisord');
});

describe('supervisord: many programs and processes', () => {
  it('reads a file of 3,000 memcached programs in seconds, checking the first 32', () => {
    // Each program was the whole file read again (and each reading kept): 1,000 programs took 52 s.
    const text = Array.from({ length: 3000 }, (_, i) => `[program:m${i}]\ncommand=/usr/bin/memcached -p ${i + 1}\n`).join('');
    const t0 = Date.now();
    const c = parseSupervisord(new SourceText('/etc/supervisor/conf.d/many.conf', text));
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(c.parts).toHaveLength(32);
    expect(c.parts!.map((p) => p.argv.map((t) => t.value))[31]).toEqual(['-p', '32']);
    expect(c.notes.map((n) => n.message)).toContain('the file starts 3000 memcached processes: mchard checks the first 32 ([program:m31] is the last checked)');
  });

  it('reads numprocs=1000000000 without making a billion processes', () => {
    // Every process was made before the first 32 were kept: 4 GiB and an abort after 98 s.
    const text = '[program:m]\ncommand=/usr/bin/memcached -p 1%(process_num)d\nprocess_name=%(program_name)s_%(process_num)d\nnumprocs=1000000000\n';
    const c = parseSupervisord(new SourceText('/etc/supervisor/conf.d/np.conf', text));
    expect(c.parts).toHaveLength(32);
    expect(c.parts!.map((p) => p.argv.map((t) => t.value).join(' ')).slice(0, 2)).toEqual(['-p 10', '-p 11']);
    expect(c.notes.map((n) => n.message)).toContain('the file starts 1000000000 memcached processes: mchard checks the first 32 ([program:m] process_num 31 is the last checked)');
  });
});

describe('systemd: a command continued over thousands of lines', () => {
  it('reads a unit whose ExecStart= goes on for 20,000 lines in a second or two', async () => {
    // Each continuation line copied the whole command so far and scanned it again: 8,000 lines took 13 s.
    await loadDialect('systemd');
    const { parseUnitSyntax } = await import('../../src/dialects/systemd-unit.js');
    const text = `[Service]\nExecStart=/usr/bin/memcached \\\n${'-l 127.0.0.1 \\\n'.repeat(20000)}-U 0\n`;
    const t0 = Date.now();
    const u = parseUnitSyntax(text);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(u.assignments).toHaveLength(1);
    expect(u.assignments[0]).toMatchObject({ key: 'ExecStart', line: 2, endLine: 20003 });
    expect(u.assignments[0].value.split(/ +/)).toHaveLength(1 + 40000 + 2);
  });
});
