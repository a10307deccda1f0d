/**
 * Bitnami's memcached image: the argument vector memcached receives, who it runs as and whether SASL is
 * on, from the container's environment and command. Pure functions: the dialects (Compose, Kubernetes)
 * read the file and give each variable's value, known or unknown, with its place in the file.
 *
 * The facts, from bitnami/containers `bitnami/memcached/1/debian-12` (commit
 * d6daf14d0b76992d0fc669cb2806744ad2182407 for `rootfs/opt/bitnami/scripts/`; Dockerfile at 016836763b7c):
 * - The Dockerfile: `USER 1001`, `ENTRYPOINT ["/opt/bitnami/scripts/memcached/entrypoint.sh"]`,
 *   `CMD ["/opt/bitnami/scripts/memcached/run.sh"]`, `/run.sh` a link to run.sh, memcached on `PATH`.
 * - `entrypoint.sh` runs `setup.sh` when its arguments (joined) contain `/run.sh`, then `exec "$@"`: the
 *   command is a program, and nothing prepends `memcached` (unlike the official image). `exec -m` is bash's
 *   `exec` with an option it does not know: the container exits 2 without running anything.
 * - `setup.sh` validates the variables (`memcached_validate`: the port must be an integer from 1024 to
 *   65535, cache size, connections, threads and item size integers ≥ 0; otherwise exit 1) and, when
 *   `MEMCACHED_PASSWORD` is not empty and no SASL configuration exists yet, creates the SASL database
 *   (`memcached_initialize`).
 * - `memcached-env.sh`: each `MEMCACHED_X_FILE` naming a readable file replaces `MEMCACHED_X` with the
 *   file's content (trailing newlines removed); then the defaults apply (`MEMCACHED_PORT_NUMBER` 11211 when
 *   empty, the others empty). `MEMCACHED_DAEMON_USER` is always `memcached`.
 * - `run.sh` builds `-u memcached -p $PORT -v`, then `-l $LISTEN_ADDRESS`, `-S` when the SASL database
 *   exists, `-m`, `-c`, `-t`, `-I` for each non-empty variable, the words of `MEMCACHED_EXTRA_FLAGS` (bash
 *   `read -r -a`: its first line split on spaces and tabs, backslashes kept, no globbing), then its own
 *   arguments. As root it execs memcached as user `memcached`; otherwise as the container's user.
 *
 * Older images: the script above dates from 1.6.6-debian-10-r71 (July 2020, bitnami-docker-memcached
 * aa6a51a); earlier images built the vector differently (no `MEMCACHED_LISTEN_ADDRESS` or
 * `MEMCACHED_EXTRA_FLAGS`, `-vv` with `BITNAMI_DEBUG`), and `MEMCACHED_MAX_ITEM_SIZE` was added in March
 * 2022 (bitnami-docker-memcached pull request 75, merged 2022-03-01; memcached 1.6.14 was current).
 */
import type { ArgToken, Span } from '../../source.js';
import { compareVersions, type Version } from '../../memcached/version.js';
import { isMemcachedProgram } from './official.js';
import type { ImageInfo } from './index.js';
import { joinSpans, tokenOf, valueOf, type SrcChar } from '../sourced.js';

export const BITNAMI_UID = 1001;
export const BITNAMI_DAEMON_USER = 'memcached';
export const RUN_SH = '/opt/bitnami/scripts/memcached/run.sh';
const RUN_SH_WORDS = new Set([RUN_SH, '/run.sh']);

/** The variables run.sh reads, in the order it reads them. */
export const BITNAMI_VARIABLES = [
  'MEMCACHED_LISTEN_ADDRESS',
  'MEMCACHED_PORT_NUMBER',
  'MEMCACHED_PASSWORD',
  'MEMCACHED_CACHE_SIZE',
  'MEMCACHED_MAX_CONNECTIONS',
  'MEMCACHED_THREADS',
  'MEMCACHED_MAX_ITEM_SIZE',
  'MEMCACHED_EXTRA_FLAGS',
] as const;

