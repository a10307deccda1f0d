/**
 * Which program reads a file, decided before anything else and said out loud.
 *
 * The order, each step with its reason:
 *   1. `flag`: an explicit `--dialect` decides.
 *   2. `path`: a service's well-known path decides whatever the file holds (`/etc/memcached.conf` is read
 *      by Debian's wrapper even when it holds `KEY = value` lines, which the wrapper skips). The same paths
 *      inside a repository (`etc/memcached.conf`, `files/etc/sysconfig/memcached`) decide too, unless the
 *      content is unmistakably another format (a shell script, a supervisord program, ...): then the file
 *      is refused, because the repository does not show what it really becomes.
 *   3. `name`: a file name that belongs to one format only (`*.service`, `docker-compose.yml`, `*.confd`,
 *      `rc.conf`, `supervisord.conf`, `*.sysconfig`, `Dockerfile`).
 *   4. `content`: a signature only one format has (`[program:x]`, `[Service]`, `services:` running
 *      memcached, FreeBSD's `memcached_flags=`, OpenRC's `MEMUSAGE=`, RHEL's `PORT=`/`USER=`/`CACHESIZE=`...,
 *      Debian's stock header). Such a file is linted, but `fix` does not write it without `--dialect`.
 *   5. `name` again, for names several formats share (`memcached.conf`, `memcached-RedHat.conf.j2`,
 *      `ubuntu_memcached.conf`): they decide only when the content agrees (option lines for Debian,
 *      assignments for sysconfig) or says nothing.
 *   Anything else is refused: the option-file heuristic (counting `KEY=` lines against `-x` lines) is a
 *   guess, and a guess is not good enough to lint, let alone fix. A refusal says what the file looks like
 *   when that can be told (a Dockerfile, a Kubernetes manifest, an Upstart job, ...) and how to force a
 *   dialect.
 *
 * Template suffixes (`.j2`, `.jinja`, `.jinja2`, `.erb`, `.epp`, `.tmpl`, `.tpl`, `.template`) and backup
 * suffixes (`.bak`, `.dpkg-dist`, `.rpmsave`, ...) are stripped to find the name the file is installed
 * under; a template is recorded as such (`template`) for the template layer.
 *
 * Detection never loads a dialect's module: it is a few regular expressions over the path and at most the
 * first MiB of the text.
 */
import { absolutePath } from '../system/paths.js';
import type { DialectName } from './types.js';
import { isMchardFile } from '../own-files.js';
import { isRegExpSpace } from '../ascii.js';
import { OPTIONS, optionByShort } from '../memcached/options.js';
import { nixFile, rubyFile, templatedManifest } from './looks-like.js';

export const DIALECTS: readonly DialectName[] = ['debian', 'sysconfig', 'systemd', 'openrc', 'rcconf', 'compose', 'dockerfile', 'supervisord', 'argv', 'kubernetes', 'helm'];

/** The language of a fenced example of the dialect in the docs. */
export const DOC_LANGUAGE: Readonly<Record<DialectName, string>> = {
  debian: 'text',
  sysconfig: 'sh',
  systemd: 'ini',
  openrc: 'sh',
  rcconf: 'sh',
  compose: 'yaml',
  dockerfile: 'dockerfile',
  supervisord: 'ini',
  argv: 'text',
  kubernetes: 'yaml',
  helm: 'yaml',
};

export function isDialect(name: string): name is DialectName {
  return (DIALECTS as readonly string[]).includes(name);
}

/** The program that reads a file of each dialect. */
export const READ_BY: Readonly<Record<DialectName, string>> = {
  debian: "Debian's systemd-memcached-wrapper",
  sysconfig: "systemd, as the EnvironmentFile= of memcached.service (RHEL, Fedora)",
  systemd: 'systemd, as a service unit',
  openrc: "OpenRC's memcached init script (Gentoo, Alpine)",
  rcconf: "FreeBSD's rc.d/memcached script",
  compose: 'Docker Compose',
  dockerfile: 'Docker (the command of the image the Dockerfile builds)',
  supervisord: 'supervisord',
  argv: 'memcached itself (a bare command line)',
  kubernetes: 'Kubernetes (the API server, then the kubelet on the node)',
  helm: "Helm, through the templates of Bitnami's memcached chart",
};

/** What mchard reads, for refusals. */
export const WHAT_MCHARD_READS =
  "mchard reads Debian's /etc/memcached.conf, /etc/sysconfig/memcached, systemd units, OpenRC conf.d files, FreeBSD rc.conf, Compose files, Dockerfiles that run memcached, supervisord programs, Kubernetes manifests that run memcached and the values of Bitnami's memcached Helm chart";

export type DetectReason = 'flag' | 'path' | 'name' | 'content';
/** `certain`: the flag or the service's own path; `high`: a name or signature only one format has. */
export type DetectConfidence = 'certain' | 'high';

export interface TemplateInfo {
  /** The suffix stripped: `.j2`, `.erb`, ... */
  readonly suffix: string;
  /** The engine the suffix names, or null when it does not say (`.tmpl`, `.tpl`, `.template`). */
  readonly engine: 'jinja2' | 'erb' | 'epp' | null;
  /** The file's name once rendered (`memcached.conf` for `memcached.conf.j2`). */
  readonly target: string;
}

interface DetectionBase {
  readonly path: string;
  /** How the decision (or the refusal's "looks like") was reached; null when nothing could be told. */
  readonly reason: DetectReason | null;
  /** What decided, for people: `path /etc/memcached.conf`, `name memcached.service`, `content: a [program:x] section`. */
  readonly because: string;
  /** Set when the path or name says the file is a template (`.j2`, `.erb`, ...). */
  readonly template: TemplateInfo | null;
}

export interface DialectChoice extends DetectionBase {
  readonly refused: false;
  readonly dialect: DialectName;
  readonly reason: DetectReason;
  readonly confidence: DetectConfidence;
  /** The program that reads the file: "Debian's systemd-memcached-wrapper". */
  readonly readBy: string;
  /** What the content looks like when it is not what the reader expects (said, not acted on). */
  readonly caveat: string | null;
  /** One sentence: "path /etc/memcached.conf: read by Debian's systemd-memcached-wrapper". */
  readonly explanation: string;
}

export interface DialectRefusal extends DetectionBase {
  readonly refused: true;
  /** What the file looks like, when mchard can tell: "a Dockerfile", "an Upstart job". */
  readonly looksLike: string | null;
  /** Dialects `--dialect` could force, when the file resembles one. */
  readonly candidates: readonly DialectName[];
  /** One line, without the path: "not read: it looks like a Dockerfile (name Dockerfile); mchard reads ...; pass --dialect NAME ...". */
  readonly message: string;
  /** memcached's settings for a program mchard does not read (Arch's rc.d script, an image's entrypoint): a walk counts it. */
  readonly memcachedOwn?: true;
}

export type Detection = DialectChoice | DialectRefusal;

// ---- Names: template and backup suffixes ----

/** Template suffixes (lower case) and the engine each names; null: the suffix does not say. */
const TEMPLATE_SUFFIXES: ReadonlyMap<string, TemplateInfo['engine']> = new Map([
  ['.j2', 'jinja2'],
  ['.jinja', 'jinja2'],
  ['.jinja2', 'jinja2'],
  ['.erb', 'erb'],
  ['.epp', 'epp'],
  ['.tmpl', null],
  ['.tpl', null],
  ['.template', null],
]);
const BACKUP_SUFFIXES: ReadonlySet<string> = new Set([
  '.bak', '.orig', '.old', '.save', '.dpkg-dist', '.dpkg-old', '.dpkg-new', '.ucf-dist', '.ucf-old', '.ucf-new',
  '.rpmnew', '.rpmsave', '.rpmorig', '.mchard-backup', '.example', '.sample', '.dist',
]);

/** The file name's last `.suffix` (lower case), or '' when the name has none or is only that suffix. */
function suffixOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(dot).toLowerCase() : '';
}

/** The path without backup suffixes (`memcached.conf.dpkg-dist`, `memcached.conf~`). */
function withoutBackupSuffix(path: string): string {
  let p = path;
  for (;;) {
    if (p.endsWith('~') && p.length > 1 && !p.endsWith('/~')) p = p.slice(0, -1);
    else if (BACKUP_SUFFIXES.has(suffixOf(p))) p = p.slice(0, p.lastIndexOf('.'));
    else return p;
  }
}

interface Target {
  /** The path with backup and template suffixes stripped, `/`-separated. */
  readonly path: string;
  /** Its last four components, from a `/` (all of it when shorter): what the path rules look at. */
  readonly tail: string;
  /** The name of the folder the file is in. */
  readonly dir: string;
  readonly base: string;
  readonly template: TemplateInfo | null;
  /** The path as it was given (normalised), for messages. */
  readonly shown: string;
  /** The path exactly as given: the name of the file a refusal's one line names (a `\\` in a name is no `/`). */
  readonly given: string;
  /** True for a file of this machine's own configuration (under /etc, /usr/local/etc, /lib/systemd, ...). */
  readonly system: boolean;
}

/** The path with `/` for every `\\` (a path with none, as on every Unix system, is returned as it is). */
const slashes = (path: string) => (path.includes('\\') ? path.replace(/\\/g, '/') : path);

/**
 * Whether a `/` in `s` is followed by at most two dots and then another `/` or the end: `/\/\.{0,2}(\/|$)/`
 * (test/dialects/detect-names.test.ts).
 */
export function hasDotOrEmptySegment(s: string): boolean {
  for (let k = s.indexOf('/'); k !== -1; k = s.indexOf('/', k + 1)) {
    let j = k + 1;
    if (s.charCodeAt(j) === 46) j++;
    if (s.charCodeAt(j) === 46) j++;
    if (j === s.length || s.charCodeAt(j) === 47) return true;
  }
  return false;
}

/** The folders of this machine's own configuration: `/^\/(etc|usr\/local\/etc|lib\/systemd|usr\/lib\/systemd|run\/systemd)\//`. */
const SYSTEM_FOLDERS = ['/etc/', '/usr/local/etc/', '/lib/systemd/', '/usr/lib/systemd/', '/run/systemd/'];

function targetOf(path: string): Target {
  const norm = slashes(path);
  // An absolute path without `.`, `..` or doubled slashes is already what resolve() would return.
  const abs = norm === '-' || (norm.startsWith('/') && !hasDotOrEmptySegment(norm.slice(1))) ? norm : slashes(absolutePath(norm));
  let p = withoutBackupSuffix(abs);
  let template: TemplateInfo | null = null;
  const suffix = suffixOf(p);
  if (TEMPLATE_SUFFIXES.has(suffix)) {
    const written = p.slice(p.length - suffix.length);
    p = p.slice(0, -suffix.length);
    template = { suffix: written, engine: TEMPLATE_SUFFIXES.get(suffix)!, target: p.slice(p.lastIndexOf('/') + 1) };
  }
  const system = SYSTEM_FOLDERS.some((f) => abs.startsWith(f));
  // The path rules look at most at the last three components: matching them on that tail keeps a long
  // absolute path from costing each rule a scan of it.
  let cut = p.length;
  for (let k = 0; k < 4 && cut > 0; k++) cut = p.lastIndexOf('/', cut - 1);
  const tail = cut > 0 ? p.slice(cut) : p;
  const slash = p.lastIndexOf('/');
  const dir = slash > 0 ? p.slice(p.lastIndexOf('/', slash - 1) + 1, slash) : '';
  return { path: p, tail, dir, base: p.slice(slash + 1), template, shown: norm, given: path, system };
}

/** The path without a template suffix (`memcached@.service.erb` → `memcached@.service`), not resolved. */
export function withoutTemplateSuffix(path: string): string {
  const suffix = suffixOf(path);
  return TEMPLATE_SUFFIXES.has(suffix) ? path.slice(0, -suffix.length) : path;
}

/** The name a file is installed under: its path without backup and template suffixes (`memcached@.service.erb` → `memcached@.service`). */
export function installedName(path: string): string {
  return targetOf(path).base;
}

// ---- Paths ----

interface PathRule {
  /** Whether the rule can apply to a file in folder `dir` named `base` (a cheap test before `re`). */
  readonly may: (dir: string, base: string) => boolean;
  readonly re: RegExp;
  /** The dialect, or null: the path belongs to a format mchard refuses. */
  readonly dialect: DialectName | null;
  /** The system path this stands for, for messages. */
  readonly installed: string;
  /** For refusals: what a file at this path is. */
  readonly looksLike?: string;
}

const inDir = (...names: string[]) => (dir: string) => names.includes(dir);

/**
 * A CI service's pipeline (Travis CI, GitLab CI, Drone...): its `services:` list names what the CI starts for
 * each build (Travis's memcached package, GitLab's or Drone's service containers), with command lines of
 * the CI's own.
 */
const CI_PIPELINE = "a CI pipeline definition: the CI starts the memcached it lists with a command line of its own, which this file does not show";

/** Cyrus SASL's file for memcached (`mech_list: plain`, `sasldb_path: ...`): with -S, memcached's SASL library reads it. */
const SASL_LOOKS = "Cyrus SASL's settings for memcached's -S authentication (mech_list:, sasldb_path:): memcached's SASL library reads them, and memcached's own options are not in it";

/**
 * Folders whose files another program reads, whatever they are named: systemd-tmpfiles, systemd-sysusers,
 * logrotate, monit, collectd, the Zabbix agent, Cyrus SASL (/etc/sasl2/memcached.conf), PHP's extension
 * settings (`memcached.ini`, which the OpenRC rule below would otherwise take for an instance `memcached.ini`
 * of /etc/conf.d/memcached).
 * netdata's are its collectors (go.d, python.d, charts.d) and alarms (health.d):
 * /usr/lib/netdata/conf.d/go.d/memcached.conf, /etc/netdata/go.d/memcached.conf (edit-config copies it there).
 * (Notes on entries stand here, not beside them: a comment inside an array is kept in the bundle.)
 */
