/**
 * A separate process that takes mchard's lock on a file (lockForWrite), prints "locked", holds it for
 * HOLD_MS milliseconds, releases it and prints "released". Arguments: PATH HOLD_MS.
 */
import { lockForWrite } from '../../src/fix/write.js';

const [path, holdMs] = process.argv.slice(2);
const held = await lockForWrite(path, {});
process.stdout.write('locked\n');
setTimeout(() => {
  held.release();
  process.stdout.write('released\n');
}, Number(holdMs));
