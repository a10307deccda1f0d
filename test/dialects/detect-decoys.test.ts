/**
 * Files named like memcached's own that another program reads (monit checks, collectd's plugin, systemd's
 * tmpfiles.d, a target unit, PHP's memcached.ini, an application's list of servers, a YAML scenario):
 * real files of test/fixtures/real (rows 211-222 of its MANIFEST.tsv) at the paths they are installed to
 * and at their repositories' paths. Each is refused, says what it is, and is never linted or fixed as
 * Debian's /etc/memcached.conf, a service unit or an OpenRC conf.d file; `mchard lint FOLDER` passes over
 * the installed ones.
 */
import { readFileSync } from 'node:fs';
import { configPathKind, detectDialect, type Detection, type DialectRefusal } from '../../src/dialects/detect.js';
import { run, TempDir } from '../cli/helpers.js';
import { placeReal, realText as real } from '../helpers/real-fixtures.js';

const refused = (d: Detection): DialectRefusal => {
  if (!d.refused) throw new Error(`read as ${d.dialect}: ${d.explanation}`);
  return d;
};

/** [fixture, where it is installed (or kept), what the refusal must say it is]. */
const INSTALLED: [string, string, RegExp][] = [
  ['other/211-Majlo34-monit-pids-memcached.conf', '/etc/monit/conf.d/memcached.conf', /monit/],
  ['other/212-paulnicholson-monit.d-memcached.conf', '/etc/monit.d/memcached.conf', /monit/],
  ['other/214-OpenMandrivaAssociation-memcached-memcached-tmpfiles.conf', '/usr/lib/tmpfiles.d/memcached.conf', /systemd-tmpfiles/],
  ['other/214-OpenMandrivaAssociation-memcached-memcached-tmpfiles.conf', '/etc/tmpfiles.d/memcached.conf', /systemd-tmpfiles/],
  ['systemd/215-OpenMandrivaAssociation-memcached-memcached.target', '/usr/lib/systemd/system/memcached.target', /not a service/],
  ['ansible/216-Ennexa-ansible-role-collectd-memcached.conf.j2', '/etc/collectd/collectd.conf.d/20_memcached.conf', /collectd/],
  ['ansible/216-Ennexa-ansible-role-collectd-memcached.conf.j2', '/etc/collectd.d/memcached.conf', /collectd/],
  ['ansible/217-apham0001-ansible-role-stackdriver-memcached.conf.j2', '/opt/stackdriver/collectd/etc/collectd.d/memcached.conf', /collectd/],
  ['other/218-php-memcached-dev-php-memcached-memcached.ini', '/usr/local/etc/php/conf.d/memcached.ini', /PHP/],
  ['other/218-php-memcached-dev-php-memcached-memcached.ini', '/etc/php/8.2/fpm/conf.d/20-memcached.ini', /PHP/],
  ['other/218-php-memcached-dev-php-memcached-memcached.ini', '/etc/php.d/50-memcached.ini', /PHP/],
  ['other/224-netdata-netdata-memcached.conf', '/usr/lib/netdata/conf.d/go.d/memcached.conf', /netdata/],
  ['other/224-netdata-netdata-memcached.conf', '/etc/netdata/go.d/memcached.conf', /netdata/],
  ['other/225-netdata-netdata-memcached.conf', '/usr/lib/netdata/conf.d/health.d/memcached.conf', /netdata/],
];

/** The same files at their repositories' paths (and a copy beside a project), where only name and content tell. */
const IN_REPOSITORY: [string, string, RegExp][] = [
  ['other/211-Majlo34-monit-pids-memcached.conf', 'monit-pids/memcached.conf', /monit/],
  ['other/212-paulnicholson-monit.d-memcached.conf', 'monit.d/memcached.conf', /monit/],
  ['other/213-thustorage-Sherman-memcached.conf', 'Sherman/memcached.conf', /none of its lines is a memcached option/],
  ['other/214-OpenMandrivaAssociation-memcached-memcached-tmpfiles.conf', 'memcached/memcached-tmpfiles.conf', /none of its lines is a memcached option/],
  ['ansible/216-Ennexa-ansible-role-collectd-memcached.conf.j2', 'roles/collectd/templates/memcached.conf.j2', /collectd/],
  ['ansible/217-apham0001-ansible-role-stackdriver-memcached.conf.j2', 'roles/stackdriver/templates/memcached.conf.j2', /collectd/],
  ['other/222-Sauloxd-testing-redis-memcached-memcached.yml', 'testing/memcached.yml', /YAML/],
];

