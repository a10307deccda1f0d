/**
 * The notes the container dialects share (Compose's reading of an image, Dockerfile, Kubernetes, Helm
 * values): one variant per kind, with its own fields. Rules read `image-refuses` (MC914, with the launch failure: the image's start
 * script refuses before memcached runs), `auth-unknown` (MC601: the file does not decide whether SASL is
 * on), `ignored-setting` (MC903: a setting the image ignores) and the kinds MC910 names. Types, and the one
 * function that turns a Bitnami start-script note into a dialect's note.
 */
import type { Note, ParseErrorNote } from './types.js';
import type { ReachData } from './container-reach.js';
import type { PodReachData } from './pod-reach.js';
import type { BitnamiNoteKind } from './images/bitnami.js';


/** The Bitnami notes that say a setting is silently ignored (MC903); the others stay notes. */
export const BITNAMI_IGNORED: ReadonlySet<BitnamiNoteKind> = new Set(['env-ignored', 'extra-flags-first-line', 'ignored-variable', 'sasl-skipped']);

/** A Bitnami start-script note as a container dialect's note: `detail` keeps the model's own kind. */
export function bitnamiNote(n: { readonly kind: BitnamiNoteKind; readonly message: string }, span: Note['span']): ContainerImageNote {
  return BITNAMI_IGNORED.has(n.kind)
    ? { kind: 'ignored-setting', span, message: n.message, detail: n.kind }
    : { kind: n.kind === 'validation-unknown' ? 'validation-unknown' : 'host-dependent', span, message: n.message, detail: n.kind };
}

/** The notes of reading a container image's start (the official image, Bitnami's start script). */
export type ContainerImageNote =
  | Note<'image-refuses'>
  | Note<'auth-unknown'>
  | Note<'unknown-variable'>
  | (Note<'ignored-setting'> & { readonly detail?: string })
  | (Note<'validation-unknown'> & { readonly detail?: string })
  | (Note<'host-dependent'> & { readonly value?: string; readonly detail?: string })
  | (Note<'starts-as'> & { readonly user: string | null });

/** Every note of the Dockerfile, Kubernetes and Helm dialects. */
export type ContainerNote =
  | ParseErrorNote
  | ContainerImageNote
  | Note<'not-memcached'>
  | (Note<'delegated'> & { readonly image?: string | null })
  | (Note<'other-program'> & { readonly image?: string | null })
  | (Note<'container-reach'> & ReachData)
  | (Note<'pod-reach'> & { readonly reach: PodReachData })
  | Note<'expose'>
  | Note<'assumed-entrypoint'>
  | Note<'image-from-build-arg'>
  // `operator`: what ends memcached's command in a shell-form line (`&&`, `;`, `||`, `|`, `&`).
  | (Note<'shell-extra-command'> & { readonly operator?: string })
  | Note<'shell-redirect'>
  | Note<'not-enabled'>
  | Note<'launch-failure'>
  | Note<'chart-version'>
  | Note<'unknown'>;
