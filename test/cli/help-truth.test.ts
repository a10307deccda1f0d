/**
 * What `mchard help COMMAND` says a user may pass is what the command accepts (README: "`mchard help
 * COMMAND` lists a command's options").
 */
import { run } from './helpers.js';

/** The names --dialect accepts, as its own error message lists them. */
async function acceptedDialects(): Promise<string[]> {
  const r = await run(['lint', '--dialect', 'no-such-format', '-']);
  const m = /--dialect must be one of ([^(]+) \(got/.exec(r.err);
  expect(m).not.toBeNull();
  return m![1].split(', ');
}

describe('help COMMAND names every format --dialect accepts', () => {
  it.each(['lint', 'fix', 'inspect'])('help %s', async (cmd) => {
    const names = await acceptedDialects();
    expect(names).toEqual(expect.arrayContaining(['dockerfile', 'kubernetes', 'helm']));
    const r = await run(['help', cmd]);
    expect(r.code).toBe(0);
    // The --dialect entry: from its line to the next option's.
    const entry = /\n {2}--dialect [^\n]*(\n {20,}[^\n]*)*/.exec(r.out)![0].replace(/\s+/g, ' ');
    for (const name of names) expect(entry).toMatch(new RegExp(`\\b${name}\\b`));
  });
});

describe("action.yml's description names the formats the action lints", () => {
  it('the Marketplace line a user reads before choosing the action lists every family mchard reads', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ROOT } = await import('./helpers.js');
    const line = /^description: (.*)$/m.exec(readFileSync(join(ROOT, 'action.yml'), 'utf8'))![1];
    for (const name of ['Debian', 'sysconfig', 'systemd', 'OpenRC', 'rc.conf', 'Compose', 'Dockerfile', 'supervisord', 'Kubernetes', 'Helm']) {
      expect(line).toContain(name);
    }
  });
});

describe('-v names each system path as it is searched', () => {
  it("/etc/supervisord.d: *.conf files are read as well as *.ini, and -v says so (as help lint does)", async () => {
    const r = await run(['lint', '-v', '--format', 'json']);
    expect(r.err).toContain('\n  /etc/supervisord.d/*.ini and *.conf: ');
    const help = await run(['help', 'lint']);
    expect(help.out).toContain('/etc/supervisord.d/*.ini and *.conf');
  });
});