describe("decoys: another program's files under memcached's names", () => {
  it.each(INSTALLED)('%s installed as %s is refused by its path', (fixture, path, what) => {
    const d = refused(detectDialect(path, real(fixture)));
    expect(d.looksLike).toMatch(what);
    // Not a file mchard looks for when it walks a folder either.
    expect(configPathKind(path)).toBeNull();
  });

  it.each(IN_REPOSITORY)('%s at %s is refused, saying what it is', (fixture, path, what) => {
    const d = refused(detectDialect(`/srv/repo/${path}`, real(fixture)));
    expect(`${d.looksLike ?? ''} ${d.message}`).toMatch(what);
    // Never the advice to read it as Debian's option file.
    expect(d.message).not.toMatch(/--dialect debian/);
  });

  it("netdata's go.d job, uncommented as its header invites, is a YAML document wherever it is kept", () => {
    // The real file (row 224) with its three commented lines uncommented, as a user enables the job.
    const job = real('other/224-netdata-netdata-memcached.conf').replace(/^#(jobs:|  - name|    address)/gm, '$1');
    expect(job).toMatch(/^jobs:\n  - name: local\n    address: 127\.0\.0\.1:11211\n$/m);
    for (const path of ['/srv/monitoring/memcached.conf', '/srv/netdata-config/memcached.conf']) {
      const d = refused(detectDialect(path, job));
      expect(d.looksLike).toMatch(/^a YAML document/);
    }
  });

  it("PHP's memcached.ini settings without a section header, in php's conf.d, are not an OpenRC instance", () => {
    const ini = 'extension=memcached.so\nmemcached.sess_locking=Off\nsession.save_path="127.0.0.1:11211"\n';
    expect(refused(detectDialect('/usr/local/etc/php/conf.d/memcached.ini', ini)).looksLike).toMatch(/PHP/);
    // /etc/conf.d/memcached and its instances stay OpenRC's.
    expect(detectDialect('/etc/conf.d/memcached', 'MEMUSAGE="64"\n')).toMatchObject({ refused: false, dialect: 'openrc' });
    expect(detectDialect('/etc/conf.d/memcached.sessions', 'MEMUSAGE="64"\n')).toMatchObject({ refused: false, dialect: 'openrc' });
  });

  it("a memcached.conf whose only lines are comments, Debian's logfile or template tags is still Debian's", () => {
    const commented = '# memcached default config file\n# -m 64\nlogfile /var/log/memcached.log\n';
    expect(detectDialect('/srv/repo/files/memcached.conf', commented)).toMatchObject({ refused: false, dialect: 'debian' });
    expect(detectDialect('/srv/repo/templates/memcached.conf.j2', '{% for o in memcached_options %}\n{{ o }}\n{% endfor %}\n')).toMatchObject({ refused: false, dialect: 'debian' });
    expect(detectDialect('/srv/repo/templates/memcached.conf.erb', '<% @options.each do |o| -%>\n<%= o %>\n<% end -%>\n')).toMatchObject({ refused: false, dialect: 'debian' });
  });
});

describe('the CLI on the installed decoys', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = new TempDir('mchard-decoys-');
  });
  afterEach(() => tmp.cleanup());

  const install = (fixture: string, path: string): string => placeReal(tmp.path, fixture, path);

  it('fix --dry-run proposes nothing for a monit check named memcached.conf, and says it did not read it (exit 2)', async () => {
    const p = install('other/212-paulnicholson-monit.d-memcached.conf', 'etc/monit.d/memcached.conf');
    const before = readFileSync(p);
    const r = await run(['fix', '--dry-run', p]);
    expect(r.code).toBe(2);
    expect(r.out).not.toMatch(/^\+-l /m);
    expect(r.err).toMatch(/not read: it looks like a monit control file/);
    expect(readFileSync(p)).toEqual(before);
  });

  it('lint FOLDER passes over tmpfiles.d, monit and collectd files and still lints /etc/memcached.conf', async () => {
    install('other/214-OpenMandrivaAssociation-memcached-memcached-tmpfiles.conf', 'usr/lib/tmpfiles.d/memcached.conf');
    install('other/211-Majlo34-monit-pids-memcached.conf', 'etc/monit/conf.d/memcached.conf');
    install('ansible/216-Ennexa-ansible-role-collectd-memcached.conf.j2', 'etc/collectd/collectd.conf.d/memcached.conf');
    install('debian/221-puppetlabs-puppet-waylon-memcached.conf', 'etc/memcached.conf');
    const r = await run(['lint', '--format', 'json', tmp.path]);
    const files = (JSON.parse(r.out).files as { path: string; dialect: string | null }[]).map((f) => [f.path.slice(tmp.path.length + 1), f.dialect]);
    expect(files).toEqual([['etc/memcached.conf', 'debian']]);
  });
});

describe("Debian's instance files", () => {
  it('/etc/memcached_NAME.conf (puppet-waylon installs /etc/memcached_local.conf) says that the host decides whether anything reads it', () => {
    const d = detectDialect('/etc/memcached_local.conf', real('debian/221-puppetlabs-puppet-waylon-memcached.conf'));
    if (d.refused) throw new Error(d.message);
    expect(d.dialect).toBe('debian');
    expect(d.caveat).toMatch(/^Debian's packaged memcached\.service reads only \/etc\/memcached\.conf: .*SysV init script .*the host decides whether anything reads it$/);
    // /etc/memcached.conf itself has no such note.
    const main = detectDialect('/etc/memcached.conf', real('debian/221-puppetlabs-puppet-waylon-memcached.conf'));
    expect(main.refused ? 'refused' : main.caveat).toBeNull();
  });
});
