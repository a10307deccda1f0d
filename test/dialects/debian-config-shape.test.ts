/**
 * The Debian dialect's parse result is an object V8 keeps in fast mode (a class instance; an object
 * literal with a `get lines()` was made in dictionary mode, so every read of its fields by the model and
 * the rules was a hash lookup), with the same own fields, in the same order, and the same `lines` and
 * `print()` as the literal it replaced. The one difference: `lines` is the class's getter, so it is no own
 * field (nothing enumerates a parse result; the fix editor reads `lines`).
 */
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { debianLines } from '../../src/dialects/debian-lines.js';

setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

const parse = (text: string) => parseDebian(new SourceText('/etc/memcached.conf', text));

/** The own fields of the object literal the parse used to return, in its order (without its getter, `lines`). */
const FIELDS = ['dialect', 'source', 'argv', 'argvExact', 'launchFailure', 'notes', 'shellEvaluated'];

const line = fc.oneof(
  fc.constantFrom('-u memcache', '-m 64', '-l 127.0.0.1', '-p 11211 -U 0', '# a comment', '', 'logfile /var/log/memcached.log', '-d', '-c 1024 # x', '-l $HOST', '-vv &', '-m 64; echo hi', '-l 0.0.0.0 2>&1'),
  fc.string({ maxLength: 20 }),
);

describe('Debian dialect: the parse result', () => {
  it('is an object in V8 fast mode', () => {
    expect(hasFastProperties(parse('-u memcache\n-m 64\n'))).toBe(true);
    expect(hasFastProperties(parse(''))).toBe(true);
    expect(hasFastProperties(parse('-m 64 &\n'))).toBe(true); // with startupUnknown
  });

  it('has the literal’s own data fields in its order, and its lines and print, for any file', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        const c = parse(text);
        const fields = c.startupUnknown ? [...FIELDS, 'startupUnknown', 'print'] : [...FIELDS, 'print'];
        expect(Object.keys(c)).toEqual(fields);
        expect('startupUnknown' in c).toBe(c.startupUnknown !== undefined);
        expect(c.dialect).toBe('debian');
        expect(c.lines).toEqual(debianLines(text));
        expect(c.lines).toBe(c.lines); // worked out once
        expect(c.print()).toBe(text);
        // Read through an object made from it (the template layer wraps a parse with Object.create).
        const wrapped = Object.create(c) as typeof c;
        expect(wrapped.lines).toBe(c.lines);
        expect(wrapped.print()).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
