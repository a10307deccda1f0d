import type { Severity } from '../src/engine/types.js';
import { defineRule, security, type RuleContext } from '../src/engine/rule.js';
import type { Span } from '../src/source.js';
import { compareVersions, formatVersion, parseVersion, type Version } from '../src/memcached/version.js';
import { olderThan, type ImageVersion } from '../src/dialects/images/index.js';

/** What a vulnerability needs of the configuration before an attacker can reach it. */
type Feature = 'any' | 'binary-protocol' | 'sasl' | 'proxy' | 'udp' | 'auth-file' | 'verbose' | 'unix-socket';

interface Vulnerability {
  readonly cves: readonly string[];
  /** In mchard's words. */
  readonly summary: string;
  /** First affected release, when the record names one; null: every earlier release. */
  readonly introduced: string | null;
  /** The first release without it. */
  readonly fixed: string;
  readonly feature: Feature;
  readonly source: string;
}

/**
 * memcached releases with published vulnerabilities, each checked against its CVE record (CVEProject
 * cvelist / cvelistV5) and the memcached commit or release that fixed it (memcached/memcached, the first
 * tag holding the fix). Newest first.
 */
export const VULNERABILITIES: readonly Vulnerability[] = [
  {
    cves: ['CVE-2023-46852', 'CVE-2023-46853'],
    summary: 'proxy mode: a multiget with many spaces overflows a buffer, and a request ending in a bare newline is read one byte past its end',
    introduced: '1.6.13',
    fixed: '1.6.22',
    feature: 'proxy',
    source: 'https://github.com/memcached/memcached/compare/1.6.21...1.6.22',
  },
  {
    cves: ['CVE-2021-37519'],
    summary: 'a crafted --auth-file (-Y) overflows a heap buffer while memcached reads it at start',
    introduced: '1.5.15',
    fixed: '1.6.10',
    feature: 'auth-file',
    source: 'https://github.com/memcached/memcached/issues/805',
  },
  {
    cves: ['CVE-2022-48571'],
    summary: 'a multi-packet UDP request crashes memcached (a null response object)',
    introduced: '1.6.0',
    fixed: '1.6.8',
    feature: 'udp',
    source: 'https://github.com/memcached/memcached/commit/6b319c8c7a29e9c353dec83dc92f01905f6c8966',
  },
  {
    cves: ['CVE-2020-22570'],
    summary: 'a crafted meta command crashes memcached',
    introduced: '1.6.0',
    fixed: '1.6.3',
    feature: 'any',
    source: 'https://github.com/memcached/memcached/issues/636',
  },
  {
    cves: ['CVE-2020-10931'],
    summary: 'a crafted binary protocol header overflows a stack buffer (remote crash)',
    introduced: '1.6.0',
    fixed: '1.6.2',
    feature: 'binary-protocol',
    source: 'https://github.com/memcached/memcached/wiki/ReleaseNotes162',
  },
  {
    cves: ['CVE-2019-15026'],
    summary: 'with a unix socket, building a connection name reads past a stack buffer',
    introduced: '1.5.16',
    fixed: '1.5.17',
    feature: 'unix-socket',
    source: 'https://github.com/memcached/memcached/wiki/ReleaseNotes1517',
  },
  {
    cves: ['CVE-2019-11596'],
    summary: 'the "lru mode" and "lru temp_ttl" commands dereference a null pointer (remote crash)',
    introduced: '1.4.35',
    fixed: '1.5.14',
    feature: 'any',
    source: 'https://github.com/memcached/memcached/issues/474',
  },
  {
    cves: ['CVE-2018-1000115'],
    summary: 'UDP is on by default and answers tiny requests with large replies: memcached servers were used for record DDoS amplification',
    introduced: null,
    fixed: '1.5.6',
    feature: 'udp',
    source: 'https://github.com/memcached/memcached/wiki/ReleaseNotes156',
  },
  {
    cves: ['CVE-2017-9951'],
    summary: 'an add/set request triggers a heap over-read (an incomplete fix of CVE-2016-8705; remote crash)',
    introduced: null,
    fixed: '1.4.39',
    feature: 'any',
    source: 'https://github.com/memcached/memcached/wiki/ReleaseNotes1439',
  },
  {
    cves: ['CVE-2018-1000127'],
    summary: 'an item reference count can overflow, so items still in the hash table are reused (data corruption, deadlocks)',
    introduced: null,
    fixed: '1.4.37',
    feature: 'any',
    source: 'https://github.com/memcached/memcached/wiki/ReleaseNotes1437',
  },
  {
    cves: ['CVE-2016-8704', 'CVE-2016-8705', 'CVE-2016-8706'],
    summary: 'integer overflows in the binary protocol append/prepend, update and SASL authentication commands lead to heap overflows (remote code execution)',
    introduced: null,
    fixed: '1.4.33',
    feature: 'binary-protocol',
    source: 'https://www.talosintelligence.com/reports/TALOS-2016-0219/',
  },
  {
    cves: ['CVE-2013-7239'],
    summary: 'SASL authentication can be bypassed: a failed then a wrong login is accepted',
    introduced: null,
    fixed: '1.4.17',
    feature: 'sasl',
    source: 'https://code.google.com/p/memcached/wiki/ReleaseNotes1417',
  },
  {
    cves: ['CVE-2013-0179', 'CVE-2013-7290', 'CVE-2013-7291'],
    summary: 'in verbose mode, logging a key reads past its end (remote crash)',
    introduced: null,
    fixed: '1.4.17',
    feature: 'verbose',
    source: 'https://code.google.com/p/memcached/wiki/ReleaseNotes1417',
  },
  {
    cves: ['CVE-2011-4971'],
    summary: 'a large body length in a binary protocol packet crashes memcached (signedness errors)',
    introduced: null,
    fixed: '1.4.6',
    feature: 'binary-protocol',
    source: 'https://code.google.com/p/memcached/issues/detail?id=192',
  },
  {
    cves: ['CVE-2010-1152'],
    summary: 'a long line makes memcached allocate without bound (hang or crash)',
    introduced: null,
    fixed: '1.4.3',
    feature: 'any',
    source: 'http://code.google.com/p/memcached/issues/detail?id=102',
  },
  {
    cves: ['CVE-2009-1255'],
    summary: '"stats maps" and "stats malloc" disclose the memory layout to any client (defeats ASLR)',
    introduced: null,
    fixed: '1.2.8',
    feature: 'any',
    source: 'http://www.positronsecurity.com/advisories/2009-001.html',
  },
];