/** The variables `memcached-env.sh` also reads from a `_FILE` (those that matter to memcached's command line). */
const FILE_VARIABLES = new Set<string>([...BITNAMI_VARIABLES, 'MEMCACHED_USERNAME']);

/**
 * A variable of the container's environment as the file sets it:
 * - known: `chars`, the value's characters, each with its place in the file; a character whose value
 *   depends on something outside the file (a `${VAR:-default}` default) carries `dep`;
 * - unknown: `chars` null, with `text` (what the file shows: `${PASSWORD}`, `secretKeyRef db/password`)
 *   and `why` (what decides it).
 */
export interface EnvValue {
  readonly chars: readonly SrcChar[] | null;
  readonly text?: string;
  readonly why?: string;
  /**
   * Set when the known value is only the file's best guess (a `${VAR:-default}` default, even an empty one):
   * what it depends on. Characters of a non-empty value carry it as `dep` too.
   */
  readonly dep?: string;
  /** The variable's whole entry in the file (name and value), for findings. */
  readonly span: Span | null;
}

export interface BitnamiInput {
  /** The image; null when it is a Bitnami image of unknown release. */
  readonly image: ImageInfo | null;
  /** The environment the file gives the container, by name. */
  readonly env: ReadonlyMap<string, EnvValue>;
  /** Sources of further variables the file names but mchard does not read (`env_file:`, `envFrom:`). */
  readonly otherSources: readonly { readonly what: string; readonly span: Span | null }[];
  /**
   * The container's program: the words after the image's entrypoint (Compose `command:`, Kubernetes
   * `args`), or, when `entrypointReplaced`, the whole program (Compose `entrypoint:` + `command:`,
   * Kubernetes `command` + `args`). Null: the image's own CMD (`run.sh`) after its entrypoint.
   */
  readonly program: readonly ArgToken[] | null;
  readonly entrypointReplaced: boolean;
  /** The container's user as the file sets it (`user:`, `runAsUser`): known text, or unknown (`value` null). Null: the image's `USER 1001`. */
  readonly user: { readonly value: string | null; readonly span: Span | null; readonly why?: string } | null;
  /** The file's text (token notes quote it). */
  readonly text: string;
  /** Where arguments fixed by the script point (the image reference). */
  readonly anchor: Span | null;
}

/** Where an argument of memcached's vector comes from. */
export type ArgFrom =
  | { readonly kind: 'script'; readonly what: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'command' };

export interface BitnamiArg extends ArgToken {
  readonly from: ArgFrom;
}

export interface BitnamiUnknown {
  /** The variable or setting, `MEMCACHED_EXTRA_FLAGS`, `user`. */
  readonly what: string;
  /** What depends on it: `the options`, `authentication`, `the user`. */
  readonly effect: string;
  /** What would decide it. */
  readonly decidedBy: string;
  readonly span: Span | null;
}

/** What the start-script model notes: settings the image ignores, and what depends on the environment. */
export type BitnamiNoteKind = 'env-ignored' | 'extra-flags-first-line' | 'ignored-variable' | 'sasl-skipped' | 'host-dependent' | 'validation-unknown';

export interface BitnamiNote {
  readonly kind: BitnamiNoteKind;
  readonly message: string;
  readonly span: Span | null;
}

