/**
 * Real files (test/fixtures/real 1711 and later, provenance in its MANIFEST.tsv) placed at their repository or
 * installed paths and linted and inspected as a new user would: the shapes mchard described wrongly, then the
 * ones it already handled right, one assertion each on the verdict that matters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { lintJson, refusedEverywhere } from '../helpers/refused.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-n-');
});
afterEach(() => tmp.cleanup());

describe('a .nix file is described by what it is, not always as a NixOS module', () => {
  // Before: every .nix file was "a Nix expression (NixOS makes memcached's systemd unit from it: lint that unit,
  // as systemctl cat memcached shows it)", devenv's module (processes.memcached.exec = "exec .../memcached
  // --port=... --listen=...", which devenv up runs under its process manager) and nixpkgs' package included.
  it("devenv's services/memcached.nix: a devenv module, no systemd unit", async () => {
    const file = await refusedEverywhere(tmp.write('src/modules/services/memcached.nix', real('other/1718-cachix-devenv-memcached.nix')));
    expect(file.refused!.looksLike).toBe(
      "a devenv module or devenv.nix (Nix: devenv up starts the command of its processes under devenv's process manager, not as a systemd unit; mchard does not read it)",
    );
  });

  it("nixpkgs' memcached package.nix (stdenv.mkDerivation): a package expression that starts nothing", async () => {
    const file = await refusedEverywhere(tmp.write('pkgs/by-name/me/memcached/package.nix', real('other/1722-NixOS-nixpkgs-package.nix')));
    expect(file.refused!.looksLike).toBe('a Nix package expression (it builds a program and starts none; mchard does not read Nix)');
  });

  it("control: NixOS's own module (services.memcached, systemd.services) is still the NixOS unit's source", async () => {
    const file = await refusedEverywhere(tmp.write('nixos/modules/services/networking/memcached.nix', real('other/210-NixOS-nixpkgs-memcached.nix')));
    expect(file.refused!.looksLike).toMatch(/^a Nix expression \(NixOS makes memcached's systemd unit from it/);
  });
});

describe("a values file that a kustomization's helmCharts names is not \"a chart mchard does not read\"", () => {
  // qclaogui/codelab-monitoring's kubernetes/common/memcached: kustomization.yaml renders Bitnami's memcached chart
  // 8.1.5 (helmCharts: valuesFile: values-k3d-k3s.yaml) and replaces its image (images: newTag 1.6.39-...).
  // Before: values-k3d-k3s.yaml was "a Helm values file of a chart mchard does not read (it reads only Bitnami's
  // memcached chart)": it is that chart's values.
  const place = () => {
    tmp.write('kubernetes/common/memcached/kustomization.yaml', real('kubernetes/1721-qclaogui-codelab-monitoring-kustomization.yaml'));
    return tmp.write('kubernetes/common/memcached/values-k3d-k3s.yaml', real('helm/1720-qclaogui-codelab-monitoring-values-k3d-k3s.yaml'));
  };

  it('refused as the values kustomize renders a chart with, offering --dialect helm', async () => {
    const file = await refusedEverywhere(place());
    expect(file.refused!.reason).toBe('path');
    expect(file.refused!.looksLike).toBe(
      "the values of a Helm chart that kustomize renders (kustomize build --enable-helm on the folder of kustomization.yaml, whose images: may also replace the chart's image: lint what it makes; when the chart is Bitnami's memcached chart, --dialect helm reads them)",
    );
    expect(file.refused!.message).toContain('kustomization.yaml names it in its helmCharts');
    expect(file.refused!.message).toContain('--dialect helm');
    expect(file.refused!.message).not.toContain('a chart mchard does not read');
  });

  it('--dialect helm reads them', async () => {
    const { code, file } = await lintJson(place(), ['--dialect', 'helm']);
    expect(code).toBe(0);
    expect(file.dialect).toBe('helm');
  });

  it('control: with no kustomization beside it, another chart\'s values are still refused as such', async () => {
    const file = await refusedEverywhere(tmp.write('other/values-k3d-k3s.yaml', real('helm/1720-qclaogui-codelab-monitoring-values-k3d-k3s.yaml')));
    expect(file.refused!.looksLike).toMatch(/^a Helm values file of a chart mchard does not read/);
  });
});

describe('a Compose memcached service whose image is a variable with no default: unknown, not "no service runs memcached"', () => {
  // No real file of this shape was found (code searched for memcached services with image: ${...}): this is
  // fixture 1719 (qclaogui/codelab-monitoring's compose-include/memcached.yaml) with its
  // image: ${MEMCACHED_IMAGE:-docker.io/memcached:1.6.39-alpine} made image: ${MEMCACHED_IMAGE}, one edit.
  // Before: MC001 "no service of the file runs memcached (by image, entrypoint or command)" and "starts no".
  const edited = () => real('compose/1719-qclaogui-codelab-monitoring-memcached.yaml').toString('utf8').replace('${MEMCACHED_IMAGE:-docker.io/memcached:1.6.39-alpine}', '${MEMCACHED_IMAGE}');

  it('lint: one MC910 naming the variable; inspect: starts unknown', async () => {
    const text = edited();
    expect(text).toContain('    image: ${MEMCACHED_IMAGE}\n');
    const f = tmp.write('docker-compose/common/compose-include/memcached.yaml', text);
    const { code, file, out } = await lintJson(f);
    expect(code).toBe(0);
    expect(file.dialect).toBe('compose');
    expect(file.findings.map((x) => x.ruleId)).toEqual(['MC910']);
    expect(file.findings[0].message).toContain(
      'service memcached runs image "${MEMCACHED_IMAGE}", a reference a variable with no default decides: the environment Compose runs in decides the image',
    );
    expect(out).not.toContain('MC001');
    const i = await run(['inspect', f]);
    expect(i.out).toMatch(/^ {2}starts {4}unknown: service memcached runs image/m);
    expect(i.out).not.toContain('looks like a Compose file with no memcached service');
  });

  it('also when the service has another name and the variable names memcached, or its default is empty', async () => {
    for (const image of ['$MEMCACHED_IMAGE', '${MEMCACHED_IMAGE:-}', '${MEMCACHED_IMAGE:?set it}']) {
      const f = tmp.write('compose.yaml', `services:\n  cache:\n    image: ${image}\n  web:\n    image: nginx\n`);
      const { file } = await lintJson(f);
      expect(file.findings.map((x) => x.ruleId)).toEqual(['MC910']);
    }
  });

  it('a reference with a variable part (${REGISTRY}/memcached:1.6): the variable is named as what decides', async () => {
    // Before: "which mchard does not know: the image's own command and environment decide memcached's options".
    const f = tmp.write('compose.yaml', 'services:\n  memcached:\n    image: ${REGISTRY}/memcached:1.6\n');
    const { file } = await lintJson(f);
    expect(file.findings.map((x) => x.ruleId)).toEqual(['MC910']);
    expect(file.findings[0].message).toContain('the value of REGISTRY in the shell or the project\'s .env file when Compose creates the container decides');
  });

  it("control: a memcached exporter's variable image is no memcached", async () => {
    const f = tmp.write('compose.yaml', 'services:\n  memcached-exporter:\n    image: ${MEMCACHED_EXPORTER_IMAGE}\n  web:\n    image: nginx\n');
    const { file } = await lintJson(f);
    expect(file.findings.map((x) => x.ruleId)).toEqual(['MC001']);
  });
});

describe("a template named for memcached 1.5 is no manual page", () => {
  // Imagenarium/marketplace's templates/memcached/1.5/memcached-deploy-1.5.tpl (FreeMarker macros that deploy a
  // Docker Swarm service memcached:1.5-alpine -vv). Before: "a manual page (man reads it)", from the .5 of the
  // version its name ends with once .tpl is set aside. Now a FreeMarker template, by its <@...> macros.
  it('refused as the FreeMarker template it is', async () => {
    const file = await refusedEverywhere(tmp.write('templates/memcached/1.5/memcached-deploy-1.5.tpl', real('other-templates/1729-Imagenarium-marketplace-memcached-deploy-1.5.tpl')));
    expect(file.refused!.looksLike).toBe('a FreeMarker template (what renders it decides what runs: lint that)');
    expect(file.refused!.message).not.toContain('manual page');
  });

  it("control: memcached's own manual page is still one", async () => {
    const file = await refusedEverywhere(tmp.write('doc/memcached.1', real('other/1471-pexip-os-memcached-memcached.1')));
    expect(file.refused!.looksLike).toBe('a manual page (man reads it)');
  });
});

describe('a Salt pillar is data, not a state Salt applies', () => {
  // DevilCoders/Yandex's admins/salt-media/kp/pillar/forum/memcached.sls (memcached: memory, port 11311, user,
  // maxcon, mcrouter). Before: "a Salt state or pillar file (Salt applies it; lint the file it installs)".
  it('under pillar/: a Salt pillar', async () => {
    const file = await refusedEverywhere(tmp.write('admins/salt-media/kp/pillar/forum/memcached.sls', real('other/1731-DevilCoders-Yandex-memcached.sls')));
    expect(file.refused!.looksLike).toBe("a Salt pillar (data Salt's states and templates read; Salt applies no pillar: lint the file a state installs with it)");
  });

  it('control: a state elsewhere keeps its description', async () => {
    const file = await refusedEverywhere(tmp.write('salt/memcached/init.sls', real('other/304-dngroup-t-nova-init.sls')));
    expect(file.refused!.looksLike).toBe('a Salt state or pillar file (Salt applies it; lint the file it installs)');
  });
});

describe('where a refused file is installed, said of its own folder', () => {
  // csuka/ansible_role_memcached's molecule/default/host_vars/test-multi-01.yml. Before: "installed as group_vars/NAME".
  it('host_vars/ is host_vars/NAME, group_vars/ still group_vars/NAME', async () => {
    const host = await refusedEverywhere(tmp.write('molecule/default/host_vars/test-multi-01.yml', real('ansible/1734-csuka-ansible_role_memcached-test-multi-01.yml')));
    expect(host.refused!.message).toContain('(path host_vars/test-multi-01.yml, installed as host_vars/NAME)');
    const group = await refusedEverywhere(tmp.write('inventory/group_vars/all.yml', real('ansible/1734-csuka-ansible_role_memcached-test-multi-01.yml')));
    expect(group.refused!.message).toContain('installed as group_vars/NAME');
  });

  // pikpik/minix-pkgsrc's devel/memcached/files/memcached.sh ($NetBSD$, rc.subr), which pkgsrc installs as
  // /etc/rc.d/memcached. Before: every rc.d/ file was "installed as /usr/local/etc/rc.d/memcached", whatever its name.
  it("an rc.d script: FreeBSD's folder or NetBSD's and OpenBSD's, by its own name", async () => {
    const file = await refusedEverywhere(tmp.write('etc/rc.d/memcached', real('other/1735-pikpik-minix-pkgsrc-memcached.sh')));
    expect(file.refused!.looksLike).toBe('an rc.d script');
    expect(file.refused!.message).toContain("installed as /usr/local/etc/rc.d/NAME (FreeBSD's ports) or /etc/rc.d/NAME (NetBSD's and OpenBSD's packages)");
    const other = await refusedEverywhere(tmp.write('rc.d/memcached_exporter', real('other/1735-pikpik-minix-pkgsrc-memcached.sh')));
    expect(other.refused!.message).not.toContain('rc.d/memcached)');
  });
});

describe('real files mchard already handled right (regression checks)', () => {
  // Refused, each with what it is: [fixture, path it is placed at, the description].
  const REFUSED: [string, string, string][] = [
    ['other/1711-RootDBApp-infra-start_memcached.sh', 'docker/memcached/start_memcached.sh', 'a shell script'],
    ['dockerfile/1712-RootDBApp-infra-Dockerfile_memcached', 'docker/Dockerfile_memcached', 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached'],
    ['other/1713-jceb-docker-sogo-memcached.sh', 'etc/service/memcached/run', 'a shell script'],
    ['other/1714-bigmudcake-docker-sogo-run_memcached.sh', 'runfiles/run_memcached.sh', 'a shell script'],
    ['other/1715-lens0021-nomad-1-memcached.nomad', 'jobs/memcached.nomad', 'a Nomad job specification (HCL), which Nomad runs'],
    ['other/1716-Velaa98-DockerCompose-config.sh', 'Cache-Base-Datos/config.sh', 'a shell script'],
    ['kubernetes/1721-qclaogui-codelab-monitoring-kustomization.yaml', 'kubernetes/common/memcached/kustomization.yaml', 'a kustomization (kustomize builds manifests from its resources, patches and generators: lint what kustomize build makes)'],
    ['other/1724-ausnimbus-docker-memcached-memcached_environment', 'opt/app-root/etc/memcached_environment', 'a shell script'],
    ['dockerfile/1726-miguelammatos-Kollaps-Dockerfile', 'examples/memcached/memcached-server/Dockerfile', 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached'],
    ['other/1727-sclorg-memcached-run-memcached', 'usr/bin/run-memcached', 'a shell script'],
    ['other/1730-K-FOSS-core0.site1.kristinejones.dev-TF-CortexCache.hcl', 'Nomad/Jobs/Cache/Jobs/CortexCache.hcl', 'a Nomad job specification (HCL), which Nomad runs'],
    ['ansible/1733-geerlingguy-ansible-role-memcached-main.yml', 'defaults/main.yml', 'an Ansible role file (tasks, handlers or variables)'],
    ['other/1736-gaishimo-plist-files-homebrew.mxcl.memcached.plist', 'Library/LaunchAgents/homebrew.mxcl.memcached.plist', 'a launchd property list (macOS)'],
    ['sysv/1739-rdo-common-memcached-memcached.sysv', 'etc/rc.d/init.d/memcached', 'a SysV init script'],
  ];
  it.each(REFUSED)('%s at %s: refused as %s', async (fixture, path, looksLike) => {
    const { code, file } = await lintJson(tmp.write(path, real(fixture)));
    expect([code, file.refused?.looksLike]).toEqual([2, looksLike]);
  });

  it("qclaogui's .env: a .env file, not memcached's", async () => {
    const { file } = await lintJson(tmp.write('docker-compose/common/config/.env', real('other/1740-qclaogui-codelab-monitoring-.env')));
    expect(file.refused!.looksLike).toMatch(/^a \.env file \(Docker Compose's values/);
  });

  // Read, with memcached's options unknown because another program starts it: [fixture, path, dialect].
  const UNKNOWN: [string, string, string][] = [
    ['systemd/1723-sclorg-memcached-memcached-container.service', 'etc/systemd/system/memcached-container.service', 'systemd'],
    ['dockerfile/1728-ausnimbus-docker-memcached-Dockerfile', 'versions/1.5/Dockerfile', 'dockerfile'],
    ['dockerfile/1732-twofour-memcached-Dockerfile', 'Dockerfile', 'dockerfile'],
    ['systemd/1737-pageboard-systemd-memcached.service', '.config/systemd/user/memcached.service', 'systemd'],
    ['systemd/1738-subdavis-selfhosted-memcached.service', 'usr/local/lib/systemd/system/memcached.service', 'systemd'],
  ];
  it.each(UNKNOWN)('%s at %s: read as %s, its options unknown (MC910 alone)', async (fixture, path, dialect) => {
    const { file } = await lintJson(tmp.write(path, real(fixture)));
    expect([file.dialect, file.findings.map((x) => x.ruleId)]).toEqual([dialect, ['MC910']]);
  });

  it("seafile's seafile-server.yml (image ${SEAFILE_MEMCACHED_IMAGE:-memcached:1.6.29}, entrypoint: memcached -m 256): 1.6.29 unless the variable is set", async () => {
    const f = tmp.write('seafile-server.yml', real('compose/1717-haiwen-seafile-admin-docs-seafile-server.yml'));
    const i = await run(['inspect', f]);
    expect(i.out).toContain('(compose, memcached 1.6.29 unless SEAFILE_MEMCACHED_IMAGE is set)');
  });

  it("qclaogui's compose-include/memcached.yaml (the official image's default command): read, MC601", async () => {
    const { file } = await lintJson(tmp.write('docker-compose/common/compose-include/memcached.yaml', real('compose/1719-qclaogui-codelab-monitoring-memcached.yaml')));
    expect([file.dialect, file.findings.some((x) => x.ruleId === 'MC601')]).toEqual(['compose', true]);
  });

  it("52poke's Deployment (image memcached, no args): every interface of the pod, MC601", async () => {
    const { file } = await lintJson(tmp.write('cluster/default/memcached/deployment.yaml', real('kubernetes/1725-mudkipme-52poke-deployment.yaml')));
    expect([file.dialect, file.findings.some((x) => x.ruleId === 'MC601')]).toEqual(['kubernetes', true]);
  });
});

describe('a systemd user unit starts memcached as its user, not as root', () => {
  // pageboard/systemd's memcached.service (EnvironmentFile=-%h/..., WantedBy=default.target) is a user unit:
  // systemctl --user runs it as the user whose manager loads it. Its real text has $MEMCACHED_OPTS, which leaves the
  // options unknown; with that one word taken out (the edit below), before: at ~/.config/systemd/user/ it was
  // "installed as /etc/systemd/system/NAME.service", "starts no: exits with status 64: must add '-u root' to start
  // as root" and MC202 (error), as if systemd started it as root.
  const edited = () => real('systemd/1737-pageboard-systemd-memcached.service').toString('utf8').replace(' -v $MEMCACHED_OPTS', ' -v');

  it('at ~/.config/systemd/user/: a user unit, memcached starts as that user and listens', async () => {
    const text = edited();
    expect(text).toContain('ExecStart=/usr/bin/memcached -p 17211 -l 127.0.0.1 -v\n');
    const f = tmp.write('.config/systemd/user/memcached.service', text);
    const { file } = await lintJson(f);
    expect(file.findings.map((x) => x.ruleId)).toEqual(['MC111']);
    const i = await run(['inspect', f]);
    expect(i.out).toContain('installed as ~/.config/systemd/user/NAME.service, a user unit');
    expect(i.out).toMatch(/^ {2}user {6}\(the user whose systemd --user runs the unit\)$/m);
    expect(i.out).toMatch(/^ {2}listens {3}TCP 127\.0\.0\.1:17211$/m);
    expect(i.out).toMatch(/^ {2}starts {4}yes$/m);
  });

  it('the real file there: its options still unknown ($MEMCACHED_OPTS from a file in the home folder)', async () => {
    const { file } = await lintJson(tmp.write('.config/systemd/user/memcached.service', real('systemd/1737-pageboard-systemd-memcached.service')));
    expect(file.findings.map((x) => x.ruleId)).toEqual(['MC910']);
  });

  it('control: the same unit in a system folder is started as root and needs -u (MC202)', async () => {
    const { file } = await lintJson(tmp.write('etc/systemd/system/memcached.service', edited()));
    expect(file.findings.map((x) => x.ruleId)).toContain('MC202');
  });
});

describe("a unit in a lib/systemd/system/ folder is a package's, not /etc/systemd/system's", () => {
  // subdavis/selfhosted keeps its memcached.service for /usr/local/lib/systemd/system (its EnvironmentFile= is
  // /usr/local/lib/systemd/system/profile.env). Before: "installed as /etc/systemd/system/NAME.service".
  it('at usr/local/lib/systemd/system/: installed there or in /usr/lib/systemd/system', async () => {
    const f = tmp.write('usr/local/lib/systemd/system/memcached.service', real('systemd/1738-subdavis-selfhosted-memcached.service'));
    const i = await run(['inspect', f]);
    expect(i.out).toContain('(path lib/systemd/system/memcached.service, installed as /usr/lib/systemd/system/NAME.service or /usr/local/lib/systemd/system/NAME.service)');
  });

  it('control: etc/systemd/system/ is still /etc/systemd/system', async () => {
    const i = await run(['inspect', tmp.write('etc/systemd/system/memcached.service', real('systemd/1738-subdavis-selfhosted-memcached.service'))]);
    expect(i.out).toContain('installed as /etc/systemd/system/NAME.service)');
  });
});

describe("inspect names the expansion a command line depends on: supervisord's and systemd's are no shell's", () => {
  // Fixture 086 (andyceo/docker-phpdevenv's supervisor conf.d/memcached.conf) with its command= given supervisord's
  // %(ENV_NAME)s (as an auth server's supervisord.conf found in the search does: -P %(ENV_AUTH_SERVER_WORKDIR)s/...),
  // one edit. Before: "(depends on the host: shell expansion)", though supervisord runs no shell.
  it('supervisord: its %(name)s expansion', async () => {
    const text = real('supervisord/086-andyceo-docker-phpdevenv-memcached.conf').toString('utf8').replace(/^command=.*$/m, 'command=/usr/bin/memcached -m 64 -u memcache -l %(ENV_MEMCACHED_HOST)s');
    expect(text).toContain('-l %(ENV_MEMCACHED_HOST)s');
    const i = await run(['inspect', tmp.write('etc/supervisor/conf.d/memcached.conf', text)]);
    expect(i.out).toContain("(depends on the host: supervisord's %(name)s expansion)");
    expect(i.out).not.toContain('shell expansion');
  });
});

describe("inspect: a unit's command line depends on systemd's expansion", () => {
  // Fixture 1737 (pageboard/systemd's user unit) with its $MEMCACHED_OPTS made -P %t/memcached.pid, one edit.
  // Before: "(depends on the host: shell expansion)", though systemd runs no shell for ExecStart=.
  it('a %t specifier: systemd\'s variable and specifier expansion', async () => {
    const text = real('systemd/1737-pageboard-systemd-memcached.service').toString('utf8').replace('-v $MEMCACHED_OPTS', '-v -P %t/memcached.pid');
    expect(text).toContain('-P %t/memcached.pid');
    const i = await run(['inspect', tmp.write('.config/systemd/user/memcached.service', text)]);
    expect(i.out).toContain("memcached -p 17211 -l 127.0.0.1 -v -P %t/memcached.pid   (depends on the host: systemd's variable and specifier expansion)");
  });
});