const v = (text: string) => parseVersion(text)!;

const FEATURE_NAME: Readonly<Record<Feature, string>> = {
  any: 'anything',
  'binary-protocol': 'the binary protocol',
  sasl: 'SASL',
  proxy: 'proxy mode',
  udp: 'UDP',
  'auth-file': 'an authentication file (-Y)',
  verbose: 'verbose mode',
  'unix-socket': 'a unix socket',
};

/** Whether the configuration uses what the vulnerability needs, and how to say so. */
function uses(ctx: RuleContext, f: Feature): { used: boolean | null; how: string } {
  const s = ctx.model.applied.settings;
  if (f === 'any') return { used: true, how: 'every configuration' };
  // The file does not show memcached's options (an image's own command, an env_file): it may use the feature.
  if (ctx.config.argvUnknown) return { used: null, how: `the file does not show whether it uses ${FEATURE_NAME[f]}` };
  switch (f) {
    case 'binary-protocol':
      return s.protocol === 'ascii' ? { used: false, how: '-B ascii turns the binary protocol off' } : { used: true, how: s.protocolSpecified ? `-B ${s.protocol} accepts the binary protocol` : 'the binary protocol is accepted by default (-B auto)' };
    case 'sasl':
      return s.sasl ? { used: true, how: '-S turns SASL on' } : { used: false, how: 'SASL is off (no -S)' };
    case 'proxy': {
      const on = ctx.model.applied.options.some((o) => o.spec.short === 'o' && /(^|,)\s*proxy_config\b/.test(o.value ?? ''));
      return on ? { used: true, how: '-o proxy_config runs proxy mode' } : { used: false, how: 'proxy mode is off (no -o proxy_config)' };
    }
    case 'udp': {
      // Whether UDP is on differs between releases the file may run (a tag from a variable).
      if (ctx.model.unknownOf('udpport')) return { used: null, how: 'whether UDP is on depends on the release' };
      const udp = ctx.model.listeners.some((l) => l.transport === 'udp');
      return udp ? { used: true, how: 'UDP is on' } : { used: false, how: 'UDP is off' };
    }
    case 'auth-file':
      return s.authFile !== null ? { used: true, how: '-Y reads an authentication file' } : { used: false, how: 'no -Y' };
    case 'verbose':
      return s.verbose > 0 ? { used: true, how: `-${'v'.repeat(s.verbose)} turns verbose mode on` } : { used: false, how: 'verbose mode is off' };
    case 'unix-socket':
      return s.socketpath !== null ? { used: true, how: '-s listens on a unix socket' } : { used: false, how: 'no unix socket' };
  }
}