export type BitnamiStart =
  | { readonly runs: 'other'; readonly program: string; readonly notes: readonly BitnamiNote[] }
  | {
      readonly runs: 'memcached';
      /** `run.sh`: the image's start script builds the vector; `direct`: the program is memcached itself. */
      readonly via: 'run.sh' | 'direct';
      /** Whether the entrypoint runs setup.sh (variable checks, the SASL database). */
      readonly setup: boolean;
      readonly argv: readonly BitnamiArg[];
      /** Set when the vector is not decided by the file: why, and what would decide it. */
      readonly argvUnknown: string | null;
      /**
       * The user the container starts memcached as (ParsedConfig.startsAs: `root` means started as root);
       * null: unknown.
       */
      readonly startsAs: string | null;
      readonly userWhy: string;
      readonly userSpan: Span | null;
      /** SASL: on, off, or unknown (null), and why. */
      readonly sasl: { readonly on: boolean | null; readonly why: string; readonly span: Span | null };
      readonly unknown: readonly BitnamiUnknown[];
      /** The container stops before memcached runs: the exit status (null: unknown) and why. */
      readonly failure: { readonly exitCode: number | null; readonly reason: string; readonly span: Span | null } | null;
      readonly notes: readonly BitnamiNote[];
    };

// ---- what bash makes of values ----

/** `read -r -a words <<< "$value"`: the first line, split on runs of spaces and tabs (default IFS), nothing else. */
export function readArrayWords(chars: readonly SrcChar[]): SrcChar[][] {
  const words: SrcChar[][] = [];
  let cur: SrcChar[] = [];
  for (const c of chars) {
    if (c.ch === '\n') break;
    if (c.ch === ' ' || c.ch === '\t') {
      if (cur.length) words.push(cur);
      cur = [];
    } else cur.push(c);
  }
  if (cur.length) words.push(cur);
  return words;
}

type Check = { ok: true } | { ok: false; reason: string } | { ok: null; reason: string };

const DECIMAL = /^(0|[1-9][0-9]{0,17})$/;

/** libvalidations.sh `validate_port -unprivileged`, for the values bash reads the same way as mchard. */
export function checkPort(value: string): Check {
  if (!/^-?[0-9]/.test(value)) return { ok: false, reason: 'value is not an integer' };
  if (/^-[0-9]+$/.test(value)) return { ok: false, reason: Number(value) < 0 ? 'negative value provided' : 'privileged port requested' };
  if (DECIMAL.test(value)) {
    const n = Number(value);
    if (n > 65535) return { ok: false, reason: 'requested port is greater than 65535' };
    if (n < 1024) return { ok: false, reason: 'privileged port requested' };
    return { ok: true };
  }
  return { ok: null, reason: `bash reads ${JSON.stringify(value)} as an arithmetic expression` };
}

/** libvalidations.sh `is_positive_int`: an integer (by its first digits) that bash arithmetic finds ≥ 0. */
export function checkPositiveInt(value: string): Check {
  if (!/^-?[0-9]/.test(value)) return { ok: false, reason: 'must be positive integer' };
  if (DECIMAL.test(value) || value === '-0') return { ok: true };
  if (/^-[1-9][0-9]{0,17}$/.test(value)) return { ok: false, reason: 'must be positive integer' };
  return { ok: null, reason: `bash reads ${JSON.stringify(value)} as an arithmetic expression` };
}

const VALIDATED: readonly [string, (v: string) => Check][] = [
  ['MEMCACHED_CACHE_SIZE', checkPositiveInt],
  ['MEMCACHED_MAX_CONNECTIONS', checkPositiveInt],
  ['MEMCACHED_THREADS', checkPositiveInt],
  ['MEMCACHED_MAX_ITEM_SIZE', checkPositiveInt],
];

// ---- the image's generations ----

type Generation = 'current' | 'older';

