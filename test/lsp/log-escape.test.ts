/**
 * What the language server sends to the editor's log (window/logMessage) is escaped as the CLI's output
 * is: a document's URI, a lint's failure text and anything a library prints quote text from outside, and
 * an editor's output panel may be a terminal's emulation. In-process, over real streams, with the server's
 * own framing.
 */
import { PassThrough } from 'node:stream';
import { startServer } from '../../src/lsp/server.js';

/** The JSON-RPC messages in a Content-Length framed byte string. */
function messages(wire: string): { method?: string; params?: { message?: string } }[] {
  const out = [];
  let rest = wire;
  for (;;) {
    const m = /^Content-Length: (\d+)\r\n\r\n/.exec(rest);
    if (!m) return out;
    const start = m[0].length;
    const body = Buffer.from(rest.slice(start), 'utf8').subarray(0, Number(m[1])).toString('utf8');
    out.push(JSON.parse(body));
    rest = rest.slice(start + body.length);
  }
}

describe('the editor log', () => {
  it('control characters in a log line are escaped (a library print, as an internal error line would be)', async () => {
    const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
    const input = new PassThrough();
    const output = new PassThrough();
    let wire = '';
    output.on('data', (d) => (wire += d.toString('utf8')));
    startServer(input, output);
    try {
      console.error('mchard: file:///srv/\x1b]52;c;QUFBQQ==\x07\x1b[2J\u202e\x9b31m/memcached.conf: internal error: \x1b[8mhidden');
      for (let k = 0; k < 100 && !wire.includes('internal error'); k++) await new Promise((r) => setTimeout(r, 10));
      const logs = messages(wire).filter((m) => m.method === 'window/logMessage').map((m) => m.params!.message!);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toBe('mchard: file:///srv/\\x1b]52;c;QUFBQQ==\\x07\\x1b[2J\\u202e\\x9b31m/memcached.conf: internal error: \\x1b[8mhidden');
    } finally {
      Object.assign(console, saved);
      // Neither ended nor disposed: the library ends the process when its input ends or closes.
    }
  });
});
