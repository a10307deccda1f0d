/**
 * Which program reads a file: the order (flag, path, name, content), the reason and confidence of each
 * decision, and the refusals. The real files of the corpora are in test/detect-real.test.ts.
 */
import { detectDialect, chooseDialect, installedName, type Detection, type DialectChoice, type DialectRefusal } from '../../src/dialects/detect.js';

const chosen = (d: Detection): DialectChoice => {
  if (d.refused) throw new Error(`refused: ${d.message}`);
  return d;
};
const refused = (d: Detection): DialectRefusal => {
  if (!d.refused) throw new Error(`read as ${d.dialect}: ${d.explanation}`);
  return d;
};

const DEBIAN = '# options\n-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n';
const KEY_VALUE = 'PORT = "11211"\nUSER = "memcached"\nMAXCONN = "1024"\nCACHESIZE = "64"\nOPTIONS = ""\n';
const SUPERVISORD = '[program:memcached]\ncommand=/usr/bin/memcached -m 64 -l 0.0.0.0\nuser=memcache\n';
const UNIT = '[Unit]\nDescription=memcached\n[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1\n';

describe('the order: flag, path, name, content', () => {
  it('--dialect decides whatever the path and content say', () => {
    const d = chosen(detectDialect('/srv/Dockerfile', 'FROM debian\nRUN true\n', 'argv'));
    expect(d).toMatchObject({ dialect: 'argv', reason: 'flag', confidence: 'certain', because: '--dialect argv' });
  });

  it("the service's path decides whatever the file holds: a key = value file at /etc/memcached.conf is the wrapper's", () => {
    const d = chosen(detectDialect('/etc/memcached.conf', KEY_VALUE));
    expect(d).toMatchObject({ dialect: 'debian', reason: 'path', confidence: 'certain', readBy: "Debian's systemd-memcached-wrapper" });
    expect(d.explanation).toMatch(/^path \/etc\/memcached\.conf: read by Debian's systemd-memcached-wrapper; /);
    // Said, not acted on: the file is read as the wrapper reads it, and the caveat says what it looks like.
    expect(d.caveat).toMatch(/^it holds RHEL's PORT=, .* variables, as an environment file does, not memcached options: the wrapper does not read them as settings \(it skips each line that holds a space/);
    expect(chosen(detectDialect('/etc/memcached_sessions.conf', SUPERVISORD)).dialect).toBe('debian');
  });

  it('each well-known path, on the machine and inside a repository', () => {
    const cases: [string, string, string][] = [
      ['/etc/memcached.conf', DEBIAN, 'debian'],
      ['/etc/memcached_cache2.conf', DEBIAN, 'debian'],
      ['/etc/sysconfig/memcached', KEY_VALUE, 'sysconfig'],
      ['/etc/sysconfig/memcached-sessions', KEY_VALUE, 'sysconfig'],
      ['/etc/conf.d/memcached', 'MEMUSAGE="64"\n', 'openrc'],
      ['/etc/conf.d/memcached.sessions', 'MEMUSAGE="64"\n', 'openrc'],
      ['/etc/rc.conf', 'memcached_enable="YES"\n', 'rcconf'],
      ['/etc/rc.conf.local', 'memcached_enable="YES"\n', 'rcconf'],
      ['/etc/rc.conf.d/memcached', 'memcached_flags="-l 127.0.0.1"\n', 'rcconf'],
      ['/lib/systemd/system/memcached.service', UNIT, 'systemd'],
      ['/etc/systemd/system/memcached.service.d/override.conf', '[Service]\nExecStart=\n', 'systemd'],
      ['/etc/supervisor/conf.d/cache.conf', SUPERVISORD, 'supervisord'],
      ['/etc/supervisord.conf', SUPERVISORD, 'supervisord'],
      ['/srv/repo/etc/memcached.conf', DEBIAN, 'debian'],
      ['/srv/repo/files/etc/sysconfig/memcached', KEY_VALUE, 'sysconfig'],
      ['/srv/repo/roles/cache/templates/etc/memcached.conf.j2', DEBIAN, 'debian'],
    ];
    for (const [path, text, dialect] of cases) {
      const d = chosen(detectDialect(path, text));
      expect({ path, dialect: d.dialect, reason: d.reason }).toEqual({ path, dialect, reason: 'path' });
    }
  });

  it("OpenRC's conf.d files have no .conf suffix: a supervisord program kept in conf.d/memcached.conf is supervisord's", () => {
    const d = chosen(detectDialect('/srv/app/conf.d/memcached.conf', SUPERVISORD));
    expect(d).toMatchObject({ dialect: 'supervisord', reason: 'content', confidence: 'high' });
    expect(d.because).toBe('content: a [program:memcached] section');
    // The name and the content disagree: a caveat, which lint's note shows too.
    expect(d.refused ? null : d.caveat).toBe("its name memcached.conf alone would suggest Debian's /etc/memcached.conf");
  });

  it('a name only one format uses decides', () => {
    const cases: [string, string][] = [
      ['/srv/x/memcached.service', 'systemd'],
      ['/srv/x/docker-compose.yml', 'compose'],
      ['/srv/x/compose.prod.yaml', 'compose'],
      ['/srv/x/supervisord.conf', 'supervisord'],
      ['/srv/x/memcached.confd', 'openrc'],
      ['/srv/x/rc.conf', 'rcconf'],
      ['/srv/x/memcached.sysconfig', 'sysconfig'],
    ];
    for (const [path, dialect] of cases) expect({ path, d: chosen(detectDialect(path, '')).dialect }).toEqual({ path, d: dialect });
    expect(chosen(detectDialect('/srv/x/memcached.service', '')).reason).toBe('name');
  });

  it('content signatures only one format has claim a file, with reason content', () => {
    const cases: [string, string][] = [
      [SUPERVISORD, 'supervisord'],
      [UNIT, 'systemd'],
      ['services:\n  cache:\n    image: memcached:1.6\n', 'compose'],
      ['memcached_enable="YES"\nmemcached_flags="-l 0.0.0.0"\n', 'rcconf'],
      ['MEMUSAGE="64"\nLISTENON="127.0.0.1"\n', 'openrc'],
      [KEY_VALUE, 'sysconfig'],
      ['# memcached default config file\n# 2003 - Jay Bonci <jaybonci@debian.org>\n-m 64\n', 'debian'],
    ];
    for (const [text, dialect] of cases) {
      const d = chosen(detectDialect('/srv/x/settings', text));
      expect({ text, dialect: d.dialect, reason: d.reason, confidence: d.confidence }).toEqual({ text, dialect, reason: 'content', confidence: 'high' });
    }
  });

  it('a name several formats share decides only when the content agrees or is silent', () => {
    expect(chosen(detectDialect('/srv/x/memcached.conf', DEBIAN))).toMatchObject({ dialect: 'debian', reason: 'name', because: 'name memcached.conf, and it holds option lines' });
    expect(chosen(detectDialect('/srv/x/memcached.conf', '# nothing yet\n'))).toMatchObject({ dialect: 'debian', reason: 'name' });
    expect(chosen(detectDialect('/srv/x/insecure-debian.conf', DEBIAN))).toMatchObject({ dialect: 'debian', reason: 'name' });
    expect(chosen(detectDialect('/srv/x/memcached-RedHat.conf', 'OPTIONS="-l 127.0.0.1"\n'))).toMatchObject({ dialect: 'sysconfig', reason: 'name' });
    // RHEL's variables in a file named memcached.conf: the content decides (it is what the corpus shows:
    // such files are copied to /etc/sysconfig/memcached), and fix needs --dialect.
    expect(chosen(detectDialect('/srv/x/memcached.conf', KEY_VALUE))).toMatchObject({ dialect: 'sysconfig', reason: 'content' });
    // Plain assignments under Debian's name: no signature, and the two disagree: refused.
    const r = refused(detectDialect('/srv/x/memcached.conf', 'LISTEN=127.0.0.1\nSIZE=64\n'));
    expect(r.candidates).toEqual(['debian', 'sysconfig']);
    expect(r.message).toMatch(/^not read: its name memcached\.conf suggests Debian's \/etc\/memcached\.conf, but it holds KEY=value assignments .*: where it is installed decides which program reads it; mchard reads .*; pass --dialect debian or --dialect sysconfig if that is what reads it$/);
  });

  it('the option-file heuristic alone is a guess: refused, saying what it looks like', () => {
    const r = refused(detectDialect('/srv/x/cache.conf', DEBIAN));
    expect(r).toMatchObject({ reason: 'content', candidates: ['debian'] });
    expect(r.looksLike).toMatch(/memcached options, one or more on each line/);
    expect(r.message).toMatch(/--dialect debian/);
    expect(refused(detectDialect('/srv/x/cache.env', 'PORT=11211\nB=2\n')).candidates).toEqual(['sysconfig']);
    // Lines of the guessed shape that are not memcached's (another program's variables or options): no
    // suggestion to read the file as memcached's.
    const other = refused(detectDialect('/srv/x/cache.env', 'A=1\nB=2\n'));
    expect(other).toMatchObject({ candidates: [], looksLike: expect.stringMatching(/^KEY=value assignments, none of them a setting of memcached's service/) });
    expect(other.message).not.toMatch(/--dialect/);
    expect(refused(detectDialect('/srv/x/opts', '--require spec_helper\n--color\n')).candidates).toEqual([]);
    expect(refused(detectDialect('/srv/x/opts', '-vv\n--port=11300\n-o modern,slab_reassign # tuned\n')).candidates).toEqual(['debian']);
    expect(refused(detectDialect('/srv/x/opts', '-I lib\n-r spec_helper\n')).candidates).toEqual([]);
    // Text that names no memcached and is nothing mchard knows: another program's, without a --dialect hint.
    const notes = refused(detectDialect('/srv/x/notes', 'hello world\n'));
    expect(notes.looksLike).toBe("another program's file (nothing in it is memcached configuration)");
    expect(notes.message).not.toMatch(/--dialect/);
    // One that names memcached may be its configuration in a format the content does not show: the hint stays.
    expect(refused(detectDialect('/srv/x/notes', 'start memcached first\n')).message).toMatch(/pass --dialect NAME/);
    expect(refused(detectDialect('-', DEBIAN)).candidates).toEqual(['debian']);
  });
});

describe('refused by name', () => {
  const looks = (path: string, text: string) => refused(detectDialect(path, text)).looksLike;

  it('Dockerfiles, Kubernetes manifests, Helm values, Upstart jobs, SysV scripts, shell scripts, Ansible files', () => {
    // A Dockerfile is read when it runs memcached (the dockerfile dialect); any other is refused.
    expect(looks('/r/Dockerfile', 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n')).toBe('a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached');
    expect(looks('/r/build/app.df', '# syntax=docker/dockerfile:1\nARG V=1.27\nFROM nginx:${V}\nEXPOSE 80\n')).toBe('a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached');
    expect(chosen(detectDialect('/r/Dockerfile', 'FROM memcached:1.6\nCMD ["memcached", "-l", "0.0.0.0"]\n'))).toMatchObject({ dialect: 'dockerfile', reason: 'name' });
    expect(chosen(detectDialect('/r/build/memcached.df', '# syntax=docker/dockerfile:1\nARG V=1.6\nFROM memcached:${V}\nEXPOSE 11211\n'))).toMatchObject({ dialect: 'dockerfile', reason: 'content' });
    // memcached's exporter is not memcached (before: read, with an MC910 about "memcached's options").
    expect(looks('/r/exporter/Dockerfile', 'FROM prom/memcached-exporter:v0.14.2\nEXPOSE 9150\n')).toBe('a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached');
    expect(looks('/r/Dockerfile', 'FROM quay.io/prometheus/memcached-exporter:v0.14.2 AS exp\nFROM alpine:3.20\nCOPY --from=exp /bin/memcached_exporter /bin/\nENTRYPOINT ["/bin/memcached_exporter"]\n')).toBe('a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached');
    // The program, or the folder of Bitnami's scripts, in CMD/ENTRYPOINT; shell form too.
    expect(chosen(detectDialect('/r/Dockerfile', 'FROM alpine:3.20\nRUN apk add memcached\nCMD memcached -u memcached -U 0\n'))).toMatchObject({ dialect: 'dockerfile' });
    expect(chosen(detectDialect('/r/Dockerfile', 'FROM docker.io/bitnami/minideb:bookworm\nENTRYPOINT [ "/opt/bitnami/scripts/memcached/entrypoint.sh" ]\n'))).toMatchObject({ dialect: 'dockerfile' });
    expect(looks('/r/k8s/memcached.yaml', 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - args: ["-m", "64"]\n')).toBe('a Kubernetes manifest with no container that runs memcached');
    expect(looks('/r/chart/templates/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "x.fullname" . }}\n')).toBe('a Helm chart template (a Kubernetes manifest)');
    expect(looks('/r/chart/values.yaml', 'memcached:\n  args: ["-l", "0.0.0.0"]\n')).toBe("a Helm values file of a chart mchard does not read (it reads only Bitnami's memcached chart)");
    expect(looks('/r/helm/memcached.yaml', 'replicaCount: 1\nimage:\n  repository: memcached\n  tag: 1.6\n')).toBe('a Helm values file');
    expect(looks('/etc/init/memcached.conf', 'start on runlevel [2345]\nexec memcached\n')).toBe('an Upstart job');
    expect(looks('/r/memcached.conf', 'description "memcached"\nstart on filesystem\nrespawn\nexec /usr/bin/memcached -l 0.0.0.0\n')).toBe('an Upstart job');
    expect(looks('/etc/init.d/memcached', '#!/bin/sh\necho\n')).toBe('a SysV init script');
    expect(looks('/r/memcached', '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: memcached\n### END INIT INFO\ncase "$1" in\n  start) memcached -d ;;\nesac\n')).toBe('a SysV init script');
    expect(looks('/r/start.conf', '#!/bin/bash\nexec memcached -l 0.0.0.0\n')).toBe('a shell script');
    expect(looks('/r/site.yml', '- hosts: cache\n  tasks:\n    - name: install\n      apt: name=memcached\n')).toBe('an Ansible playbook or task file');
    expect(looks('/r/roles/memcached/tasks/main.yml', '- name: x\n  template: src=a dest=b\n')).toMatch(/Ansible role file/);
    expect(looks('/r/memcached.conf', 'if [ "$PORT" -eq 11211 ]\nthen\n  LISTEN=0.0.0.0\nfi\n')).toBe('shell code (a fragment of a script)');
  });

  it("SUSE's and Debian's /etc/default variables are not RHEL's sysconfig, even at its path", () => {
    expect(looks('/etc/sysconfig/memcached', 'MEMCACHED_PARAMS="-l 127.0.0.1"\nMEMCACHED_USER="memcached"\n')).toMatch(/^SUSE's \/etc\/sysconfig\/memcached/);
    expect(looks('/srv/memcached', 'ENABLE_MEMCACHED=yes\n')).toMatch(/^Debian's \/etc\/default\/memcached/);
    expect(looks('/etc/default/memcached', 'ENABLE_MEMCACHED=yes\n')).toMatch(/\/etc\/default file/);
  });

  it('in a repository, a well-known path does not turn a script into an option file', () => {
    const r = refused(detectDialect('/srv/repo/etc/memcached.conf', '#!/bin/bash\nMEMCACHED_ARGS="--port=12221"\n'));
    expect(r.message).toMatch(/^not read: its path etc\/memcached\.conf, installed as \/etc\/memcached\.conf, says Debian's systemd-memcached-wrapper reads it, but it looks like a shell script; /);
    expect(r.candidates).toEqual(['debian']);
    // On the machine itself the wrapper reads it whatever it is, and says so.
    expect(chosen(detectDialect('/etc/memcached.conf', '#!/bin/bash\nMEMCACHED_ARGS="--port=12221"\n')).caveat).toMatch(/looks like a shell script/);
  });

  it('one line: the file is named by the caller, the message says what mchard reads and how to force it', () => {
    const r = refused(detectDialect('/r/Dockerfile', 'FROM nginx\nCMD nginx\n'));
    expect(r.message).not.toMatch(/\n/);
    expect(r.message).toMatch(/^not read: it is a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached \(name Dockerfile\); mchard reads Debian's \/etc\/memcached\.conf, .*Dockerfiles that run memcached.*; pass --dialect NAME to read it as one of them$/);
  });
});

describe('templates', () => {
  it('template suffixes are stripped to find the target name, and recorded', () => {
    for (const [path, suffix, engine, target] of [
      ['/r/roles/m/templates/memcached.conf.j2', '.j2', 'jinja2', 'memcached.conf'],
      ['/r/templates/memcached.conf.jinja2', '.jinja2', 'jinja2', 'memcached.conf'],
      ['/r/templates/memcached.conf.jinja', '.jinja', 'jinja2', 'memcached.conf'],
      ['/r/templates/memcached.conf.erb', '.erb', 'erb', 'memcached.conf'],
      ['/r/templates/memcached@.service.epp', '.epp', 'epp', 'memcached@.service'],
      ['/r/templates/memcached.conf.tmpl', '.tmpl', null, 'memcached.conf'],
      ['/r/templates/memcached.conf.tpl', '.tpl', null, 'memcached.conf'],
      ['/r/templates/memcached.conf.template', '.template', null, 'memcached.conf'],
    ] as const) {
      const d = chosen(detectDialect(path, DEBIAN));
      expect({ path, template: d.template }).toEqual({ path, template: { suffix, engine, target } });
    }
    expect(chosen(detectDialect('/r/memcached.conf', DEBIAN)).template).toBeNull();
    expect(installedName('/r/templates/memcached@.service.erb')).toBe('memcached@.service');
    expect(chosen(detectDialect('/r/roles/m/templates/memcached.conf.j2', DEBIAN)).because).toBe('name memcached.conf.j2, a Jinja2 template, and it holds option lines');
    expect(chosen(detectDialect('/r/templates/etc/memcached.conf.erb', DEBIAN)).because).toBe('path etc/memcached.conf.erb, an ERB template of /etc/memcached.conf');
  });

  it('backup copies are read as the file they copy', () => {
    expect(chosen(detectDialect('/etc/memcached.conf.dpkg-dist', DEBIAN))).toMatchObject({ dialect: 'debian', reason: 'path' });
    expect(chosen(detectDialect('/etc/sysconfig/memcached.rpmsave', KEY_VALUE))).toMatchObject({ dialect: 'sysconfig', reason: 'path' });
  });
});

describe('chooseDialect (the name only)', () => {
  it('is the detected dialect, or null for a refusal', () => {
    expect(chooseDialect('/etc/memcached.conf', KEY_VALUE)).toBe('debian');
    expect(chooseDialect('/r/Dockerfile', 'FROM x\nRUN y\n')).toBeNull();
  });
});

describe('text from the file in messages', () => {
  it('never carries a control character to a terminal', () => {
    const cases = [
      ['/r/start', '#!/usr/bin/\x1b[2Jperl\x07\nprint 1;\n'],
      ['/r/prog.ini', '[program:evil\x1b[2J\x07]\ncommand=memcached\n'],
      ['/r/app.conf', '[sec\u202etion]\nkey = value\n'],
    ];
    for (const [path, text] of cases) {
      const d = detectDialect(path, text);
      const shown = d.refused ? d.message : d.explanation;
      expect({ path, shown }).toEqual({ path, shown: expect.not.stringMatching(/[\x00-\x1f\x7f-\x9f\u202a-\u202e]/) });
      // The character is shown, escaped (the file text did reach the message).
      expect({ path, shown }).toEqual({ path, shown: expect.stringMatching(/\\u(001b|202e)/) });
    }
  });
});