function generationOf(image: ImageInfo | null): { gen: Generation; itemSize: boolean | null; why: string } {
  const v = image?.version;
  const is = (x: Version, y: string) => compareVersions(x, y.split('.').map(Number) as unknown as Version);
  if (!v || v.kind === 'unknown' || v.kind === 'depends') return { gen: 'current', itemSize: true, why: '' };
  if (v.kind === 'range') {
    if (v.max !== null && is(v.max, '1.6.6') < 0) return { gen: 'older', itemSize: false, why: v.why };
    return { gen: 'current', itemSize: true, why: '' };
  }
  const x = v.version;
  const rev = image!.revision;
  if (is(x, '1.6.6') < 0 || (is(x, '1.6.6') === 0 && rev !== null && rev < 71)) return { gen: 'older', itemSize: false, why: v.why };
  if (is(x, '1.6.14') < 0) return { gen: 'current', itemSize: false, why: v.why };
  if (is(x, '1.6.14') === 0) return { gen: 'current', itemSize: null, why: v.why };
  return { gen: 'current', itemSize: true, why: v.why };
}

// ---- the start ----

const scriptArg = (value: string, span: Span | null, what: string): BitnamiArg => ({ value, span, origin: 'wrapper', exact: true, from: { kind: 'script', what } });

/** The container user's name part (`1001:1001` → `1001`). */
const userName = (u: string) => u.split(':')[0];
const isRootUser = (u: string) => userName(u) === 'root' || /^0+$/.test(userName(u));

/**
 * What Bitnami's image runs for a container: memcached's argument vector (each argument with where it came
 * from), its user, SASL, what the file leaves unknown, and a failure before memcached runs.
 */
