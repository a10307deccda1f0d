/**
 * `--format gitlab`: GitLab Code Quality issues, validated issue by issue against GitLab's own schema
 * (test/fixtures/gitlab/codeclimate.json, with provenance) and the documented rules beyond it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { formatGitlab, gitlabIssues } from '../../src/report/gitlab.js';
import { withSubjects } from '../../src/report/fingerprint.js';
import type { FileReport } from '../../src/report/types.js';
import { RULES } from '../../rules/index.js';
import { lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';
import { ensureBuilt, runBin, TempDir } from '../cli/helpers.js';

const SAMPLE = readFileSync(join(ROOT, 'samples', 'insecure-debian.conf'), 'utf8');
const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'gitlab', 'codeclimate.json'), 'utf8')));

/** What GitLab requires of a report: the schema for each issue, and the documented rules. */
function gitlabProblems(text: string): string[] {
  const out: string[] = [];
  if (text.charCodeAt(0) === 0xfeff) return ['byte order mark'];
  const doc = JSON.parse(text);
  if (!Array.isArray(doc)) return ['not an array'];
  const seen = new Set<string>();
  for (const [i, issue] of doc.entries()) {
    if (!validate(issue)) out.push(`issue ${i}: ${JSON.stringify(validate.errors)}`);
    if (!['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity)) out.push(`issue ${i}: severity ${issue.severity}`);
    if (typeof issue.check_name !== 'string' || issue.check_name === '') out.push(`issue ${i}: check_name`);
    if (!issue.description) out.push(`issue ${i}: empty description`);
    const p = issue.location?.path;
    if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.startsWith('./') || p.includes('\\')) out.push(`issue ${i}: path ${p} is not relative`);
    const begin = issue.location?.lines?.begin ?? issue.location?.positions?.begin?.line;
    if (!Number.isInteger(begin) || begin < 1) out.push(`issue ${i}: no line`);
    if (seen.has(issue.fingerprint)) out.push(`issue ${i}: fingerprint ${issue.fingerprint} repeated (GitLab keeps one)`);
    seen.add(issue.fingerprint);
  }
  return out;
}

const report = (files: Record<string, string>, cwd = '/repo') => {
  const reports: FileReport[] = Object.entries(files).map(([path, text]) => ({ path, dialect: 'debian', findings: withSubjects(lintText(text, { path })) }));
  return formatGitlab({ files: reports, rules: RULES, color: false, toolVersion: '0.1.0' }, cwd);
};

describe('gitlab report', () => {
  it('meets GitLab\'s schema and documented rules, for a real sample', () => {
    const text = report({ 'etc/memcached.conf': SAMPLE, '/repo/hosts/web/memcached.conf': SAMPLE });
    expect(gitlabProblems(text)).toEqual([]);
    const doc = JSON.parse(text);
    expect(doc.length).toBe(22);
    expect(doc[0]).toEqual({
      type: 'issue',
      engine_name: 'mchard',
      check_name: 'mchard/MC301',
      description: expect.stringMatching(/^-p 11211 makes TCP listen on port 11211.*\(MC301 default-port\)$/),
      categories: ['Security'],
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      severity: 'info',
      location: { path: 'etc/memcached.conf', lines: { begin: 8, end: 8 } },
    });
    // An absolute path inside the working folder is made relative to it.
    expect(doc[11].location.path).toBe('hosts/web/memcached.conf');
  });

  it('the checks catch what GitLab drops', () => {
    const doc = JSON.parse(report({ 'a.conf': SAMPLE }));
    doc[0].severity = 'high';
    doc[1].fingerprint = doc[2].fingerprint;
    delete doc[3].description;
    doc[4].location.path = '/etc/memcached.conf';
    doc[5].location.lines.begin = '8';
    const problems = gitlabProblems(JSON.stringify(doc));
    expect(new Set(problems.map((x) => x.split(':')[0]))).toEqual(new Set(['issue 0', 'issue 2', 'issue 3', 'issue 4', 'issue 5']));
    expect(problems.filter((x) => x.includes('schemaPath'))).toHaveLength(2); // GitLab's own schema: description, integer line
    expect(gitlabProblems('\uFEFF[]')).toEqual(['byte order mark']);
  });

  it('maps severities: info, minor (warning), major (error), critical (an error whose case scores 9.0 or more)', () => {
    const doc = JSON.parse(report({ 'a.conf': SAMPLE }));
    const sev = Object.fromEntries(doc.map((i: { check_name: string; severity: string }) => [i.check_name, i.severity]));
    expect(sev).toMatchObject({ 'mchard/MC301': 'info', 'mchard/MC502': 'minor', 'mchard/MC101': 'major', 'mchard/MC601': 'critical', 'mchard/MC201': 'major' });
  });

  it('fingerprints survive a moved line and keep equal findings apart', () => {
    const moved = `# added\n${SAMPLE.split('\n').filter((l) => l !== '-l 0.0.0.0').join('\n')}\n-l 0.0.0.0\n`;
    const fps = (t: string) => Object.fromEntries(JSON.parse(report({ 'a.conf': t })).map((i: { check_name: string; fingerprint: string }) => [i.check_name, i.fingerprint]));
    expect(fps(moved)).toEqual(fps(SAMPLE));
    const dup = JSON.parse(report({ 'a.conf': '-u memcache\n-U 0\n-l 127.0.0.1\n-m 64\n-m 64\n-m 64\n' }));
    expect(gitlabProblems(JSON.stringify(dup))).toEqual([]);
    expect(dup.filter((i: { check_name: string }) => i.check_name === 'mchard/MC803')).toHaveLength(2);
  });

  it('a file not examined is not an issue', () => {
    const files: FileReport[] = [{ path: 'gone.conf', dialect: null, findings: [], notRead: { kind: 'unreadable', reason: 'no such file' } }];
    expect(gitlabIssues({ files, rules: RULES, color: false, toolVersion: '0.1.0' })).toEqual([]);
  });

  it('mchard lint --format gitlab, run in the repository, names files relative to it', () => {
    ensureBuilt();
    const dir = new TempDir('mchard-gitlab-');
    try {
      dir.write('etc/memcached.conf', SAMPLE);
      dir.write('hosts/b/memcached.conf', SAMPLE);
      const r = runBin(['lint', '--format', 'gitlab', 'etc/memcached.conf', `${dir.path}/hosts/b/memcached.conf`], { cwd: dir.path });
      expect(r.code).toBe(1);
      expect(r.err).toBe('');
      expect(gitlabProblems(r.out)).toEqual([]);
      const doc = JSON.parse(r.out);
      expect(doc).toHaveLength(22);
      expect(new Set(doc.map((i: { location: { path: string } }) => i.location.path))).toEqual(new Set(['etc/memcached.conf', 'hosts/b/memcached.conf']));
      dir.write('clean.conf', '-u memcache\n-U 0\n-l 127.0.0.1\n-p 21211\n');
      expect(runBin(['lint', '--format', 'gitlab', 'clean.conf'], { cwd: dir.path }).out).toBe('[]\n');
    } finally {
      dir.cleanup();
    }
  });
});
