import { readFileSync } from 'node:fs';
import { lintText } from '../helpers/lint.js';

const sample = (name: string) => readFileSync(new URL(`../../samples/${name}`, import.meta.url), 'utf8');

describe('packaged default files', () => {
  it('the Debian 12 /etc/memcached.conf gets no error', () => {
    const r = lintText(sample('debian-default.conf'), { dialect: 'debian', path: '/etc/memcached.conf' });
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId} ${f.line}: ${f.message}`)).toEqual([]);
  });

  it('the Fedora /etc/sysconfig/memcached gets no error', () => {
    const r = lintText(sample('fedora-default.sysconfig'), { dialect: 'sysconfig', path: '/etc/sysconfig/memcached' });
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId} ${f.line}: ${f.message}`)).toEqual([]);
  });

  it('no MC9xx rule reports anything on either default file', () => {
    const deb = lintText(sample('debian-default.conf'));
    const fed = lintText(sample('fedora-default.sysconfig'), { dialect: 'sysconfig' });
    expect([...deb.findings, ...fed.findings].filter((f) => f.ruleId.startsWith('MC9')).map((f) => f.ruleId)).toEqual([]);
  });
});
