import { correctness, defineRule } from '../src/engine/rule.js';
import type { RuleContext } from '../src/engine/rule.js';
import type { OptionEvent } from '../src/memcached/getopt.js';
import { describeOption, lastOccurrence, listenEntrySpan, networkEnabled, ownFailure, subOptionSpan, subOptionText } from '../src/engine/helpers.js';
import { isKnownSubOption, splitSubOptions, subOptionFailure } from '../src/memcached/extended.js';
import { DEFAULT_VERSION } from '../src/memcached/model.js';
import { atoiDetail } from '../src/memcached/numbers.js';
import { formatVersion } from '../src/memcached/version.js';
import { printsAndExits } from '../src/memcached/startup.js';

/** Options whose own value check MC806 reports (`-c` is MC401's). */
const CHECKED_ON_READ = new Set(['B', 't', 'R', 'n', 'f', 'D', 'N']);
/** Start-up failures other rules own, by the letter of the option responsible. */
const OWNED_ELSEWHERE = new Set([
  'p', 'U', // MC302 invalid-port, MC203 privileged-port
  'c', // MC401 / MC402
  'm', // MC403
  'u', // MC201 / MC202 / MC805
  'l', // listener failures: MC1xx, MC203, MC302; entry syntax below
]);
/** `-l` entry errors MC302 reports (a port); those refused because of another option are the model's refusals (MC603). */
const ENTRY_OWNED = /Invalid port/;

function quoteReason(reason: string): string {
  return `"${reason.replace(/^ERROR: /, '').replace(/\.$/, '')}"`;
}

/** "exits 1", or "crashes (status 139)" for a signal. */
function exits(code: number): string {
  return code >= 128 ? `crashes (status ${code})` : `exits ${code}`;
}

/** " (read as 0)" when atoi/atof do not read the value as written. */
function readAs(o: OptionEvent): string {
  const v = o.value ?? '';
  if (!['t', 'R', 'n', 'N'].includes(o.spec.short)) return '';
  const d = atoiDetail(v);
  return d.rest !== '' || !d.digits ? ` (memcached reads it as ${d.value})` : '';
}

