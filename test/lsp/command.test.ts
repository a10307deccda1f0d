/** `mchard lsp`'s command line: help, and the usage errors that never start a server. */
import { errorLines, run } from '../cli/helpers.js';

describe('mchard lsp (command line)', () => {
  it('help lsp and lsp --help print the same help on stdout; the main help lists lsp', async () => {
    const a = await run(['help', 'lsp']);
    const b = await run(['lsp', '--help']);
    expect(a).toEqual({ code: 0, out: b.out, err: '' });
    expect(a.out).toMatch(/^Usage: mchard lsp --stdio\n/);
    for (const s of ['source.fixAll.mchard', '.mchardrc', '1 MiB', 'Editor integration']) expect(a.out).toContain(s);
    expect((await run(['--help'])).out).toContain('  lsp --stdio ');
  });

  it('without --stdio, with a FILE, or with an unknown option: one usage line, exit 2', async () => {
    const cases: [string[], string][] = [
      [['lsp'], 'mchard: lsp needs --stdio: the protocol runs on standard input and output'],
      [['lsp', '--stdio', 'x.conf'], 'mchard: lsp takes no FILE (got "x.conf"); editors send the documents'],
      [['lsp', '--socket=9000'], 'mchard: unknown option --socket'],
    ];
    for (const [argv, line] of cases) {
      const r = await run(argv);
      expect({ argv, code: r.code, out: r.out, err: errorLines(r.err) }).toEqual({ argv, code: 2, out: '', err: [line] });
    }
  });
});
