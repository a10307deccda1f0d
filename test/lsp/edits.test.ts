/**
 * The edits a code action sends: the difference between the document and the fixed text, as few and as
 * small replacements as the diff gives, none splitting a CRLF or a surrogate pair, and exact when an
 * editor applies them through LSP positions (vscode-languageserver-textdocument, as a client does).
 */
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { replacements, textEdits } from '../../src/lsp/fixes.js';

function applyReplacements(before: string, rs: { start: number; end: number; text: string }[]): string {
  let out = before;
  for (const r of [...rs].reverse()) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  return out;
}

/** What an editor does with the edits: positions from the document, applied by the document. */
function viaPositions(before: string, after: string): string {
  const doc = TextDocument.create('file:///x', 'x', 1, before);
  return TextDocument.applyEdits(doc, textEdits(doc, before, after));
}

const splitsCrlf = (s: string, at: number) => at > 0 && at < s.length && s[at - 1] === '\r' && s[at] === '\n';
const splitsPair = (s: string, at: number) => at > 0 && at < s.length && /[\ud800-\udbff]/.test(s[at - 1]) && /[\udc00-\udfff]/.test(s[at]);

describe('replacements', () => {
  it('nothing for equal texts', () => {
    expect(replacements('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('a commented-out line and a new one: two insertions into the old line and one new line', () => {
    const before = '-m 64\n-l 0.0.0.0\n-U 0\n';
    const after = '-m 64\n# -l 0.0.0.0  # note\n-l 127.0.0.1\n-U 0\n';
    expect(replacements(before, after)).toEqual([
      { start: 6, end: 6, text: '# ' },
      { start: 16, end: 16, text: '  # note' },
      { start: 17, end: 17, text: '-l 127.0.0.1\n' },
    ]);
  });

  it('changes far apart stay apart: nothing between them is rewritten', () => {
    const middle = 'keep this line\n'.repeat(50);
    const rs = replacements(`-vv\n${middle}-A\n`, `-v\n${middle}`);
    expect(rs).toHaveLength(2);
    expect(rs.every((r) => r.end - r.start <= 3)).toBe(true);
  });

  it('an inserted CRLF line never starts between CR and LF', () => {
    const before = 'a\r\nb\r\n';
    const after = 'a\r\nx\r\nb\r\n';
    const rs = replacements(before, after);
    for (const r of rs) {
      expect(splitsCrlf(before, r.start)).toBe(false);
      expect(splitsCrlf(before, r.end)).toBe(false);
    }
    expect(applyReplacements(before, rs)).toBe(after);
    expect(viaPositions(before, after)).toBe(after);
  });

  it('a changed astral character is replaced whole', () => {
    const before = 'x 🚀 y';
    const after = 'x 🚁 y';
    const rs = replacements(before, after);
    expect(rs).toEqual([{ start: 2, end: 4, text: '🚁' }]);
  });

  it('any change, in text with CRLF, lone CR, non-ASCII and astral characters, applies exactly through LSP positions', () => {
    const piece = fc.constantFrom('a', 'b', ' ', '-l', '\n', '\r\n', '\r', 'é', '🚀', '🚁', '#');
    const text = fc.array(piece, { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const rs = replacements(before, after);
        expect(applyReplacements(before, rs)).toBe(after);
        for (let k = 0; k < rs.length; k++) {
          const r = rs[k];
          expect(r.start).toBeLessThanOrEqual(r.end);
          if (k > 0) expect(r.start).toBeGreaterThan(rs[k - 1].end);
          for (const at of [r.start, r.end]) {
            expect(splitsCrlf(before, at)).toBe(false);
            expect(splitsPair(before, at)).toBe(false);
          }
        }
        expect(viaPositions(before, after)).toBe(after);
      }),
      { numRuns: 2000 },
    );
  });

  it('a large change (beyond the character diff) is still exact', () => {
    const before = 'line\n'.repeat(5000);
    const after = 'other\n'.repeat(5000);
    const rs = replacements(before, after);
    expect(applyReplacements(before, rs)).toBe(after);
  });
});
