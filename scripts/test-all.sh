#!/usr/bin/env bash
# Runs every mchard test on a fresh Debian machine: installs the Debian packages the tests use when they
# are missing (the list below: the real memcached with Debian's wrapper and init script, and the real
# programs the integration tests check mchard against), the npm packages, builds, and runs the type check
# and the whole jest suite, integration tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/memcached ] && [ -f /usr/share/memcached/scripts/systemd-memcached-wrapper ] || need+=(memcached)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
[ -x /usr/sbin/nft ] || need+=(nftables)
[ -x /usr/sbin/iptables-legacy-restore ] || need+=(iptables)
command -v cc >/dev/null 2>&1 && [ -f /usr/include/stdio.h ] || need+=(gcc libc6-dev)
command -v pre-commit >/dev/null 2>&1 || need+=(pre-commit)
command -v git >/dev/null 2>&1 || need+=(git)
command -v perl >/dev/null 2>&1 || need+=(perl)
# ps and kill: the signal tests find the init script mchard runs and wait for it to end.
command -v ps >/dev/null 2>&1 && [ -x /usr/bin/kill ] || need+=(procps)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# PyYAML: test/fix/real-fixtures.test.ts reads each fixed Compose and Kubernetes file with it.
/usr/bin/python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
[ -x /usr/bin/time ] || need+=(time)
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
command -v nvim >/dev/null 2>&1 || need+=(neovim)
# dash (the /bin/sh differential), unshare (private network and mount namespaces), useradd/userdel (a user
# the host-check tests create): essential on Debian, listed for slimmer images.
[ -x /bin/dash ] || need+=(dash)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v useradd >/dev/null 2>&1 || need+=(passwd)
command -v setfacl >/dev/null 2>&1 && command -v getfacl >/dev/null 2>&1 || need+=(acl)
[ -x /usr/bin/getfattr ] && [ -x /usr/bin/setfattr ] || need+=(attr)
# systemd's own loader (systemd-analyze verify, systemd --test): units systemd refuses; never started as PID 1.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# go: the Kubernetes $(VAR) expansion is checked against Kubernetes' own Go code (test/fixtures/kubernetes-expansion).
command -v go >/dev/null 2>&1 || need+=(golang-go)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "test-all: installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
# supervisor's own configuration reader (test/cli/sweep-f-real.test.ts: which users supervisord refuses),
# unpacked from Debian's package into node_modules, not installed: installing it would start a supervisord.
sup=node_modules/.cache/debian-supervisor
if ! python3 -c 'import supervisor' 2>/dev/null && [ ! -f "$sup/usr/lib/python3/dist-packages/supervisor/options.py" ]; then
  mkdir -p "$sup"
  (cd "$sup" && { apt-get download supervisor >/dev/null 2>&1 || { apt-get update -qq && apt-get download supervisor >/dev/null; }; })
  dpkg-deb -x "$sup"/supervisor_*.deb "$sup"
fi
node scripts/gen-rules-index.mjs --check
node scripts/gen-docs.mjs --check
node scripts/gen-rule-pages.mjs --check
npx tsc --noEmit
# Jest's own summary, then one plain closing line that any CI reader understands.
results="$(mktemp)"
set +e
# --forceExit: on 2 CPUs Jest runs the test files in its own process (one worker: in band), and once (a
# loaded machine, every test passed) that process stayed alive after its summary with nothing left to run;
# a CI run must end. (Jest then prints "Force exiting Jest" on every run, whether or not anything was left:
# to look for what is, run it without --forceExit and with --detectOpenHandles.)
node --experimental-vm-modules node_modules/jest/bin/jest.js --ci --forceExit --json --outputFile="$results"
status=$?
set -e
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);' "$results"
rm -f "$results"
exit "$status"
