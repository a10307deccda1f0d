import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { fixText } from './helpers.js';
import { loadDialect } from '../../src/dialects/index.js';
import { encodeItem } from '../../src/fix/edit-compose.js';
import { lintText } from '../helpers/lint.js';

const PATH = '/srv/app/docker-compose.yml';
const fix = (text: string) => fixText(text, 'compose', {}, PATH);
const argvAfter = (text: string) => lintText(text, { dialect: 'compose', path: PATH }).config.argv.map((t) => t.value);

beforeAll(async () => {
  await loadDialect('compose');
});

describe('compose editor', () => {
  it('edits a flow list in place, in the items\' quoting, keeping comments and other lines', () => {
    const text = 'services:\n  cache:\n    image: memcached:1.6 # pinned\n    command: [\'-m\', \'64\', \'-vv\'] # tuned\n    ports: ["127.0.0.1:11211:11211"]\n';
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(p.text).toBe("services:\n  cache:\n    image: memcached:1.6 # pinned\n    command: ['-m', '64', '-v', '-U', '0', '-X'] # tuned\n    ports: [\"127.0.0.1:11211:11211\"]\n");
    expect(p.touchedLines).toEqual([4]);
  });

  it('edits a block list item by item and removes an option\'s own lines', () => {
    const text = 'services:\n  cache:\n    image: memcached\n    command:\n      # options\n      - -d\n      - -m\n      - "64"\n      - -U\n      - "0"\n      - -X\n';
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(p.text).toBe('services:\n  cache:\n    image: memcached\n    command:\n      # options\n      - -m\n      - "64"\n      - -U\n      - "0"\n      - -X\n');
    expect(argvAfter(p.text)).toEqual(['-m', '64', '-U', '0', '-X']);
  });

  it('edits the words of a string command', () => {
    const p = fix('services:\n  cache:\n    image: memcached\n    command: memcached -d -m 64 -vv\n');
    expect(p.text).toBe('services:\n  cache:\n    image: memcached\n    command: memcached -m 64 -v -U 0 -X\n');
  });

  it('adds a command: line after image: when the service has none', () => {
    const p = fix('services:\n  cache:\n    image: memcached:1.6\n    ports: ["127.0.0.1:11211:11211"]\n');
    expect(p.text).toBe('services:\n  cache:\n    image: memcached:1.6\n    command: ["-U", "0", "-X"]  # mchard: added command: (MC111)\n    ports: ["127.0.0.1:11211:11211"]\n');
    expect(argvAfter(p.text)).toEqual(['-U', '0', '-X']);
  });

  it('refuses to drop a line that holds a comment, and says why', () => {
    const p = fix('services:\n  cache:\n    image: memcached\n    command:\n      - -d # why?\n      - -U\n      - "0"\n      - -X\n');
    expect(p.failed.map((f) => [f.ruleId, f.reason])).toEqual([['MC901', expect.stringMatching(/shares its line with other text/)]]);
    expect(p.text).toContain('- -d # why?');
  });

  it('keeps digits and YAML words quoted so they stay strings', () => {
    expect(encodeItem('0', 'PLAIN')).toBe('"0"');
    expect(encodeItem('-1', 'PLAIN')).toBe('"-1"');
    expect(encodeItem('on', 'PLAIN')).toBe('"on"');
    expect(encodeItem('-U', 'PLAIN')).toBe('-U');
    expect(encodeItem("it's", 'QUOTE_SINGLE')).toBe("'it''s'");
  });
});

describe('compose editor and YAML merge keys', () => {
  it('leaves a command: merged from an anchor alone (other services share it), and edits a command of its own', () => {
    const text = 'x-m: &m\n  image: memcached:1.6\n  command: ["-m", "64"]\nservices:\n  cache:\n    <<: *m\n  other:\n    <<: *m\n';
    const p = fix(text);
    expect(p.text).toBe(text);
    expect(JSON.stringify(p.failed)).toMatch(/merge key/);
    const own = 'x-m: &m\n  image: memcached:1.6\nservices:\n  cache:\n    <<: *m\n    command: ["-m", "64"]\n';
    const q = fix(own);
    expect(q.failed).toEqual([]);
    expect(argvAfter(q.text!)).toEqual(['-m', '64', '-U', '0', '-X']);
    const alias = fix('x-m: &m\n  image: memcached:1.6\n  command: ["-m", "64"]\nservices:\n  cache: *m\n');
    expect(JSON.stringify(alias.failed)).toMatch(/alias of a mapping/);
  });
});

describe('compose editor on a file that reuses its anchors a lot', () => {
  it("fixes Sentry self-hosted's docker-compose.yml (fixture 123) instead of failing on the YAML library's alias bound", () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/real/compose/123-getsentry-self-hosted-docker-compose.yml'), 'utf8');
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(argvAfter(p.text!)).toEqual(['-I', '1M', '-U', '0', '-X']);
  });
});
