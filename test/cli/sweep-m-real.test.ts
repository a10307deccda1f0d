/**
 * Real files (test/fixtures/real 1691 and later, provenance in its MANIFEST.tsv) in shapes mchard had described
 * wrongly or read with confidence it did not have, each placed at its repository path and linted and inspected
 * as a new user would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { lintJson, refusedEverywhere, type RefusedFile as FileJson } from '../helpers/refused.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-m-');
});
afterEach(() => tmp.cleanup());


describe('a Homebrew formula is refused as a Homebrew formula, not as a Chef recipe', () => {
  // Before: Homebrew/homebrew-core's Formula/m/memcached.rb (service do run [opt_bin/"memcached", "-l", "localhost"])
  // and a tap's older copy with def plist were "not read: it looks like a Ruby file (a Chef recipe or attributes)".
  const CORE =
    'a Homebrew formula (brew install writes a launchd plist and a systemd unit from its service block into $(brew --prefix memcached), and brew services starts the plist on macOS, the unit on Linux (brew services info --verbose memcached names the file); mchard reads that unit, not the plist)';

  it("homebrew-core's formula at Formula/m/memcached.rb: its service block becomes a plist and a systemd unit mchard reads", async () => {
    const file = await refusedEverywhere(tmp.write('Formula/m/memcached.rb', real('other/1691-Homebrew-homebrew-core-memcached.rb')));
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toBe(CORE);
    expect(file.refused!.message).not.toMatch(/Chef|--dialect/);
  });

  it('the same formula outside a Formula/ folder: its class X < Formula says what it is', async () => {
    const file = await refusedEverywhere(tmp.write('memcached.rb', real('other/1691-Homebrew-homebrew-core-memcached.rb')));
    expect(file.refused!.looksLike).toBe(CORE);
  });

  it("a tap's older formula (def plist, no service block): a launchd plist only, which mchard does not read", async () => {
    const file = await refusedEverywhere(tmp.write('Formula/memcached.rb', real('other/1692-zhxlp-homebrew-ffmpeg-memcached.rb')));
    expect(file.refused!.looksLike).toBe('a Homebrew formula (brew install writes a launchd plist from its def plist, which mchard does not read)');
    expect(file.refused!.looksLike).not.toMatch(/Chef|systemd unit/);
  });

  it('the systemd unit brew makes of the service block is read (control: what the refusal points to)', async () => {
    // Homebrew's Library/Homebrew/service.rb to_systemd_unit, for the formula's run [opt_bin/"memcached", "-l", "localhost"].
    const unit = '[Unit]\nDescription=Homebrew generated unit for memcached\n\n[Install]\nWantedBy=multi-user.target\n\n[Service]\nType=simple\nExecStart=/home/linuxbrew/.linuxbrew/opt/memcached/bin/memcached -l localhost\nRestart=always\nWorkingDirectory=/home/linuxbrew/.linuxbrew\n';
    const { file } = await lintJson(tmp.write('opt/memcached/homebrew.memcached.service', unit));
    expect(file.dialect).toBe('systemd');
  });
});

describe("Chef's words only for a Chef cookbook's files", () => {
  // Before: every .rb file was "a Ruby file (a Chef recipe or attributes)", a cookbook's metadata.rb included.
  it("sous-chefs/memcached's test recipe (memcached_instance resources) at recipes/instance.rb: a Chef recipe", async () => {
    const file = await refusedEverywhere(tmp.write('test/cookbooks/test/recipes/instance.rb', real('other/1694-sous-chefs-memcached-instance.rb')));
    expect(file.refused!.looksLike).toBe('a Chef recipe (Ruby: chef-client runs it and writes the files its resources name: lint those)');
  });

  it("its attributes/default.rb (default['memcached']['listen'] = '0.0.0.0'): a Chef cookbook's attributes, also by content alone", async () => {
    const at = await refusedEverywhere(tmp.write('attributes/default.rb', real('other/1695-sous-chefs-memcached-default.rb')));
    expect(at.refused!.looksLike).toBe("a Chef cookbook's attributes (Ruby: node values its recipes and templates use; lint the files chef-client writes with them)");
    const elsewhere = await refusedEverywhere(tmp.write('memcached_attributes.rb', real('other/1695-sous-chefs-memcached-default.rb')));
    expect(elsewhere.refused!.looksLike).toMatch(/^a Chef recipe or attributes \(Ruby/);
  });

  it("its metadata.rb: the cookbook's metadata", async () => {
    const file = await refusedEverywhere(tmp.write('metadata.rb', real('other/1696-sous-chefs-memcached-metadata.rb')));
    expect(file.refused!.looksLike).toBe("a Chef cookbook's metadata (its name, version and dependencies)");
  });

  it('other Ruby is Ruby code, with no Chef in it', async () => {
    const file = await refusedEverywhere(tmp.write('lib/cache.rb', "require 'dalli'\nCACHE = Dalli::Client.new('127.0.0.1:11211')\n"));
    expect(file.refused!.looksLike).toBe('Ruby code (the program that loads it runs it; mchard does not read Ruby)');
  });
});

describe('several whole-value @NAME@ placeholders in one comma list are a placeholder template', () => {
  // No real file with -l @A@,@B@ was found (code searched for memcached with @...@ placeholders): this is fixture 1690
  // (andy0mg/bitrix_al9's cluster/templates/memcached.tpl) with its OPTIONS="-l @MEMCACHED_BIND@" made
  // OPTIONS="-l @MEMCACHED_BIND@,@MEMCACHED_BIND6@", one edit. Before: read as a finished file ("go template"):
  // MC302 "PORT=\"@MEMCACHED_PORT@\" is not a port number", MC401, MC403, and inspect "starts    no".
  const edited = () => real('other-templates/1690-andy0mg-bitrix_al9-memcached.tpl').toString('utf8').replace('-l @MEMCACHED_BIND@"', '-l @MEMCACHED_BIND@,@MEMCACHED_BIND6@"');

  it('lint and inspect: the placeholders are notes, listens and starts unknown', async () => {
    const text = edited();
    expect(text).toContain('OPTIONS="-l @MEMCACHED_BIND@,@MEMCACHED_BIND6@"');
    const f = tmp.write('cluster/templates/memcached.tpl', text);
    const { code, file } = await lintJson(f);
    expect(code).toBe(0);
    expect(file.findings.map((x) => `${x.ruleId}:${x.line}`)).toEqual(['MC910:5', 'MC910:7', 'MC111:7']);
    const i = await run(['inspect', f]);
    expect(i.out).toContain('(sysconfig, placeholder template,');
    expect(i.out).toMatch(/^ {2}listens {3}unknown: depends on the template \(@MEMCACHED_BIND@ \(line 7\)\)/m);
    expect(i.out).not.toMatch(/starts {4}no/);
  });

  it('in a Debian option file too (-l @LISTEN_A@,@LISTEN_B@)', async () => {
    const f = tmp.write('files/memcached.conf', '-m 64\n-p 11211\n-l @LISTEN_A@,@LISTEN_B@\n');
    const i = await run(['inspect', '--format', 'json', f]);
    expect(JSON.parse(i.out).settings).toEqual(expect.objectContaining({ listen: 'unknown' }));
  });

  it('control: an @X@ glued to other text in the list is still no whole value, and the file is read as it is', async () => {
    const f = tmp.write('files/memcached.conf', '-m 64\n-l @LISTEN_A@,x@LISTEN_B@\n');
    const i = await run(['inspect', f]);
    expect(i.out).not.toContain('placeholder template');
  });
});

describe("a Compose service of the official image given Bitnami's variables through env_file:", () => {
  // yutfut/go-key-value's docker-compose.yml: memcached:latest, ports 11211:11211, env_file: ./memcached.env (fixture
  // 1642: MEMCACHED_USERNAME=, MEMCACHED_PASSWORD=). The official image ignores them: memcached runs without
  // authentication. mchard reads no env_file: and claims no SASL (MC601 stands); this pins that.
  it('MC601 (no authentication), nothing says SASL is on', async () => {
    tmp.write('memcached.env', real('other/1642-yutfut-go-key-value-memcached.env'));
    const f = tmp.write('docker-compose.yml', real('compose/1693-yutfut-go-key-value-docker-compose.yml'));
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('compose');
    const ids = file.findings.map((x) => x.ruleId);
    expect(ids).toContain('MC601');
    expect(ids).toContain('MC101');
    expect(file.findings.map((x) => x.message).join('\n')).not.toMatch(/SASL is on|-S is set|authenticat(es|ion is on)/);
    const i = await run(['inspect', '--format', 'json', f]);
    expect(JSON.parse(i.out).settings).not.toEqual(expect.objectContaining({ sasl: true }));
  });
});

describe("a Helm partial that reads $.Values inside a range is named as a Helm chart template", () => {
  // Before: wikimedia/operations-deployment-charts' charts/mediawiki/templates/localmemcached/deployment.yaml.tpl
  // ({{ define "localmemcached.deployment" }}, one memcached container per port, image {{ $.Values.docker.registry }}/...)
  // was "a YAML file (another program's settings)": only {{ .Values (no $) counted as Helm's.
  it('refused as a Helm chart template, at its repository path', async () => {
    const f = tmp.write('charts/mediawiki/templates/localmemcached/deployment.yaml.tpl', real('other-templates/1697-wikimedia-operations-deployment-charts-deployment.yaml.tpl'));
    const file = await refusedEverywhere(f);
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toBe('a Helm chart template');
  });

  it('control: a YAML file with no Helm action is still a YAML file', async () => {
    const file = await refusedEverywhere(tmp.write('charts/x/templates/notes.yaml.tpl', 'registry: docker-registry.example.org\nports: [11211]\n'));
    expect(file.refused!.looksLike).toMatch(/^a YAML file/);
  });
});

describe("a Kubernetes manifest's template whose image is a template's expression is not \"no container that runs memcached\"", () => {
  // Before: cloud-agnost/agnost-gitops' platform/handlers/templates/manifests/memcachedv1.0.yaml (container memcached,
  // image: {{registry.imageUrl}}, which the platform fills in with docker.io/memcached:1.6.28) was "a Kubernetes
  // manifest with no container that runs memcached": the file cannot tell which image runs.
  it('refused as a template of a manifest, naming the templated image', async () => {
    const f = tmp.write('platform/handlers/templates/manifests/memcachedv1.0.yaml', real('other-templates/1698-cloud-agnost-agnost-gitops-memcachedv1.0.yaml'));
    const file = await refusedEverywhere(f);
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toBe(
      'a template of a Kubernetes manifest (image {{registry.imageUrl}}: what renders it decides the image, and so whether memcached runs; lint the rendered manifest)',
    );
    expect(file.refused!.message).not.toContain('no container that runs memcached');
  });

  it('a ${VAR} image is named the same way; control: a literal image of another program is still no memcached', async () => {
    const manifest = (image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\nspec:\n  template:\n    spec:\n      containers:\n      - name: cache\n        image: ${image}\n`;
    const v = await refusedEverywhere(tmp.write('a/deploy.yaml', manifest('${CACHE_IMAGE}')));
    expect(v.refused!.looksLike).toMatch(/^a template of a Kubernetes manifest \(image \$\{CACHE_IMAGE\}:/);
    const other = await refusedEverywhere(tmp.write('b/deploy.yaml', manifest('redis:7')));
    expect(other.refused!.looksLike).toBe('a Kubernetes manifest with no container that runs memcached');
  });
});
