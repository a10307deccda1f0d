/**
 * Real files (test/fixtures/real 1624 and later, provenance in its MANIFEST.tsv) in shapes mchard had not
 * been tried on, each placed at its repository path and linted and inspected as a new user would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-k-');
});
afterEach(() => tmp.cleanup());

type FileJson = { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string }; findings: { ruleId: string; severity: string; message: string }[] };
const lintJson = async (f: string, extra: string[] = []) => {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as FileJson };
};

describe('a kustomize patch of the memcached StatefulSet is refused as a patch', () => {
  // Before: hippocampus-dev/hippocampus's tempo overlay patch (a memcached container with only a memory request;
  // its kustomization names it in patches:) was "a Kubernetes manifest with no container that runs memcached",
  // where the container runs memcached once kustomize merges it onto the base's StatefulSet (image memcached,
  // args -C -m $(MEMORY_REQUESTS)M ...).
  const overlay = 'cluster/manifests/tempo/overlays/dev/memcached';
  it('named in its kustomization\'s patches: refused in one line naming the kustomization, no finding', async () => {
    tmp.write(`${overlay}/kustomization.yaml`, real('kubernetes/1625-hippocampus-dev-hippocampus-kustomization.yaml'));
    const f = tmp.write(`${overlay}/patches/stateful_set.yaml`, real('kubernetes/1624-hippocampus-dev-hippocampus-stateful_set.yaml'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('path');
    expect(file.refused!.looksLike).toMatch(/^a kustomize patch: kustomize merges it onto an object of the kustomization's resources/);
    expect(file.refused!.message).toContain('(../kustomization.yaml names it in its patches)');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(f);
    expect(err).not.toMatch(/no container that runs memcached|--dialect/);
    const i = await run(['inspect', f]);
    expect(i.code).toBe(2);
    expect(i.out + i.err).toMatch(/kustomize patch/);
    const before = readFileSync(f);
    const fx = await run(['fix', f]);
    expect(fx.code).toBe(2);
    expect(readFileSync(f)).toEqual(before);
  });

  it('a whole object named as a patch (patchesStrategicMerge) is a patch too, not the workload', async () => {
    // The base's StatefulSet, complete with image and args: merged onto the base's own object, whose fields it
    // does not set stay, so what it says alone is not what runs.
    tmp.write('overlay/kustomization.yaml', 'resources:\n- ../base\npatchesStrategicMerge:\n- ./memcached.yaml # the cache\n');
    const f = tmp.write('overlay/memcached.yaml', real('kubernetes/1626-hippocampus-dev-hippocampus-stateful_set.yaml'));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a kustomize patch/);
    expect(file.refused!.message).toContain('(kustomization.yaml names it in its patches)');
  });

  // Before: the overlay's kustomization.yaml (kind: Kustomization) was "a Kubernetes manifest whose objects (kind
  // Kustomization) have no pod template: the operator or controller that reads them makes the workloads", and one
  // without apiVersion: "a YAML file (another program's settings)": kustomize reads it.
  it("the overlay's kustomization.yaml: refused as a kustomization, by content and by name", async () => {
    const f = tmp.write(`${overlay}/kustomization.yaml`, real('kubernetes/1625-hippocampus-dev-hippocampus-kustomization.yaml'));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.refused!.looksLike).toMatch(/^a kustomization \(kustomize builds manifests/);
    expect(file.refused!.message).not.toMatch(/operator or controller/);
    const other = await lintJson(tmp.write('k/Kustomization', 'resources:\n- deployment.yaml\n'));
    expect(other.file.refused!.looksLike).toMatch(/^a kustomization/);
  });

  it('the base the overlay builds on (a resource of its kustomization, no patch) is still read as Kubernetes', async () => {
    tmp.write('cluster/manifests/utilities/memcached/kustomization.yaml', 'resources:\n- stateful_set.yaml\npatches:\n- path: other.yaml\n');
    const f = tmp.write('cluster/manifests/utilities/memcached/stateful_set.yaml', real('kubernetes/1626-hippocampus-dev-hippocampus-stateful_set.yaml'));
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('kubernetes');
    expect(file.findings.map((x) => x.ruleId)).toContain('MC910');
  });
});

describe("salt-formula-memcached's monitoring files are named as what they are", () => {
  // Before: collectd_memcached.conf (<LoadPlugin memcached> ... <Plugin memcached> Host ... Port ...) was "an XML
  // document (another program's file, such as a .NET App.config or a launchd property list ...)": collectd's
  // block form of LoadPlugin was not known as collectd's, and the XML test came first.
  it("collectd's <LoadPlugin x> block: refused as a collectd configuration, not an XML document", async () => {
    const f = tmp.write('memcached/files/collectd_memcached.conf', real('other-templates/1627-salt-formulas-salt-formula-memcached-collectd_memcached.conf'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toBe('a collectd configuration');
    expect(err).not.toMatch(/XML|App\.config|launchd/);
  });

  it('a real XML document is still one', async () => {
    const { file } = await lintJson(tmp.write('App.config', '<?xml version="1.0"?>\n<configuration><appSettings><add key="-p" value="11211"/></appSettings></configuration>\n'));
    expect(file.refused!.looksLike).toMatch(/^an XML document/);
  });

  // Before: meta/prometheus.yml (Prometheus alert rules a Salt formula renders with Jinja) was "an Ansible role
  // file (tasks, handlers or variables) (path meta/prometheus.yml, installed as a file of an Ansible role
  // (roles/NAME/…), which a playbook runs)": Ansible reads only main.yml and argument_specs.yml from a role's meta/.
  it('meta/prometheus.yml of a Salt formula: not called an Ansible role file', async () => {
    const f = tmp.write('memcached/meta/prometheus.yml', real('other-templates/1628-salt-formulas-salt-formula-memcached-prometheus.yml'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).not.toMatch(/Ansible/);
    expect(err).not.toMatch(/Ansible|playbook/);
  });

  it("an Ansible role's meta/main.yml is still refused as the role's file", async () => {
    const f = tmp.write('roles/memcached/meta/main.yml', '---\ngalaxy_info:\n  role_name: memcached\ndependencies: []\n');
    const { file } = await lintJson(f);
    expect(file.refused!.reason).toBe('path');
    expect(file.refused!.looksLike).toMatch(/^an Ansible role file/);
  });
});

describe("Cyrus SASL's memcached.conf is named as SASL's", () => {
  // Before: zulip's sasl2/memcached.conf (installed as /etc/sasl2/memcached.conf) and heroku-sandbox's
  // memcached.conf (SASL_CONF_PATH=`pwd`/memcached.conf) were "its name memcached.conf suggests Debian's
  // /etc/memcached.conf, but none of its lines is a memcached option: another program reads it": memcached's own
  // SASL library reads them when it runs with -S.
  it.each([['puppet/zulip/files/sasl2/memcached.conf', 'other/1629-zulip-zulip-memcached.conf', 'path'], ['memcached.conf', 'other/1630-TrifectaTechnologies-heroku-sandbox-memcached.conf', 'content']])(
    '%s: refused as Cyrus SASL\'s settings for -S, no hint',
    async (at, fixture, reason) => {
      const f = tmp.write(at, real(fixture));
      const { code, file, err } = await lintJson(f);
      expect(code).toBe(2);
      expect(file.findings).toEqual([]);
      expect(file.refused!.reason).toBe(reason);
      expect(file.refused!.looksLike).toMatch(/^Cyrus SASL's settings for memcached's -S authentication/);
      expect(err).not.toMatch(/another program reads it|--dialect/);
      expect(err.trim().split('\n')).toHaveLength(1);
    },
  );

  it("a memcached.conf of option lines beside no sasl2/ folder is still Debian's", async () => {
    const { file } = await lintJson(tmp.write('files/memcached.conf', '-m 64\n-l 127.0.0.1\n-S\n'));
    expect(file.dialect).toBe('debian');
  });
});

describe('a bare NAME placeholder an install script replaces is the template\'s, not port 0 or a host name', () => {
  // Before: CinemaPress's config/memcached.conf (shared corpus debian/044: -p MEMCACHED_PORT, which install.sh
  // replaces with a free port by sed before linking the file as /etc/memcached_DOMAIN.conf) got error MC302 "-p
  // MEMCACHED_PORT is not a port number: memcached's atoi reads it as TCP port 0", warning MC303 "nobody can connect
  // to it", and inspect's "listens nothing", "starts yes"; banaconda/openstack-script's etc/memcached.conf (shared
  // corpus debian/029: -l MGMT_IP, which its script replaces with the management address) got warning MC104 "-l
  // MGMT_IP names the host "MGMT_IP"" and MC601 about "TCP MGMT_IP:11211".
  const corpus = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'shared', 'corpus', rel));
  it('config/memcached.conf (-p MEMCACHED_PORT): the placeholder decides the port; no MC302/MC303, listens unknown', async () => {
    const f = tmp.write('config/memcached.conf', corpus('debian/044-CinemaPress-CinemaPress-CMS-memcached.conf'));
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('debian');
    const ids = file.findings.map((x) => x.ruleId);
    expect(ids).not.toContain('MC302');
    expect(ids).not.toContain('MC303');
    expect(file.findings.find((x) => x.ruleId === 'MC910')!.message).toMatch(/^MEMCACHED_PORT \(line 4\): the template decides where memcached listens/);
    // The literal lines are still read: "- d" is no -d.
    expect(ids).toContain('MC804');
    const i = await run(['inspect', f]);
    expect(i.out).toMatch(/placeholder template/);
    expect(i.out).toMatch(/listens +unknown: depends on the template \(MEMCACHED_PORT \(line 4\)\)/);
    expect(i.out).not.toMatch(/listens +nothing/);
  });

  it('etc/memcached.conf in a repository (-l MGMT_IP): no host name "MGMT_IP", the template decides where it listens', async () => {
    const { file } = await lintJson(tmp.write('etc/memcached.conf', corpus('debian/029-banaconda-openstack-script-memcached.conf')));
    expect(file.dialect).toBe('debian');
    expect(file.findings.map((x) => x.ruleId)).not.toContain('MC104');
    expect(file.findings.map((x) => x.message).join('\n')).not.toMatch(/TCP MGMT_IP:11211/);
  });

  it('a lower-case word, or a NAME on a line that is no option, is no placeholder', async () => {
    const lower = await lintJson(tmp.write('a/memcached.conf', '-p memcached_port\n-l 127.0.0.1\n'));
    expect(lower.file.findings.map((x) => x.ruleId)).toContain('MC302');
    const unit = await run(['inspect', tmp.write('b/memcached.service', '[Service]\nPassEnvironment=MEMCACHED_OPTS\nUser=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\n')]);
    expect(unit.out).not.toMatch(/template/);
  });
});

describe("a Zabbix agent's memcached.conf is named as the agent's", () => {
  // Before: weijing24/zabbbix's conf/memcached.conf (UserParameter= items, the agent's conf.d) was "its name
  // memcached.conf suggests Debian's /etc/memcached.conf, but it holds KEY=value assignments (as
  // /etc/sysconfig/memcached holds them) ... pass --dialect debian or --dialect sysconfig if that is what reads it".
  it('UserParameter= lines: refused as a Zabbix agent configuration, no --dialect hint', async () => {
    const f = tmp.write('conf/memcached.conf', real('other/1632-weijing24-zabbbix-memcached.conf'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a Zabbix agent configuration/);
    expect(err).not.toMatch(/--dialect|KEY=value assignments/);
  });

  it('RHEL variables under the same name are still sysconfig assignments', async () => {
    const { file } = await lintJson(tmp.write('x/memcached.conf', 'PORT="11211"\nUSER="memcached"\nOPTIONS="-l 127.0.0.1"\n'));
    expect(file.refused?.looksLike ?? file.dialect).not.toMatch(/Zabbix/);
  });
});

describe('a Rancher 1.x stack is Rancher\'s, not docker compose\'s', () => {
  // Before: voskobovich/rancher-catalog's memcached template: docker-compose.yml was read by "Docker Compose"
  // with "no ports: entry publishes it, so only containers on the same Compose network reach it", where Rancher's
  // load balancer (rancher-compose.yml's port_rules, source_port ${lb_port}) forwards memcached to the hosts'
  // lb_port; and rancher-compose.yml was read as a Compose file ("read by Docker Compose ... content: a Compose
  // services: mapping that runs memcached", MC910 "an override").
  const dir = 'templates/memcached/0';
  it('docker-compose.yml beside rancher-compose.yml: refused as a Rancher stack, --dialect compose offered', async () => {
    tmp.write(`${dir}/rancher-compose.yml`, real('compose/1634-voskobovich-rancher-catalog-rancher-compose.yml'));
    const f = tmp.write(`${dir}/docker-compose.yml`, real('compose/1633-voskobovich-rancher-catalog-docker-compose.yml'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a Rancher 1\.x stack's docker-compose\.yml/);
    expect(file.refused!.message).toContain('(rancher-compose.yml beside it)');
    expect(err).toMatch(/pass --dialect compose if that is what reads it/);
    expect(err).not.toMatch(/only containers on the same Compose network/);
    // Forced, it is read as docker compose would read it.
    const forced = await lintJson(f, ['--dialect', 'compose']);
    expect(forced.file.dialect).toBe('compose');
  });

  it('rancher-compose.yml: refused by its name, not read as a Compose override', async () => {
    const f = tmp.write(`${dir}/rancher-compose.yml`, real('compose/1634-voskobovich-rancher-catalog-rancher-compose.yml'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toMatch(/^Rancher 1\.x's rancher-compose\.yml/);
    expect(err).not.toMatch(/override|--dialect/);
  });

  it('the same docker-compose.yml alone is still docker compose\'s', async () => {
    const { file } = await lintJson(tmp.write('alone/docker-compose.yml', real('compose/1633-voskobovich-rancher-catalog-docker-compose.yml')));
    expect(file.dialect).toBe('compose');
  });
});

describe("NetBSD's rc.conf is not FreeBSD's", () => {
  // Before: ChefIronBelly/NetBSD's etc/rc.conf ($NetBSD$ header, rc_configured=YES, services as NAME=YES) was "its
  // path etc/rc.conf ... says FreeBSD's rc.d/memcached script reads it, but it looks like shell code ... pass
  // --dialect rcconf if that is what reads it"; with memcached=YES and memcached_flags= added (as NetBSD enables
  // pkgsrc's memcached) it was read as FreeBSD's: "user nobody" and MC911 "memcached_enable is not set ... rc does
  // not start memcached", where NetBSD's rc starts it, as pkgsrc's user memcached.
  it('etc/rc.conf: refused in one line naming NetBSD, no --dialect rcconf hint', async () => {
    const f = tmp.write('etc/rc.conf', real('rcconf/1635-ChefIronBelly-NetBSD-rc.conf'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toMatch(/^NetBSD's rc\.conf/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/--dialect|says FreeBSD/);
  });

  it('with memcached=YES and memcached_flags= as NetBSD enables it: refused, not FreeBSD\'s user nobody', async () => {
    const f = tmp.write('etc/rc.conf', Buffer.concat([real('rcconf/1635-ChefIronBelly-NetBSD-rc.conf'), Buffer.from('memcached=YES\nmemcached_flags="-l 0.0.0.0 -m 256"\n')]));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^NetBSD's rc\.conf/);
    const i = await run(['inspect', f]);
    expect(i.out).not.toMatch(/user +nobody|FreeBSD's rc\.d\/memcached script \(/);
  });

  it("FreeBSD's rc.conf is still FreeBSD's", async () => {
    const { file } = await lintJson(tmp.write('etc/rc.conf', 'hostname="web1"\nsshd_enable="YES"\nmemcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n'));
    expect(file.dialect).toBe('rcconf');
  });
});

describe("a kuttl or Chainsaw test's assertion is no workload", () => {
  // Before: C5C3/memcached-operator's test/e2e/basic-deployment/01-assert-deployment.yaml (the Deployment the
  // operator is expected to make; chainsaw-test.yaml names it under assert:) was read as a workload Kubernetes
  // runs: "read by Kubernetes (the API server, then the kubelet on the node)", "starts yes", MC601 and a suggested
  // NetworkPolicy. Nothing applies an assertion.
  it('01-assert-deployment.yaml: refused by its name, no finding', async () => {
    const f = tmp.write('test/e2e/basic-deployment/01-assert-deployment.yaml', real('kubernetes/1636-C5C3-memcached-operator-01-assert-deployment.yaml'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toMatch(/^a kuttl or Chainsaw test's assertion/);
    expect(err).not.toMatch(/--dialect/);
    const i = await run(['inspect', f]);
    expect(i.out).not.toMatch(/starts +yes/);
  });

  it('the same Deployment under a manifest\'s name is still read as Kubernetes', async () => {
    const { file } = await lintJson(tmp.write('deploy/memcached.yaml', real('kubernetes/1636-C5C3-memcached-operator-01-assert-deployment.yaml')));
    expect(file.dialect).toBe('kubernetes');
  });
});

describe("CircleCI 1.0's circle.yml is a CI pipeline", () => {
  // Before: versioneye/crawl_r's circle.yml (docker run --name memcached -d reiz/memcached:1.4.14 for each build)
  // was "a YAML file (another program's settings)", the words for an application's YAML; .travis.yml and
  // .gitlab-ci.yml already said CI.
  it('circle.yml: refused by its name as a CI pipeline definition, no hint', async () => {
    const f = tmp.write('circle.yml', real('other/1637-versioneye-crawl_r-circle.yml'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toMatch(/^a CI pipeline definition/);
    expect(err).not.toMatch(/--dialect/);
  });
});

describe("Ganglia gmond's memcached.conf is named as gmond's", () => {
  // Before: ganglia/gmond_python_modules' memcached/conf.d/memcached.conf (modules { module { name = "memcached"
  // ... } }, collection_group { metric { ... } }) was "its name memcached.conf suggests Debian's /etc/memcached.conf,
  // but it holds KEY=value assignments (as /etc/sysconfig/memcached holds them) ... pass --dialect debian or
  // --dialect sysconfig if that is what reads it".
  it('memcached/conf.d/memcached.conf: refused as a Ganglia gmond configuration, no --dialect hint', async () => {
    const f = tmp.write('memcached/conf.d/memcached.conf', real('other/1638-ganglia-gmond_python_modules-memcached.conf'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a Ganglia gmond configuration/);
    expect(err).not.toMatch(/--dialect|KEY=value assignments/);
  });
});
