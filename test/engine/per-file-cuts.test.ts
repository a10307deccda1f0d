/**
 * Small per-file computations written for speed, each held to the code it replaced, property-style:
 * a file's findings sorted by insertion (sortFindings) as Array.prototype.sort sorts them, atLeast as
 * compareVersions decides, hiddenValues' early answer for a command line without host values, and the
 * sysconfig values made once.
 */
import fc from 'fast-check';
import { findingOrder, sortFindings } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { atLeast, compareVersions, formatVersion, type Version } from '../../src/memcached/version.js';
import { hiddenValues } from '../../src/report/redact.js';
import type { ArgToken } from '../../src/source.js';
import { readEnvironmentFile } from '../../src/dialects/envfile.js';
import { blank } from '../../src/engine/rule.js';
import { describeListener, exposedListenerList } from '../../src/engine/helpers.js';
import type { ClassifiedListener } from '../../src/engine/exposure.js';
import { SourceText } from '../../src/source.js';

const finding = fc.record({
  line: fc.integer({ min: 1, max: 4 }),
  column: fc.integer({ min: 1, max: 3 }),
  ruleId: fc.constantFrom('MC101', 'MC111', 'MC301', 'MC601', 'MC002'),
  part: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  tag: fc.nat(),
});

describe('sortFindings', () => {
  it('sorts as Array.prototype.sort with findingOrder does (stable), at every length', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 60 }), (list) => {
        const fs = list.map((f, k) => ({ ...f, tag: k }) as unknown as Finding);
        const expected = [...fs].sort(findingOrder);
        const got = [...fs];
        sortFindings(got);
        expect(got).toEqual(expected);
        // The same objects, in the same order (ties keep their order: `tag` is the position before).
        expect(got.every((f, k) => f === expected[k])).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('atLeast', () => {
  const part = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(0, 1, 5, 6, 18, 45, 2 ** 40));
  it('is compareVersions(v, since) >= 0', () => {
    fc.assert(
      fc.property(fc.tuple(part, part, part), fc.tuple(part, part, part), (v, s) => {
        const since = formatVersion(s as Version);
        expect(atLeast(v as Version, since)).toBe(compareVersions(v as Version, s as Version) >= 0);
        expect(atLeast(s as Version, since)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

/** hiddenValues as it was written before its early answer. */
function hiddenValuesBefore(argv: readonly ArgToken[]) {
  const out = new Map<string, string>();
  for (const t of argv) {
    if (!t.hiddenFrom) continue;
    for (const v of [t.value, ...t.value.split(/[,:=\s]+/)]) {
      if (v.length < 2 || /^(?:-[A-Za-z]|-v+|--[a-z][a-z-]*)$/.test(v)) continue;
      if (!out.has(v)) out.set(v, t.hiddenFrom);
      const quoted = JSON.stringify(v).slice(1, -1);
      if (quoted !== v && !out.has(quoted)) out.set(quoted, t.hiddenFrom);
      // What atoi, strtol and atof leave after a leading number (added since: it is shown as dropped text).
      for (const number of [/^\s*[+-]?\d+/, /^\s*[+-]?[0-7]+/, /^\s*[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*(?:[pP][+-]?\d+)?/, /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/]) {
        const m = number.exec(v);
        if (!m || m[0].length >= v.length) continue;
        for (const rest of [v.slice(m[0].length), v.slice(m[0].length).trim()]) {
          if (rest.length < 2 || /^(?:-[A-Za-z]|-v+|--[a-z][a-z-]*)$/.test(rest) || out.has(rest)) continue;
          out.set(rest, t.hiddenFrom);
          const q = JSON.stringify(rest).slice(1, -1);
          if (q !== rest && !out.has(q)) out.set(q, t.hiddenFrom);
        }
      }
    }
  }
  return [...out].map(([value, from]) => ({ value, from })).sort((a, b) => b.value.length - a.value.length);
}

describe('hiddenValues', () => {
  it('gives what it gave before, with and without values from host files', () => {
    const token = fc.record({
      value: fc.constantFrom('-l', '0.0.0.0', 'secret,other', '-m', '64', 'a b', 'x"y'),
      hiddenFrom: fc.option(fc.constantFrom('/etc/x.env', '/etc/y'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), (list) => {
        const argv = list.map((t) => ({ value: t.value, span: null, origin: 'file', exact: true, ...(t.hiddenFrom ? { hiddenFrom: t.hiddenFrom } : {}) }) as ArgToken);
        expect(hiddenValues(argv)).toEqual(hiddenValuesBefore(argv));
      }),
      { numRuns: 500 },
    );
  });
});

describe('readEnvironmentFile', () => {
  it('gives each assignment the value its characters spell, as before (value and valueSources agree)', () => {
    const unit = fc.constantFrom('A', 'B', '=', '"', "'", '\\', ' ', '\n', '#', 'é', '$', '{', '}', 'x');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const env = readEnvironmentFile(new SourceText('/etc/sysconfig/memcached', text));
        for (const a of env.assignments) {
          expect(a.value.length).toBe(a.valueSources.length);
          // A character decoded from the file is the text at its source, or an escape/continuation resolving to it.
          a.valueSources.forEach((src, k) => {
            if (src.end - src.start === 1) expect(text[src.start]).toBe(a.value[k]);
          });
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('blank (validateReport)', () => {
  it("is s.trim() === '' for any text, every code unit included", () => {
    const differ: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (blank(ch) !== (ch.trim() === '') || blank(` ${ch}\t`) !== (` ${ch}\t`.trim() === '')) differ.push(c);
    }
    expect(differ).toEqual([]);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u3000', 'a', '\u200b', '\u180e') }), (s) => {
        expect(blank(s)).toBe(s.trim() === '');
      }),
      { numRuns: 2000 },
    );
  });
});

/** exposedListenerList as it was written before it remembered its text without a filter. */
function listBefore(listeners: readonly ClassifiedListener[], filter: (c: ClassifiedListener) => boolean = () => true, max = 3): string {
  const seen = new Set<string>();
  for (const c of listeners) if (c.cls !== 'loopback' && filter(c)) seen.add(describeListener(c));
  const all = [...seen];
  return all.length > max ? `${all.slice(0, max).join(', ')} and ${all.length - max} more` : all.join(', ');
}

describe('exposedListenerList', () => {
  it('gives what it gave before, remembered or not, with and without a filter', () => {
    const classified = fc.record({
      listener: fc.record({
        transport: fc.constantFrom('tcp' as const, 'udp' as const),
        address: fc.constantFrom('0.0.0.0', '127.0.0.1', '::', '10.0.0.1', '203.0.113.9', null),
        host: fc.constantFrom('cache.local', null),
        port: fc.constantFrom(11211, 11212, 0),
      }),
      cls: fc.constantFrom('wildcard', 'loopback', 'private', 'public', 'hostname', 'trusted'),
    });
    fc.assert(
      fc.property(fc.array(classified, { maxLength: 7 }), fc.integer({ min: 0, max: 5 }), (list, max) => {
        const listeners = list as unknown as ClassifiedListener[];
        const ctx = { exposure: { listeners } } as unknown as Parameters<typeof exposedListenerList>[0];
        const pub = (c: ClassifiedListener) => c.cls === 'public' || c.cls === 'wildcard';
        expect(exposedListenerList(ctx)).toBe(listBefore(listeners));
        expect(exposedListenerList(ctx)).toBe(listBefore(listeners));
        expect(exposedListenerList(ctx, pub)).toBe(listBefore(listeners, pub));
        expect(exposedListenerList(ctx, undefined, max)).toBe(listBefore(listeners, undefined, max));
        expect(exposedListenerList(ctx, pub, max)).toBe(listBefore(listeners, pub, max));
      }),
      { numRuns: 1000 },
    );
  });
});
