/**
 * Every real file mchard has (samples/, test/fixtures/shared/corpus/, test/fixtures/real/, test/fixtures/detect/), put at the path it has
 * in its repository inside a temporary folder (so detection sees `etc/memcached.conf`,
 * `roles/x/templates/memcached.conf.j2`, `templates/default/...`), is either read in the dialect of
 * the program that really reads it, or refused: no finding ever comes from a dialect that does not read
 * that file. And `fix --yes` never writes a refused file, nor one whose format was told by its content
 * alone (the copies' bytes are compared).
 *
 * The program that reads each file: test/fixtures/real/MANIFEST.tsv says it (`reader`, `installed_as`);
 * the shared corpus's manifest has a `style` per file (debian, sysconfig, other), and the table below
 * decides each file it does not settle, with a one-line reason.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, TempDir } from './cli/helpers.js';
import { runFix } from '../src/cli/fix.js';
import type { Io } from '../src/cli/io.js';
import type { DialectName } from '../src/dialects/types.js';
import { ROOT, SHARED } from './helpers/paths.js';

type Expected = DialectName | 'refused';

interface RealFile {
  /** Where the file is kept here. */
  source: string;
  /** Its path in its repository. */
  original: string;
  /** e.g. "shared other/088-…": for messages. */
  name: string;
  expected: Expected;
  why: string;
}

function manifest(path: string): Record<string, string>[] {
  if (!existsSync(path)) return [];
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
}

// ---- test/fixtures/real: the manifest's reader decides ----

const READER: Record<string, DialectName> = {
  'debian-wrapper': 'debian',
  'systemd-environmentfile': 'sysconfig',
  'systemd-unit': 'systemd',
  'openrc-init': 'openrc',
  'freebsd-rc': 'rcconf',
  supervisord: 'supervisord',
  compose: 'compose',
  // docker stack deploy reads the Compose format too (compose-deploy.ts says which program deploys it).
  swarm: 'compose',
  'compose-or-swarm': 'compose',
  kubernetes: 'kubernetes',
  helm: 'helm',
  'docker-build': 'dockerfile',
};

