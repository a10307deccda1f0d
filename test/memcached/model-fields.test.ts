/**
 * The model carries every field of the start-up result (written out one by one in analyze, not spread):
 * the same values, in the same order, so a field added to StartupResult cannot be lost on the way.
 */
import { analyze } from '../../src/memcached/model.js';
import { evaluateStartup, SERVICE_HOST } from '../../src/memcached/startup.js';
import { applyOptions } from '../../src/memcached/settings.js';
import { getopt } from '../../src/memcached/getopt.js';
import { argv, v } from '../helpers/argv.js';

describe('the model and the start-up result', () => {
  it.each([[['-l', '0.0.0.0', '-u', 'root', '-p', '11211']], [['-s', '/tmp/m.sock', '-a', '0777']], [['-m', 'x', '-c', '-1']], [[]]])('carries every field of the start-up result for %j, in order', (words) => {
    const version = v('1.6.18');
    const a = argv(...words);
    const model = analyze(a, { version });
    const start = evaluateStartup(applyOptions(getopt(a, version), version), version, SERVICE_HOST);
    const keys = Object.keys(model);
    // Where the spread put them: right after `applied`, in the start-up result's own order.
    const at = keys.indexOf('applied') + 1;
    expect(keys.slice(at, at + Object.keys(start).length)).toEqual(Object.keys(start));
    for (const k of Object.keys(start) as (keyof typeof start)[]) if (k !== 'startup') expect(model[k]).toEqual(start[k]);
  });
});
