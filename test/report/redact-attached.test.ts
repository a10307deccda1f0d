/**
 * A value a unit takes from an EnvironmentFile= the user did not name is used, never shown (src/report/
 * redact.ts). getopt reads an argument attached to its option (`-l$SECRET`, `-vvu$SECRET`, `--port=$N`):
 * the argument is then the end of the word, and a message quoting it printed the secret; and atoi reads a
 * value's leading digits, which messages quote as the number memcached uses. Nor may fix write one into
 * the unit (its note quoted `-U98765zz`; a cluster `-vvu$SECRET` was rewritten from its value).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { run, TempDir } from '../cli/helpers.js';

const SECRET = 'hunter2x';
const NUM = '98765zz';
/** What must never appear: the values, and the parts getopt or atoi would make of them. */
const LEAKS = [SECRET, SECRET.slice(1), SECRET.slice(2), '98765'];

/** A folder whose secret.env (mode 0600) holds `env`, made before a describe block's tests and removed after. */
function secretFolder(env: string): () => TempDir {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
    writeFileSync(tmp.join('secret.env'), env);
    chmodSync(tmp.join('secret.env'), 0o600);
  });
  afterAll(() => tmp.cleanup());
  return () => tmp;
}

/** What lint and inspect (text and JSON) and fix --dry-run print for a unit reading secret.env and running memcached `args`. */
async function outputsOf(tmp: TempDir, args: string): Promise<{ unit: string; outputs: string[] }> {
  const unit = tmp.join('memcached.service');
  writeFileSync(unit, `[Service]\nEnvironmentFile=${tmp.join('secret.env')}\nExecStart=/usr/bin/memcached ${args}\n`);
  const outputs: string[] = [];
  for (const a of [['lint'], ['lint', '--format', 'json'], ['inspect'], ['inspect', '--format', 'json'], ['fix', '--dry-run']]) {
    const r = await run([...a, '--host-checks', unit]);
    outputs.push(r.out, r.err);
  }
  return { unit, outputs };
}

describe('values of an environment file the user did not name, attached to their options', () => {
  const folder = secretFolder(`SECRET=${SECRET}\nNUM=${NUM}\n`);

  const forms = ['-l${SECRET}', '-vvu${SECRET}', '-Su${SECRET}', '-c ${NUM}', '-m${NUM}', '--port=${NUM}', '-U${NUM}', '-R${NUM}', '-t${NUM}', '-p${SECRET}'];

  it.each(forms)('%s: in no output', async (form) => {
    const tmp = folder();
    const { unit, outputs } = await outputsOf(tmp, `-u memcache ${form}`);
    // And nothing fix writes: a note or a rewritten word in the unit.
    const r = await run(['fix', '--yes', '--host-checks', unit]);
    outputs.push(r.out, r.err, readFileSync(unit, 'utf8'));
    const all = outputs.join('\n');
    expect(all).toContain(`(a value from ${tmp.join('secret.env')})`);
    for (const leak of LEAKS) expect({ form, leaked: all.split('\n').filter((l) => l.includes(leak)) }).toEqual({ form, leaked: [] });
  });
});

describe('a value that starts with digits: what atoi and atof leave is not shown either', () => {
  // A hex token (half of them start with a digit), and a password that does.
  const folder = secretFolder('TOKEN=3f9a0c7e1d5b\nPASS=1hunter2secret\n');

  // MC404 quoted the text memcached drops: "memcached reads 1 and silently drops "hunter2secret"".
  const forms = ['-p ${PASS}', '-c ${TOKEN}', '-t${PASS}', '-m ${TOKEN}', '-f ${TOKEN}', '-b ${PASS}', '-o hashpower=${TOKEN}', '-a ${PASS}', '-I ${PASS}'];
  const LEAKS2 = ['hunter2secret', 'hunter2', 'f9a0c7e1d5b', '9a0c7e1d5b', 'a0c7e1d5b'];

  it.each(forms)('%s: in no output', async (form) => {
    const tmp = folder();
    const { outputs } = await outputsOf(tmp, `-u memcache -l 127.0.0.1 ${form}`);
    const all = outputs.join('\n');
    expect(all).toContain(`(a value from ${tmp.join('secret.env')})`);
    for (const leak of LEAKS2) expect({ form, leaked: all.split('\n').filter((l) => l.includes(leak)) }).toEqual({ form, leaked: [] });
  });
});

describe('a value that getopt reads letter by letter: the letters are not shown either', () => {
  // Letters no memcached option has, then one that takes the rest as its argument (-N).
  const folder = secretFolder('TOKEN=QzJyKwGqHN8x7y\nOPTS=-QzJyKwGqHN8x7y\n');

  // MC801 named each letter it refused, in order: "memcached has no option -Q ... ("invalid option -- 'Q'")",
  // then -z, -J, -y, ...: the token, spelt out one finding at a time.
  // And its first letter, where the word starts with the token (`-${TOKEN}`, `$OPTS` split into words, `${OPTS}`):
  // "memcached has no option -Q" still named it.
  it.each(['-vv${TOKEN}', '-Sv${TOKEN}', '-${TOKEN}', '$OPTS', '${OPTS}', '-u memcache $OPTS -p 11211'])('%s: no letter of the token in any output', async (form) => {
    const tmp = folder();
    const { outputs } = await outputsOf(tmp, `-u memcache -l 127.0.0.1 ${form}`);
    const all = outputs.join('\n');
    expect(all).toContain('MC801');
    expect(all).toContain(`(a value from ${tmp.join('secret.env')})`);
    const leaked = all.split('\n').filter((l) => /(?<![\w])-[QzJyKwGqH](?![\w])|'[QzJyKwGqH]'|QzJ/.test(l));
    expect({ form, leaked }).toEqual({ form, leaked: [] });
  });
});