/** Files of test/fixtures/real whose reader is not one of mchard's dialects although the column names a family mchard reads. */
const REAL_EXCEPTIONS: Record<string, [Expected, string]> = {
  'ansible/004-claranet-ansible-role-memcached-memcached.j2': ['refused', "an /etc/default file read by claranet's own memcached@.service ($OPTS), not by RHEL's packaged unit"],
  'erb/026-sous-chefs-memcached-memcached.sysconfig.suse.erb': ['refused', "SUSE's /etc/sysconfig/memcached (MEMCACHED_PARAMS=): SUSE's unit reads it, not RHEL's"],
  'other/1100-kubedb-cli-memcached.conf': ['debian', "Debian option lines under Debian's name, alone in its folder here; the KubeDB resource beside it in its repository (fixture 1101) makes it KubeDB's: test/cli/sweep-f-real.test.ts puts them side by side"],
  'rcconf/1351-OpenRC-openrc-rc.conf': ['refused', "OpenRC's global rc.conf: openrc-run sources it before every service's conf.d file, but it holds no memcached setting (those are in /etc/conf.d/memcached); it is no FreeBSD rc.conf"],
  'rcconf/1352-void-linux-void-runit-rc.conf': ['refused', "Void's own /etc/rc.conf (runit's stage 1 sources it for the host name and keymap): no FreeBSD rc.conf and no memcached setting"],
  'debian/102-RAnLabNL-RAnLab-api-memcached.conf': ['debian', "Debian option lines under Debian's name; nothing installs it (reader unknown), so it is read as the wrapper would read it"],
  // Kubernetes objects that start no memcached (a Service alone), and Helm files other than the values of
  // Bitnami's memcached chart (other charts' values, chart templates): refused.
  'kubernetes/055-sameersbn-docker-memcached-service.yml': ['refused', 'a Service alone: no container runs memcached'],
  'kubernetes/059-fluxcd-flux-memcache-svc.yaml': ['refused', 'a Service alone: no container runs memcached'],
  'helm/073-jangaraj-mimir-chunks-cache-svc-headless.yaml': ['refused', 'a rendered headless Service alone: no container runs memcached'],
  'helm/067-wunderio-drupal-project-k8s-values.yaml': ['refused', "a drupal chart's values (its memcached: section is for a fork of Bitnami's chart with another image)"],
  'helm/068-slack-kubernetes-twemproxy-memcache-values.yaml': ['refused', "values of slack's own memcached chart"],
  'helm/069-lgfa29-tutor-helm-chart-values.yaml': ['refused', "values of tutor's own memcached chart"],
  'helm/070-fluxcd-flux-values.yaml': ['refused', "values of the flux chart (its memcached: section feeds flux's own template)"],
  'other-templates/074-bitnami-charts-networkpolicy.yaml': ['refused', 'a Helm chart template, not its rendering'],
  'other-templates/075-slack-kubernetes-twemproxy-memcache-memcached-rc.yaml': ['refused', 'a Helm chart template, not its rendering'],
  'other-templates/077-fluxcd-flux-memcached.yaml': ['refused', 'a Helm chart template, not its rendering'],
  'other-templates/310-jfelten-gitea-helm-chart-_container.tpl': ['refused', 'a Helm partial (define "memcached"), not its rendering'],
  'other-templates/1698-cloud-agnost-agnost-gitops-memcachedv1.0.yaml': ['refused', "a template of a manifest: its image is {{registry.imageUrl}}, which Agnost's platform fills in"],
  'other-templates/1697-wikimedia-operations-deployment-charts-deployment.yaml.tpl': ['refused', 'a Helm partial (define "localmemcached.deployment"), not its rendering'],
  // Dockerfiles whose FROM, CMD and ENTRYPOINT do not name memcached: a script of the image starts it (an
  // entrypoint.sh, runit, s6), which mchard does not read: refused rather than guessed.
  'dockerfile/049-romeOz-docker-memcached-Dockerfile': ['refused', 'ENTRYPOINT entrypoint.sh on ubuntu:xenial; the script runs memcached'],
  'dockerfile/053-owncloud-administration-Dockerfile': ['refused', 'CMD /sbin/my_init (runit) on phusion/baseimage'],
  'dockerfile/109-tiredofit-docker-memcached-Dockerfile': ['refused', "FROM tiredofit/alpine; an s6 run script starts memcached"],
  'dockerfile/134-tolstoyevsky-mmb-Dockerfile': ['refused', 'ENTRYPOINT /entrypoint.sh; the script turns PORT, BIND ... into options and runs memcached'],
  'dockerfile/135-luislavena-dockerfiles-Dockerfile': ['refused', 'CMD /start.sh; the script runs memcached in the background and waits'],
  'dockerfile/137-parsa-epfl-cloudsuite-client-Dockerfile': ['refused', "CloudSuite's memcached load tester, a client: no memcached server"],
  'kubernetes/136-EDITD-kubetools-k8s_services.yml': ['refused', 'NodePort Services alone: no container runs memcached'],
  'systemd/215-OpenMandrivaAssociation-memcached-memcached.target': ['refused', 'a target unit: it groups the memcached@PORT.service instances and runs no command'],
  // A parent chart's values name no memcached image: only the Chart.yaml beside them (which a fixture's
  // name does not have: test/cli/helm-chart.test.ts puts them side by side) says they feed Bitnami's chart.
  'helm/800-zammad-zammad-helm-values.yaml': ['refused', "zammad's values without the Chart.yaml beside them: another chart's values"],
  'helm/1102-bitnami-charts-values.yaml': ['refused', "wordpress's values without the Chart.yaml beside them: another chart's values"],
  'helm/1103-bitnami-charts-Chart.yaml': ['refused', 'a Chart.yaml: it decides how the values beside it are read; no memcached configuration itself'],
  'helm/1104-bitnami-charts-Chart.lock': ['refused', "a Chart.lock: it pins the chart version the values beside it are read for; no memcached configuration itself"],
  'helm/1300-cortexproject-cortex-helm-chart-values.yaml': ['refused', "cortex's values without the Chart.yaml beside them: another chart's values (test/cli/sweep-g-real.test.ts puts them side by side)"],
  'helm/1301-cortexproject-cortex-helm-chart-Chart.yaml': ['refused', 'a Chart.yaml: it decides how the values beside it are read; no memcached configuration itself'],
  'helm/1302-cortexproject-cortex-helm-chart-Chart.lock': ['refused', 'a Chart.lock: it pins the chart versions the values beside it are read for; no memcached configuration itself'],
  'kubernetes/1303-kubernetes-sigs-kustomize-kustomization.yaml': ['refused', "kustomize's example kustomization: it generates a ConfigMap, runs no memcached"],
  'kubernetes/1304-kubernetes-sigs-kustomize-deployment.yaml': ['refused', 'an openldap Deployment: no container runs memcached'],
  'kubernetes/1305-kubernetes-sigs-kustomize-service.yaml': ['refused', 'a Service alone: no container runs memcached'],
  'kubernetes/1624-hippocampus-dev-hippocampus-stateful_set.yaml': ['refused', "a kustomize patch of the memcached StatefulSet (a memory request only): alone, no container in it runs memcached; beside its kustomization (test/cli/sweep-k-real.test.ts) it is refused as the patch it is"],
  'kubernetes/1625-hippocampus-dev-hippocampus-kustomization.yaml': ['refused', 'a kustomization: it names the base and the patches, and runs no memcached itself'],
  'kubernetes/1721-qclaogui-codelab-monitoring-kustomization.yaml': ['refused', "a kustomization: its helmCharts renders Bitnami's memcached chart, it runs no memcached itself"],
  'helm/1720-qclaogui-codelab-monitoring-values-k3d-k3s.yaml': ['refused', "values of Bitnami's memcached chart that nothing beside them names here; beside their kustomization (test/cli/sweep-n-real.test.ts) they are refused as the helmCharts values kustomize renders, --dialect helm offered"],
  'dockerfile/1712-RootDBApp-infra-Dockerfile_memcached': ['refused', 'CMD /start_memcached.sh on alpine: the script runs memcached'],
  'dockerfile/1726-miguelammatos-Kollaps-Dockerfile': ['refused', 'ENTRYPOINT bash /server.sh on alpine: the script runs memcached'],
  'other/1740-qclaogui-codelab-monitoring-.env': ['refused', "a Compose project's .env: image references the Compose files interpolate, no memcached setting"],
  'compose/1633-voskobovich-rancher-catalog-docker-compose.yml': ['compose', "a Rancher 1.x catalog's docker-compose.yml, alone in its folder here (docker compose would read it so); beside its rancher-compose.yml (test/cli/sweep-k-real.test.ts) it is refused as Rancher's"],
  'other/1642-yutfut-go-key-value-memcached.env': ['refused', "the env_file: of the Compose file beside it: Compose hands its MEMCACHED_USERNAME= and MEMCACHED_PASSWORD= to the official image, which ignores them; mchard reads the Compose file, not the environment file alone"],
  'helm/801-zammad-zammad-helm-Chart.yaml': ['refused', 'a Chart.yaml: it decides how the values beside it are read; no memcached configuration itself'],
  'helm/802-sentry-kubernetes-charts-values.yaml': ['refused', "sentry's values without the Chart.yaml beside them: another chart's values"],
  'helm/803-sentry-kubernetes-charts-Chart.yaml': ['refused', 'a Chart.yaml: it decides whether and how the values beside it are used; no memcached configuration itself'],
};