const FOREIGN_FOLDERS: readonly PathRule[] = [
  { may: inDir('tmpfiles.d'), re: /(^|\/)tmpfiles\.d\/[^/]+$/, dialect: null, installed: '/usr/lib/tmpfiles.d/NAME.conf', looksLike: 'a systemd-tmpfiles configuration' },
  { may: inDir('sysusers.d'), re: /(^|\/)sysusers\.d\/[^/]+$/, dialect: null, installed: '/usr/lib/sysusers.d/NAME.conf', looksLike: 'a systemd-sysusers configuration' },
  { may: inDir('logrotate.d'), re: /(^|\/)logrotate\.d\/[^/]+$/, dialect: null, installed: '/etc/logrotate.d/NAME', looksLike: 'a logrotate configuration' },
  { may: inDir('conf.d', 'monit.d', 'monitrc.d'), re: /(^|\/)(monit\/conf\.d|monit\.d|monitrc\.d)\/[^/]+$/, dialect: null, installed: '/etc/monit/conf.d/NAME', looksLike: 'a monit control file' },
  { may: (dir) => dir.startsWith('collectd') || dir === 'managed_config', re: /(^|\/)(collectd[^/]*\.d|collectd\/managed_config)\/[^/]+$/, dialect: null, installed: '/etc/collectd/collectd.conf.d/NAME.conf', looksLike: 'a collectd configuration' },
  { may: inDir('go.d', 'python.d', 'charts.d', 'health.d'), re: /(^|\/)(go|python|charts|health)\.d\/[^/]+$/, dialect: null, installed: '/etc/netdata/go.d/NAME.conf', looksLike: 'a netdata configuration' },
  { may: inDir('telegraf.d'), re: /(^|\/)telegraf\.d\/[^/]+$/, dialect: null, installed: '/etc/telegraf/telegraf.d/NAME.conf', looksLike: 'a Telegraf configuration' },
  { may: inDir('sasl2'), re: /(^|\/)sasl2\/[^/]+\.conf$/, dialect: null, installed: '/etc/sasl2/memcached.conf', looksLike: SASL_LOOKS },
  { may: (dir) => dir.startsWith('zabbix_agent'), re: /(^|\/)zabbix_agent[^/]*\.d\/[^/]+$/, dialect: null, installed: '/etc/zabbix/zabbix_agentd.d/NAME.conf', looksLike: 'a Zabbix agent configuration' },
  {
    may: (dir, base) => base.endsWith('.ini') && (dir === 'conf.d' || dir === 'php.d' || dir === 'mods-available'),
    re: /(^|\/)(php[^/]*\/(.+\/)?conf\.d|php[^/]*\.d|\d[\d.]*\/(fpm|cli|apache2|cgi|embed|phpdbg|litespeed)\/conf\.d|mods-available)\/[^/]+\.ini$/,
    dialect: null,
    installed: '/etc/php.d/NAME.ini',
    looksLike: "a PHP ini file (PHP's memcached client's settings)",
  },
];

/**
 * Paths, in order. Other programs' folders first, where files named after memcached are theirs (Debian's own
 * package installs /usr/lib/tmpfiles.d/memcached.conf): the rules after them would take `conf.d/memcached`.
 * OpenRC names its files after the service, without `.conf` (`/etc/conf.d/memcached.sessions` is an
 * instance; `memcached.ini` is PHP's or supervisord's).
 */
const PATH_RULES: readonly PathRule[] = [
  ...FOREIGN_FOLDERS,
  // Guides tell macOS and FreeBSD users to write /usr/local/etc/memcached.conf: Homebrew's service runs memcached -l
  // localhost, FreeBSD's rc.d script takes memcached_flags= from rc.conf, and Debian's wrapper reads /etc's file.
  { may: inDir('etc'), re: /(^|\/)(local|homebrew)\/etc\/memcached(_[^/]+)?\.conf$/, dialect: null, installed: '/usr/local/etc/memcached.conf', looksLike: "a memcached.conf under a local prefix (/usr/local/etc, /opt/homebrew/etc): no packaged memcached reads one (Homebrew's service runs memcached -l localhost, FreeBSD's rc.d script reads rc.conf's memcached_flags=, Debian's wrapper /etc/memcached.conf)" },
  { may: inDir('etc'), re: /(^|\/)etc\/memcached\.conf$/, dialect: 'debian', installed: '/etc/memcached.conf' },
  { may: inDir('etc'), re: /(^|\/)etc\/memcached_[^/]+\.conf$/, dialect: 'debian', installed: '/etc/memcached_NAME.conf' },
  { may: inDir('sysconfig'), re: /(^|\/)sysconfig\/memcached[^/]*$/, dialect: 'sysconfig', installed: '/etc/sysconfig/memcached' },
  { may: inDir('conf.d'), re: /(^|\/)conf\.d\/memcached(\.(?!(conf|ini)$)[^/]+)?$/, dialect: 'openrc', installed: '/etc/conf.d/memcached' },
  { may: inDir('etc'), re: /(^|\/)etc\/rc\.conf$/, dialect: 'rcconf', installed: '/etc/rc.conf' },
  { may: inDir('etc'), re: /(^|\/)etc\/rc\.conf\.local$/, dialect: 'rcconf', installed: '/etc/rc.conf.local' },
  { may: inDir('rc.conf.d'), re: /(^|\/)rc\.conf\.d\/memcached[^/]*$/, dialect: 'rcconf', installed: '/etc/rc.conf.d/memcached' },
  { may: inDir('system'), re: /(^|\/)lib\/systemd\/system\/[^/]+\.service$/, dialect: 'systemd', installed: '/usr/lib/systemd/system/NAME.service or /usr/local/lib/systemd/system/NAME.service' },
  { may: inDir('system'), re: /(^|\/)systemd\/system\/[^/]+\.service$/, dialect: 'systemd', installed: '/etc/systemd/system/NAME.service' },
  { may: inDir('user'), re: /(^|\/)systemd\/user\/[^/]+\.service$/, dialect: 'systemd', installed: '~/.config/systemd/user/NAME.service, a user unit' },
  { may: (dir) => dir.endsWith('.service.d'), re: /(^|\/)[^/]+\.service\.d\/[^/]+\.conf$/, dialect: 'systemd', installed: '/etc/systemd/system/NAME.service.d/NAME.conf' },
  { may: inDir('conf.d'), re: /(^|\/)supervisor\/conf\.d\/[^/]+\.conf$/, dialect: 'supervisord', installed: '/etc/supervisor/conf.d/NAME.conf' },
  { may: inDir('supervisord.d'), re: /(^|\/)supervisord\.d\/[^/]+\.(ini|conf)$/, dialect: 'supervisord', installed: '/etc/supervisord.d/NAME.ini' },
  { may: inDir('etc', 'supervisor'), re: /(^|\/)(etc|supervisor)\/supervisord\.conf$/, dialect: 'supervisord', installed: '/etc/supervisord.conf' },
  { may: inDir('init'), re: /(^|\/)init\/[^/]+\.conf$/, dialect: null, installed: '/etc/init/memcached.conf', looksLike: 'an Upstart job' },
  { may: inDir('init.d'), re: /(^|\/)init\.d\/[^/]+$/, dialect: null, installed: '/etc/init.d/memcached', looksLike: 'a SysV init script' },
  { may: inDir('rc.d'), re: /(^|\/)rc\.d\/[^/]+$/, dialect: null, installed: "/usr/local/etc/rc.d/NAME (FreeBSD's ports) or /etc/rc.d/NAME (NetBSD's and OpenBSD's packages)", looksLike: 'an rc.d script' },
  { may: (_dir, base) => base === 'run', re: /(^|\/)sv\/[^/]+\/run$/, dialect: null, installed: '/etc/sv/memcached/run', looksLike: 'a runit run script' },
  {
    may: inDir('default'),
    re: /(^|\/)etc\/default\/memcached[^/]*$/,
    dialect: null,
    installed: '/etc/default/memcached',
    looksLike: "an /etc/default file (read by an init script or a unit's EnvironmentFile=, whose command line decides what it means)",
  },
  {
    // An Ansible role's meta/ holds only main.yml and argument_specs.yml; salt-formulas keep the metadata
    // their monitoring states render (meta/prometheus.yml, meta/collectd.yml: Jinja for Salt) in meta/ too.
    may: inDir('tasks', 'handlers', 'defaults', 'vars', 'meta'),
    re: /(^|\/)((tasks|handlers|defaults|vars)\/[^/]+|meta\/(main|argument_specs))\.ya?ml$/,
    dialect: null,
    installed: 'a file of an Ansible role (roles/NAME/…), which a playbook runs',
    looksLike: 'an Ansible role file (tasks, handlers or variables)',
  },
  { may: inDir('workflows'), re: /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/, dialect: null, installed: '.github/workflows/NAME.yml, a GitHub Actions workflow', looksLike: CI_PIPELINE },
  { may: inDir('group_vars'), re: /(^|\/)group_vars\/[^/]+$/, dialect: null, installed: 'group_vars/NAME', looksLike: 'Ansible inventory variables' },
  { may: inDir('host_vars'), re: /(^|\/)host_vars\/[^/]+$/, dialect: null, installed: 'host_vars/NAME', looksLike: 'Ansible inventory variables' },
  {
    may: inDir('debian', 'source', 'patches', 'tests', 'upstream'),
    re: /(^|\/)debian\/(watch|control|rules|changelog|copyright|compat|clean|gbp\.conf|(source|upstream)\/[^/]+|patches\/series|tests\/control|[^/]+\.(dirs|docs|install|links|manpages|examples|lintian-overrides|maintscript|triggers|symbols|tmpfiles?))$/,
    dialect: null,
    installed: 'part of the source package only',
    looksLike: "a file of a Debian source package's packaging (dpkg's build tools or uscan read it, not memcached's service)",
  },
];

// ---- Names ----

interface NameRule {
  /**
   * Whether `re` can match the name (`lower`: the name in lower case): a string test true of every name
   * `re` matches, so a name that fails it is passed over without running (and compiling) `re`. A lint of
   * one file used to compile some 25 of these expressions to find that none applies.
   * test/dialects/detect-names.test.ts holds each to its expression.
   */
  readonly may: (base: string, lower: string) => boolean;
  readonly re: RegExp;
  /** The dialect, or null: a format mchard refuses, named by `looksLike`. */
  readonly dialect: DialectName | null;
  readonly looksLike?: string;
  /** For a refused format whose path or content says more than its name: what the file is (the text's first MiB). */
  readonly describe?: (path: string, base: string, head: string) => string;
}

/**
 * Rancher 1.x (Cattle) stacks: rancher-compose.yml adds scale, health checks and load balancer rules to the
 * services of the docker-compose.yml beside it, and Rancher deploys the pair (its own network, scheduler and
 * load balancers: a rancher/lb-service-haproxy service publishes what its port_rules name).
 */
export const RANCHER_COMPOSE = "Rancher 1.x's rancher-compose.yml (scale, health checks and load balancer rules for the services of the docker-compose.yml beside it; it starts nothing itself)";
export const RANCHER_STACK = "a Rancher 1.x stack's docker-compose.yml: Rancher deploys it with the rancher-compose.yml beside it (its own network, scheduler and load balancers, which may publish memcached), not docker compose";
/** kuttl's and Chainsaw's assertions (C5C3/memcached-operator's test/e2e/NAME/01-assert-deployment.yaml). */
const KUTTL_ASSERT = "a kuttl or Chainsaw test's assertion (the test runner compares the objects in the cluster with it; nothing applies it, so it starts no memcached: the operator or manifest the test applies does)";
/** kustomize's own file: kustomize builds the manifests from it; no API server takes it. */
const KUSTOMIZATION = 'a kustomization (kustomize builds manifests from its resources, patches and generators: lint what kustomize build makes)';

/**
 * A Podman Quadlet file (`NAME.container`, `NAME.kube`): podman's systemd generator (podman-systemd.unit(5))
 * makes NAME.service from it, whose ExecStart= is a `podman run` (or `podman kube play`) of the image the
 * file names, with its Exec= words as the container's command; the image decides the rest.
 */
const QUADLET = "a Podman Quadlet file (podman makes a service of it that runs the image: the image and its Exec= decide memcached's options)";

/**
 * A Procfile (`memcached: memcached -p $PORT -vv`): foreman, honcho, overmind or Heroku runs each line's
 * command with sh and sets PORT for it (the first three: 5000 for the first line, 100 more for each next).
 */
const PROCFILE = "a Procfile (foreman, honcho, overmind or Heroku runs each NAME: COMMAND line with sh and sets its PORT: the process manager, not the file, decides a $PORT, from 5000 up by default; mchard does not read its lines)";

/**
 * Names only one format uses: they decide. A unit of another type than service starts no program of its
 * own: a .target groups services, a .socket or .timer starts its .service (memcached takes no sockets from
 * systemd; its .service's ExecStart= decides). `values*.yaml` is read (as `helm`) only when it holds the
 * values of Bitnami's memcached chart (see helmValuesChoice). NixOS builds memcached's unit from a module's
 * options (its `x = y;` lines are no KEY=value file). Salt applies a state (it may install
 * /etc/memcached.conf from a file of its own: lint that file).
 */
