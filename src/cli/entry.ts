/** The executable's entry: run, then exit with the command's status once output is flushed. */
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