const REAL_ROOT = join(ROOT, 'test', 'fixtures', 'real');
const realFiles: RealFile[] = manifest(join(REAL_ROOT, 'MANIFEST.tsv')).map((m) => {
  const exception = REAL_EXCEPTIONS[m.file];
  const expected: Expected = exception ? exception[0] : (READER[m.reader] ?? 'refused');
  const why = exception ? exception[1] : `manifest: reader ${m.reader}, installed as ${m.installed_as}`;
  return { source: join(REAL_ROOT, m.file), original: m.path, name: `real ${m.file}`, expected, why };
});

// ---- test/fixtures/detect: a few more real files (Ansible, a Jinja2 unit template), same columns ----

const DETECT_ROOT = join(ROOT, 'test', 'fixtures', 'detect');
const detectFiles: RealFile[] = manifest(join(DETECT_ROOT, 'MANIFEST.tsv')).map((m) => ({
  source: join(DETECT_ROOT, m.file),
  original: m.path,
  name: `detect ${m.file}`,
  expected: READER[m.reader] ?? 'refused',
  why: `manifest: reader ${m.reader}, installed as ${m.installed_as}`,
}));

// ---- test/fixtures/shared/corpus: its style column, and this table for the rest ----

const SHARED_TABLE: Record<string, [Expected, string]> = {
  'sysconfig/069-nmg1986-memcached-memcached.conf': [
    'debian',
    "at etc/memcached.conf, the path Debian's wrapper reads whatever it holds (it skips these SUSE-style lines, with a caveat); the repository's own init script sources it instead",
  ],
  'sysconfig/075-OpenMandrivaAssociation-memcached-memcached.sysconfig': [
    'refused',
    "OpenMandriva's: every variable commented out, IPADDR= and THREADS= documented, no USER=: its memcached@.service (Environment= defaults, User=memcached) reads it, not RHEL's",
  ],
  'sysconfig/076-pld-linux-memcached-memcached.sysconfig': ['refused', "PLD's LISTEN=, MEMCACHED_OPTS=: PLD's init script reads them, not RHEL's memcached.service"],
  'other/079-cine0831-memcached-initscript-memcached.conf': ['refused', 'shell code sourced by its repository\'s init script (if/then/fi)'],
  'other/080-theodesp-memcached-alpine-memcached.conf': ['supervisord', 'a supervisord configuration with [program:memcached]'],
  'other/081-wlhyl-openstack-docker_keystone-memcached.conf': ['supervisord', 'a [program:memcached] section'],
  'other/082-totten-bknix-memcached.conf': ['refused', 'a bash script at etc/memcached.conf, sourced by bknix\'s own scripts'],
  'other/083-qth-jutil-memcached.service': ['systemd', 'a systemd unit'],
  'other/084-pageboard-systemd-memcached.service': ['systemd', 'a systemd unit'],
  'other/085-subdavis-selfhosted-memcached.service': ['systemd', 'a systemd unit'],
  'other/086-gentoo-gentoo-memcached.confd': ['openrc', "Gentoo's conf.d file, read by its OpenRC init script"],
  'other/087-alpinelinux-aports-memcached.confd': ['openrc', "Alpine's conf.d file, read by its OpenRC init script"],
  'other/088-CameronNemo-upstart-jobs-memcached.conf': ['refused', 'an Upstart job'],
  'other/089-massgov-openmass-docker-compose.memcached.yaml': ['compose', 'a ddev Compose file'],
  'other/090-department-of-veterans-affairs-va.gov-cms-docker-compose.memcached.yaml': ['compose', 'a ddev Compose file'],
  'other/091-dkalpakchi-Textinator-memcached.conf': ['supervisord', 'a supervisord configuration with [program:memcached]'],
  'other/092-AlertaDengue-AlertaDengue-memcached.conf': ['supervisord', 'a [program:memcached] section'],
  'other/093-rdo-common-memcached-memcached.service': ['systemd', 'a systemd unit'],
};

