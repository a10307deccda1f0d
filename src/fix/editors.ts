/**
 * The fix editor of each dialect: fix intents → an edit of the file in its own syntax, or the reason it
 * cannot be written faithfully. Kept apart from the dialects so `lint` never loads an editor.
 */
import type { DialectName } from '../dialects/types.js';
import type { DebianConfig } from '../dialects/debian.js';
import type { SysconfigConfig } from '../dialects/sysconfig.js';
import { editDebian } from './edit-debian.js';
import { editSysconfig } from './edit-sysconfig.js';
import type { ComposeConfig } from '../dialects/compose.js';
import type { SupervisordConfig } from '../dialects/supervisord.js';
import { editCompose } from './edit-compose.js';
import { editSupervisord } from './edit-supervisord.js';
import { editArgv } from './edit-argv.js';
import { editSystemd } from './edit-systemd.js';
import type { SystemdConfig } from '../dialects/systemd.js';
import type { ArgvConfig } from '../dialects/argv.js';
import { editOpenrc } from './edit-openrc.js';
import type { OpenrcConfig } from '../dialects/openrc.js';
import { editRcconf } from './edit-rcconf.js';
import type { RcconfConfig } from '../dialects/rcconf.js';
import type { EditAttempt, EditSession } from './types.js';
import { editKubernetes } from './edit-kubernetes.js';
import type { KubeConfig } from '../dialects/kubernetes.js';
import type { HelmConfig } from '../dialects/helm.js';
import { editDockerfile } from './edit-dockerfile.js';
import type { DockerfileConfig } from '../dialects/dockerfile.js';

export type Editor = (session: EditSession) => EditAttempt;

const EDITORS: Partial<Record<DialectName, Editor>> = {
  debian: (s) => editDebian(s as EditSession<DebianConfig>),
  sysconfig: (s) => editSysconfig(s as EditSession<SysconfigConfig>),
  compose: (s) => editCompose(s as EditSession<ComposeConfig>),
  supervisord: (s) => editSupervisord(s as EditSession<SupervisordConfig>),
  openrc: (s) => editOpenrc(s as EditSession<OpenrcConfig>),
  rcconf: (s) => editRcconf(s as EditSession<RcconfConfig>),
  argv: (s) => editArgv(s as EditSession<ArgvConfig>),
  systemd: (s) => editSystemd(s as EditSession<SystemdConfig>),
  dockerfile: (s) => editDockerfile(s as EditSession<DockerfileConfig>),
  kubernetes: (s) => editKubernetes(s as EditSession<KubeConfig>),
  helm: (s) => editKubernetes(s as EditSession<HelmConfig>),
};

export function editorFor(dialect: DialectName): Editor {
  return EDITORS[dialect] ?? (() => ({ ok: false, reason: `mchard cannot edit ${dialect} files yet` }));
}