const DOC = /^(readme|news|changelog|changes|copying|copyright|authors|licen[cs]e)(?![^/]*\.(conf|ini|service|ya?ml|json)$)([-_.][^/]*)?$|\.(md|markdown|rst|adoc)$/i;
const STRONG_NAMES: readonly NameRule[] = [
  { may: (b) => b.endsWith('.service'), re: /^[^/]+\.service$/, dialect: 'systemd' },
  {
    may: (b) => b.endsWith('.target') || b.endsWith('.socket') || b.endsWith('.timer') || b.endsWith('.slice') || b.endsWith('.mount'),
    re: /^[^/]+\.(target|socket|timer|slice|mount)$/,
    dialect: null,
    looksLike: 'a systemd unit that is not a service (it runs no memcached command: lint the .service unit that does)',
  },
  { may: (b) => b.startsWith('kustomization') || b === 'Kustomization', re: /^(kustomization\.ya?ml|Kustomization)$/, dialect: null, looksLike: KUSTOMIZATION },
  { may: (b) => b.startsWith('rancher-compose'), re: /^rancher-compose[^/]*\.ya?ml$/, dialect: null, looksLike: RANCHER_COMPOSE },
  { may: (_b, l) => l.includes('compose'), re: /^(docker-)?compose[^/]*\.ya?ml$/i, dialect: 'compose' },
  { may: (b) => b === 'supervisord.conf', re: /^supervisord\.conf$/, dialect: 'supervisord' },
  { may: (b) => b.endsWith('.confd'), re: /^[^/]*memcached[^/]*\.confd$/, dialect: 'openrc' },
  { may: (b) => b.startsWith('rc.conf'), re: /^rc\.conf(\.local)?$/, dialect: 'rcconf' },
  { may: (b) => b.endsWith('.sysconfig'), re: /^[^/]*\.sysconfig$/, dialect: 'sysconfig' },
  { may: (_b, l) => l.includes('dockerfile') || l.includes('containerfile'), re: /^(Dockerfile|Containerfile)([.-][^/]*)?$|\.(dockerfile|containerfile)$/i, dialect: 'dockerfile' },
  { may: (b) => b.startsWith('values'), re: /^values([.-][^/]*)?\.ya?ml$/, dialect: null, looksLike: "a Helm values file of a chart mchard does not read (it reads only Bitnami's memcached chart)" },
  { may: (b) => b.startsWith('Chart.'), re: /^Chart\.ya?ml$/, dialect: null, looksLike: 'a Helm chart definition' },
  { may: (b) => b.startsWith('Chart.'), re: /^Chart\.lock$/, dialect: null, looksLike: "a Helm chart's lock file (the dependency versions helm dependency update picked)" },
  { may: (b) => b.endsWith('.pp'), re: /\.pp$/, dialect: null, looksLike: 'a Puppet manifest' },
  // What a `.rb` file is (a Homebrew formula, Chef's, other Ruby): rubyFile, in looks-like.ts, loaded only for one.
  { may: (b) => b.endsWith('.rb'), re: /\.rb$/, dialect: null, describe: (path, base, head) => rubyFile(path, base, head) },
  { may: (b) => b.endsWith('.god'), re: /\.god$/, dialect: null, looksLike: "a God process monitor configuration (Ruby: God runs the command its w.start string holds, which mchard does not read)" },
  { may: (b) => b === 'Vagrantfile', re: /^Vagrantfile$/, dialect: null, looksLike: 'a Vagrantfile' },
  { may: (b) => b.startsWith('Procfile'), re: /^Procfile([.-][^/]*)?$/, dialect: null, looksLike: PROCFILE },
  // Nikita99100/Fibonacci's Makefile: its docker-mc: target runs docker run ... memcached (its `target:` lines are no YAML keys).
  { may: (_b, l) => l.includes('makefile') || l.endsWith('.mk') || l === 'justfile', re: /^(GNUmakefile|[Mm]akefile([.-][^/]*)?|[^/]+\.mk|[Jj]ustfile)$/, dialect: null, looksLike: "a Makefile (make runs each target's recipe with sh: a memcached one starts, docker run's included, has its options there, which mchard does not read)" },
  { may: (b) => b.endsWith('.sh') || b.endsWith('.bash'), re: /\.(sh|bash)$/, dialect: null, looksLike: 'a shell script' },
  { may: (_b, l) => l.endsWith('.bat') || l.endsWith('.cmd') || l.endsWith('.ps1'), re: /\.(bat|cmd|ps1)$/i, dialect: null, looksLike: 'a Windows batch file or PowerShell script (cmd.exe or PowerShell runs it; mchard does not read Windows command lines)' },
  // kuttl's and Chainsaw's step files: NN-assert*.yaml / NN-errors*.yaml are compared with the cluster, never applied.
  { may: (b) => b.charCodeAt(2) === 45 /* - */, re: /^\d\d-(assert|errors?)([-_.][^/]*)?\.ya?ml$/, dialect: null, looksLike: KUTTL_ASSERT },
  { may: (b) => b.endsWith('.container') || b.endsWith('.kube'), re: /^[^/]+\.(container|kube)$/, dialect: null, looksLike: QUADLET },
  // Not a config file's name that starts with one of the words (news.yml, changes.conf).
  { may: (b) => DOC.test(b), re: DOC, dialect: null, looksLike: 'documentation (README, NEWS, changelog, Markdown)' },
  { may: (b) => b.endsWith('.spec'), re: /^[^/]+\.spec$/, dialect: null, looksLike: 'an RPM spec file (rpmbuild reads it)' },
  // What a `.nix` file is (a NixOS module, devenv's, a package): nixFile, in looks-like.ts, loaded only for one.
  { may: (b) => b.endsWith('.nix'), re: /\.nix$/, dialect: null, describe: (_path, base, head) => nixFile(base, head) },
  { may: (b) => b.endsWith('.plist'), re: /\.plist$/, dialect: null, looksLike: 'a launchd property list (macOS)' },
  // A pillar (DevilCoders/Yandex's salt-media/kp/pillar/forum/memcached.sls) is data for the states: Salt applies no pillar.
  {
    may: (b) => b.endsWith('.sls'),
    re: /\.sls$/,
    dialect: null,
    describe: (path) =>
      /(^|\/)pillars?\//.test(path)
        ? "a Salt pillar (data Salt's states and templates read; Salt applies no pillar: lint the file a state installs with it)"
        : 'a Salt state or pillar file (Salt applies it; lint the file it installs)',
  },
  { may: (_b, l) => l.includes('.nomad'), re: /\.nomad(\.hcl)?$/, dialect: null, looksLike: 'a Nomad job specification (HCL), which Nomad runs' },
  { may: (b) => b.endsWith('.yml') || b.endsWith('.yaml'), re: /^(\.travis|\.gitlab-ci|\.drone|shippable|bitbucket-pipelines|circle)\.ya?ml$/, dialect: null, looksLike: CI_PIPELINE },
  {
    may: (b) => b.endsWith('file') || b.endsWith('file.lock') || b.startsWith('gems.'),
    re: /^(Gemfile(\.lock)?|gems\.(rb|locked)|Rakefile|Berksfile(\.lock)?|Guardfile|Dangerfile|Capfile|Thorfile|Brewfile|Podfile|Fastfile)$/,
    dialect: null,
    looksLike: "Ruby code of a Ruby tool (Bundler's Gemfile, a Rakefile, Berkshelf's Berksfile...)",
  },
  { may: (b) => b.startsWith('.rspec'), re: /^\.rspec([-_][^/]*)?$/, dialect: null, looksLike: "RSpec's options file (rspec's own command-line options, not memcached's)" },
  {
    may: (_b, l) => l.includes('jenkinsfile'),
    re: /^Jenkinsfile([.-][^/]*)?$|\.jenkinsfile$/i,
    dialect: null,
    looksLike: 'a Jenkins pipeline (Groovy): a memcached its steps start has its command line in Groovy strings mchard does not read',
  },
  { may: (b) => b === '.envrc', re: /^\.envrc$/, dialect: null, looksLike: "direnv's .envrc (shell code direnv runs when a shell enters the folder)" },
  // stackored/stackored's .env (MEMCACHED_ENABLE=, MEMCACHED_VERSION= among 195 variables of a whole stack).
  { may: (b) => b.startsWith('.env'), re: /^\.env([.-][^/]*)?$/, dialect: null, looksLike: "a .env file (Docker Compose's values for the ${NAME}s of the Compose file beside it, or an application's or a script's dotenv settings; memcached's service reads no .env)" },
  { may: (b) => b === '.mchardrc', re: /^\.mchardrc$/, dialect: null, looksLike: "mchard's own settings (.mchardrc), not memcached's" },
  { may: (b) => b.startsWith('.') && b.endsWith('rc'), re: /^\.[^/]+rc$/, dialect: null, looksLike: "another program's options or settings (a dotfile named like a tool's rc file)" },
  { may: (b) => b.endsWith('ignore'), re: /^(\.[^/]+|chef)ignore$/, dialect: null, looksLike: 'an ignore list (patterns of files another tool skips)' },
  { may: (_b, l) => l.endsWith('.patch') || l.endsWith('diff'), re: /\.(patch|diff|debdiff)$/i, dialect: null, looksLike: 'a patch (a diff that patch, quilt or git apply applies to a source tree: lint the file it changes)' },
  // Not a version's last digit (Imagenarium's memcached-deploy-1.5.tpl is a template for memcached 1.5).
  { may: (b) => b.charCodeAt(b.length - 2) === 46, re: /^[^/]*[^/\d.]\.[1-9]$/, dialect: null, looksLike: 'a manual page (man reads it)' },
  { may: (_b, l) => l.includes('requirements'), re: /requirements[^/]*\.(txt|in)$/i, dialect: null, looksLike: "a pip requirements file (the Python packages pip installs, not memcached's options)" },
];

/** Names of Swarm stack files, for detection and for finding files (kept in step with compose-deploy.ts). */
const STACK_FILE = /^(docker-stack([-_.][^/]*)?|stack|[^/]+[-_.]stack|([^/]*[-_.])?swarm([-_.][^/]*)?)\.ya?ml$/i;