const SHARED_ROOT = join(SHARED, 'corpus');
const sharedFiles: RealFile[] = manifest(join(SHARED_ROOT, 'MANIFEST.tsv')).map((m) => {
  const row = SHARED_TABLE[m.file];
  const byStyle: [Expected, string] | undefined =
    m.style === 'debian' ? ['debian', "style debian: a Debian /etc/memcached.conf (or its template), read by Debian's wrapper"] : m.style === 'sysconfig' ? ['sysconfig', "style sysconfig: RHEL's /etc/sysconfig/memcached (or its template)"] : undefined;
  const [expected, why] = row ?? byStyle ?? ['refused', `style ${m.style} and no row in the table`];
  return { source: join(SHARED_ROOT, m.file), original: m.path, name: `shared ${m.file}`, expected, why };
});

// ---- samples/ ----

const SAMPLE_TABLE: Record<string, [Expected, string]> = {
  'debian-default.conf': ['debian', "Debian's packaged /etc/memcached.conf"],
  'docker-compose.yml': ['compose', 'a Compose project with a memcached service'],
  'fedora-default.sysconfig': ['sysconfig', "Fedora's packaged /etc/sysconfig/memcached"],
  'freebsd-rc.conf': ['rcconf', "FreeBSD's rc.conf with memcached_* variables"],
  'hardened-debian.conf': ['debian', 'a Debian option file'],
  'insecure-centos-export.sysconfig': ['sysconfig', 'a CentOS /etc/sysconfig/memcached'],
  'insecure-debian.conf': ['debian', 'a Debian option file'],
  'insecure-memcached.confd': ['openrc', 'an OpenRC conf.d file'],
  'insecure-memcached.service': ['systemd', 'a systemd unit'],
  'insecure-rhel.sysconfig': ['sysconfig', 'a RHEL /etc/sysconfig/memcached'],
  'insecure-ubuntu-quirks.conf': ['debian', 'an Ubuntu /etc/memcached.conf'],
  'rhel7-default.sysconfig': ['sysconfig', "RHEL 7's packaged /etc/sysconfig/memcached"],
  'supervisord-memcached.conf': ['supervisord', 'a supervisord program'],
  'unix-socket-world-debian.conf': ['debian', 'a Debian option file'],
};

