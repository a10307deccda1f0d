/** mchard's own version, injected by the build (scripts/build.mjs); "dev" when run from source. */
declare const __MCHARD_VERSION__: string | undefined;
export const VERSION: string = typeof __MCHARD_VERSION__ !== 'undefined' ? __MCHARD_VERSION__ : 'dev';
