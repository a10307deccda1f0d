/**
 * Which program reads a file, through the commands: lint refuses what no dialect claims (one line,
 * exit 2, the other files still linted, a refusal in every format), inspect shows who reads the file
 * and why, and fix never writes a refused file or one whose format was only told by its content.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir, errorLines } from './helpers.js';
import { runFix } from '../../src/cli/fix.js';
import type { Io } from '../../src/cli/io.js';
import { sarifErrors } from '../report/sarif-schema.js';
import { ROOT, SHARED } from '../helpers/paths.js';

const DEBIAN_BAD = '-m 64\n-p 11211\n-u root\n-l 0.0.0.0\n';
/** Real files (test/fixtures/real, test/fixtures/detect, test/fixtures/shared/corpus: provenance in their MANIFEST.tsv), at realistic paths. */
const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', rel), 'utf8');
const OTHERS: Record<string, [string, RegExp]> = {
  'app/Dockerfile': [real('real/dockerfile/053-owncloud-administration-Dockerfile'), /a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached/],
  // A manifest without memcached (the Service of sameersbn's pod) and another chart's values (tutor's own
  // memcached chart): the manifests and Bitnami chart values that run memcached are read (test/dialects/kubernetes-real.test.ts).
  'k8s/memcached-service.yaml': [real('real/kubernetes/055-sameersbn-docker-memcached-service.yml'), /a Kubernetes manifest with no container that runs memcached/],
  'chart/values.yaml': [real('real/helm/069-lgfa29-tutor-helm-chart-values.yaml'), /a Helm values file of a chart mchard does not read/],
  'upstart/memcached.conf': [readFileSync(join(SHARED, 'corpus/other/088-CameronNemo-upstart-jobs-memcached.conf'), 'utf8'), /an Upstart job/],
  'etc/init.d/memcached': [real('real/sysv/095-joglomedia-LEMPer-memcached'), /a SysV init script/],
  'runit/memcached.sh': [real('real/other/107-owncloud-administration-memcached.sh'), /a shell script/],
  'molecule/default/converge.yml': [real('detect/ansible-converge.yml'), /an Ansible playbook or task file/],
  // NixOS's module: its `x = y;` lines once read as "KEY=value assignments (as /etc/sysconfig/memcached holds
  // them)", with a suggestion to pass --dialect sysconfig.
  'nixos/memcached.nix': [real('real/other/210-NixOS-nixpkgs-memcached.nix'), /a Nix expression \(NixOS makes memcached's systemd unit from it: lint that unit/],
};

let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-detect-cli-');
});
afterEach(() => tmp.cleanup());

async function fix(args: string[]) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), stdoutStream: { isTTY: false }, stdinIsTTY: false };
  const code = await runFix(args, io, {});
  return { code, out, err };
}