export function bitnamiStart(input: BitnamiInput): BitnamiStart {
  const notes: BitnamiNote[] = [];
  // An empty command after the image's entrypoint is no command: Docker then uses the image's CMD.
  const words = input.program && (input.program.length > 0 || input.entrypointReplaced) ? input.program : [{ value: RUN_SH, span: input.anchor, origin: 'wrapper' as const, exact: true }];
  const first = words[0]?.value;
  const joined = words.map((w) => w.value).join(' ');
  const setup = !input.entrypointReplaced && (joined.includes(RUN_SH) || joined.includes('/run.sh'));

  if (first === undefined) return { runs: 'other', program: '', notes };
  if (!input.entrypointReplaced && first.startsWith('-')) {
    // entrypoint.sh ends in `exec "$@"`: the first word is taken as bash exec's own option.
    const known = /^-[cl]+$/.test(first) || first === '-a' || first === '--';
    return failureOnly(
      input,
      words,
      setup,
      {
        exitCode: known ? null : 2,
        reason:
          `Bitnami's entrypoint runs the command as a program (exec "$@") and does not prepend memcached as the official image does: ` +
          (known ? `bash's exec takes ${JSON.stringify(first)} as its own option, so memcached does not run with these options` : `bash's exec refuses ${JSON.stringify(first)} ("invalid option") and the container exits 2`) +
          `; give the options in MEMCACHED_EXTRA_FLAGS, or start the command with ${RUN_SH}`,
        span: words[0].span,
      },
      notes,
    );
  }
  const user = containerUser(input);
  if (isMemcachedProgram(first)) {
    // memcached itself: the environment means nothing to it (setup.sh may still check the variables).
    const failure = setup ? validate(input, notes) : null;
    const envSet = BITNAMI_VARIABLES.filter((n) => input.env.has(n));
    if (envSet.length) {
      notes.push({
        kind: 'env-ignored',
        message: `the command runs memcached directly, so ${envSet.join(', ')} ${envSet.length === 1 ? 'has' : 'have'} no effect (only ${RUN_SH} reads them)`,
        span: input.env.get(envSet[0])!.span,
      });
    }
    const argv = words.slice(1).map((w) => ({ ...w, from: { kind: 'command' } as const }));
    return {
      runs: 'memcached',
      via: 'direct',
      setup,
      argv,
      argvUnknown: null,
      startsAs: user.value === null ? null : user.root ? 'root' : user.value,
      userWhy: user.root ? `${user.why}, and memcached runs directly (not through run.sh), so it starts as root` : user.why,
      userSpan: user.span,
      sasl: { on: argv.some((a) => a.value === '-S') ? true : false, why: 'the command runs memcached directly; MEMCACHED_PASSWORD has no effect', span: null },
      unknown: user.value === null ? [{ what: 'user', effect: 'the user memcached runs as', decidedBy: user.why, span: user.span }] : [],
      failure,
      notes,
    };
  }
  if (!RUN_SH_WORDS.has(first)) return { runs: 'other', program: first, notes };

  // run.sh: the image's start script builds the vector.
  const gen = generationOf(input.image);
  const unknown: BitnamiUnknown[] = [];
  const argv: BitnamiArg[] = [];
  let argvUnknown: string | null = null;
  if (gen.gen === 'older') {
    argvUnknown = `${input.image?.title ?? "Bitnami's image"} ${gen.why} predates the start script mchard models (images from 1.6.6-debian-10-r71, July 2020, on): its MEMCACHED_* variables are read differently; unknown`;
  }
  const lookup = (name: string): { value: EnvValue | null; fromOther: string | null } => {
    const v = input.env.get(name) ?? null;
    if (v) return { value: v, fromOther: null };
    return { value: null, fromOther: input.otherSources.length ? input.otherSources.map((s) => s.what).join(', ') : null };
  };
  /** The variable's value with its `_FILE` replacement; `unknown` says why it is not known. */
  const valueOf_ = (name: string): { chars: readonly SrcChar[] | null; span: Span | null; unknownWhy: string | null; text: string; dep: string | null } => {
    const file = FILE_VARIABLES.has(name) ? lookup(`${name}_FILE`) : null;
    if (file?.value) {
      const fv = file.value;
      const path = fv.chars ? valueOf(fv.chars) : null;
      if (path !== '') {
        return {
          chars: null,
          span: fv.span,
          unknownWhy: `${name}_FILE${path !== null ? `=${path}` : ''} replaces ${name} with the content of that file when the container can read it, which the file does not show`,
          text: `$(< ${path ?? `$${name}_FILE`})`,
          dep: null,
        };
      }
    }
    // (A `_FILE` variable that only an unread source could set is not considered: the variable itself
    // would then be unknown too unless the file sets it, and the file's own value is what it shows.)
    const { value, fromOther } = lookup(name);
    if (value === null) {
      if (fromOther) return { chars: null, span: input.otherSources[0]?.span ?? null, unknownWhy: `${name} is not set here, but ${fromOther} may set it`, text: `$${name}`, dep: null };
      return { chars: [], span: null, unknownWhy: null, text: '', dep: null };
    }
    if (value.chars === null) return { chars: null, span: value.span, unknownWhy: value.why ?? `${name} is set from outside the file`, text: value.text ?? `$${name}`, dep: null };
    return { chars: value.chars, span: value.span, unknownWhy: null, text: valueOf(value.chars), dep: value.dep ?? value.chars.find((c) => c.dep)?.dep ?? null };
  };
  /** A known value that is only a best guess, empty: say so (a non-empty one carries the note in its tokens). */
  const emptyGuess = (name: string, v: { chars: readonly SrcChar[] | null; dep: string | null; span: Span | null }) => {
    if (v.chars !== null && v.chars.length === 0 && v.dep) notes.push({ kind: 'host-dependent', message: `${name} is empty only if ${v.dep}`, span: v.span });
  };

  // -u memcached -p PORT -v
  const port = valueOf_('MEMCACHED_PORT_NUMBER');
  argv.push(scriptArg('-u', input.anchor, 'run.sh: -u $MEMCACHED_DAEMON_USER'), scriptArg(BITNAMI_DAEMON_USER, input.anchor, 'run.sh: MEMCACHED_DAEMON_USER is always memcached'));
  argv.push(scriptArg('-p', port.span ?? input.anchor, 'run.sh: -p $MEMCACHED_PORT_NUMBER'));
  if (port.chars === null) {
    unknown.push({ what: 'MEMCACHED_PORT_NUMBER', effect: 'the port', decidedBy: port.unknownWhy!, span: port.span });
    argvUnknown ??= `the port (MEMCACHED_PORT_NUMBER) is not decided by the file: ${port.unknownWhy}`;
    argv.push({ value: port.text, span: port.span, origin: 'file', exact: false, note: `unknown: ${port.unknownWhy}`, from: { kind: 'env', name: 'MEMCACHED_PORT_NUMBER' } });
  } else if (port.chars.length === 0) {
    emptyGuess('MEMCACHED_PORT_NUMBER', port);
    argv.push(scriptArg('11211', port.span ?? input.anchor, 'memcached-env.sh: MEMCACHED_PORT_NUMBER defaults to 11211'));
  } else {
    argv.push({ ...tokenOf(port.chars, input.text, 'the image'), from: { kind: 'env', name: 'MEMCACHED_PORT_NUMBER' } });
  }
  argv.push(scriptArg('-v', input.anchor, 'run.sh: -v, always'));

  // -l
  const listen = valueOf_('MEMCACHED_LISTEN_ADDRESS');
  if (listen.chars === null) {
    unknown.push({ what: 'MEMCACHED_LISTEN_ADDRESS', effect: 'the listen address', decidedBy: listen.unknownWhy!, span: listen.span });
    argvUnknown ??= `the listen address (MEMCACHED_LISTEN_ADDRESS) is not decided by the file: ${listen.unknownWhy}`;
  } else if (listen.chars.length === 0) emptyGuess('MEMCACHED_LISTEN_ADDRESS', listen);
  else {
    argv.push(scriptArg('-l', listen.span, 'run.sh: -l $MEMCACHED_LISTEN_ADDRESS when set'));
    argv.push({ ...tokenOf(listen.chars, input.text, 'the image'), from: { kind: 'env', name: 'MEMCACHED_LISTEN_ADDRESS' } });
  }

  // -S: the SASL database exists when setup.sh created it from a non-empty password.
  const pw = valueOf_('MEMCACHED_PASSWORD');
  let sasl: { on: boolean | null; why: string; span: Span | null };
  if (!setup) {
    const set = pw.chars === null || pw.chars.length > 0;
    sasl = {
      on: false,
      why: set
        ? `the image's entrypoint is replaced, so setup.sh never creates the SASL database from MEMCACHED_PASSWORD and run.sh adds no -S`
        : 'no MEMCACHED_PASSWORD, and setup.sh does not run',
      span: pw.span,
    };
    if (set) notes.push({ kind: 'sasl-skipped', message: sasl.why, span: pw.span });
  } else if (pw.chars === null) {
    sasl = { on: null, why: `SASL is on only when MEMCACHED_PASSWORD is not empty: ${pw.unknownWhy}`, span: pw.span };
    unknown.push({ what: 'MEMCACHED_PASSWORD', effect: 'authentication (SASL)', decidedBy: pw.unknownWhy!, span: pw.span });
  } else if (pw.chars.length > 0 || pw.dep) {
    const dep = pw.dep;
    sasl = dep
      ? { on: null, why: `SASL is on only when MEMCACHED_PASSWORD is not empty, and it depends on the host: ${dep}`, span: pw.span }
      : { on: true, why: 'MEMCACHED_PASSWORD is set, so setup.sh creates the SASL database and run.sh adds -S', span: pw.span };
    if (dep) unknown.push({ what: 'MEMCACHED_PASSWORD', effect: 'authentication (SASL)', decidedBy: dep, span: pw.span });
    else argv.push({ value: '-S', span: pw.span, origin: 'wrapper', exact: true, from: { kind: 'env', name: 'MEMCACHED_PASSWORD' } });
  } else {
    sasl = { on: false, why: 'MEMCACHED_PASSWORD is not set (or empty), so the image starts memcached without SASL', span: pw.span ?? input.anchor };
  }

  // -m, -c, -t, -I
  const valued: readonly [string, string][] = [
    ['MEMCACHED_CACHE_SIZE', '-m'],
    ['MEMCACHED_MAX_CONNECTIONS', '-c'],
    ['MEMCACHED_THREADS', '-t'],
    ['MEMCACHED_MAX_ITEM_SIZE', '-I'],
  ];
  for (const [name, flag] of valued) {
    const v = valueOf_(name);
    if (v.chars !== null && v.chars.length === 0) {
      emptyGuess(name, v);
      continue;
    }
    if (name === 'MEMCACHED_MAX_ITEM_SIZE' && gen.itemSize === false) {
      notes.push({ kind: 'ignored-variable', message: `${name} is ignored by this image (${gen.why}): its run.sh reads it only since March 2022`, span: v.span });
      continue;
    }
    const maybe = name === 'MEMCACHED_MAX_ITEM_SIZE' && gen.itemSize === null ? `; whether this image's run.sh reads ${name} depends on its build (${gen.why}; added in March 2022)` : '';
    argv.push({ value: flag, span: v.span, origin: 'wrapper', exact: !maybe, ...(maybe ? { note: `depends on the image${maybe}` } : {}), from: { kind: 'script', what: `run.sh: ${flag} $${name} when set` } });
    if (v.chars === null) {
      unknown.push({ what: name, effect: `the ${flag} value`, decidedBy: v.unknownWhy!, span: v.span });
      argv.push({ value: v.text, span: v.span, origin: 'file', exact: false, note: `unknown: ${v.unknownWhy}`, from: { kind: 'env', name } });
    } else {
      const t = tokenOf(v.chars, input.text, 'the image');
      argv.push({ ...t, ...(maybe ? { exact: false, note: `${t.note ?? 'depends on the image'}${maybe}` } : {}), from: { kind: 'env', name } });
    }
  }

  // MEMCACHED_EXTRA_FLAGS: the first line's words.
  const extra = valueOf_('MEMCACHED_EXTRA_FLAGS');
  if (extra.chars === null) {
    unknown.push({ what: 'MEMCACHED_EXTRA_FLAGS', effect: 'any further option', decidedBy: extra.unknownWhy!, span: extra.span });
    argvUnknown ??= `memcached's further options (MEMCACHED_EXTRA_FLAGS) are not decided by the file: ${extra.unknownWhy}`;
  } else if (extra.chars.length === 0) emptyGuess('MEMCACHED_EXTRA_FLAGS', extra);
  else {
    const nl = extra.chars.findIndex((c) => c.ch === '\n');
    if (nl !== -1 && extra.chars.slice(nl + 1).some((c) => c.ch.trim() !== '')) {
      notes.push({
        kind: 'extra-flags-first-line',
        message: 'run.sh reads only the first line of MEMCACHED_EXTRA_FLAGS (bash read -r -a): the words on the later lines never reach memcached',
        span: joinSpans(extra.chars.slice(nl + 1)) ?? extra.span,
      });
    }
    for (const w of readArrayWords(extra.chars)) argv.push({ ...tokenOf(w, input.text, 'run.sh (read -r -a)'), from: { kind: 'env', name: 'MEMCACHED_EXTRA_FLAGS' } });
  }

  // "$@": run.sh's own arguments.
  for (const w of words.slice(1)) argv.push({ ...w, from: { kind: 'command' } });

  const failure = setup ? validate(input, notes, valueOf_) : null;
  if (user.value === null) unknown.push({ what: 'user', effect: 'the user memcached runs as', decidedBy: user.why, span: user.span });
  return {
    runs: 'memcached',
    via: 'run.sh',
    setup,
    argv,
    argvUnknown,
    startsAs: user.value === null ? null : user.root ? BITNAMI_DAEMON_USER : user.value,
    userWhy: user.root ? `${user.why}, so run.sh starts memcached as user ${BITNAMI_DAEMON_USER} (exec_as_user)` : user.why,
    userSpan: user.span,
    sasl,
    unknown,
    failure,
    notes,
  };
}

