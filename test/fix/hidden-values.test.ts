/**
 * Values a unit takes from an `EnvironmentFile=` the user did not name are used but never shown (issue 13
 * §3, src/report/redact.ts). With the rule contract a fix's description is built only by the planner
 * (`fix.build`), after the engine's report sink has redacted the findings: the planner shows what it built
 * through the same `shownFor`, so no applied, failed or held-back fix quotes such a value either.
 */
import { SourceText } from '../../src/source.js';
import type { HostFileAccess } from '../../src/input.js';
import { loadDialect } from '../../src/dialects/index.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { planFix } from '../../src/fix/plan.js';
import { RULES } from '../../rules/index.js';

beforeAll(async () => {
  await loadDialect('systemd');
});

const ENV = '/srv/private/memcached.env';
const PORT = '23456';

/** Host files as host checks read them: this one file, whose values may not be shown (the user did not name it). */
const hidden: HostFileAccess = {
  read: (path) => (path === ENV ? { text: `OPTIONS=-U ${PORT}\n` } : { unread: 'no such file here' }),
  mayShow: () => false,
};

const UNIT = ['[Service]', `EnvironmentFile=${ENV}`, 'ExecStart=/usr/bin/memcached -u memcache -l 127.0.0.1 $OPTIONS', ''].join('\n');

function plan(unsafeFixes: boolean) {
  return planFix(new SourceText('/etc/systemd/system/memcached.service', UNIT), 'systemd', {
    rules: RULES,
    options: { ...defaultRuleOptions(), fixPort: 31000 },
    hostFiles: hidden,
    unsafeFixes,
  });
}

describe('fix never shows a value from a host file the user did not name', () => {
  it('a fix built from such a value (MC110 keeps TCP on the port -U moved it to) shows it as "a value from FILE", and so does why it failed', () => {
    const p = plan(false);
    const mc110 = p.failed.find((a) => a.ruleId === 'MC110');
    // The value is in the environment file, which fix does not edit: the fix is refused, with the reason.
    expect(mc110).toEqual({
      ruleId: 'MC110',
      slug: 'udp-enabled',
      description: `disable UDP with -U 0 and keep TCP on port (a value from ${ENV}) with -p (a value from ${ENV})`,
      reason: `-U (a value from ${ENV}) comes from $OPTIONS (${ENV}): change it there`,
    });
  });

  it('in nothing fix reports, with unsafe fixes held back or applied', () => {
    for (const unsafeFixes of [false, true]) {
      const p = plan(unsafeFixes);
      const texts = [...p.applied, ...p.failed, ...p.heldBack].flatMap((x) => [x.description, 'reason' in x ? x.reason : '']);
      texts.push(...p.before.findings.map((f) => f.message), ...p.after.findings.map((f) => f.message));
      expect(texts.join('\n')).not.toContain(PORT);
      expect(texts.join('\n')).toContain(`(a value from ${ENV})`);
    }
  });
});