describe('lint: refuse rather than guess', () => {
  it('each format mchard does not read is refused by name in one line, exit 2, and the other files are still linted', async () => {
    const good = tmp.write('etc/memcached.conf', DEBIAN_BAD);
    const others = Object.entries(OTHERS).map(([rel, [text, looks]]) => ({ path: tmp.write(rel, text), looks }));
    const r = await run(['lint', others[0].path, good, ...others.slice(1).map((o) => o.path)]);
    expect(r.code).toBe(2);
    const lines = errorLines(r.err);
    expect(lines).toHaveLength(others.length);
    others.forEach((o, i) => {
      expect(lines[i].startsWith(`mchard: ${o.path}: not read: `)).toBe(true);
      expect(lines[i]).toMatch(o.looks);
      expect(lines[i]).toMatch(/mchard reads Debian's \/etc\/memcached\.conf, .*supervisord programs, Kubernetes manifests that run memcached and the values of Bitnami's memcached Helm chart(;|$)/);
      // A Dockerfile or manifest that names no memcached may still run it (an entrypoint script): --dialect
      // NAME is offered. Another program's file (an Upstart job, a Nix expression) gets no suggestion.
      if (/Dockerfile|Kubernetes manifest/.test(o.looks.source)) expect(lines[i]).toMatch(/; pass --dialect NAME to read it as one of them$/);
      else expect(lines[i]).not.toMatch(/--dialect/);
    });
    // The Debian file's findings are all there; nothing is said about the refused files on stdout.
    expect(r.out).toContain(`${good}:3:1  error  MC201`);
    expect(r.out).toContain(`${good}:4:1  error  MC101`);
    for (const o of others) expect(r.out).not.toContain(o.path);
    expect(r.out.trim().split('\n').at(-1)).toMatch(new RegExp(`in 1 file; ${others.length} files not read$`));
  });

  it('json: a refused entry per refused file, no MC001; the read file says who reads it and why', async () => {
    const good = tmp.write('etc/memcached.conf', DEBIAN_BAD);
    const docker = tmp.write('app/Dockerfile', OTHERS['app/Dockerfile'][0]);
    const r = await run(['lint', good, docker, '--format', 'json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.files[0]).toMatchObject({
      path: good,
      dialect: 'debian',
      dialectReason: 'path',
      dialectConfidence: 'certain',
      readBy: "Debian's systemd-memcached-wrapper",
      detection: "path etc/memcached.conf, installed as /etc/memcached.conf: read by Debian's systemd-memcached-wrapper",
    });
    expect(j.files[1]).toEqual({ path: docker, dialect: null, refused: { looksLike: 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached', reason: 'name', message: expect.stringMatching(/^not read: it is a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached/) }, findings: [] });
    expect(JSON.stringify(j)).not.toContain('MC001');
    expect(j.summary.refused).toBe(1);
  });

  it('sarif stays valid: the refusal is a notification, the findings are results', async () => {
    const good = tmp.write('etc/memcached.conf', DEBIAN_BAD);
    const k8s = tmp.write('k8s/memcached-service.yaml', OTHERS['k8s/memcached-service.yaml'][0]);
    const r = await run(['lint', good, k8s, '--format', 'sarif']);
    expect(r.code).toBe(2);
    const log = JSON.parse(r.out);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results.length).toBeGreaterThan(0);
    expect(log.runs[0].results.every((x: { ruleId: string }) => x.ruleId !== 'MC001')).toBe(true);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/a Kubernetes manifest/);
  });

  it('--dialect forces a format: the refused file is then read', async () => {
    const guess = tmp.write('cache.conf', DEBIAN_BAD);
    expect((await run(['lint', guess])).code).toBe(2);
    const forced = await run(['lint', guess, '--dialect', 'debian', '--format', 'json']);
    expect(forced.code).toBe(1);
    expect(JSON.parse(forced.out).files[0]).toMatchObject({ dialect: 'debian', dialectReason: 'flag', dialectConfidence: 'certain' });
  });

  it("another distribution's default /etc/sysconfig/memcached at that very path is refused, not judged by RHEL's unit", async () => {
    // PLD sets variables RHEL's unit does not read; OpenMandriva's file has every line commented out and
    // documents IPADDR= and THREADS= (its memcached@.service has Environment= defaults of its own). Judged
    // by RHEL's unit, both got four errors (-u "", -p "", -m "", -c "": "memcached does not start").
    const corpus = (f: string) => readFileSync(join(SHARED, 'corpus/sysconfig', f), 'utf8');
    for (const [name, text, says] of [
      ['pld', corpus('076-pld-linux-memcached-memcached.sysconfig'), /LISTEN=, MEMCACHED_OPTS=/],
      ['openmandriva', corpus('075-OpenMandrivaAssociation-memcached-memcached.sysconfig'), /every variable commented out, and its comments name IPADDR=, THREADS=/],
    ] as const) {
      const f = tmp.write(`${name}/etc/sysconfig/memcached`, text);
      const r = await run(['lint', f, '--format', 'json']);
      expect(r.code).toBe(2);
      const entry = JSON.parse(r.out).files[0];
      expect(entry.findings).toEqual([]);
      expect(entry.refused.looksLike).toMatch(says);
    }
    // Controls: RHEL's own file with every line commented out (it has #USER=) is still RHEL's, and so is
    // a RHEL file that also documents a variable of its own in a comment.
    const rhel = readFileSync(join(ROOT, 'samples/rhel7-default.sysconfig'), 'utf8');
    const commented = tmp.write('rhel/etc/sysconfig/memcached', rhel.replace(/^(?=[A-Z])/gm, '#'));
    const extra = tmp.write('rhel2/etc/sysconfig/memcached', `${rhel}# THREADS="8" is not read by the unit\n#THREADS="8"\n`);
    for (const f of [commented, extra]) expect(JSON.parse((await run(['lint', f, '--format', 'json'])).out).files[0]).toMatchObject({ dialect: 'sysconfig' });
  });

  it("supervisord programs kept in conf.d/memcached.conf are supervisord's, not OpenRC's (no invalid-port, no memory-invalid)", async () => {
    const f = tmp.write('conf.d/memcached.conf', readFileSync(join(SHARED, 'corpus/other/081-wlhyl-openstack-docker_keystone-memcached.conf')));
    const r = await run(['lint', f, '--format', 'json']);
    const j = JSON.parse(r.out);
    expect(j.files[0]).toMatchObject({ dialect: 'supervisord', dialectReason: 'content' });
    const ids = j.files[0].findings.map((x: { ruleId: string }) => x.ruleId);
    expect(ids).not.toContain('MC302');
    expect(ids).not.toContain('MC403');
  });
});

describe('inspect: who reads the file, and why', () => {
  it('text: a read-by line with the reason, and a note when the content surprises its reader', async () => {
    const f = tmp.write('etc/memcached.conf', 'PORT = "11211"\nUSER = "memcached"\nOPTIONS = "-l 127.0.0.1"\n');
    const r = await run(['inspect', f]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[1]).toBe("  read by   Debian's systemd-memcached-wrapper (path etc/memcached.conf, installed as /etc/memcached.conf)");
    expect(lines[2]).toMatch(/^  note      it holds RHEL's PORT=, USER=, OPTIONS= variables, as an environment file does, not memcached options: the wrapper does not read them as settings/);
    // The wrapper skips every line and appends -u root: root on every interface.
    expect(r.out).toMatch(/command   memcached -u root\n/);
    expect(r.out).toMatch(/TCP 0\.0\.0\.0:11211 \(every interface\)/);
  });

  it('json: dialect, dialectReason, dialectConfidence, readBy, detection; a refusal is an entry too', async () => {
    const f = tmp.write('srv/docker-compose.yml', 'services:\n  cache:\n    image: memcached:1.6\n');
    const j = JSON.parse((await run(['inspect', f, '--format', 'json'])).out);
    expect(j).toMatchObject({ dialect: 'compose', dialectReason: 'name', dialectConfidence: 'high', readBy: 'Docker Compose, as docker compose up: assumed (nothing in the file is read only by docker stack deploy)', detection: 'name docker-compose.yml: read by Docker Compose' });
    const docker = tmp.write('app/Dockerfile', OTHERS['app/Dockerfile'][0]);
    const both = await run(['inspect', f, docker, '--format', 'json']);
    expect(both.code).toBe(2);
    const arr = JSON.parse(both.out);
    expect(arr[1]).toEqual({ path: docker, dialect: null, refused: { looksLike: 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached', reason: 'name', message: expect.any(String) } });
    // In text, the refusal is the line on standard error only.
    const text = await run(['inspect', f, docker]);
    expect(text.out).not.toContain('Dockerfile');
    expect(errorLines(text.err)).toEqual([expect.stringMatching(new RegExp(`^mchard: ${docker}: not read: it is a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached`))]);
  });

  it('a file decided from its content alone says fix needs --dialect', async () => {
    const f = tmp.write('conf.d/memcached.conf', '[program:memcached]\ncommand=/usr/bin/memcached -l 127.0.0.1 -U 0\nuser=memcache\n');
    const r = await run(['inspect', f]);
    expect(r.out.split('\n')[1]).toBe('  read by   supervisord (content: a [program:memcached] section)  (decided from the content alone: fix needs --dialect)');
    expect(r.out.split('\n')[2]).toBe("  note      its name memcached.conf alone would suggest Debian's /etc/memcached.conf");
  });
});

describe('fix never writes a refused or guessed file', () => {
  it('refused files: not written, exit 2, said on stderr; the file mchard reads is fixed', async () => {
    const good = tmp.write('etc/memcached.conf', DEBIAN_BAD);
    const others = Object.entries(OTHERS).map(([rel, [text]]) => ({ path: tmp.write(rel, text), bytes: Buffer.from(text) }));
    const r = await fix(['--yes', '--no-host-checks', good, ...others.map((o) => o.path)]);
    expect(r.code).toBe(2);
    for (const o of others) {
      expect(readFileSync(o.path).equals(o.bytes)).toBe(true);
      expect(r.err).toContain(`mchard: ${o.path}: not read: `);
    }
    expect(errorLines(r.err).filter((l) => l.includes('not read:')).every((l) => l.endsWith('; not fixed'))).toBe(true);
    expect(readFileSync(good, 'utf8')).not.toBe(DEBIAN_BAD);
  });

  it('a format decided from the content alone: linted, not written, and how to fix it anyway', async () => {
    const text = '[program:memcached]\ncommand=/usr/bin/memcached -l 0.0.0.0 -vv\nuser=root\n';
    const f = tmp.write('conf.d/memcached.conf', text);
    const r = await fix(['--yes', '--no-host-checks', f]);
    expect(r.code).toBe(1);
    expect(readFileSync(f, 'utf8')).toBe(text);
    expect(r.out).toContain(`not fixed  ${f}: the format was guessed from the content (content: a [program:memcached] section`);
    expect(r.out).toContain('pass --dialect supervisord if supervisord reads it');
    expect(r.out).toContain('MC101');
    const forced = await fix(['--yes', '--no-host-checks', '--dialect', 'supervisord', f]);
    expect(forced.out).toContain('wrote');
    expect(readFileSync(f, 'utf8')).not.toBe(text);
  });

  it('compose with an image mchard does not know: fix adds no command: (bytes unchanged)', async () => {
    const text = 'services:\n  cache:\n    image: tiredofit/memcached:1.6\n    ports:\n      - "11211:11211"\n';
    const f = tmp.write('docker-compose.yml', text);
    const r = await fix(['--yes', f]);
    expect(readFileSync(f, 'utf8')).toBe(text);
    expect(r.out).toContain('nothing to fix');
    expect(r.out).toMatch(/MC910 .*tiredofit\/memcached:1\.6.*the image's own command/);
    // The official image is still fixed in its own syntax.
    const official = tmp.write('official/docker-compose.yml', text.replace('tiredofit/memcached', 'memcached'));
    await fix(['--yes', official]);
    expect(readFileSync(official, 'utf8')).toContain('command:');
  });

  it('a Debian wrapper unit template: MC910, nothing to fix', async () => {
    const text = '[Unit]\nDescription=memcached <%= @name %>\n\n[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached_<%= @name %>.conf\n';
    const f = tmp.write('templates/memcached.service.erb', text);
    const r = await fix(['--yes', f]);
    expect(readFileSync(f, 'utf8')).toBe(text);
    expect(r.out).toMatch(/MC910 .*\/etc\/memcached_<%= @name %>\.conf/);
    expect(r.out).not.toMatch(/MC101|MC202|MC601/);
    expect(r.code).toBe(0);
  });
});
