/**
 * Which paths the pre-commit hooks in .pre-commit-hooks.yaml pick, decided as pre-commit decides it:
 * Python's `re.search` with the hook's `files` and `exclude` patterns on the path relative to the
 * repository (pre-commit compiles them with `re.compile`, so JavaScript's RegExp would be the wrong judge:
 * `(?x)` and scoped `(?i:...)` are Python's). Needs python3 (pre-commit needs it too).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROOT } from '../cli/helpers.js';

export interface HookDefinition {
  id: string;
  entry: string;
  args?: string[];
  language: string;
  files: string;
  exclude: string;
  types?: string[];
  name: string;
}

export function hookDefinitions(): HookDefinition[] {
  return parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookDefinition[];
}

const PICK = `
import json, re, sys
files, exclude, paths = json.load(sys.stdin)
f, x = re.compile(files), re.compile(exclude)
print(json.dumps([bool(f.search(p)) and not x.search(p) for p in paths]))
`;

/** For each path, whether the hook `id` (default: the first) passes it to mchard. */
export function hookPicks(paths: readonly string[], id?: string): boolean[] {
  const hook = hookDefinitions().find((h) => id === undefined || h.id === id)!;
  const r = spawnSync('python3', ['-c', PICK], { input: JSON.stringify([hook.files, hook.exclude, paths]), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 re failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as boolean[];
}

/** The paths the hook passes to mchard. */
export function hookPicked(paths: readonly string[], id?: string): string[] {
  const picks = hookPicks(paths, id);
  return paths.filter((_, k) => picks[k]);
}