export const rule = defineRule({
  id: 'MC806',
  slug: 'invalid-value',
  severity: 'error',
  risk: correctness(),
  summary: 'a value memcached refuses at start',
  since: '0.1.0',
  phase: 'settings',
  // It reports -h, -V and -i themselves, when memcached reaches them and prints instead of serving.
  whenPrintsAndExits: true,
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1); `memcached -h` lists the values each option takes' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'the option switch and the checks after it (exit 1 and EX_USAGE 64)' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'server_sockets()', detail: 'listener syntax errors (exit 71)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports option values memcached refuses, with the exit status it gives: `-B` other than `auto`, `binary`, ' +
      '`ascii` (64); `-t`, `-R`, `-n`, `-N` of 0 or less, or not a number (1); `-f` of 1 or less (1); an empty ' +
      '`-D` (1); an unknown `-o` sub-option or a sub-option value memcached refuses (1; a few sub-options without ' +
      'their value crash it, 139); `-I` below 1024 bytes or above 1 GiB, or not a multiple of `slab_chunk_max`, ' +
      '`-N` above `-t`, `hot_lru_pct` + `warm_lru_pct` above 80, `temporary_ttl` without the LRU maintainer (64); ' +
      'a `-l` entry memcached cannot parse (`proto[`, `tag[`, `[v6` without their closing bracket; 71); and `-h`, ' +
      '`-V`, `-i`, which make memcached print something and exit 0 without serving (when getopt reaches one, that ' +
      'is the only finding: memcached reads nothing after it and never listens, so no rule judges its listeners, ' +
      'user or values). Ports, `-c`, `-m` and `-u` ' +
      'have rules of their own. What a container image\'s own start script refuses before memcached runs is MC914\'s.',
    why:
      'Each of these stops memcached before it serves anything, so the service does not start (or, for `-V`, ' +
      'stops at once and is restarted in a loop). memcached stops at the first; every one is reported.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n-t 0\n-o hash_algorithm=md5\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n-t 4\n-o hash_algorithm=murmur3\n',
    },
    fix: 'None: the right value depends on the machine and the workload.',
  },
  check(ctx) {
    const st = ctx.model.startup;
    if (printsAndExits(st)) {
      // getopt reached -h, -V or -i: memcached prints and exits 0 there, reading no option after it and
      // checking none before it beyond getopt's own (those would have failed first): that is all it does.
      if (!st.ok && st.option) ctx.report({ span: ctx.spanOf(st.option), message: `${st.reason}: nothing listens, and a service that runs this command ends at once (exit 0)` });
      return;
    }
    const reported = new Set<OptionEvent>();
    for (const o of ctx.model.applied.options) {
      if (ctx.model.optionUnknown(o)) continue; // its value is not decided by the file
      if (o.spec.short === 'o') {
        if (checkSubOptions(ctx, o)) reported.add(o);
        continue;
      }
      if (!CHECKED_ON_READ.has(o.spec.short)) continue;
      if (ctx.config.argv[o.valueIndex ?? -1]?.exact === false) continue; // the value depends on the host: nothing to judge
      const f = ownFailure(ctx, o);
      if (!f) continue;
      reported.add(o);
      ctx.report({ span: ctx.spanOf(o), message: `${describeOption(ctx, o)}${readAs(o)}: memcached ${exits(f.exitCode)} (${quoteReason(f.reason)})` });
    }
    // -I bounds, checked after all options are read; the winning -I only.
    const I = lastOccurrence(ctx, 'I');
    const size = ctx.model.applied.settings.itemSizeMax;
    if (I && !ctx.model.unknownOf('itemSizeMax') && !(I.valueIndex !== null && ctx.config.argv[I.valueIndex]?.exact === false) && (size < 1024 || size > 1024 * 1024 * 1024)) {
      reported.add(I);
      const reason = size < 1024 ? 'Item max size cannot be less than 1024 bytes' : 'Cannot set item size limit higher than a gigabyte';
      ctx.report({ span: ctx.spanOf(I), message: `${describeOption(ctx, I)}${itemSizeHint(I.value ?? '', size)}: memcached exits 64 ("${reason}")` });
    }
    // -l entries memcached cannot parse (it parses them only when it opens network listeners).
    if (networkEnabled(ctx) && !ctx.model.unknownOf('listeners')) {
      for (const e of ctx.model.entries) {
        if (!e.error || ENTRY_OWNED.test(e.error) || ctx.model.refusals.some((r) => r.entry === e)) continue;
        ctx.report({ span: listenEntrySpan(ctx, e), message: `-l entry "${e.text}" is malformed: memcached exits 71 (${quoteReason(e.error)})` });
      }
    }
    // The start-up failure, when no other rule owns it.
    if (st.ok || st.unknown || !st.option || reported.has(st.option)) return;
    const o = st.option;
    if (ctx.config.argv[o.valueIndex ?? -1]?.exact === false) return; // a failure caused by a host-dependent value is only a guess
    const letter = o.spec.short;
    // A combination memcached refuses is MC603's (the model's refusals; a listener's failure adds where it listens).
    if (OWNED_ELSEWHERE.has(letter) || ctx.model.refusals.some((r) => st.reason.startsWith(r.reason))) return;
    if (/1\/2 of memory max/.test(st.reason)) return; // MC403 memory-invalid
    if (st.exitCode === 0) {
      ctx.report({ span: ctx.spanOf(o), message: `${st.reason}: the service stops at once (exit 0)` });
      return;
    }
    if (letter === 'o') {
      ctx.report({ span: ctx.valueSpanOf(o) ?? ctx.spanOf(o), message: `-o ${o.value}: memcached ${exits(st.exitCode)} (${quoteReason(st.reason)})` });
      return;
    }
    const hint = letter === 'I' ? itemSizeHint(o.value ?? '', ctx.model.applied.settings.itemSizeMax) : '';
    ctx.report({ span: ctx.spanOf(o), message: `${describeOption(ctx, o)}${hint}: memcached ${exits(st.exitCode)} (${quoteReason(st.reason)})` });
  },
});

/** How memcached read an `-I` value, when that is not what it looks like. */
function itemSizeHint(value: string, size: number): string {
  if (/[gG]$/.test(value)) return ` (-I understands only k and m suffixes, so this is ${size} bytes)`;
  if (!/[kKmM]$/.test(value)) return ` (${size} bytes: a plain number is bytes)`;
  return '';
}

/** Reports each refused sub-option of one `-o`; true when there was one. */
function checkSubOptions(ctx: RuleContext, o: OptionEvent): boolean {
  let any = false;
  for (const sub of splitSubOptions(o.value ?? '')) {
    const f = subOptionFailure(sub, ctx.model.version);
    if (!f) continue;
    any = true;
    const text = subOptionText(sub);
    let hint = '';
    if (!isKnownSubOption(sub.name, ctx.model.version) && isKnownSubOption(sub.name, DEFAULT_VERSION)) {
      hint = ` (${sub.name} is not in memcached ${formatVersion(ctx.model.version)})`;
    } else if (sub.name === '') {
      hint = ' (an empty sub-option between commas)';
    }
    ctx.report({
      span: subOptionSpan(ctx, o, sub),
      message:
        f.exitCode >= 128
          ? `-o ${text}: ${f.message} (status ${f.exitCode})`
          : `-o ${text || '""'}${hint}: memcached ${exits(f.exitCode)} (${quoteReason(f.message)})`,
    });
  }
  return any;
}

