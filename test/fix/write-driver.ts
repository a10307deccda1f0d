/**
 * A separate process that runs one safeWrite, for the tests that need one: kill -9 at a chosen step, a
 * write as another user, concurrent writers. Arguments: PATH ORIGINAL_BASE64 TEXT_BASE64 [STEP [OPTIONS_JSON]].
 * At STEP (a WriteStep, or "none") the process kills itself with SIGKILL. Prints a JSON result.
 */
import { safeWrite, type WriteStep } from '../../src/fix/write.js';

const [path, originalB64, textB64, crashAt = 'none', optionsJson = '{}'] = process.argv.slice(2);
const options = JSON.parse(optionsJson) as Record<string, unknown>;
safeWrite(path, Buffer.from(originalB64, 'base64'), Buffer.from(textB64, 'base64'), {
  ...options,
  onStep: (s: WriteStep) => {
    if (s === crashAt) process.kill(process.pid, 'SIGKILL');
  },
}).then(
  (r) => process.stdout.write(JSON.stringify({ ok: true, ...r })),
  (e: Error) => {
    process.stdout.write(JSON.stringify({ ok: false, message: e.message }));
    process.exitCode = 1;
  },
);
