/** MC910–MC913: the findings that carry the newer dialects' notes (systemd, rc.conf, supervisord, compose). */
import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText, pointedText } from '../helpers/lint.js';

beforeAll(async () => {
  for (const d of ['systemd', 'rcconf', 'supervisord', 'compose'] as const) await loadDialect(d);
});

describe('MC910 options-not-in-file', () => {
  it("points at Debian's wrapper in a unit and names the file that holds the options", () => {
    const r = lintText('[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n', { dialect: 'systemd' });
    const f = findings(r, 'MC910');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toContain('systemd-memcached-wrapper');
    expect(f[0].message).toContain('/etc/memcached.conf');
    // The option checks are skipped rather than guessed: no listener finding for a vector that is not memcached's.
    expect(findings(r, 'MC101')).toHaveLength(0);
  });

  it('reports options hidden in an environment file that cannot be read', () => {
    const r = lintText('[Service]\nEnvironmentFile=-/nonexistent/mchard-test\nExecStart=/usr/bin/memcached $OPTIONS\n', { dialect: 'systemd' });
    expect(findings(r, 'MC910')).toHaveLength(1);
  });

  it('is silent when the unit shows the whole command line', () => {
    const r = lintText('[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 0.0.0.0\n', { dialect: 'systemd' });
    expect(findings(r, 'MC910')).toHaveLength(0);
    expect(findings(r, 'MC101')).toHaveLength(1);
  });
});

describe('MC911 not-started-by-service', () => {
  it('in a template, a value a tag decides is not "neither yes nor no": the finding says the template decides', () => {
    const r = lintText('memcached_enable="<%= @enabled %>"\nmemcached_flags="-l 127.0.0.1 -U 0"\n', { dialect: 'rcconf', path: 'templates/rc.conf.erb' });
    const f = findings(r, 'MC911');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^depends on the template \(<%= @enabled %> \(line 1\)\): /);
    // A literal value stays a plain finding.
    const lit = findings(lintText('memcached_enable="NO"\nmemcached_flags="-l <%= @listen %> -U 0"\n', { dialect: 'rcconf', path: 'templates/rc.conf.erb' }), 'MC911');
    expect(lit).toHaveLength(1);
    expect(lit[0].message).not.toContain('depends on the template');
  });

  it('reports memcached_enable other than YES, at the assignment', () => {
    const r = lintText('hostname="db1"\nmemcached_enable="NO"\nmemcached_flags="-l 127.0.0.1 -U 0"\n', { dialect: 'rcconf' });
    const f = findings(r, 'MC911');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
  });

  it('reports a supervisord program with autostart=false', () => {
    const r = lintText('[program:memcached]\ncommand=/usr/bin/memcached -l 127.0.0.1 -U 0\nuser=memcache\nautostart=false\n', { dialect: 'supervisord' });
    const f = findings(r, 'MC911');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(4);
  });

  it('is silent for an enabled service', () => {
    expect(findings(lintText('memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n', { dialect: 'rcconf' }), 'MC911')).toHaveLength(0);
  });
});

describe('MC912 flags-run-shell-commands', () => {
  it.each([';', '&', '|'])('reports "%s" in memcached_flags, pointing at the operator', (op) => {
    const r = lintText(`memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0${op} touch /tmp/x"\n`, { dialect: 'rcconf' });
    const f = findings(r, 'MC912');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toContain(op);
  });

  it('is silent for a quoted operator, which memcached receives as text', () => {
    const r = lintText(`memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0 -o 'a;b'"\n`, { dialect: 'rcconf' });
    expect(findings(r, 'MC912')).toHaveLength(0);
  });
});

describe('MC913 unit-variable-unset', () => {
  it('reports ${PORT} that nothing sets, at the word', () => {
    const r = lintText('[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 -p ${PORT}\n', { dialect: 'systemd' });
    const f = findings(r, 'MC913');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('${PORT}');
  });

  it('is silent once Environment= sets it', () => {
    const r = lintText('[Service]\nUser=memcache\nEnvironment=PORT=11311\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 -p ${PORT}\n', { dialect: 'systemd' });
    expect(findings(r, 'MC913')).toHaveLength(0);
  });
});
