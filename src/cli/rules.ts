/** `mchard rules` lists the catalogue; `mchard explain ID` prints one rule's documentation. */
import { RULES } from '../../rules/index.js';
import { describeSource, fixLabel, sourcesOf } from '../engine/rule.js';
import { ruleHelpText } from '../report/rule-doc.js';
import { oneOf, parseCommandArgs, UsageError } from './args.js';
import type { Io } from './io.js';
import { ruleNames, suggestion } from '../suggest.js';

export const RULES_HELP = 'Usage: mchard rules [--format text|json]\n\nLists every rule: ID, slug, default severity, whether mchard fix can fix it (safely or not).\n';
export const EXPLAIN_HELP = "Usage: mchard explain RULE\n\nPrints a rule's documentation. RULE is an ID (MC101) or a slug (listen-all-interfaces).\n";

export async function runRules(argv: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs(argv, { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(RULES_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  if (format === 'json') {
    const list = RULES.map((r) => ({
      id: r.id,
      slug: r.slug,
      severity: r.severity,
      fixable: r.fix?.safety ?? null,
      ...(r.fix?.depends ? { fixSafetyDependsOn: r.fix.depends.when } : {}),
      summary: r.summary,
      since: r.since,
      phase: r.phase,
      dialects: r.dialects,
      sources: sourcesOf(r).map(describeSource),
    }));
    io.out(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  const w = Math.max(...RULES.map((r) => r.slug.length));
  io.out(`ID     ${'SLUG'.padEnd(w)}  SEVERITY  FIX      SUMMARY\n`);
  for (const r of RULES) io.out(`${r.id}  ${r.slug.padEnd(w)}  ${r.severity.padEnd(8)}  ${(fixLabel(r) ?? '-').padEnd(7)}  ${r.summary}\n`);
  io.out('\nFIX: safe, unsafe (applied with mchard fix --unsafe-fixes); * the safety depends on the case (mchard explain ID).\n');
  return 0;
}

export async function runExplain(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(EXPLAIN_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('explain needs exactly one rule ID or slug');
  const name = positionals[0];
  const rule = RULES.find((r) => r.id === name.toUpperCase() || r.slug === name);
  if (!rule) throw new UsageError(`unknown rule "${name}" (${suggestion(name, ruleNames(RULES)) ?? 'mchard rules lists them'})`);
  io.out(ruleHelpText(rule));
  return 0;
}