function failureOnly(input: BitnamiInput, words: readonly ArgToken[], setup: boolean, failure: { exitCode: number | null; reason: string; span: Span | null }, notes: BitnamiNote[]): BitnamiStart {
  const user = containerUser(input);
  return {
    runs: 'memcached',
    via: 'direct',
    setup,
    argv: words.map((w) => ({ ...w, from: { kind: 'command' } as const })),
    argvUnknown: null,
    startsAs: user.value,
    userWhy: user.why,
    userSpan: user.span,
    sasl: { on: false, why: 'memcached does not start', span: null },
    unknown: [],
    failure,
    notes,
  };
}

function containerUser(input: BitnamiInput): { value: string | null; root: boolean; why: string; span: Span | null } {
  const u = input.user;
  if (u === null) return { value: String(BITNAMI_UID), root: false, why: `the image runs as uid ${BITNAMI_UID} (USER 1001)`, span: input.anchor };
  if (u.value === null) return { value: null, root: false, why: u.why ?? 'the container user is set from outside the file', span: u.span };
  const root = isRootUser(u.value);
  return { value: root ? 'root' : userName(u.value), root, why: `the container runs as ${root ? 'root' : userName(u.value)}`, span: u.span };
}

/** setup.sh's `memcached_validate`: the first refused variable stops the container (exit 1). */
function validate(
  input: BitnamiInput,
  notes: BitnamiNote[],
  read?: (name: string) => { chars: readonly SrcChar[] | null; span: Span | null; unknownWhy: string | null; text: string; dep: string | null },
): { exitCode: number | null; reason: string; span: Span | null } | null {
  const get =
    read ??
    ((name: string) => {
      const v = input.env.get(name);
      return { chars: v ? v.chars : [], span: v?.span ?? null, unknownWhy: v && !v.chars ? (v.why ?? 'set from outside the file') : null, text: '', dep: v?.dep ?? null };
    });
  const refused: { reason: string; span: Span | null }[] = [];
  const undecided: string[] = [];
  const port = get('MEMCACHED_PORT_NUMBER');
  if (port.chars !== null && !port.dep) {
    const value = port.chars.length ? valueOf(port.chars) : '11211';
    const c = checkPort(value);
    if (c.ok === false) refused.push({ reason: `MEMCACHED_PORT_NUMBER=${JSON.stringify(value)}: ${c.reason} (the image's non-root memcached needs a port from 1024 to 65535)`, span: port.span });
    else if (c.ok === null) undecided.push(`MEMCACHED_PORT_NUMBER (${c.reason})`);
  }
  for (const [name, check] of VALIDATED) {
    const v = get(name);
    if (v.chars === null || v.chars.length === 0 || v.dep) continue;
    const value = valueOf(v.chars);
    const c = check(value);
    if (c.ok === false) refused.push({ reason: `${name}=${JSON.stringify(value)}: ${c.reason}`, span: v.span });
    else if (c.ok === null) undecided.push(`${name} (${c.reason})`);
  }
  if (refused.length) {
    return {
      exitCode: 1,
      reason: `the image's setup.sh refuses ${refused.map((r) => r.reason).join('; ')}: the container exits 1 before memcached runs`,
      span: refused[0].span,
    };
  }
  if (undecided.length) {
    notes.push({ kind: 'validation-unknown', message: `whether the image's setup.sh accepts ${undecided.join(', ')} is not predicted`, span: null });
  }
  return null;
}

/** A summary of where each argument came from, for inspect: `-m 64 (MEMCACHED_CACHE_SIZE)`. */
export function describeFrom(from: ArgFrom): string {
  switch (from.kind) {
    case 'script':
      return from.what;
    case 'env':
      return from.name;
    case 'command':
      return 'the command';
  }
}
