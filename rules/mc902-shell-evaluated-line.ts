import { defineRule, security } from '../src/engine/rule.js';
import type { Span } from '../src/source.js';

/** How a metacharacter in the message is shown: in double quotes, the double quote itself in single quotes. */
const show = (c: string) => (c === '"' ? `'"'` : `"${c}"`);

const within = (outer: Span, s: Span) => s.start >= outer.start && s.start < outer.end;

/** What /bin/sh does to the characters that only change how the words are read. */
function mildEffects(chars: readonly string[]): string[] {
  const out: string[] = [];
  if (chars.some((c) => c === '"' || c === "'")) out.push('the shell removes the quotes');
  if (chars.includes('\\')) out.push('the shell removes the backslashes');
  if (chars.some((c) => c === '[' || c === ']')) out.push('"[...]" is a glob pattern that can match file names');
  if (chars.includes('~')) out.push('a "~" at the start of a word becomes root\'s home directory');
  if (chars.some((c) => c === '{' || c === '}')) out.push('braces are shell syntax');
  return out;
}

export const rule = defineRule({
  id: 'MC902',
  slug: 'shell-evaluated-line',
  severity: 'error',
  // the root-run wrapper hands the line to /bin/sh: whoever writes it runs commands as root
  risk: security(7.2),
  summary: 'a shell metacharacter makes the Debian wrapper run memcached through /bin/sh as root',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['debian'],
  sources: [
    { kind: 'reference', title: 'Debian memcached /usr/share/memcached/scripts/systemd-memcached-wrapper (exec "$memcached $params")' },
    { kind: 'manual', page: 'perlfunc(1)', section: 'exec — a single scalar argument with shell metacharacters is passed to /bin/sh -c' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a line of `/etc/memcached.conf` that holds a shell metacharacter. Debian\'s wrapper joins the kept lines into one string ' +
      'and runs it with Perl\'s one-string `exec`, which hands the whole command line to `/bin/sh -c` as soon as it contains one of ' +
      '``$ & * ( ) { } [ ] \' " ; \\ | ? < > ~ ` ``. It is an error for `;` `|` `&` `$` backtick `<` `>` `(` `)` `*` `?` (further commands, ' +
      'expansions, redirections, globbing, syntax errors) and a warning for quotes, brackets, braces, `~` and backslashes (the shell only ' +
      'changes how the words are read).',
    why:
      'The wrapper runs as root. A `;`, `|`, `&` or backtick makes the shell run further commands as root (`-l 127.0.0.1; echo INJECTED` ' +
      'prints INJECTED); `$VAR` and globs make the arguments depend on the environment and the working directory; `<` and `>` redirect ' +
      'memcached\'s input and output; an unbalanced parenthesis is a shell syntax error and memcached never starts. The file looks like a ' +
      'list of options, not like a script, so none of this is expected by whoever edits it.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-l 127.0.0.1; echo INJECTED\n-m 64\n',
      good: '-u memcache\n-l 127.0.0.1\n-m 64\n',
    },
    fix: 'None: what the line was meant to say cannot be told from it. Write plain options, one or more per line, without quotes or shell syntax.',
  },
  check(ctx) {
    const config = ctx.config;
    // Only a trailing "2>&1" holds metacharacters yet Perl execs directly: then no shell is involved.
    if (!config.shellEvaluated) return;
    const notes = config.notes;
    // The notes that explain a line, by where they start: each line looks only at its own (a loop over
    // every note for every line made a file of many shell lines quadratic).
    const explaining = notes
      .map((n, k) => ({ n, k }))
      .filter(({ n }) => n.kind === 'shell-extra-command' || n.kind === 'shell-redirect' || n.kind === 'host-dependent')
      .sort((a, b) => a.n.span.start - b.n.span.start || a.k - b.k);
    const inside = (outer: Span) => {
      let lo = 0;
      let hi = explaining.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (explaining[mid].n.span.start < outer.start) lo = mid + 1;
        else hi = mid;
      }
      const out: { n: (typeof notes)[number]; k: number }[] = [];
      for (let i = lo; i < explaining.length && within(outer, explaining[i].n.span); i++) out.push(explaining[i]);
      // In the notes' own order, as before.
      return out.sort((a, b) => a.k - b.k).map((x) => x.n);
    };
    for (const note of notes) {
      if (note.kind !== 'shell-line') continue;
      const { chars, dangerous } = note;
      const details: string[] = [];
      for (const n of inside(note.span)) {
        if (n.kind === 'shell-extra-command') {
          const end = Math.min(n.span.end, note.span.end);
          const op = n.operator;
          const rest = config.source.text.slice(n.span.start + op.length, end).trim();
          const later = n.span.end > note.span.end ? ' (and the lines after it)' : '';
          details.push(`after "${op}" the shell runs ${rest ? `"${rest}"` : 'what follows'}${later} as a separate command, as root`);
        } else if (n.kind === 'shell-redirect' || n.kind === 'host-dependent') {
          details.push(n.message);
        }
      }
      // A shell that fails on the line (a syntax error) is MC914's finding: memcached never starts.
      // Host-dependent notes already explain "~" and "[...]"; the mild effects cover the rest.
      const explained = details.length > 0 ? chars.filter((c) => c !== '~' && c !== '[' && c !== ']') : chars;
      if (dangerous.length === 0) details.push(...mildEffects(explained));
      ctx.report({
        span: note.span,
        severity: dangerous.length > 0 ? 'error' : 'warning',
        message:
          `this line holds ${chars.map(show).join(' ')}, so the wrapper runs the whole memcached command line through /bin/sh as root` +
          (details.length ? `: ${details.join('; ')}` : ''),
      });
    }
  },
});
