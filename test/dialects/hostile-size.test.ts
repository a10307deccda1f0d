/**
 * Hostile sizes and shapes (redteam5): files an attacker writes so that reading them costs minutes, gigabytes
 * or the call stack. Each case ended in a hang, an out-of-memory abort or "internal error" before its fix.
 */
import { SourceText } from '../../src/source.js';
import { parseSupervisord } from '../../src/dialects/supervisord.js';
import { loadDialect } from '../../src/dialects/index.js';
import { type TemplateTag } from '../../src/dialects/template.js';
import { standaloneTags } from '../../src/dialects/template-parse.js';
import fc from 'fast-check';

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

describe('templates: many tags on one line', () => {
  /** The answer as mchard gave it before (each tag's lines cut again for each neighbour), for comparison. */
  function standaloneBefore(text: string, tag: TemplateTag, tags: readonly TemplateTag[], k: number): boolean {
    const bounds = (at: number) => ({ start: text.lastIndexOf('\n', at - 1) + 1, end: text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at) });
    const a = bounds(tag.start);
    const b = bounds(Math.max(tag.start, tag.end - 1));
    let rest = text.slice(a.start, tag.start) + text.slice(tag.end, b.end);
    const drop = (o: TemplateTag) => {
      if (o.kind === 'stmt' || o.kind === 'comment') rest = rest.replace(text.slice(o.start, o.end), '');
    };
    for (let j = k - 1; j >= 0 && tags[j].end > a.start; j--) drop(tags[j]);
    for (let j = k + 1; j < tags.length && tags[j].start < b.end; j++) drop(tags[j]);
    return rest.trim() === '';
  }

  it('says which tags stand alone on their lines as before, for random lines of tags, text and blanks', () => {
    const kinds = ['expr', 'stmt', 'comment', 'include'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(' ', '\n', '\t', 'a', '\r\n'), fc.record({ kind: fc.constantFrom(...kinds), multiline: fc.boolean() })), { maxLength: 40 }),
        (pieces) => {
          let text = '';
          const tags: TemplateTag[] = [];
          pieces.forEach((p, i) => {
            if (typeof p === 'string') text += p;
            else {
              const body = `{<${i}${p.multiline ? '\n' : ''}>}`;
              tags.push({ start: text.length, end: text.length + body.length, kind: p.kind, role: 'none', body: String(i), trimBefore: false, trimAfter: false });
              text += body;
            }
          });
          const now = standaloneTags(text, tags);
          tags.forEach((t, k) => {
            expect([k, now(t, k)]).toEqual([k, standaloneBefore(text, t, tags, k)]);
            const asComment = { ...t, kind: 'comment' as const };
            expect([k, now(asComment, k)]).toEqual([k, standaloneBefore(text, asComment, tags, k)]);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('lints a template of 50,000 {% if %} tags on one line in seconds', async () => {
    // 4,000 tags took 2 s, 8,000 took 9.5 s, and the 1 MiB file of 100,000 more than 30 s.
    const { lintText } = await import('../helpers/lint.js');
    const t0 = Date.now();
    lintText(`-l 127.0.0.1 ${'{% if x %}'.repeat(50000)}\n`, { dialect: 'debian', path: 'templates/memcached.conf.j2' });
    expect(Date.now() - t0).toBeLessThan(8000);
  });
});

describe('Dockerfile: many stages', () => {
  it('reads 20,000 FROM ... AS stages in seconds, each FROM finding the stage it names', async () => {
    // Each FROM searched every stage before it for the name it builds on: 20,000 stages took 12 s.
    await loadDialect('dockerfile');
    const { parseDockerfile } = await import('../../src/dialects/dockerfile.js');
    // Each FROM names an image, not a stage: the whole list was searched each time.
    const text = `${Array.from({ length: 20000 }, (_, i) => `FROM memcached:1.6.22 AS s${i}\nCMD memcached -l 10.0.0.${i % 250}\n`).join('')}FROM s7 AS last\n`;
    const t0 = Date.now();
    const c = parseDockerfile(new SourceText('Dockerfile', text));
    expect(Date.now() - t0).toBeLessThan(4000);
    // The last stage runs what stage s7 runs.
    expect(c.argv.map((t) => t.value)).toEqual(['-l', '10.0.0.7']);
  });
});