const sampleFiles: RealFile[] = readdirSync(join(ROOT, 'samples'))
  .sort()
  .map((f) => {
    const [expected, why] = SAMPLE_TABLE[f] ?? ['refused', 'no row in the samples table'];
    return { source: join(ROOT, 'samples', f), original: `samples/${f}`, name: `samples/${f}`, expected, why };
  });

const ALL = [...sampleFiles, ...sharedFiles, ...realFiles, ...detectFiles];
if (realFiles.length === 0) console.warn('detect-real: test/fixtures/real/MANIFEST.tsv is missing: only samples/ and the shared corpus are checked');

/** Copies every file to its repository path, each in a folder of its own; returns the new paths in order. */
function materialise(tmp: TempDir): string[] {
  return ALL.map((f, i) => {
    const p = join(tmp.path, String(i).padStart(3, '0'), f.original);
    mkdirSync(dirname(p), { recursive: true });
    copyFileSync(f.source, p);
    return p;
  });
}

let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-detect-real-');
});
afterEach(() => tmp.cleanup());

describe('real files: read by the program that reads them, or refused', () => {
  it('has every sample, the shared corpus and the real fixtures', () => {
    expect(sampleFiles.length).toBeGreaterThanOrEqual(14);
    expect(sharedFiles.length).toBeGreaterThanOrEqual(90);
    for (const f of ALL) expect({ f: f.name, why: f.why }).toEqual({ f: f.name, why: expect.not.stringMatching(/no row/) });
  });

  it('lint: each file is in its reader\'s dialect, or refused with what it looks like; no finding from any other dialect', async () => {
    const paths = materialise(tmp);
    const r = await run(['lint', ...paths, '--format', 'json']);
    const files = JSON.parse(r.out).files as { path: string; dialect: string | null; dialectReason?: string; refused?: { looksLike: string | null }; findings: { ruleId: string }[] }[];
    expect(files).toHaveLength(ALL.length);
    const wrong: string[] = [];
    files.forEach((got, i) => {
      const want = ALL[i];
      expect(got.path).toBe(paths[i]);
      const seen = got.refused ? 'refused' : got.dialect;
      if (seen !== want.expected) wrong.push(`${want.name}: read as ${seen}, expected ${want.expected} (${want.why})`);
      if (got.refused) {
        // A refusal is not a finding about memcached, and says what it looks like when it can.
        if (got.findings.length) wrong.push(`${want.name}: refused but has findings`);
      }
    });
    expect(wrong).toEqual([]);
    // Every format the corpora hold that mchard does not read is refused by name (it says what the file looks like).
    const refusedUnnamed = files.flatMap((f, i) => (f.refused && f.refused.looksLike === null ? [ALL[i].name] : []));
    expect(refusedUnnamed).toEqual([]);
  });

  it('fix --yes writes neither a refused file nor one whose format the content alone told (bytes compared)', async () => {
    const paths = materialise(tmp);
    const lint = JSON.parse((await run(['lint', ...paths, '--format', 'json'])).out).files as { refused?: unknown; dialectReason?: string }[];
    const before = paths.map((p) => readFileSync(p));
    let out = '';
    let err = '';
    const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), stdoutStream: { isTTY: false }, stdinIsTTY: false };
    const code = await runFix(['--yes', '--no-host-checks', '--no-restart', '--no-backup', ...paths], io, {});
    expect(code).toBe(2); // refused files
    const untouched = lint.map((f, i) => ({ f, i })).filter(({ f }) => f.refused || f.dialectReason === 'content');
    expect(untouched.length).toBeGreaterThan(10);
    for (const { i } of untouched) expect({ file: ALL[i].name, same: readFileSync(paths[i]).equals(before[i]) }).toEqual({ file: ALL[i].name, same: true });
    // And fix did write the files it reads by path or name (the test would pass vacuously otherwise).
    const written = lint.map((f, i) => ({ f, i })).filter(({ f, i }) => !f.refused && f.dialectReason !== 'content' && !readFileSync(paths[i]).equals(before[i]));
    expect(written.length).toBeGreaterThan(20);
  });
});