/** Names several formats share: they decide only with the content's agreement. Tried in order. */
const WEAK_NAMES: readonly { may: NameRule['may']; re: RegExp; dialect: DialectName | 'suse'; what: string }[] = [
  { may: (_b, l) => l.includes('suse'), re: /suse/i, dialect: 'suse', what: "SUSE's /etc/sysconfig/memcached" },
  { may: (_b, l) => ['redhat', 'rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'amazon', 'sysconfig'].some((w) => l.includes(w)), re: /redhat|rhel|centos|fedora|rocky|almalinux|amazon|sysconfig/i, dialect: 'sysconfig', what: "RHEL's /etc/sysconfig/memcached" },
  { may: (_b, l) => l.includes('debian') || l.includes('ubuntu'), re: /debian|ubuntu/i, dialect: 'debian', what: "Debian's /etc/memcached.conf" },
  { may: (_b, l) => l.includes('alpine') || l.includes('gentoo') || l.includes('openrc'), re: /alpine|gentoo|openrc/i, dialect: 'openrc', what: "OpenRC's /etc/conf.d/memcached" },
  { may: (_b, l) => l.includes('freebsd') || l.includes('rcconf') || l.includes('rc.conf'), re: /freebsd|(^|[^a-z])rc\.?conf/i, dialect: 'rcconf', what: "FreeBSD's rc.conf" },
  { may: (_b, l) => l.includes('systemd') || l.includes('unit'), re: /systemd|(^|[^a-z])unit([^a-z]|$)/i, dialect: 'systemd', what: 'a systemd unit' },
  { may: (_b, l) => l.includes('supervisor'), re: /supervisor/i, dialect: 'supervisord', what: 'a supervisord program' },
  { may: (b) => b.startsWith('memcached') && b.endsWith('.conf'), re: /^memcached([_-][^/]*)?\.conf$/, dialect: 'debian', what: "Debian's /etc/memcached.conf" },
  // A Swarm stack file (docker-stack.yml, app-stack.yml, docker-swarm.yaml): the Compose format, deployed by
  // docker stack deploy (compose-deploy.ts). OpenFaaS's stack.yml holds no services: mapping, so no signature.
  { may: (_b, l) => l.includes('stack') || l.includes('swarm'), re: STACK_FILE, dialect: 'compose', what: 'a Docker Swarm stack file (the Compose format)' },
];

/** Whether a name rule applies to the name `base` (`lower`: in lower case): its cheap test, then its expression. */
const nameMatches = (rule: { may: NameRule['may']; re: RegExp }, base: string, lower: string): boolean => rule.may(base, lower) && rule.re.test(base);

/** Exported for test/dialects/detect-names.test.ts, which holds each rule's cheap test to its expression. */
export const NAME_RULES_FOR_TESTS: readonly { may: NameRule['may']; re: RegExp }[] = [...STRONG_NAMES, ...WEAK_NAMES];

// ---- Content ----

/** A content signature: a format only one program reads (`dialect`), or one mchard refuses (`dialect: null`). */
interface Signature {
  readonly dialect: DialectName | null;
  /** "a [program:memcached] section", "a Dockerfile". */
  readonly what: string;
  /** True for signatures of formats that are KEY=value files (the wrapper skips their lines; not a contradiction of its path). */
  readonly assignments?: boolean;
  /** The format family, when it is one of mchard's dialects even though this file is refused (a Compose file without memcached). */
  readonly family?: DialectName;
}

const SNIFF_LIMIT = 1 << 20;

/** The variables RHEL's packaged memcached.service passes to memcached (what the sysconfig dialect reads). */
export const RHEL_VARS: readonly string[] = ['PORT', 'USER', 'MAXCONN', 'CACHESIZE', 'OPTIONS'];
const OPENRC_VARS = ['MEMUSAGE', 'LISTENON', 'MEMCACHED_RUNAS', 'UDPPORT', 'MISC_OPTS', 'MEMCACHED_BINARY', 'PIDBASE'];
/** Every variable OpenRC's memcached scripts read (openrc.ts). */
const OPENRC_READS = [...OPENRC_VARS, 'PORT', 'MAXCONN', 'SOCKET', 'SOCKET_MASK'];
/** Arch Linux's /etc/conf.d/memcached before systemd (archlinuxarm/PKGBUILDs extra/memcached, 2009), read by its rc.d script. */
const ARCH_CONF_D = "Arch Linux's former /etc/conf.d/memcached (MEMCACHED_USER=, MEMCACHED_ARGS=): its rc.d script ran memcached -d -u $MEMCACHED_USER $MEMCACHED_ARGS before Arch moved to systemd; OpenRC's scripts read neither";
const RCCONF_VARS = ['memcached_enable', 'memcached_flags', 'memcached_user', 'memcached_profiles'];
const ASSIGNMENT = /^[ \t]*(export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/;
const COMMENTED_ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']*)[ \t]*$/;
const SHELL_CODE = /^[ \t]*(if[ \t]+\[|if[ \t]+test[ \t]|then$|fi$|else$|elif[ \t]|for[ \t]+\w+[ \t]+in[ \t]|while[ \t].*;[ \t]*do$|do$|done$|case[ \t].*[ \t]in$|esac$|[A-Za-z_]\w*[ \t]*\(\)[ \t]*\{?$|function[ \t]+\w+|\.[ \t]+\/|source[ \t]+\S)/;
const UPSTART = /^[ \t]*(start on[ \t]|stop on[ \t]|respawn([ \t]|$)|exec[ \t]|script$|end script$|pre-start[ \t]|post-start[ \t]|pre-stop[ \t]|post-stop[ \t]|expect[ \t]+(fork|daemon|stop)|description[ \t]+"|instance[ \t]|console[ \t]|setuid[ \t]|env[ \t]+\w+=)/;
const DOCKER_INSTRUCTION = /^[ \t]*(RUN|CMD|ENTRYPOINT|COPY|ADD|EXPOSE|ENV|USER|WORKDIR|LABEL|VOLUME|ARG|HEALTHCHECK|STOPSIGNAL|SHELL|ONBUILD|MAINTAINER)[ \t]/i;

interface Sniffed {
  readonly signature: Signature | null;
  /** Lines that assign a variable (`KEY=value`, `KEY = value`) and lines that start with `-`. */
  readonly assignments: number;
  readonly options: number;
  readonly names: ReadonlySet<string>;
  /** Variables named only in comments (`#IPADDR="127.0.0.1"`): the vocabulary a file documents. */
  readonly commented: ReadonlySet<string>;
  /**
   * Lines that are none of: a comment, an option (`-x`), a `[section]`, a template tag (`{{`, `{%`, `<%`)
   * or Debian's `logfile` directive (assignments count here too): what another program's file is made of.
   */
  readonly other: number;
  /** A YAML mapping key alone at the start of a line (`jobs:`): see YAML_LOOKS. */
  readonly yamlKey: boolean;
}

/** `[A-Z0-9_]`. */
const isEnvNameCode = (c: number) => (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/** What one pass over the lines finds; the signatures are decided from it. */
interface Features {
  assignments: number;
  options: number;
  names: Set<string>;
  commented: Set<string>;
  shell: number;
  upstart: number;
  upstartStrong: boolean;
  beginInitInfo: boolean;
  caseOnFirstArgument: boolean;
  startBranch: boolean;
  rcSubr: boolean;
  /** 0: no instruction yet; 1: the first instruction was FROM; 2: FROM and another instruction; -1: not a Dockerfile. */
  docker: number;
  apiVersion: boolean;
  kind: boolean;
  /** The top-level `kind:` values (one a document). */
  kinds: string[];
  services: boolean;
  playbook: boolean;
  dashName: boolean;
  ansibleModule: boolean;
  imageKey: boolean;
  repository: boolean;
  /** A `repository:` line naming Bitnami's memcached image (the values of Bitnami's chart). */
  bitnamiRepository: boolean;
  replicaCount: boolean;
  program: string | null;
  systemdSection: string | null;
  supervisorSection: boolean;
  otherSection: string | null;
  /** A Podman Quadlet section that runs a workload (`[Container]`, `[Kube]`, `[Pod]`). */
  quadlet: boolean;
  debianHeader: boolean;
  other: number;
  /** A monit `check process|host|... NAME` statement. */
  monit: boolean;
  /** The Zabbix agent's `UserParameter=key,command` items. */
  zabbix: boolean;
  /** Ganglia gmond's `modules {` or `collection_group {` blocks. */
  gmond: boolean;
  /** collectd's `LoadPlugin x`, `<LoadPlugin x>` or `<Plugin x>`. */
  collectd: boolean;
  /** A YAML mapping key alone at the start of a line (`jobs:`, `config:`): no option or variable file has one. */
  yamlKey: boolean;
  /** The first TOML array of tables (`[[inputs.memcached]]`), or null. */
  tomlTable: string | null;
}

const UPSTART_STRONG = /^[ \t]*(start on|stop on|respawn|pre-start|post-stop|end script|expect[ \t]+(fork|daemon))\b/;
const ANSIBLE_LINE = /^[ \t]+(-[ \t]+)?(ansible\.builtin\.\w+|apt|yum|dnf|package|template|copy|file|lineinfile|blockinfile|service|systemd|command|shell|become|when|notify|with_items|loop|register|include_tasks|import_tasks|include_role|tasks|roles|handlers|vars|gather_facts|hosts|docker_container|docker_compose(?:_v2)?|docker_image|k8s|community\.docker\.\w+|kubernetes\.core\.\w+)[ \t]*:/;
const YAML_TOP = /^(apiVersion|kind|services|image|replicaCount):[ \t]*(.*)$/;
/** An offset indexOf found before `end` (-1: not found). */
const within = (at: number, end: number) => at !== -1 && at < end;

const CASE_ON_FIRST_ARGUMENT = /^[ \t]*case[ \t]+"?\$\{?1\}?"?[ \t]+in/;
const START_BRANCH = /^[ \t]*'?start'?\)/;

/**
 * What a line (`text` from `start`, its first character that is not a blank at `first`, to `end`) needs
 * before scan runs an expression on it: a test true of every line the expression matches, so the
 * expression is compiled only for a file that can use it (a Debian file's lines start with `-` or `#`).
 * test/dialects/detect-names.test.ts holds each to its expression. Shell code: a keyword's first letter, `.`
 * or `source`, or `()` anywhere (a function's definition: `name ()`).
 */
export const LINE_NEEDS: Readonly<Record<'assignment' | 'shellCode' | 'upstart' | 'caseOnFirstArgument' | 'startBranch' | 'yamlTop', { re: RegExp; may(text: string, first: number, end: number): boolean }>> = {
  assignment: { re: ASSIGNMENT, may: (text, first, end) => within(text.indexOf('=', first), end) },
  shellCode: { re: SHELL_CODE, may: (text, first, end) => 'itfewdc.s'.includes(text[first]) || within(text.indexOf('()', first), end) },
  upstart: { re: UPSTART, may: (text, first) => 'srepdic'.includes(text[first]) },
  caseOnFirstArgument: { re: CASE_ON_FIRST_ARGUMENT, may: (text, first) => text.charCodeAt(first) === 99 /* c */ },
  startBranch: { re: START_BRANCH, may: (text, first) => text.charCodeAt(first) === 115 /* s */ || text.charCodeAt(first) === 39 },
  yamlTop: { re: YAML_TOP, may: (text, first) => 'aksir'.includes(text[first]) },
};

/**
 * Whether the line from `first` (its first character that is not a blank) to `end` starts with the
 * Dockerfile instruction `word` (lower case; matched in either case) and a blank, and, with `argument`,
 * something after the blanks: `/^[ \t]*FROM[ \t]+\S/i` and `/^[ \t]*ARG[ \t]/i` (test/dialects/detect-names.test.ts).
 */
export function instructionAt(text: string, first: number, end: number, word: string, argument: boolean): boolean {
  if (end - first <= word.length) return false;
  for (let k = 0; k < word.length; k++) if ((text.charCodeAt(first + k) | 0x20) !== word.charCodeAt(k)) return false;
  let k = first + word.length;
  if (text.charCodeAt(k) !== 32 && text.charCodeAt(k) !== 9) return false;
  if (!argument) return true;
  while (k < end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  return k < end && !isRegExpSpace(text.charCodeAt(k));
}
const BITNAMI_REPOSITORY_LINE = /^[ \t]+repository:[ \t]*["']?(docker\.io\/)?(bitnami|bitnamilegacy|bitnamisecure)\/memcached["']?[ \t]*(#.*)?$/;
const SECTION = /^[ \t]*\[([^\]\n]{1,60})\][ \t]*$/;
const SUPERVISOR_SECTION = /^(supervisord|supervisorctl|include|unix_http_server|inet_http_server|rpcinterface:.*|group:.*|eventlistener:.*)$/;
/** The first lines of Debian's packaged /etc/memcached.conf (either says whose file it is). */
const DEBIAN_HEADER = ['# memcached default config file', '# This configuration file is read by the start-memcached script'] as const;

/** Whether `needle` occurs in text[from, end). */
function lineHas(text: string, needle: string, from: number, end: number): boolean {
  const k = text.indexOf(needle, from);
  return k !== -1 && k + needle.length <= end;
}

/** The closer of a template tag (`<%`, `{%`, `{#`, `{{`) that the line text[from, end) opens and does not close, or null. */
function openTagAtEnd(text: string, from: number, end: number): string | null {
  let open: string | null = null;
  for (let k = from; k + 1 < end; k++) {
    const a = text.charCodeAt(k);
    const b = text.charCodeAt(k + 1);
    if (open === null) {
      if (a === 60 /* < */ && b === 37 /* % */) open = '%>';
      else if (a === 123 /* { */ && (b === 37 || b === 35 /* # */ || b === 123)) open = b === 37 ? '%}' : b === 35 ? '#}' : '}}';
      if (open !== null) k++;
    } else if (a === open.charCodeAt(0) && b === open.charCodeAt(1)) {
      open = null;
      k++;
    }
  }
  return open;
}

/**
 * One pass over the lines (at most the first MiB): comment and blank lines, most of a distribution's
 * file, cost a character test; a regular expression runs only on the lines that can match it.
 */
function scan(text: string): Features {
  const f: Features = {
    assignments: 0, options: 0, names: new Set(), commented: new Set(), shell: 0, upstart: 0, upstartStrong: false, beginInitInfo: false,
    caseOnFirstArgument: false, startBranch: false, rcSubr: false, docker: 0, apiVersion: false, kind: false, kinds: [], services: false,
    playbook: false, dashName: false, ansibleModule: false, imageKey: false, repository: false, bitnamiRepository: false, replicaCount: false,
    program: null, systemdSection: null, supervisorSection: false, otherSection: null, quadlet: false, debianHeader: false,
    other: 0, monit: false, zabbix: false, gmond: false, collectd: false, yamlKey: false, tomlTable: null,
  };
  let inTag: string | null = null;
  // One line at a time, not text.split('\n'): a big file would hold a million strings at once.
  for (let at = 0; at !== -1; ) {
    const nl = text.indexOf('\n', at);
    let end = nl === -1 ? text.length : nl;
    if (end > at && text.charCodeAt(end - 1) === 13) end--;
    const start = at;
    at = nl === -1 ? -1 : nl + 1;
    let first = start;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    if (first === end) continue;
    // Lines inside a template tag that spans lines (an ERB block of Ruby code between `<%-` and `-%>`) are
    // the template's code, not lines of the file it renders: up to the line that closes it.
    if (inTag !== null) {
      if (lineHas(text, inTag, first, end)) inTag = null;
      continue;
    }
    inTag = openTagAtEnd(text, first, end);
    const c = text.charCodeAt(first);
    if (c === 35 /* # */) {
      if (text.startsWith('### BEGIN INIT INFO', first)) f.beginInitInfo = true;
      else if (text.startsWith(DEBIAN_HEADER[0], start) || text.startsWith(DEBIAN_HEADER[1], start)) f.debianHeader = true;
      else {
        // `#NAME=value` or `# NAME="value"`: a variable the file documents (upper case only: not prose).
        let k = first + 1;
        while (k < end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        const u = text.charCodeAt(k);
        // Only `NAME=` (a capital, then capitals, digits and `_`, then `=`) can match: not prose.
        if (u >= 65 && u <= 90) {
          let e = k + 1;
          while (e < end && isEnvNameCode(text.charCodeAt(e))) e++;
          const m = text.charCodeAt(e) === 61 /* = */ ? COMMENTED_ASSIGNMENT.exec(text.slice(k, end)) : null;
          if (m) f.commented.add(m[1]);
        }
      }
      continue;
    }
    const line = text.slice(start, end);
    // A Dockerfile: the first instruction (after comments, parser directives and ARGs) is FROM, another follows.
    if (f.docker === 0) {
      if (instructionAt(text, first, end, 'from', true)) f.docker = 1;
      else if (!instructionAt(text, first, end, 'arg', false)) f.docker = -1;
    } else if (f.docker === 1 && (DOCKER_INSTRUCTION.test(line) || /^[ \t]*FROM[ \t]/i.test(line))) f.docker = 2;
    if (c === 91 /* [ */) {
      if (text.charCodeAt(first + 1) === 91) {
        f.tomlTable ??= /^[ \t]*\[\[[ \t]*([\w.-]{1,60})[ \t]*\]\][ \t]*(#.*)?$/.exec(line)?.[1] ?? null;
        continue;
      }
      const m = SECTION.exec(line);
      if (!m) continue;
      const name = m[1];
      if (name.startsWith('program:')) f.program ??= name.slice('program:'.length);
      else if (name === 'Service' || name === 'Unit' || name === 'Install') f.systemdSection ??= name;
      else if (SUPERVISOR_SECTION.test(name)) f.supervisorSection = true;
      else if (name === 'Container' || name === 'Kube' || name === 'Pod') f.quadlet = true;
      else f.otherSection ??= name;
      continue;
    }
    // A template's trimming close tag alone at the start of a line (`-%>` of ERB, `-%}`, `-}}`) is no option.
    if (c === 45 && /^-(%>|%\}|\}\})/.test(text.slice(first, first + 3))) continue;
    if (c === 45 /* - */) {
      f.options++;
      // `-m 64` is an option; only `- key:` (a YAML list item) is looked at further.
      const next = text.charCodeAt(first + 1);
      if (next !== 32 && next !== 9) continue;
      if (first === start) {
        if (/^-[ \t]+(hosts|import_playbook)[ \t]*:/.test(line)) f.playbook = true;
        else if (/^-[ \t]+name[ \t]*:/.test(line)) f.dashName = true;
      } else if (ANSIBLE_LINE.test(line)) f.ansibleModule = true;
      continue;
    }
    // Not an option, a comment or a section: another program's line, unless a template tag or Debian's
    // `logfile` directive.
    if (c !== 123 /* { */ && !(c === 60 && text.charCodeAt(first + 1) === 37) /* <% */ && !text.startsWith('logfile', first)) f.other++;
    // collectd's `<Plugin x>` and its block form of LoadPlugin, `<LoadPlugin x>` (salt-formula-memcached's collectd_memcached.conf).
    if (c === 60 /* < */ && /^<\/?(Load)?Plugin[ \t>]/.test(text.slice(first, end))) f.collectd = true;
    // Otherwise only a letter, `_`, `.` or a quote starts what is looked for.
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 39 || c === 34)) continue;
    // Each expression below runs only on a line that can match it (what it needs, tested first).
    const a = LINE_NEEDS.assignment.may(text, first, end) ? ASSIGNMENT.exec(line) : null;
    if (a) {
      // NAME=value: neither shell control flow, an Upstart stanza nor a YAML key.
      f.assignments++;
      f.names.add(a[2]);
      if (a[2] === 'UserParameter') f.zabbix = true;
      continue;
    }
    if (LINE_NEEDS.shellCode.may(text, first, end) && SHELL_CODE.test(line)) f.shell++;
    if (LINE_NEEDS.upstart.may(text, first, end) && UPSTART.test(line)) {
      f.upstart++;
      if (UPSTART_STRONG.test(line)) f.upstartStrong = true;
    }
    if (c === 46 && /^[ \t]*\.[ \t]+\/etc\/rc\.subr/.test(line)) f.rcSubr = true;
    if (c === 99 /* c */ && /^[ \t]*check[ \t]+(process|host|file|filesystem|fifo|directory|system|program|network)[ \t]/.test(line)) f.monit = true;
    if (c === 76 /* L */ && /^[ \t]*LoadPlugin[ \t]/.test(line)) f.collectd = true;
    if ((c === 109 /* m */ || c === 99 /* c */) && /^[ \t]*(modules|collection_group)[ \t]*\{/.test(line)) f.gmond = true;
    if (LINE_NEEDS.caseOnFirstArgument.may(text, first, end) && CASE_ON_FIRST_ARGUMENT.test(line)) f.caseOnFirstArgument = true;
    if (LINE_NEEDS.startBranch.may(text, first, end) && START_BRANCH.test(line)) f.startBranch = true;
    if (first === start) {
      if (!f.yamlKey && text.charCodeAt(end - 1) === 58 /* : */ && /^[A-Za-z_][\w.-]*:$/.test(line)) f.yamlKey = true;
      const y = LINE_NEEDS.yamlTop.may(text, first, end) ? YAML_TOP.exec(line) : null;
      if (y) {
        const rest = y[2].trim();
        if (y[1] === 'apiVersion') f.apiVersion ||= rest !== '';
        else if (y[1] === 'kind') {
          f.kind ||= rest !== '';
          if (rest !== '') f.kinds.push(rest.replace(/[ \t]+#.*$/, '').replace(/^(["'])(.*)\1$/, '$2'));
        }
        else if (y[1] === 'services') f.services ||= rest === '' || rest.startsWith('#');
        else if (y[1] === 'image') f.imageKey ||= rest === '';
        else f.replicaCount ||= /^\d/.test(rest);
      }
    } else {
      if (/^[ \t]+repository:[ \t]*\S/.test(line)) {
        f.repository = true;
        if (BITNAMI_REPOSITORY_LINE.test(line)) f.bitnamiRepository = true;
      }
      if (ANSIBLE_LINE.test(line)) f.ansibleModule = true;
    }
  }
  return f;
}

/**
 * Text from the file, made safe to show: control characters (C0, DEL, C1) and the characters that
 * reorder text on a terminal are written as escapes, so a file cannot drive the terminal of whoever lints it.
 */
function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `/^\s*[{[]/`: the first character that is not white space opens an object or an array. */
function startsJsonLike(text: string): boolean {
  let k = 0;
  while (k < text.length && isRegExpSpace(text.charCodeAt(k))) k++;
  return text[k] === '{' || text[k] === '[';
}

/**
 * An XML document: `<?xml`, `<!DOCTYPE` or a root element first (after a byte order mark and blanks); not a
 * template's `<%` tag. A .NET App.config holds memcached's options as attribute values, which no line of
 * memcached's own formats looks like.
 */
function startsXml(text: string): boolean {
  let k = 0;
  while (k < text.length && isRegExpSpace(text.charCodeAt(k))) k++;
  if (text.startsWith('<?xml', k) || /^<!doctype[ \t]/i.test(text.slice(k, k + 10))) return true;
  return /^<[A-Za-z][\w.:-]*[ \t\r\n>]/.test(text.slice(k, k + 80)) && (text.includes('</') || text.includes('/>'));
}

const XML_LOOKS = "an XML document (another program's file, such as a .NET App.config or a launchd property list: the program that reads it decides what a memcached option in it means)";

/**
 * A JSON definition whose command or image is memcached: kolla's config.json (`"command": "/usr/bin/memcached
 * -l ..."`, which kolla_start runs in the container), an ECS task definition, a Marathon app. Another program
 * reads the JSON and starts memcached: not a client's settings.
 */
const JSON_RUNS_MEMCACHED = /"(command|cmd|entryPoint|entrypoint|args|image)"[ \t\r\n]*:[ \t\r\n]*\[?[ \t\r\n]*"[^"\n]*\bmemcached(?![-\w])/;
const JSON_STARTS = "a JSON definition whose command or image runs memcached (a container's start configuration, such as kolla's config.json or an ECS task definition): the program that reads it starts memcached, and mchard does not read JSON";

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A repository named memcached (`memcached`, `bitnami/memcached`, `.../silta-memcached`), not an exporter
 * or another tool with memcached in its name. The Kubernetes dialect uses the same test.
 */
export function memcachedImageName(image: string): boolean {
  const path = image.split('@')[0].replace(/:[^/]*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return /(^|[-_.])memcached$/.test(last);
}

/** A Kubernetes manifest holds a container that runs memcached: an image named memcached, or a command that is memcached. */
function manifestRunsMemcached(text: string): boolean {
  const image = /^[ \t]*(?:-[ \t]+)?image:[ \t]*["']?([^"'\s#]+)/gm;
  for (let m = image.exec(text); m; m = image.exec(text)) if (memcachedImageName(m[1])) return true;
  return /^[ \t]*-[ \t]*["']?(\S*\/)?memcached["']?[ \t]*$/m.test(text) || /^[ \t]*(?:-[ \t]+)?command:[ \t]*\[[ \t]*["']?(\S*\/)?memcached["']?[ \t]*[,\]]/m.test(text);
}

/**
 * A Dockerfile runs memcached when a CMD or ENTRYPOINT names the program, or a FROM names a memcached image
 * (the official one, Bitnami's, or another repository named memcached; not memcached-exporter). Continuation
 * lines are joined first.
 */
export function dockerfileRunsMemcached(text: string): boolean {
  const joined = text.replace(/[\\`][ \t]*\r?\n/g, ' ');
  // A memcached image by name (not memcached-exporter: the test manifests use too).
  const from = /^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(\S+)/gim;
  for (let m = from.exec(joined); m; m = from.exec(joined)) if (memcachedImageName(m[1])) return true;
  // The memcached program as a word of CMD or ENTRYPOINT, or a folder of its scripts (Bitnami's
  // /opt/bitnami/scripts/memcached/run.sh); not memcached_exporter, memcached-tool.
  // The program may follow the instruction's own blank directly (shell form: `CMD memcached -m 64`).
  return /^[ \t]*(CMD|ENTRYPOINT)[ \t](?:[^\n]*[\s"'\/\[,])?memcached(?=[\s"',\]\/]|$)/im.test(joined);
}

/** A top-level `services:` whose first item (past blank and comment lines) is a list item. */
const SERVICES_LIST = /^services:[ \t]*(#[^\n]*)?\r?\n(?:[ \t]*(#[^\n]*)?\r?\n)*[ \t]*-(?:[ \t]|\r?$)/m;

/**
 * The top-level keys of a YAML file that no Compose file has: the Compose specification's schema allows
 * version, name, include, services, models, networks, volumes, secrets, configs and `x-` extensions at its
 * root and nothing else (`"additionalProperties": false`), so docker compose refuses a file with any other
 * ("Additional property pipeline is not allowed"), and so does docker stack deploy. Lando's .lando.yml
 * (recipe:, config:, tooling:, proxy:, plugins:) and Woodpecker's pipelines (pipeline:, steps:) have a
 * services: mapping of their own beside such keys.
 */
const foreignTopKey = (text: string) => /^(?!(version|name|include|services|models|networks|volumes|secrets|configs|x-[\w.-]*)[ \t]*:)([A-Za-z_][\w.-]*)[ \t]*:(?=[ \t]|\r?$)/m.exec(text)?.[2];

/** A Compose file's services mention memcached (an image, a command, an entrypoint). */
function composeRunsMemcached(text: string): boolean {
  // An image named memcached (not memcached-exporter), or the memcached program in a command or entrypoint.
  // A reference with a default (`${MEMCACHED_DOCKER_IMAGE:-memcached:1.6}`, DDEV's add-on) names its default.
  const image = /^[ \t]+image[ \t]*:[ \t]*["']?([^"'\s#]+)/gm;
  // One a variable named after memcached decides (`${MEMCACHED_IMAGE}`, no default): the compose dialect says it is unknown.
  for (let m = image.exec(text); m; m = image.exec(text)) if (memcachedImageName(m[1].replace(/\$\{\w+:?-([^}]*)\}/g, '$1')) || /^\$\{?\w*memcache(?!\w*exporter)\w*(\}|:?\?|:?-\}|$)/i.test(m[1])) return true;
  if (/^[ \t]+(command|entrypoint)[ \t]*:[^\n]*(^|[\s"'\/\[,])memcached(?=[\s"',\]]|$)/m.test(text) || /^[ \t]+-[ \t]*["']?(\S*\/)?memcached["']?[ \t]*$/m.test(text)) return true;
  // A service named after memcached in an override file (`memcached:` with ports: and no image:): the
  // file it is merged onto decides what it runs, which the compose dialect says.
  return serviceNamedMemcached(text);
}

/**
 * Whether a key of the `services:` mapping itself (not `depends_on:` or `volumes:` below it) is named after
 * memcached: the keys at the indentation of the first one under `services:`, up to the next top-level key.
 */
function serviceNamedMemcached(text: string): boolean {
  const at = /^services:[ \t]*(#.*)?\r?$/m.exec(text);
  if (!at) return false;
  let indent: string | null = null;
  for (const line of text.slice(at.index + at[0].length).split('\n')) {
    if (/^[ \t]*(#.*)?\r?$/.test(line)) continue;
    const lead = /^[ \t]*/.exec(line)![0];
    if (lead === '') return false;
    indent ??= lead;
    if (lead !== indent) continue;
    if (/^[\w.-]*memcache[\w.-]*:[ \t]*(#.*)?\r?$/i.test(line.slice(lead.length))) return true;
  }
  return false;
}

function sniff(full: string): Sniffed {
  const text = full.length > SNIFF_LIMIT ? full.slice(0, SNIFF_LIMIT) : full;
  const f = scan(text);
  const sig = (dialect: DialectName | null, what: string, assignments = false, family?: DialectName): Sniffed => ({
    assignments: f.assignments,
    options: f.options,
    names: f.names,
    commented: f.commented,
    other: f.other,
    yamlKey: f.yamlKey,
    signature: { dialect, what, assignments, family: family ?? dialect ?? undefined },
  });
  const nl = text.indexOf('\n');
  const lineOne = nl === -1 ? text : text.slice(0, nl);
  const firstLine = lineOne.endsWith('\r') ? lineOne.slice(0, -1) : lineOne;
  // `$.Values` inside a range or with block (wikimedia's mediawiki chart's localmemcached partial).
  const helm = text.includes('{{') && /\{\{-?[ \t]*(\$?\.Values|\.Release|include[ \t]+"|template[ \t]+")/.test(text);

  // TLS material: its "-----BEGIN" line is no option.
  if (firstLine.startsWith('-----BEGIN ')) return sig(null, 'a PEM certificate or key (TLS material, not configuration)');
  // collectd's <LoadPlugin x> and <Plugin x> blocks look like elements, but collectd's own syntax reads them.
  if (startsXml(text) && !(f.collectd && f.options === 0)) return sig(null, XML_LOOKS);
  // Programs and scripts first: they mention variables and options of every other format.
  if (firstLine.startsWith('#!')) {
    const interp = firstLine.slice(2).trim();
    if (/openrc-run/.test(interp)) return sig(null, 'an OpenRC init script');
    if (f.beginInitInfo || (f.caseOnFirstArgument && f.startBranch)) return sig(null, 'a SysV init script');
    if (f.rcSubr) return sig(null, 'an rc.d script');
    if (/(^|\/)(env[ \t]+)?(ba|da|k|z|a)?sh\b/.test(interp)) return sig(null, 'a shell script');
    return sig(null, `a script (${printable(firstLine.slice(0, 40))})`);
  }
  if (f.beginInitInfo) return sig(null, 'a SysV init script');
  // FreeMarker's directives and macros (<#if>, <@swarm.SERVICE ... />): Imagenarium's marketplace templates.
  if (text.includes('<@') || text.includes('<#')) {
    if (/^[ \t]*<[#@][A-Za-z][\w.]*[\s>/]/m.test(text) && /<\/[#@][A-Za-z]|\/>/.test(text)) return sig(null, 'a FreeMarker template (what renders it decides what runs: lint that)');
  }
  if (f.upstart >= 2 && f.upstartStrong) return sig(null, 'an Upstart job');
  if (f.docker === 2) {
    return dockerfileRunsMemcached(text) ? sig('dockerfile', 'a Dockerfile that runs memcached') : sig(null, 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached', false, 'dockerfile');
  }

  // An AWS CloudFormation template, YAML or JSON (PRX/Infrastructure's db/elasticache-memcached.yml: an ElastiCache
  // cluster, Engine: memcached): AWS runs the memcached it creates, with options of AWS's own.
  if (/^[ \t]*"?AWSTemplateFormatVersion"?[ \t]*:/m.test(text)) return sig(null, "an AWS CloudFormation template (AWS runs the ElastiCache cluster or the containers it creates, with memcached options of its own; who reaches them is the security groups' to say)");
  // A Nomad job (HCL), whatever its name: its `key = "value"` lines are no KEY=value file.
  if (/^job[ \t]+"[^"\n]*"[ \t]*\{/m.test(text)) return sig(null, 'a Nomad job specification (HCL), which Nomad runs');

  // YAML documents.
  // The values of Bitnami's memcached chart (they may hold tpl strings such as "{{ .Values.x }}").
  if (f.bitnamiRepository && !f.apiVersion) return sig('helm', "the values of Bitnami's memcached chart (an image repository: bitnami/memcached)");
  if (f.apiVersion && f.kind) {
    if (helm) return sig(null, 'a Helm chart template (a Kubernetes manifest)');
    // KuberDock's predefined applications look like manifests, but KuberDock fills in their $NAME|...$ fields.
    if (/^kuberdock:/m.test(text)) return sig(null, 'a KuberDock predefined application (KuberDock fills in its $NAME|default:...$ fields)');
    // kustomize's own files (kind: Kustomization or Component, kustomize.config.k8s.io): kustomize builds the
    // manifests from them; no API server takes them (hippocampus-dev/hippocampus's overlay kustomization).
    if (f.kinds.every((k) => k === 'Kustomization' || k === 'Component') && /^apiVersion:[ \t]*["']?kustomize\.config\.k8s\.io\//m.test(text)) {
      return sig(null, KUSTOMIZATION);
    }
    // A memcached image in objects with no pod template (an operator's custom resource, `kind: Memcached`):
    // the operator makes the workloads and decides memcached's command line; this file does not show it.
    // A `kind: Memcached` resource names no image at all when its operator picks it from a version
    // (KubeDB's `spec.version`): it runs memcached all the same.
    // (The kinds whose pod template the kubernetes dialect reads: its POD_TEMPLATE table, List and Template.)
    const podKinds = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'DeploymentConfig'];
    const noPodTemplate = !f.kinds.some((k) => podKinds.includes(k) || k.endsWith('List') || k === 'Template');
    if (!manifestRunsMemcached(text) && !(noPodTemplate && f.kinds.includes('Memcached'))) {
      // An image that is a template's expression: the file cannot tell what runs.
      const templated = text.includes('{') ? templatedManifest(text, printable) : null;
      if (templated) return sig(null, templated, false, 'kubernetes');
      return sig(null, 'a Kubernetes manifest with no container that runs memcached', false, 'kubernetes');
    }
    if (noPodTemplate) {
      const kinds = [...new Set(f.kinds)].slice(0, 4).map((k) => printable(k.slice(0, 40))).join(', ');
      return sig(null, `a Kubernetes manifest whose objects (kind ${kinds}) have no pod template: the operator or controller that reads them makes the workloads that run memcached and decides their command line (lint those: kubectl get deployment,statefulset -o yaml)`, false, 'kubernetes');
    }
    return sig('kubernetes', 'a Kubernetes manifest (apiVersion:, kind:) with a container that runs memcached');
  }
  if (helm) return sig(null, 'a Helm chart template');
  if (f.services) {
    // Compose's services: is a mapping; a list there is another program's (a CI pipeline's services).
    if (SERVICES_LIST.test(text)) return sig(null, `${CI_PIPELINE} (its services: is a list; Compose's is a mapping)`);
    const foreign = foreignTopKey(text);
    if (foreign) return sig(null, `a YAML file with a top-level ${foreign.slice(0, 40)}:, which no Compose file has (Lando's, a CI's)`);
    return composeRunsMemcached(text) ? sig('compose', 'a Compose services: mapping that runs memcached') : sig(null, 'a Compose file with no memcached service', false, 'compose');
  }
  if (f.playbook || (f.dashName && f.ansibleModule)) return sig(null, 'an Ansible playbook or task file');
  if ((f.imageKey && f.repository) || f.replicaCount) return sig(null, 'a Helm values file');

  // INI-style files of service managers. A Podman Quadlet file has systemd's [Unit], [Service] and
  // [Install] too, but no ExecStart=: podman's generator writes it, for the container its own section
  // describes.
  if (f.quadlet) return sig(null, QUADLET);
  if (f.program !== null) return sig('supervisord', `a [program:${printable(f.program.slice(0, 40))}] section`);
  if (f.systemdSection !== null) return sig('systemd', `a [${f.systemdSection}] section`);
  if (f.supervisorSection) return sig('supervisord', "supervisord's own sections");

  // Other applications' formats.
  if (f.monit && f.options === 0) return sig(null, 'a monit control file');
  // weijing24/zabbbix's conf/memcached.conf: UserParameter=memcached.status[*],.../chk_memcache.sh $1 $2.
  if (f.zabbix && f.options === 0) return sig(null, 'a Zabbix agent configuration (UserParameter= items: commands the agent runs to monitor memcached)');
  if (f.collectd && f.options === 0) return sig(null, 'a collectd configuration');
  // ganglia/gmond_python_modules' memcached/conf.d/memcached.conf: its name = "..." lines are no assignments.
  if (f.gmond && f.options === 0) return sig(null, "a Ganglia gmond configuration (modules { module { ... } } and collection_group { metric { ... } }: gmond's monitoring module and the metrics it collects)");
  // Telegraf's plugins (its inputs.memcached's servers = ["localhost:11211"] are the servers it polls).
  if (f.tomlTable !== null && f.options === 0) {
    const name = printable(f.tomlTable);
    return sig(null, /^(inputs|outputs|processors|aggregators)\./.test(name) ? `a Telegraf configuration ([[${name}]]: the servers a plugin of the metrics agent polls, not memcached's settings)` : `a TOML file ([[${name}]])`);
  }
  if (startsJsonLike(text) && isJson(text)) return sig(null, JSON_RUNS_MEMCACHED.test(text) ? JSON_STARTS : "a JSON file (a client's or an application's settings)");
  if (f.otherSection !== null) return sig(null, `an INI file with [section] headers ([${printable(f.otherSection)}]: an application's configuration)`);

  // Shell code without a #! line (a fragment sourced by a script).
  if (f.shell >= 2) return sig(null, 'shell code (a fragment of a script)');

  // Variable files: whose variables they are tells which program reads them.
  if (f.names.has('pkg_scripts')) return sig(null, OPENBSD_RC_CONF, true, 'rcconf');
  const rc = RCCONF_VARS.find((n) => f.names.has(n));
  if (rc) return sig('rcconf', `FreeBSD's ${rc}= variable`, true);
  const openrc = OPENRC_VARS.find((n) => f.names.has(n));
  if (openrc) return sig('openrc', `OpenRC's ${openrc}= variable`, true);
  // RHEL's before SUSE's: a template may hold both, one per OS family, and the RHEL one is what mchard reads.
  const rhel = RHEL_VARS.filter((n) => f.names.has(n));
  if (rhel.length >= 2) return sig('sysconfig', `RHEL's ${rhel.map((n) => `${n}=`).join(', ')} variables`, true);
  if (f.names.has('MEMCACHED_PARAMS')) return sig(null, "SUSE's /etc/sysconfig/memcached (MEMCACHED_PARAMS=), read by SUSE's own memcached.service", true, 'sysconfig');
  if (f.names.has('MEMCACHED_ARGS') && f.names.has('MEMCACHED_USER')) return sig(null, ARCH_CONF_D, true);
  if (f.names.has('ENABLE_MEMCACHED')) return sig(null, "Debian's /etc/default/memcached (ENABLE_MEMCACHED=, read by the SysV init script; the options are in /etc/memcached.conf)", true);

  // Debian's stock file says who reads it.
  if (f.debianHeader) return sig('debian', "Debian's stock header (\"read by the start-memcached script\")");
  return { assignments: f.assignments, options: f.options, names: f.names, commented: f.commented, other: f.other, yamlKey: f.yamlKey, signature: null };
}

/** What the option-file heuristic would guess; null when the file has neither kind of line. */
function guessOf(s: Sniffed): 'debian' | 'sysconfig' | null {
  if (s.assignments === 0 && s.options === 0) return null;
  return s.assignments > s.options ? 'sysconfig' : 'debian';
}

const GUESS_LOOKS: Record<'debian' | 'sysconfig', string> = {
  debian: "memcached options, one or more on each line (as Debian's /etc/memcached.conf holds them)",
  sysconfig: 'KEY=value assignments (as /etc/sysconfig/memcached holds them)',
};

/** What a guess's lines are when none of them is memcached's (the file is another program's). */
const GUESS_NOT_MEMCACHED: Record<'debian' | 'sysconfig', string> = {
  debian: "option lines that are not memcached's (another program's command-line options)",
  sysconfig: "KEY=value assignments, none of them a setting of memcached's service (another program's environment or settings)",
};

/**
 * What a memcached option's value looks like, by letter (a template's or a variable's value passes): a line
 * `-I lib` (RSpec's) is not memcached's `-I SIZE`. Letters not here take any word that is no option.
 */
const NUM = /^\d+$/;
const OPTION_VALUE: Readonly<Record<string, RegExp>> = {
  p: NUM, U: NUM, c: NUM, t: NUM, R: NUM, b: NUM, n: NUM, m: /^\d+[kmgt]?$/i, I: /^\d+[km]?$/i, f: /^\d*\.?\d+$/,
  a: /^[0-7]{3,4}$/, B: /^(auto|binary|ascii)$/, s: /^\//, P: /^\//, e: /^\//, Y: /^\//, D: /^\S$/,
  u: /^[A-Za-z_][\w.-]*\$?$/, l: /^[\w.:\[\],%-]+$/, o: /^[a-z_]+(=[^,\s]*)?(,[a-z_]+(=[^,\s]*)?)*,?$/,
};
const valueFits = (letter: string, value: string | undefined) =>
  value !== undefined && !value.startsWith('-') && (/^[{<$%@]/.test(value) || (OPTION_VALUE[letter]?.test(value) ?? true));

/**
 * Whether a line is memcached options and nothing else (`-m 64`, `-vv`, `--port=11211`, `-o modern # note`):
 * each word an option memcached knows, with a value of the kind it takes. Asked only of a file refused on
 * a guess, to decide whether the refusal suggests `--dialect debian`.
 */
function memcachedOptionLine(line: string): boolean {
  const words = line.trim().split(/[ \t]+/);
  const hash = words.findIndex((w) => w.startsWith('#'));
  if (hash !== -1) words.length = hash;
  if (words.length === 0) return false;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = w.slice(2, eq === -1 ? undefined : eq);
      const spec = OPTIONS.find((o) => o.long === name);
      if (!spec) return false;
      if (spec.longArg === 'none' && eq !== -1) return false;
      if (spec.longArg === 'required' && !valueFits(spec.short, eq === -1 ? words[++k] : w.slice(eq + 1))) return false;
      continue;
    }
    if (!w.startsWith('-') || w.length < 2) return false;
    for (let j = 1; j < w.length; j++) {
      const spec = optionByShort(w[j]);
      if (!spec) return false;
      if (spec.arg === 'required') {
        if (!valueFits(spec.short, j + 1 < w.length ? w.slice(j + 1) : words[++k])) return false;
        break;
      }
    }
  }
  return true;
}

/** Whether a line of the file (its first MiB) is memcached options and nothing else, or Debian's `logfile` directive. */
function holdsMemcachedOptions(text: string): boolean {
  const head = text.length > SNIFF_LIMIT ? text.slice(0, SNIFF_LIMIT) : text;
  return head.split('\n').some((l) => (/^[ \t]*-/.test(l) && memcachedOptionLine(l)) || /^[ \t]*logfile[ \t]+\//.test(l));
}

/** Whether the file's guessed lines are memcached's: an option line, or a variable of memcached's service. */
function guessHasMemcached(guess: 'debian' | 'sysconfig', s: Sniffed, text: string): boolean {
  if (guess === 'debian') return holdsMemcachedOptions(text);
  for (const n of s.names) if (RHEL_VARS.includes(n) || /memcache/i.test(n)) return true;
  return false;
}

/** What a file with a YAML mapping key alone on a line is, when no YAML dialect took it. */
const YAML_LOOKS = "a YAML document (another program's settings: a key alone on a line, such as `jobs:`)";

/** Suffixes of formats mchard does not read as option or variable files, whatever the lines look like. */
const OTHER_FORMATS: Readonly<Record<string, string>> = {
  '.yml': 'a YAML file',
  '.yaml': 'a YAML file',
  '.json': 'a JSON file',
  '.ini': 'an INI file',
  '.toml': 'a TOML file',
  '.xml': 'an XML file',
  '.tf': 'a Terraform file',
  '.lua': "a Lua script (memcached's proxy routes or another program's)",
};

/**
 * Suffixes of programs' source code: the language's interpreter or compiler reads the file, whatever a few
 * of its lines look like (a Python settings module's `CACHES = {...}` is no sysconfig assignment, its
 * `from os.path import join` no Dockerfile's FROM). Ruby's `.rb`, often Chef's, has its own name rule.
 */
const SOURCE_CODE: Readonly<Record<string, string>> = {
  '.py': 'Python',
  '.php': 'PHP',
  '.js': 'JavaScript',
  '.mjs': 'JavaScript',
  '.cjs': 'JavaScript',
  '.ts': 'TypeScript',
  '.go': 'Go',
  '.java': 'Java',
  '.kt': 'Kotlin',
  '.scala': 'Scala',
  '.pl': 'Perl',
  '.pm': 'Perl',
  '.c': 'C',
  '.h': 'C',
  '.cs': 'C#',
  '.rs': 'Rust',
  '.ex': 'Elixir',
  '.exs': 'Elixir',
  '.erl': 'Erlang',
};

// ---- Deciding ----

function describeTarget(t: Target, matched: string, installed: string): string {
  const tmpl = t.template ? `, ${templateWords(t.template)} of ${installed}` : '';
  if (t.system) return `path ${t.shown}${tmpl}`;
  const rel = matched.replace(/^\//, '');
  return `path ${rel}${t.template ? t.template.suffix : ''}${tmpl || `, installed as ${installed}`}`;
}

/** A description used mid-sentence: closed by a comma when it holds one. */
const clause = (because: string) => (because.includes(',') ? `${because},` : because);

const ENGINE_NAME = { jinja2: 'a Jinja2', erb: 'an ERB', epp: 'a Puppet EPP' } as const;
const templateWords = (t: TemplateInfo) => (t.engine ? `${ENGINE_NAME[t.engine]} template` : 'a template');

/** `name memcached.conf.j2, a Jinja2 template`. */
function nameText(t: Target): string {
  if (!t.template) return `name ${t.base}`;
  return `name ${t.base}${t.template.suffix}, ${templateWords(t.template)}`;
}

function choice(t: Target, dialect: DialectName, reason: DetectReason, confidence: DetectConfidence, because: string, caveat: string | null = null): DialectChoice {
  const readBy = READ_BY[dialect];
  return {
    refused: false,
    path: t.shown,
    dialect,
    reason,
    confidence,
    readBy,
    because,
    caveat,
    template: t.template,
    explanation: `${because}: read by ${readBy}${caveat ? `; ${caveat}` : ''}`,
  };
}

/**
 * A refusal. It suggests `--dialect X` (candidates) only where the path, the name or a line of the file is
 * memcached's in that format, and `--dialect NAME` (generic) only where the file may be memcached's in a
 * format mchard reads (an empty file, a Dockerfile, Compose file or manifest that names no memcached); a
 * file that is another program's (a Gemfile, RSpec's options) gets no suggestion.
 */
function refusal(t: Target, looksLike: string | null, reason: DetectReason | null, because: string, candidates: readonly DialectName[] = [], detail?: string, generic = false): DialectRefusal {
  const hint = candidates.length
    ? `pass ${candidates.map((d) => `--dialect ${d}`).join(' or ')} if that is what reads it`
    : generic
      ? 'pass --dialect NAME to read it as one of them'
      : '';
  // Standard input has no path: the path it stands for may decide (--stdin-filename).
  const stdin = t.shown === '-' ? `${hint ? ', or' : 'pass'} --stdin-filename PATH to name the file it stands for` : '';
  const force = hint || stdin ? `; ${hint}${stdin}` : '';
  const what = detail ?? (looksLike ? `it looks like ${looksLike} (${because})` : `mchard cannot tell which program reads it${because ? ` (${because})` : ''}`);
  return {
    refused: true,
    path: t.given,
    looksLike,
    reason,
    because,
    template: t.template,
    candidates,
    message: `not read: ${what}; ${WHAT_MCHARD_READS}${force}`,
  };
}

/**
 * Debian's packaged memcached.service runs the wrapper on /etc/memcached.conf only (Debian 12 ships no
 * memcached@.service): an instance file is read by the SysV init script, which runs start-memcached once
 * per /etc/memcached_*.conf (and then ignores /etc/memcached.conf), or by a unit the host adds.
 */
const INSTANCE_CAVEAT =
  "Debian's packaged memcached.service reads only /etc/memcached.conf: the SysV init script (one memcached per /etc/memcached_*.conf) or a unit of the host's own reads this file, so the host decides whether anything reads it";

const joinCaveats = (a: string | null, b: string | null): string | null => (a && b ? `${a}; ${b}` : a ?? b);

/** What a file's content says when its path or name decided otherwise (for a caveat). */
function caveatFor(dialect: DialectName, s: Sniffed): string | null {
  if (dialect === 'debian') {
    if (s.signature?.assignments || (!s.signature && s.assignments > 0 && s.assignments >= s.options)) {
      const what = s.signature ? s.signature.what : 'KEY=value assignments';
      return `it holds ${what}, as an environment file does, not memcached options: the wrapper does not read them as settings (it skips each line that holds a space and passes the others to memcached as words)`;
    }
    if (s.signature && s.signature.dialect !== 'debian') {
      return `it looks like ${s.signature.what}, not memcached options: the wrapper reads it line by line all the same (it skips each line that does not start with "-" and holds a space, and passes the rest to memcached)`;
    }
    return null;
  }
  if (s.signature && s.signature.dialect !== dialect) return `it looks like ${s.signature.what}`;
  if (dialect === 'sysconfig' && s.options > s.assignments) return 'it holds option lines, not KEY=value assignments: systemd ignores lines without "="';
  if (dialect === 'sysconfig') {
    const foreign = foreignVariables(s);
    if (foreign.length) {
      return `it also sets ${foreign.map((n) => `${n}=`).join(', ')}, which the packaged memcached.service does not read: if a unit of its own reads ${foreign.length === 1 ? 'it' : 'them'}, mchard does not see what ${foreign.length === 1 ? 'it does' : 'they do'}`;
    }
  }
  return null;
}

/** Variables a sysconfig file sets that RHEL's packaged unit does not read (shown at most five). */
function foreignVariables(s: Sniffed): string[] {
  return [...s.names].filter((n) => !RHEL_VARS.includes(n)).slice(0, 5);
}

/**
 * A file taken for RHEL's /etc/sysconfig/memcached by its path or name that another distribution's unit
 * or script reads: it sets variables but none of those RHEL's unit reads (PLD's LISTEN=, MEMCACHED_OPTS=),
 * or it sets none and its comments document variables RHEL's unit does not read and not USER=, which
 * RHEL's file always has (OpenMandriva's file: every line commented, IPADDR= and THREADS= among them;
 * its memcached@.service sets its own defaults and reads those). Judged by RHEL's unit, such a file gets
 * errors about variables its own unit never asks for.
 */
function otherSysconfig(t: Target, s: Sniffed, because: string): DialectRefusal | null {
  if (s.names.size === 0) {
    const documented = [...s.commented].filter((n) => !RHEL_VARS.includes(n));
    if (documented.length === 0 || s.commented.has('USER')) return null;
    const names = documented.slice(0, 5).map((n) => `${n}=`).join(', ');
    return refusal(t, `another distribution's /etc/sysconfig/memcached (every variable commented out, and its comments name ${names}, which RHEL's memcached.service does not read, and no USER=, which RHEL's file always has: another distribution's unit reads it, with defaults of its own)`, 'content', because, ['sysconfig']);
  }
  if (RHEL_VARS.some((n) => s.names.has(n))) return null;
  const names = foreignVariables(s).map((n) => `${n}=`).join(', ');
  return refusal(t, `another distribution's /etc/sysconfig/memcached (${names}: none of PORT, USER, MAXCONN, CACHESIZE, OPTIONS, which RHEL's memcached.service reads)`, 'content', because, ['sysconfig']);
}

/**
 * A file at /etc/conf.d/memcached that sets variables, none of them one OpenRC's memcached scripts read
 * (openrc.ts) or openrc-run's own `rc_*`: another init system's (Arch's former rc.d script read
 * MEMCACHED_ARGS= there). OpenRC's script would run with none of its settings.
 */
function otherOpenrc(t: Target, s: Sniffed, because: string): DialectRefusal | null {
  const names = [...s.names];
  if (names.length === 0 || names.some((n) => OPENRC_READS.includes(n) || n.startsWith('rc_'))) return null;
  const what = s.signature?.dialect === null && s.signature.assignments ? s.signature.what : `another init system's /etc/conf.d/memcached (${names.slice(0, 4).join('=, ')}=: none of OpenRC's)`;
  return { ...refusal(t, what, 'content', because, ['openrc']), memcachedOwn: true };
}

/**
 * OpenBSD's /etc/rc.conf.local sets `pkg_scripts=`, the package daemons rc starts (rc.d(8)), which no FreeBSD
 * rc.conf has. Its `memcached_flags=` goes to OpenBSD's rc.d/memcached, which puts it after arguments of its
 * own and is enabled by pkg_scripts, not memcached_enable: FreeBSD's script (its -u nobody, its enable
 * variable) would be the wrong reading.
 */
const OPENBSD_RC_CONF = "OpenBSD's rc.conf.local (pkg_scripts=, the package daemons OpenBSD's rc starts; OpenBSD's rc.d/memcached script, not FreeBSD's, reads its memcached_flags=)";

const NETBSD_RC_CONF = "NetBSD's rc.conf (rc_configured=, NAME=YES: NetBSD's rc starts memcached when memcached=YES, not FreeBSD's memcached_enable, and pkgsrc's rc.d/memcached script adds -d and -u with the package's user, not FreeBSD's -u nobody)";

/**
 * OpenRC's global /etc/rc.conf (Gentoo, Alpine and the other OpenRC systems) is no FreeBSD rc.conf: openrc-run
 * sources it before each service's /etc/conf.d file, and OpenRC's memcached scripts read no memcached_flags=.
 * Told by the settings only OpenRC documents there (`rc_parallel`, `rc_tty_number`, `rc_cgroup_mode`...,
 * commented out or not) when the file sets none of the FreeBSD port's variables.
 */
const OPENRC_RC_CONF = /^#?[ \t]*rc_(parallel|interactive|hotplug|logger|tty_number|cgroup_mode|send_sig\w+)=/m;

function otherRcConf(t: Target, text: string, s: Sniffed, because: string): DialectRefusal | null {
  if (s.names.has('pkg_scripts')) return refusal(t, OPENBSD_RC_CONF, 'content', because);
  // NetBSD: rc_configured= (its rc drops to single user without it; FreeBSD has no such variable), and a
  // service enabled as NAME=YES, which FreeBSD's memcached script never reads (memcached_enable).
  if (s.names.has('rc_configured') || (s.names.has('memcached') && !s.names.has('memcached_enable'))) return refusal(t, NETBSD_RC_CONF, 'content', because);
  if (t.base.startsWith('memcached') || RCCONF_VARS.some((n) => s.names.has(n))) return null;
  // Void's runit and Arch's former initscripts read an /etc/rc.conf of their own: HOSTNAME=, KEYMAP=,
  // TIMEZONE=, DAEMONS=(...), in capitals, where FreeBSD's variables are in lower case (sshd_enable=).
  const names = [...(s.names.size > 0 ? s.names : s.commented)];
  const caps = names.filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n));
  if (caps.length * 2 > names.length && !names.some((n) => n.endsWith('_enable'))) {
    return refusal(t, `a Linux system's /etc/rc.conf (${caps.slice(0, 4).join('=, ')}=: Void's or Arch's), not FreeBSD's`, 'content', because);
  }
  if (!OPENRC_RC_CONF.test(text.slice(0, SNIFF_LIMIT))) return null;
  return refusal(t, "OpenRC's global /etc/rc.conf (Gentoo, Alpine): memcached's settings are in /etc/conf.d/memcached", 'content', because);
}

/** Files beside the one detected that say what it is (read by the caller; detection does no I/O). */
export interface Companions {
  /** The text of the `Chart.yaml` in the same folder, for a `values*.yaml` file. */
  readonly chartYaml?: string | null;
  /** For a Compose file of a default name: the override file beside it that docker compose merges (ParseContext). */
  readonly composeOverride?: string | null;
  /** For a memcached.conf outside this machine's configuration: another program's file beside it that takes it (a KubeDB resource, a kustomization's generator); for a Kubernetes object's YAML, a kustomization that names it as a patch. */
  readonly owner?: { readonly looksLike: string; readonly because: string; readonly candidates?: readonly DialectName[] } | null;
}

/** What a Chart.yaml says about Bitnami's memcached chart: it is that chart, it depends on it, or neither. */
export function chartRelation(chartYaml: string): 'chart' | 'dependency' | null {
  if (/^name:[ \t]*["']?memcached["']?[ \t]*(#.*)?\r?$/m.test(chartYaml) && /bitnami/i.test(chartYaml)) return 'chart';
  // The entries of `dependencies:`, one text each: one names memcached from a Bitnami repository.
  const entries: string[] = [];
  let inDeps = false;
  let cur: string | null = null;
  for (const line of chartYaml.split(/\r?\n/)) {
    if (/^dependencies:[ \t]*(#.*)?$/.test(line)) {
      inDeps = true;
      continue;
    }
    if (!inDeps) continue;
    if (/^[^\s#-]/.test(line)) break;
    if (/^[ \t]*-[ \t]/.test(line)) {
      if (cur !== null) entries.push(cur);
      cur = line.replace(/^[ \t]*-/, ' ');
    } else if (cur !== null) cur += `\n${line}`;
  }
  if (cur !== null) entries.push(cur);
  const dep = entries.some((e) => /^[ \t]*name:[ \t]*["']?memcached["']?[ \t]*(#.*)?$/m.test(e) && /^[ \t]*repository:.*bitnami/im.test(e));
  return dep ? 'dependency' : null;
}

/**
 * A `values*.yaml` file (or one whose content is the values of Bitnami's memcached chart): read as `helm`
 * when the Chart.yaml beside it is Bitnami's memcached chart or depends on it, or when its content names
 * Bitnami's memcached image as the chart's `image.repository`. Another chart's values are refused by name.
 */
function helmValuesChoice(t: Target, s: Sniffed, companions: Companions): Detection | null {
  const named = t.base.startsWith('values') && /^values([.-][^/]*)?\.ya?ml$/.test(t.base);
  if (!named) return null;
  const chart = companions.chartYaml ? chartRelation(companions.chartYaml) : null;
  if (chart === 'chart') return choice(t, 'helm', 'path', 'certain', `path ${t.base} beside the Chart.yaml of Bitnami's memcached chart`);
  if (chart === 'dependency') return choice(t, 'helm', 'path', 'certain', `path ${t.base} beside a Chart.yaml that depends on Bitnami's memcached chart (the values under the dependency's name or alias)`);
  if (s.signature?.dialect === 'helm') return choice(t, 'helm', 'name', 'high', `${nameText(t)} and content: ${s.signature.what}`);
  return null;
}

/**
 * Which program reads the file at `path` holding `text`: a dialect with the reason and confidence, or a
 * refusal. `explicit` (`--dialect`) decides when given; `companions` are files beside it the caller read.
 */
export function detectDialect(path: string, text: string, explicit?: DialectName, companions: Companions = {}): Detection {
  const t = targetOf(path);
  if (explicit) return choice(t, explicit, 'flag', 'certain', `--dialect ${explicit}`);
  const s = sniff(text);
  const helmValues = helmValuesChoice(t, s, companions);
  if (helmValues) return helmValues;
  if (companions.owner && !t.system) return refusal(t, companions.owner.looksLike, 'path', companions.owner.because, companions.owner.candidates);

  // 1. A service's well-known path.
  if (path !== '-') {
    for (const rule of PATH_RULES) {
      if (!rule.may(t.dir, t.base)) continue;
      const m = rule.re.exec(t.tail);
      if (!m) continue;
      // In a repository, a folder's name yields to a file whose name and content are both of one format
      // mchard reads (mdserver-web keeps its systemd unit in init.d/memcached.service.tpl).
      if (rule.dialect === null && !t.system && s.signature?.dialect && STRONG_NAMES.some((n) => n.dialect === s.signature!.dialect && nameMatches(n, t.base, t.base.toLowerCase()))) break;
      const because = describeTarget(t, m[0], rule.installed);
      if (rule.dialect === null) return refusal(t, rule.looksLike ?? null, 'path', because);
      // /etc/sysconfig/memcached holding SUSE's variables is read by SUSE's unit, not RHEL's; PLD's and
      // OpenMandriva's by theirs.
      if (rule.dialect === 'sysconfig' && s.signature && s.signature.dialect === null && s.signature.assignments) {
        return refusal(t, s.signature.what, 'content', `content, at ${because}`);
      }
      const other = rule.dialect === 'sysconfig' ? otherSysconfig(t, s, because) : rule.dialect === 'rcconf' ? otherRcConf(t, text, s, because) : rule.dialect === 'openrc' ? otherOpenrc(t, s, because) : null;
      if (other) return other;
      // In a repository, a file unmistakably of another format is not what the path suggests.
      if (!t.system && s.signature && s.signature.family !== rule.dialect && !s.signature.assignments) {
        return refusal(t, s.signature.what, 'content', because, [rule.dialect], `its ${clause(because)} says ${READ_BY[rule.dialect]} reads it, but it looks like ${s.signature.what}`);
      }
      return choice(t, rule.dialect, 'path', 'certain', because, joinCaveats(rule.installed === '/etc/memcached_NAME.conf' ? INSTANCE_CAVEAT : null, caveatFor(rule.dialect, s)));
    }
  }

  // 2. A name only one format uses. A program's source code first: its language reads it.
  const language = path === '-' ? undefined : SOURCE_CODE[suffixOf(t.base)];
  if (language) return refusal(t, `${language} source code (the program it belongs to reads it, not memcached's service)`, 'name', nameText(t));
  if (path !== '-') {
    const lower = t.base.toLowerCase();
    for (const rule of STRONG_NAMES) {
      if (!nameMatches(rule, t.base, lower)) continue;
      const because = nameText(t);
      if (rule.dialect === null) return refusal(t, rule.describe ? rule.describe(t.path, t.base, text.slice(0, 1 << 20)) : (rule.looksLike ?? null), 'name', because);
      // A Dockerfile is read only when it runs memcached; any other Dockerfile is refused by its name.
      if (rule.dialect === 'dockerfile' && s.signature?.dialect !== 'dockerfile' && !dockerfileRunsMemcached(text.length > SNIFF_LIMIT ? text.slice(0, SNIFF_LIMIT) : text)) {
        const what = 'a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached';
        return refusal(t, what, 'name', because, [], `it is ${what} (${because})`, true);
      }
      if (rule.dialect === 'sysconfig' && s.signature && s.signature.dialect === null && s.signature.assignments) {
        return refusal(t, s.signature.what, 'content', `content, with ${because}`);
      }
      const other = rule.dialect === 'sysconfig' ? otherSysconfig(t, s, because) : rule.dialect === 'rcconf' ? otherRcConf(t, text, s, because) : null;
      if (other) return other;
      if (s.signature && s.signature.family !== rule.dialect && !(s.signature.assignments && rule.dialect === 'sysconfig')) {
        return refusal(t, s.signature.what, 'content', because, [rule.dialect], `its ${clause(because)} says ${READ_BY[rule.dialect]} reads it, but it looks like ${s.signature.what}`);
      }
      return choice(t, rule.dialect, 'name', 'high', because, caveatFor(rule.dialect, s));
    }
  }

  // 3. Content only one format has (it beats a name several formats share: supervisord programs kept
  //    in conf.d/memcached.conf are supervisord's).
  const lowerBase = t.base.toLowerCase();
  const weak = path === '-' ? undefined : WEAK_NAMES.find((w) => nameMatches(w, t.base, lowerBase));
  if (s.signature) {
    if (s.signature.dialect === null) {
      // A few `x = y` lines read as shell code, [tool.x] as an INI section; a name of a format mchard knows (a
      // .lua proxy route file, a .toml file) says more.
      const named = /^(shell code|an INI file)/.test(s.signature.what) && path !== '-' && suffixOf(t.base) !== '.ini' ? OTHER_FORMATS[suffixOf(t.base)] : undefined;
      if (named) return refusal(t, named.includes('(') ? named : `${named} (another program's settings)`, 'name', nameText(t));
      return refusal(t, s.signature.what, 'content', 'content', [], undefined, !!s.signature.family);
    }
    if (weak && weak.dialect === s.signature.dialect) {
      return choice(t, s.signature.dialect, 'name', 'high', `${nameText(t)} and content: ${s.signature.what}`);
    }
    // The name and the content disagree: said wherever the choice is shown (lint's note too).
    const caveat = weak ? `its name ${t.base} alone would suggest ${weak.what}` : null;
    return choice(t, s.signature.dialect, 'content', 'high', `content: ${s.signature.what}`, caveat);
  }

  // 4. A file named as another format's (`memcached.yml`, `memcached.json`) is that format's, not an option
  //    file, whatever word its name holds (Hiera's data/Debian.yaml is Puppet's data for Debian hosts, not
  //    Debian's /etc/memcached.conf; its `---` is no option).
  const format = OTHER_FORMATS[suffixOf(t.base)];
  if (path !== '-' && format) return refusal(t, format.includes('(') ? format : `${format} (another program's settings)`, 'name', nameText(t));

  // 5. A name several formats share, when the content agrees or says nothing.
  const guess = guessOf(s);
  if (weak) {
    const because = nameText(t);
    if (weak.dialect === 'suse') return refusal(t, weak.what, 'name', because);
    if (weak.dialect !== 'debian' && weak.dialect !== 'sysconfig') {
      // An OpenRC, rc.conf, unit or supervisord name without that format's signature: nothing confirms it.
      return refusal(t, null, 'name', because, [weak.dialect], `its ${clause(because)} suggests ${weak.what}, but nothing in it is that format's`);
    }
    // A name that says only a distribution (ubuntu.opts, centos-build.env), over lines none of which is
    // memcached's: another program's file, whatever the distribution's memcached file would be called.
    if (guess !== null && !/memcache/i.test(t.base) && !guessHasMemcached(guess, s, text)) {
      return refusal(t, GUESS_NOT_MEMCACHED[guess], 'content', because, [], `its ${clause(because)} suggests ${weak.what}, but it holds ${GUESS_NOT_MEMCACHED[guess]}`);
    }
    if (weak.dialect === 'sysconfig') {
      const other = otherSysconfig(t, s, because);
      if (other) return other;
    }
    // A YAML document (netdata's `jobs:` with `- name:` items, which would count as options).
    if (s.yamlKey) return refusal(t, YAML_LOOKS, 'content', because, [], `its ${clause(because)} suggests ${weak.what}, but it is ${YAML_LOOKS}`);
    // Lines, but not one of them an option or an assignment: not a file of memcached's service at all
    // (a monit check, collectd's plugin, an application's list of servers) whatever its name says.
    if (guess === null && s.other > 0) {
      // Cyrus SASL's memcached.conf kept outside a sasl2/ folder (SASL_CONF_PATH names its folder).
      if (/^(mech_list|sasldb_path|pwcheck_method|auxprop_plugin)[ \t]*:/m.test(text)) return refusal(t, SASL_LOOKS, 'content', because);
      return refusal(t, `another program's file (none of its lines is ${weak.dialect === 'debian' ? 'a memcached option' : 'a KEY=value assignment'})`, 'content', because, [],
        `its ${clause(because)} suggests ${weak.what}, but none of its lines is ${weak.dialect === 'debian' ? 'a memcached option' : 'a KEY=value assignment'}: another program reads it`);
    }
    if (guess === null || guess === weak.dialect) {
      const holds = guess === 'debian' ? ', and it holds option lines' : guess === 'sysconfig' ? ', and it holds KEY=value assignments' : '';
      return choice(t, weak.dialect, 'name', 'high', `${because}${holds}`, caveatFor(weak.dialect, s));
    }
    return refusal(t, GUESS_LOOKS[guess], 'content', because, [weak.dialect, guess],
      `its ${clause(because)} suggests ${weak.what}, but it holds ${GUESS_LOOKS[guess]}: where it is installed decides which program reads it`);
  }

  // 6. The option-file heuristic is a guess: refuse, saying what it looks like.
  if (s.yamlKey) return refusal(t, YAML_LOOKS, 'content', 'content');
  // MEMCACHED_* variables and none of RHEL's (yutfut/go-key-value's env_file: for the official image, with
  // Bitnami's MEMCACHED_USERNAME=): an image's entrypoint or a script reads them, if anything does; RHEL's unit would not.
  const ours = [...s.names].filter((n) => n.startsWith('MEMCACHED_'));
  if (guess === 'sysconfig' && ours.length && !RHEL_VARS.some((n) => s.names.has(n))) {
    return { ...refusal(t, `variables for a memcached image's or script's start (${ours.slice(0, 3).join('=, ')}=: the container's env_file:, docker's --env-file or the script that sources them decides what they do; RHEL's unit reads none of them)`, 'content', 'content'), memcachedOwn: true };
  }
  if (guess) return guessHasMemcached(guess, s, text) ? refusal(t, GUESS_LOOKS[guess], 'content', 'content', [guess]) : refusal(t, GUESS_NOT_MEMCACHED[guess], 'content', 'content');
  if (/^\s*$/.test(text)) return refusal(t, null, null, 'the file is empty and its name does not say what reads it', [], undefined, true);
  // A template all of whose lines are its own code and tags (saz/puppet-memcached's memcached_svcprop.erb builds
  // memcached's options in Ruby and prints them with one <%= %>): what it renders is not in the file.
  if (t.template && s.options === 0 && s.assignments === 0 && s.other === 0) {
    return refusal(t, 'a template whose lines are all its own code and tags (the text it renders is built by that code, not written in the file: render it and lint the result)', 'content', nameText(t));
  }
  // A file that names memcached may be its configuration in a format the content does not show; one that
  // does not is another program's (a .dockerignore, a MANIFEST.in).
  // memcached for Windows' command line (saz/puppet-memcached's memcached_windows.erb renders the service's
  // ImagePath: c:\memcached\memcached.exe -d runservice ...): the service control manager runs it, no shell.
  if (/\bmemcached\.exe\b/i.test(text)) return refusal(t, "a Windows command line of memcached.exe (a Windows service's or script's; mchard does not read Windows command lines)", 'content', t.template ? nameText(t) : 'content');
  if (/\bmemcached\b/i.test(text)) return refusal(t, null, null, '', [], undefined, true);
  return refusal(t, "another program's file (nothing in it is memcached configuration)", 'content', 'content', [], "nothing in it is memcached configuration (none of its lines is a memcached option or a KEY=value setting, and neither its path nor its name is a memcached file's)");
}

/**
 * The dialect for a file, or null when mchard refuses it. Kept for callers that only need the name;
 * `detectDialect` says why.
 */
export function chooseDialect(path: string, text: string, explicit?: DialectName): DialectName | null {
  const d = detectDialect(path, text, explicit);
  return d.refused ? null : d.dialect;
}

/**
 * What lint says beside a file's findings about how it read the file, or null: set when the content
 * says something the reader does not do with it (the caveat inspect shows as its note), so a report never
 * judges such a file without saying so. The reader and what decided it come first: "read by X (path P),
 * but it also sets EXTRA_OPTS=, which ...".
 */
export function readingNote(d: Detection | undefined): string | null {
  if (!d || d.refused || !d.caveat) return null;
  return `read by ${d.readBy} (${d.because}), but ${d.caveat}`;
}

/** The JSON fields lint and inspect report for a file's dialect. */
export function detectionFields(d: Detection): Record<string, unknown> {
  if (d.refused) return { dialect: null, refused: { looksLike: d.looksLike, reason: d.reason, message: d.message, ...(d.template ? { template: d.template } : {}) } };
  return {
    dialect: d.dialect,
    dialectReason: d.reason,
    dialectConfidence: d.confidence,
    readBy: d.readBy,
    detection: d.explanation,
    ...(d.template ? { template: d.template } : {}),
  };
}

// ---- Finding configuration files by their paths ----

/**
 * What a file's path alone says, for finding configuration files under a folder (`mchard lint DIR`), on
 * this host's system paths and in the pre-commit hook, where mchard is not handed the file by name:
 * - `memcached`: a path of memcached's own configuration (`etc/memcached.conf`, `sysconfig/memcached`,
 *   `conf.d/memcached`, `rc.conf.d/memcached`, `memcached.service`, `memcached.service.d/*.conf`,
 *   `supervisor/conf.d/memcached.conf`, `memcached-RedHat.conf.j2`, ...);
 * - `shared`: a path of a format that holds other programs' configuration too (`rc.conf`, `*.service`,
 *   `docker-compose.yml`, `supervisor/conf.d/*.conf`, `supervisord.conf`): it counts only when it holds
 *   memcached (`holdsMemcached`);
 * - null: not a path mchard reads, or one of a format mchard refuses by path (`/etc/init/*.conf`,
 *   `init.d/*`, Ansible `tasks/`), or a copy: a backup suffix (`.bak`, `.dpkg-dist`, `~`, `.example`)
 *   or one of mchard fix's own backups, locks and temporary files.
 * Template suffixes count (`memcached.conf.j2` is a template of `memcached.conf`). Besides the paths and
 * names that decide a format, a name that says memcached counts when it has no suffix, `.conf`, or a
 * distribution's or format's word (`memcached`, `memcached_sessions.conf`, `centos_memcached`,
 * `memcached.debian`), not another program's suffix (`memcached.ini` is PHP's, `memcached.md` a README).
 */
export type ConfigPathKind = 'memcached' | 'shared';

export function configPathKind(path: string): ConfigPathKind | null {
  const given = slashes(path);
  if (isMchardFile(given.slice(given.lastIndexOf('/') + 1))) return null;
  if (withoutBackupSuffix(given) !== given) return null;
  const t = targetOf(given);
  const named = /memcached/i.test(t.base) || /memcached/i.test(t.dir);
  const kind = (dialect: DialectName | null): ConfigPathKind | null => (dialect === null ? null : named ? 'memcached' : 'shared');
  for (const rule of PATH_RULES) if (rule.may(t.dir, t.base) && rule.re.test(t.tail)) return kind(rule.dialect);
  const lower = t.base.toLowerCase();
  for (const rule of STRONG_NAMES) if (nameMatches(rule, t.base, lower)) return kind(rule.dialect);
  if (STACK_FILE.test(t.base)) return kind('compose');
  if (!/memcached/i.test(t.base)) return null;
  const weak = WEAK_NAMES.find((w) => nameMatches(w, t.base, lower));
  if (weak?.dialect === 'suse') return null;
  const ext = suffixOf(t.base);
  if (ext === '.conf' || t.base === 'memcached' || (ext === '' && weak)) return 'memcached';
  // `memcached.debian`, `memcached.redhat`: the suffix is the distribution's word.
  return ext && WEAK_NAMES.some((w) => w.dialect !== 'suse' && nameMatches(w, ext.slice(1), ext.slice(1).toLowerCase())) ? 'memcached' : null;
}

/**
 * Whether a file a format of several programs holds (a unit, a Compose file, supervisord programs,
 * rc.conf) configures memcached at all: a service or program whose image, entrypoint or command runs
 * memcached, a `memcached_*=` variable, or (other formats) a line that is not a comment naming memcached.
 * A file that does not is another program's, and is passed over where mchard looks for files itself.
 */
export function holdsMemcached(dialect: DialectName, text: string): boolean {
  const t = text.length > SNIFF_LIMIT ? text.slice(0, SNIFF_LIMIT) : text;
  switch (dialect) {
    case 'compose':
      return composeRunsMemcached(t);
    case 'kubernetes':
      return manifestRunsMemcached(t);
    case 'dockerfile':
      return dockerfileRunsMemcached(t);
    case 'helm':
      // Read only as the values of Bitnami's memcached chart (its Chart.yaml or its image).
      return true;
    case 'supervisord':
      return /^[ \t]*command[ \t]*[=:][^\n]*memcached/im.test(t);
    case 'rcconf':
      return /^[ \t]*memcached_\w+[ \t]*=/m.test(t);
    default:
      return /^[ \t]*[^#;\s][^\n]*memcached/im.test(t);
  }
}
