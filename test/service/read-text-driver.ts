/** Prints, as JSON, what the real machine's readText gives for the path argv[2] (a separate process: a read that blocks cannot hang the test). */
import { realMachine } from '../../src/service/machine.js';

process.stdout.write(JSON.stringify(realMachine().readText(process.argv[2])));
