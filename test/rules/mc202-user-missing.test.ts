import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';
import { loadDialect } from '../../src/dialects/index.js';

beforeAll(async () => {
  await loadDialect('kubernetes');
  await loadDialect('supervisord');
});

describe('MC202 user-missing', () => {
  it('reports a Debian file with options but no -u where -u would go, with exit 64', () => {
    const r = lintText('-m 64\n-p 11211\n-l 127.0.0.1\n');
    const f = findings(r, 'MC202');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    // The end of the file, reported at the end of its last line (line 4 does not exist).
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(13);
    expect(f[0].message).toContain('exits 64');
    expect(f[0].message).toContain("must add '-u root' to start as root");
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'u', value: 'memcache' })]);
  });

  it("quotes the pre-1.6.36 message for older versions", () => {
    const f = findings(lintText('-m 64\n-l 127.0.0.1\n', { options: { version: parseVersion('1.6.18')! } }), 'MC202');
    expect(f[0].message).toContain("can't run as root without the -u switch");
  });

  it('reports an empty -u value at the option', () => {
    const r = lintText("-m 64\n-u ''\n-l 127.0.0.1\n");
    const f = findings(r, 'MC202');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe("-u ''");
  });

  it('reports an empty USER in a sysconfig file', () => {
    const r = lintText('PORT="11211"\nUSER=""\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC202');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(f[0].message).toContain('USER is empty or missing');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-variable', key: 'USER', value: 'memcached' }]);
  });

  it('accepts a file with -u, and leaves the empty Debian file to MC201', () => {
    expect(findings(lintText('-m 64\n-u memcache\n-l 127.0.0.1\n'), 'MC202')).toHaveLength(0);
    expect(findings(lintText('-m 64\n-u root\n'), 'MC202')).toHaveLength(0);
    expect(findings(lintText('# only comments\n'), 'MC202')).toHaveLength(0);
  });

  it('says nothing when the service starts memcached as another user, even when it fails to start for another reason', () => {
    // The official image runs as memcache; -l takes a value from a ConfigMap, so the start as written fails
    // (exit 71), which is no reason to say memcached was started as root and exits 64.
    const manifest =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  containers:\n    - name: memcached\n      image: memcached:1.6.38\n' +
      '      env:\n        - name: LISTEN\n          valueFrom:\n            configMapKeyRef: {name: cfg, key: listen}\n      args: ["-l", "$(LISTEN)", "-U", "0"]\n';
    expect(findings(lintText(manifest, { dialect: 'kubernetes', path: '/srv/k8s/cache.yaml' }), 'MC202')).toEqual([]);
    // supervisord's user= with an -l host name that does not resolve here.
    const program = '[program:memcached]\ncommand=/usr/bin/memcached -l cache.invalid -U 0\nuser=memcache\n';
    expect(findings(lintText(program, { dialect: 'supervisord', path: '/etc/supervisor/conf.d/memcached.conf' }), 'MC202')).toEqual([]);
  });
});
