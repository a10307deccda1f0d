/**
 * SARIF 2.1.0: one run, rule metadata with help text, one result per finding. A file mchard refused to
 * read is not a result (it says nothing about memcached): it is a tool execution notification of the
 * run's invocation (`descriptor.id` "refused", the file as its location), and the invocation is then
 * not successful, as the exit status 2 says.
 */
import type { Invocation, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleHelpMarkdown, ruleHelpText } from './rule-doc.js';
import { describeSource } from '../engine/rule.js';
import type { ReportInput } from './types.js';
import { safeJson } from './visible.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function uriOf(path: string): string {
  if (path === '-') return 'stdin';
  return isAbsolute(path) ? pathToFileURL(path).href : path.split('/').map(encodeURIComponent).join('/');
}

export function formatSarif(input: ReportInput): string {
  const rules: ReportingDescriptor[] = input.rules.map((r) => ({
    id: r.id,
    name: r.slug,
    shortDescription: { text: r.summary },
    fullDescription: { text: r.docs.what.replace(/`/g, '') },
    help: { text: ruleHelpText(r), markdown: ruleHelpMarkdown(r) },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: ['security', 'memcached'],
      fixable: r.fix?.safety ?? 'no',
      ...(r.fix?.depends ? { fixSafetyDependsOn: r.fix.depends.when } : {}),
      since: r.since,
      phase: r.phase,
      dialects: r.dialects === 'all' ? ['all'] : [...r.dialects],
      sources: r.sources.map(describeSource),
    },
  }));
  const index = new Map(input.rules.map((r, i) => [r.id, i]));
  const results: Result[] = [];
  for (const file of input.files) {
    for (const f of file.findings) {
      results.push({
        ruleId: f.ruleId,
        ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
        level: LEVEL[f.severity],
        message: { text: f.message },
        ...(f.fix ? { properties: { fixable: f.fix.safety } } : {}),
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: uriOf(file.path) },
              region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.column) },
            },
          },
        ],
      });
    }
  }
  const notifications: Notification[] = [];
  for (const file of input.files) {
    if (!file.detection?.refused) continue;
    notifications.push({
      level: 'error',
      message: { text: `${file.path}: ${file.detection.message}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(file.path) } } }],
      descriptor: { id: 'refused' },
      ...(file.detection.looksLike ? { properties: { looksLike: file.detection.looksLike } } : {}),
    });
  }
  const invocations: Invocation[] = notifications.length ? [{ executionSuccessful: false, toolExecutionNotifications: notifications }] : [];
  const log: Log = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'mchard', version: input.toolVersion, informationUri: 'https://github.com/mchard/mchard', rules } },
        results,
        ...(invocations.length ? { invocations } : {}),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return safeJson(log) + '\n';
}
