/** The rule options that apply when neither `.mchardrc` nor the command line says otherwise. */
import { DEFAULT_VERSION } from '../memcached/model.js';
import type { RuleOptions } from './types.js';

export function defaultRuleOptions(): RuleOptions {
  return { version: DEFAULT_VERSION, versionExplicit: false, trustedNetworks: [], maxconnLow: 64, maxconnHigh: 65536 };
}
