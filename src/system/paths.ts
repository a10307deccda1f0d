/**
 * path.resolve for the paths a run over many files resolves several times each (detection, the
 * `.mchardrc` lookup, the link checks, host locations): a path with no `.` or `..` component, no empty
 * one (`//`) and no trailing `/` is already normal, so resolving it is joining it to the current folder.
 * path.resolve normalises every path character by character, which showed in runs over thousands of
 * files. Anything else goes to path.resolve. Held to path.resolve by test/system/paths.test.ts.
 */
import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';

/** A `.` or `..` component, an empty component, or a trailing slash: path.resolve decides. */
const NOT_NORMAL = /(^|\/)\.\.?(\/|$)|\/\/|\/$/;

export function absolutePath(path: string): string {
  if (path === '' || NOT_NORMAL.test(path)) return resolve(path);
  if (path.charCodeAt(0) === 47 /* / */) return path;
  const cwd = process.cwd();
  return cwd === '/' ? `/${path}` : `${cwd}/${path}`;
}

/** Whether something (a link included) is at `path`: undefined when the file system does not say (EACCES, ...). */
export function pathExists(path: string): boolean | undefined {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? false : undefined;
  }
}
