/**
 * A copy of Debian's real systemd-memcached-wrapper whose memcached is an argument recorder: it runs the
 * wrapper's own line handling and Perl's exec (and so the real /bin/sh where the line needs one), and
 * records the argument vector memcached would have received, or nothing when it was never run.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const WRAPPER = '/usr/share/memcached/scripts/systemd-memcached-wrapper';

/**
 * Writes the recorder and the patched wrapper into `dir`: the wrapper's path and the file the recorder writes.
 * `script`: another of Debian's Perl scripts that runs `$memcached` (start-memcached, the SysV script's).
 */
export function recordingWrapper(dir: string, script = WRAPPER): { wrapper: string; recorded: string } {
  const recorded = join(dir, 'argv.out');
  const recorder = join(dir, 'printargs');
  // Writes to a file, not stdout (a config may redirect stdout), NUL-separated so any argument survives.
  writeFileSync(recorder, `#!/usr/bin/perl\nopen(my $o, '>', '${recorded}') or die;\nprint $o join("\\0", @ARGV);\n`);
  chmodSync(recorder, 0o755);
  const src = readFileSync(script, 'utf8');
  const patched = src.replace(/^my \$memcached = .*$/m, `my $memcached = "${recorder}";`);
  if (patched === src) throw new Error(`${script}: no "my $memcached = ..." line to point at the recorder`);
  const wrapper = join(dir, script === WRAPPER ? 'wrapper' : basename(script));
  writeFileSync(wrapper, patched);
  chmodSync(wrapper, 0o755);
  return { wrapper, recorded };
}
