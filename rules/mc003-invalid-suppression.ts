import { correctness, defineRule } from '../src/engine/rule.js';

export const rule = defineRule({
  id: 'MC003',
  slug: 'invalid-suppression',
  severity: 'warning',
  // a suppression directive that cannot work
  risk: correctness(),
  summary: 'a comment starting with mchard- that is not a suppression mchard can apply',
  since: '0.2.0',
  phase: 'file',
  dialects: 'all',
  sources: [
    { kind: 'other-tool', tool: 'ESLint', check: 'eslint-comments/no-unused-disable and unknown rule names in disable comments', url: 'https://eslint.org/docs/latest/use/configure/rules#disabling-rules' },
    { kind: 'other-tool', tool: 'Ruff', check: 'RUF102 invalid-rule-code (a noqa naming no known rule)', url: 'https://docs.astral.sh/ruff/rules/invalid-rule-code/' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a comment that starts with `mchard-` but that mchard cannot apply as written: an unknown directive (`mchard-enable`, ' +
      '`mchard-disable-nextline`), a rule ID or slug that does not exist, a directive naming no rule, `mchard-disable-line` on a line ' +
      'of its own, `mchard-disable-next-line` or `mchard-disable` after code, a trailing `mchard-disable-line` where the service ' +
      'reads the comment as part of the line (a sysconfig value, a unit\'s `ExecStart=`), and, with `require-reason = true` in ' +
      '`.mchardrc`, a directive without ` -- reason`. Such a directive silences nothing (a missing reason excepted).',
    why:
      'A suppression is a decision someone took about a finding. When its comment does not parse, the finding it was meant for ' +
      'comes back unexplained, or, worse, the comment is read as something wider than written. Saying so keeps the decision ' +
      'visible and exact.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n# mchard-disable-next-line MC010 -- not a rule\n-l 127.0.0.1\n-U 0\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n-U 0\n',
    },
    fix: 'None: correct the directive (mchard rules lists the IDs and slugs), or remove it.',
  },
  check(ctx) {
    for (const p of ctx.directives.problems) ctx.report({ span: p.span, message: p.message });
  },
});