interface Target {
  /** The release(s) judged. */
  readonly version: ImageVersion;
  /** `the image memcached:1.4.25`, `memcached 1.6.18 (the installed binary)`. */
  readonly what: string;
  /** An upstream build (an image's tag) rather than a version a distribution may have patched. */
  readonly upstream: boolean;
  /** Only the release a variable's default names: whoever builds or runs the file may choose another. */
  readonly conditional?: boolean;
  readonly span: Span | null;
}

function targetOf(ctx: RuleContext): Target | null {
  const image = ctx.config.image;
  if (image && (image.info.family === 'official' || image.info.family === 'bitnami')) {
    const given = image.info.version;
    // A tag from a variable: judged for the release its default names, and said to be only that.
    const iv = given.kind === 'depends' ? given.assumed : given;
    if (!iv || iv.kind === 'unknown') return null;
    const release =
      given.kind === 'depends' ? `memcached ${given.short}` : iv.kind === 'exact' ? `memcached ${formatVersion(iv.version)}` : `${iv.why}: memcached ${formatVersion(iv.min)}${iv.max ? ` to ${formatVersion(iv.max)}` : ' or later'}`;
    return { version: iv, what: `the image ${given.kind === 'depends' ? given.written : image.info.ref.text} (${release})`, upstream: true, conditional: given.kind === 'depends', span: image.span };
  }
  // An image the Dockerfile builds from memcached's own release source: that release, an upstream build.
  if (image?.info.fromSource) {
    const given = image.info.version;
    const iv = given.kind === 'depends' ? given.assumed : given;
    if (!iv || iv.kind === 'unknown') return null;
    const release = given.kind === 'depends' ? `memcached ${given.short}` : iv.kind === 'exact' ? `memcached ${formatVersion(iv.version)}` : `memcached ${formatVersion(iv.min)} or later`;
    return { version: iv, what: `the image this Dockerfile builds from memcached's source (${release})`, upstream: true, conditional: given.kind === 'depends', span: image.span };
  }
  if (image) return null; // an image mchard does not know: its tag says nothing about memcached
  if (!ctx.options.versionExplicit) return null;
  const where = ctx.options.versionSource ?? 'the version this file is judged for';
  return { version: { kind: 'exact', version: ctx.options.version, why: where }, what: `memcached ${formatVersion(ctx.options.version)} (${where})`, upstream: false, span: null };
}

/** Whether the release(s) carry the vulnerability: true, false, or null (depends on which release was pulled). */
function affected(version: ImageVersion, vuln: Vulnerability): boolean | null {
  const fixed = v(vuln.fixed);
  const intro = vuln.introduced === null ? null : v(vuln.introduced);
  if (version.kind === 'exact') {
    const x = version.version;
    return compareVersions(x, fixed) < 0 && (intro === null || compareVersions(x, intro) >= 0);
  }
  if (version.kind === 'range') {
    if (olderThan(version, fixed) === true && (intro === null || compareVersions(version.min, intro) >= 0)) return true;
    if (olderThan(version, fixed) === false || (intro !== null && version.max !== null && compareVersions(version.max, intro) < 0)) return false;
  }
  return null;
}

