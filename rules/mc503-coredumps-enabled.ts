import { defineRule, security } from '../src/engine/rule.js';
import { occurrences } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC503',
  slug: 'coredumps-enabled',
  severity: 'info',
  // cached data in core files
  risk: security(3.3),
  summary: '-r writes cached data into core files',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -r, --enable-coredumps' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'setrlimit(RLIMIT_CORE) "failed to ensure corefile creation" (exit 71)' },
  ],
  fix: null,
  docs: {
    what: 'Reports `-r` (`--enable-coredumps`), which raises the core-file size limit to the maximum.',
    why:
      'A core file holds the whole process memory: every cached item, session data and credentials included. ' +
      'With `-r` a crash writes all of it to disk, where it outlives the cache and may be readable by others or ' +
      'collected by crash reporters. memcached also fails to start (exit 71) when the limit cannot be raised.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n-r\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n',
    },
    fix: 'None: core dumps are sometimes wanted while debugging; remove `-r` once done.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('coreDumps')) return; // the file does not decide it (template or host): MC910 says so
    if (!ctx.model.applied.settings.coreDumps) return;
    const first = occurrences(ctx, 'r')[0];
    if (!first) return;
    ctx.report({
      span: ctx.spanOf(first),
      message: `${first.written} lets a crash write memcached's whole memory, every cached item included, into a core file`,
    });
  },
});
