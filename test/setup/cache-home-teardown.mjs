/** Removes the test run's code-cache folder (test/setup/cache-home.mjs). */
export { teardown as default } from './cache-home.mjs';
