/**
 * Each dialect's parse result by dialect name, for the rule contract: a rule that names its dialects gets
 * `ctx.config` typed as the union of their configurations (and their notes as the union of their note
 * types), so it reads dialect fields without a cast. Types only: importing this module loads nothing.
 */
import type { ArgvConfig } from './argv.js';
import type { ComposeConfig } from './compose.js';
import type { DebianConfig } from './debian.js';
import type { DockerfileConfig } from './dockerfile.js';
import type { HelmConfig } from './helm.js';
import type { KubeConfig } from './kubernetes.js';
import type { OpenrcConfig } from './openrc.js';
import type { RcconfConfig } from './rcconf.js';
import type { SupervisordConfig } from './supervisord.js';
import type { SysconfigConfig } from './sysconfig.js';
import type { SystemdConfig } from './systemd.js';
import type { DialectName } from './types.js';

export interface ConfigByDialect {
  debian: DebianConfig;
  sysconfig: SysconfigConfig;
  systemd: SystemdConfig;
  openrc: OpenrcConfig;
  rcconf: RcconfConfig;
  compose: ComposeConfig;
  dockerfile: DockerfileConfig;
  supervisord: SupervisordConfig;
  argv: ArgvConfig;
  kubernetes: KubeConfig;
  helm: HelmConfig;
}

/** The configuration of any of the dialects `D`, discriminated by `dialect`. */
export type ConfigOf<D extends DialectName> = ConfigByDialect[D];
