import { formatSarif } from '../../src/report/sarif.js';
import { ruleHelpMarkdown, ruleHelpText } from '../../src/report/rule-doc.js';
import { RULES } from '../../rules/index.js';
import { sarifErrors } from './sarif-schema.js';
import { FILES, RULE_SET, input, finding } from './fixtures.js';

const sarif = (...args: Parameters<typeof input>) => JSON.parse(formatSarif(input(...args)));

describe('the SARIF schema check itself', () => {
  it('accepts a minimal log and rejects broken ones', () => {
    expect(sarifErrors({ version: '2.1.0', runs: [] })).toEqual([]);
    expect(sarifErrors({ version: '2.1.0' })).not.toEqual([]);
    expect(sarifErrors({ version: '2.0.0', runs: [] })).not.toEqual([]);
    const log = sarif();
    log.runs[0].results[0].level = 'fatal';
    expect(sarifErrors(log)).not.toEqual([]);
    const log2 = sarif();
    log2.runs[0].tool.driver.informationUri = 'not a uri';
    expect(sarifErrors(log2)).not.toEqual([]);
    const log3 = sarif();
    log3.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(sarifErrors(log3)).not.toEqual([]);
  });
});

describe('sarif report', () => {
  it('is a valid SARIF 2.1.0 log', () => {
    const log = sarif();
    expect(sarifErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
  });

  it('an empty result set is still a valid log, with the rules', () => {
    for (const files of [[], [{ path: 'clean.conf', dialect: 'debian' as const, findings: [] }]]) {
      const log = sarif(files);
      expect(sarifErrors(log)).toEqual([]);
      expect(log.runs[0].results).toEqual([]);
      expect(log.runs[0].tool.driver.rules).toHaveLength(RULE_SET.length);
    }
    const bare = sarif([], { rules: [] });
    expect(sarifErrors(bare)).toEqual([]);
  });

  it('names the tool and its version', () => {
    const driver = sarif().runs[0].tool.driver;
    expect(driver.name).toBe('mchard');
    expect(driver.version).toBe('9.8.7');
    expect(driver.informationUri).toMatch(/^https:\/\//);
  });

  it('carries rule metadata with help text and markdown', () => {
    const rules = sarif().runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(['MC101', 'MC502', 'MC301']);
    expect(rules[0]).toMatchObject({
      id: 'MC101',
      name: 'slug-mc101',
      shortDescription: { text: 'summary of MC101' },
      fullDescription: { text: 'What MC101 checks, with code.' },
      help: { text: ruleHelpText(RULE_SET[0]), markdown: ruleHelpMarkdown(RULE_SET[0]) },
      defaultConfiguration: { level: 'error' },
    });
    expect(rules[1].defaultConfiguration.level).toBe('warning');
    expect(rules[2].defaultConfiguration.level).toBe('note');
  });

  it('has one result per finding, pointing at the rule and the region', () => {
    const results = sarif().runs[0].results;
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual({
      ruleId: 'MC101',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'listens on every interface' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'file:///etc/memcached.conf' },
            region: { startLine: 12, startColumn: 1, endLine: 12, endColumn: 11 },
          },
        },
      ],
      partialFingerprints: {
        primaryLocationLineHash: expect.stringMatching(/^[0-9a-f]{16}:1$/),
        'mchard/v1': expect.stringMatching(/^[0-9a-f]{64}:1$/),
      },
      // The finding offers a fix (its safety; mchard fix builds the edit) and ranks by the case's risk.
      properties: { fixable: 'safe', 'security-severity': '8.2' },
    });
    expect(results.map((r: { level: string; ruleIndex: number }) => [r.level, r.ruleIndex])).toEqual([
      ['error', 0],
      ['warning', 1],
      ['note', 2],
    ]);
    expect(sarif().runs[0].columnKind).toBe('utf16CodeUnits');
  });

  it('gives relative paths as encoded relative URIs, absolute paths as file URLs, and stdin', () => {
    const files = [
      { path: 'etc dir/memcached#1.conf', dialect: 'debian' as const, findings: [finding('MC101', 'error', 'm', [1, 1, 1, 2])] },
      { path: '/srv/my conf/memcached.conf', dialect: 'debian' as const, findings: [finding('MC101', 'error', 'm', [1, 1, 1, 2])] },
      { path: '-', dialect: 'debian' as const, findings: [finding('MC101', 'error', 'm', [1, 1, 1, 2])] },
    ];
    const log = sarif(files);
    expect(sarifErrors(log)).toEqual([]);
    const uris = log.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['etc%20dir/memcached%231.conf', 'file:///srv/my%20conf/memcached.conf', 'stdin']);
  });

  it('a finding of a rule outside the catalogue (MC001 from the reader) and a zero-width region stay valid', () => {
    const files = [{ path: 'x.conf', dialect: null, findings: [finding('MC001', 'error', 'cannot read the file: binary data', [1, 1, 1, 1])] }];
    const log = sarif(files);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results[0]).not.toHaveProperty('ruleIndex');
    expect(log.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
  });

  it('with the whole real catalogue, every rule\'s help renders and the log is valid', () => {
    const log = JSON.parse(formatSarif({ files: FILES, rules: RULES, color: false, toolVersion: '0.0.0' }));
    expect(sarifErrors(log)).toEqual([]);
    const rules = log.runs[0].tool.driver.rules;
    expect(rules).toHaveLength(RULES.length);
    for (const [i, r] of RULES.entries()) {
      expect(rules[i].id).toBe(r.id);
      expect(rules[i].name).toBe(r.slug);
      expect(rules[i].help.text).toContain('Why it matters:');
      expect(rules[i].help.markdown).toContain(`# ${r.id} ${r.slug}`);
    }
  });

  it('is never coloured', () => {
    expect(formatSarif(input(FILES, { color: true }))).not.toContain('\x1b[');
  });
});
