/**
 * A command run with its standard output on a real pipe set O_NONBLOCK by the parent (Python's
 * os.set_blocking: Node.js's spawn would make it blocking again), read only once it is full while the
 * command still runs: test/cli/stdout-fd.test.ts and test/cli/answers-without-core.test.ts.
 */
import { spawnSync } from 'node:child_process';

/** Runs a command with its standard output on a non-blocking pipe that is read only once it is full. */
const HARNESS = String.raw`
import fcntl, hashlib, json, os, struct, subprocess, sys, termios, time
r, w = os.pipe()
os.set_blocking(w, False)
# PREFILL: the pipe is filled first but for that many bytes (what arrives then starts with them).
leave = int(os.environ.get('PREFILL', '0'))
if leave:
    os.write(w, b'x' * (fcntl.fcntl(r, 1032) - leave))
p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
os.close(w)
if leave:
    time.sleep(1)  # time to start and meet the full pipe
def queued():
    return struct.unpack('i', fcntl.ioctl(r, termios.FIONREAD, b'\0\0\0\0'))[0]
size = fcntl.fcntl(r, 1032)  # F_GETPIPE_SZ
# Full: less than a page left. A pipe is 16 page slots, and a large write only merges into the last
# page what is beyond whole pages, so a pipe whose first slot holds a short write stops a large one
# with up to a page free (15 slots and that short write queued).
page = os.sysconf('SC_PAGE_SIZE')
deadline = time.time() + 60
while queued() <= size - page and p.poll() is None and time.time() < deadline:
    time.sleep(0.01)
before = queued()
time.sleep(0.3)
running = p.poll() is None
# And nothing more came while the writer went on running: it was waiting for the reader.
full = before > size - page and queued() == before
data = b''
while True:
    chunk = os.read(r, 1 << 16)
    if not chunk:
        break
    data += chunk
err = p.stderr.read().decode('utf-8', 'replace')
print(json.dumps({'full': full, 'runningWhenFull': running, 'status': p.wait(), 'length': len(data), 'sha': hashlib.sha256(data).hexdigest(), 'err': err}))
`;

export function throughFullPipe(
  cmd: string[],
  opts: { prefill?: number } = {},
): { full: boolean; runningWhenFull: boolean; status: number; length: number; sha: string; err: string } {
  const env = { ...process.env, NO_COLOR: '1', PREFILL: String(opts.prefill ?? 0) };
  const r = spawnSync('python3', ['-c', HARNESS, ...cmd], { encoding: 'utf8', timeout: 120_000, env });
  if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

