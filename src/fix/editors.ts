/**
 * The fix editor of each dialect: fix intents → an edit of the file in its own syntax, or the reason it
 * cannot be written faithfully. Kept apart from the dialects so `lint` never loads an editor.
 */
import type { DialectName, ParsedConfig } from '../dialects/types.js';
import type { DebianConfig } from '../dialects/debian.js';
import type { SysconfigConfig } from '../dialects/sysconfig.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { FixIntent } from '../engine/types.js';
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
import type { BatchLabel, EditAttempt } from './types.js';
import { editKubernetes } from './edit-kubernetes.js';
import type { KubeConfig } from '../dialects/kubernetes.js';
import type { HelmConfig } from '../dialects/helm.js';
import { editDockerfile } from './edit-dockerfile.js';
import type { DockerfileConfig } from '../dialects/dockerfile.js';

export type Editor = (
  config: ParsedConfig,
  model: MemcachedModel,
  intents: readonly FixIntent[],
  label: BatchLabel,
  /** 0-based lines an earlier fix of the same run wrote. */
  fresh: ReadonlySet<number>,
) => EditAttempt;

const EDITORS: Partial<Record<DialectName, Editor>> = {
  debian: (config, model, intents, label, fresh) => editDebian(config as DebianConfig, model, intents, label, fresh),
  sysconfig: (config, model, intents, label) => editSysconfig(config as SysconfigConfig, model, intents, label),
  compose: (config, model, intents, label) => editCompose(config as ComposeConfig, model, intents, label),
  dockerfile: (config, model, intents, label) => editDockerfile(config as DockerfileConfig, model, intents, label),
  supervisord: (config, model, intents, label) => editSupervisord(config as SupervisordConfig, model, intents, label),
  openrc: (config, model, intents, label) => editOpenrc(config as OpenrcConfig, model, intents, label),
  rcconf: (config, model, intents, label) => editRcconf(config as RcconfConfig, model, intents, label),
  argv: (config, model, intents, label) => editArgv(config as ArgvConfig, model, intents, label),
  systemd: (config, model, intents, label) => editSystemd(config as SystemdConfig, model, intents, label),
  kubernetes: (config, model, intents, label) => editKubernetes(config as KubeConfig, model, intents, label),
  helm: (config, model, intents, label) => editKubernetes(config as HelmConfig, model, intents, label),
};

export function editorFor(dialect: DialectName): Editor {
  return EDITORS[dialect] ?? (() => ({ ok: false, reason: `mchard cannot edit ${dialect} files yet` }));
}