export const rule = defineRule({
  id: 'MC920',
  slug: 'known-vulnerable-version',
  severity: 'error',
  // A published vulnerability the configuration exposes, in an upstream build: remote crashes and heap
  // overflows reachable by one request (CVE-2016-8704/8705/8706 and CVE-2023-46852 are scored 9.8 by NVD,
  // most others 7.5): high. A warning (a distribution may have backported the fix, or the file does not
  // show whether the feature is used): medium; the info of vulnerabilities not exposed: low.
  risk: security(8.1, { warning: 5.9, info: 2.0 }),
  summary: 'the memcached release has published vulnerabilities fixed in a later one',
  since: '0.2.0',
  // It reads the image the dialect names, and judges also when the file does not show memcached's options.
  phase: 'dialect',
  dialects: 'all',
  sources: [
    ...VULNERABILITIES.flatMap((row) => row.cves.map((id) => ({ kind: 'cve' as const, id }))),
    { kind: 'memcached-doc', title: 'memcached release notes', url: 'https://github.com/memcached/memcached/wiki/ReleaseNotes' },
    { kind: 'reference', title: 'Debian, Ubuntu and Red Hat backport security fixes into older upstream versions: check the package changelog' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a memcached release older than the fix of a published vulnerability (a CVE), for the release the file runs: a ' +
      "container image's tag (the official image and Bitnami's: `memcached:1.6.21`, `bitnami/memcached:1.6.19-debian-11-r5`; a " +
      'floating tag such as `1.5` counts when every release of that series is affected), the release a Dockerfile builds from ' +
      "memcached's own source (a release tarball from memcached.org or GitHub, or a release tag cloned, then `make install`; " +
      "assumed, and said so, on a base image mchard does not know), the installed memcached for files of this " +
      "machine, the running binary for `mchard audit`, or `.mchardrc`'s `memcached-version`. The table (in the rule's module) lists " +
      'each vulnerability with the release that fixed it, the first affected one when its record names one, and the feature it needs: ' +
      'the binary protocol (on unless `-B ascii`), SASL (`-S`), proxy mode (`-o proxy_config`), UDP, an authentication file (`-Y`), ' +
      'verbose mode (`-v`), a unix socket, or nothing at all. ' +
      'Severity: an error when the configuration uses what the vulnerability needs (or it needs nothing) and the release comes from ' +
      "an image's tag or a source build, an upstream build; a warning for the same when the version comes from the installed or running binary or the " +
      'configuration, because distributions backport fixes without changing the version, or when the file does not show ' +
      "memcached's options (an image's own command, an `env_file:`); an info, in one finding, for the " +
      'vulnerabilities of the release that the configuration does not expose. A tag from a variable (`memcached:${MEMCACHED_VERSION:-1.4.35}`, ' +
      '`ARG V=1.5.6` then `FROM memcached:$V`) is judged for the release its default names, in one warning that says so (whoever ' +
      'builds or runs the file may set another). `latest`, a digest, a tag from a variable without a default, and images ' +
      'mchard does not know say nothing about the release and are not judged; nor is a file when no version was found or given.',
    why:
      'memcached answers anyone who can reach it, so a crash or memory corruption reachable by one request is as exposed as the ' +
      "listener. Images are rebuilt rarely once pinned, and Bitnami's legacy images get no updates at all: the tag says which " +
      'published fixes the container lacks.',
    example: {
      dialect: 'compose',
      bad: 'services:\n  cache:\n    image: memcached:1.4.25\n    command: ["-U", "0"]\n',
      good: 'services:\n  cache:\n    image: memcached:1.6.45\n    command: ["-U", "0"]\n',
    },
    fix: 'None: upgrade memcached (the image tag, or the package) to the release the finding names or later.',
  },
  check(ctx) {
    const target = targetOf(ctx);
    if (!target) return;
    const hits: { vuln: Vulnerability; certain: boolean; used: { used: boolean | null; how: string } }[] = [];
    for (const vuln of VULNERABILITIES) {
      const a = affected(target.version, vuln);
      if (a === false || a === null) continue;
      hits.push({ vuln, certain: a, used: uses(ctx, vuln.feature) });
    }
    if (hits.length === 0) return;
    const span = target.span ?? ctx.insertionPoint();
    const exposed = hits.filter((h) => h.used.used !== false);
    const unused = hits.filter((h) => h.used.used === false);
    const backport = target.upstream ? '' : '; distributions backport security fixes without changing the version, so check the package changelog';
    const newest = (list: typeof hits) => list.map((h) => h.vuln.fixed).sort((a, b) => compareVersions(v(b), v(a)))[0];
    if (target.conditional) {
      // Only the release a variable's default names: one warning, which says so, for all of them.
      ctx.report({
        span,
        severity: 'warning',
        message:
          `${target.what}: that release predates the fixes of ${hits.map((h) => `${h.vuln.cves.join(', ')} (${h.vuln.fixed}${h.vuln.feature === 'any' ? '' : `; ${h.used.how}`})`).join(', ')}; ` +
          `the release is what the variable holds where the file is used, so these apply when it keeps its default; a default of ${newest(hits)} or later removes all of them`,
      });
      return;
    }
    for (const h of exposed) {
      // Certain: an upstream build whose configuration uses the feature; otherwise the version or the use may differ.
      const severity: Severity = target.upstream && !target.conditional && h.used.used === true ? 'error' : 'warning';
      ctx.report({
        span,
        severity,
        message:
          `${target.what} predates the fix of ${h.vuln.cves.join(', ')} (fixed in ${h.vuln.fixed}): ${h.vuln.summary}; ` +
          `${h.vuln.feature === 'any' ? 'any configuration is exposed' : h.used.used ? `this configuration is exposed: ${h.used.how}` : h.used.how} (${h.vuln.source})${backport}`,
      });
    }
    if (unused.length) {
      ctx.report({
        span,
        severity: 'info',
        message:
          `${target.what} ${exposed.length ? 'also ' : ''}predates ${unused.length === 1 ? 'the fix' : 'fixes'} of ${unused.map((h) => `${h.vuln.cves.join(', ')} (${h.vuln.fixed}; ${h.used.how})`).join(', ')}, ` +
          `which this configuration does not expose; upgrading to ${newest(hits)} or later removes all of them${backport}`,
      });
    }
  },
});
