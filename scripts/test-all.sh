#!/usr/bin/env bash
# Runs every mchard test on a fresh Debian machine: installs what the tests use (the real memcached
# package with Debian's wrapper and init script, iproute2 for ss and ip netns, procps for ps and kill,
# pre-commit, git, hyperfine and GNU time for the benchmark's smoke run, ansible for the fleet example,
# neovim as a real LSP client of mchard lsp), the npm packages, builds, and runs the type check and the
# whole jest suite, integration tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/memcached ] && [ -f /usr/share/memcached/scripts/systemd-memcached-wrapper ] || need+=(memcached)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v pre-commit >/dev/null 2>&1 || need+=(pre-commit)
command -v git >/dev/null 2>&1 || need+=(git)
command -v perl >/dev/null 2>&1 || need+=(perl)
# ps and kill: the signal tests find the init script mchard runs and wait for it to end.
command -v ps >/dev/null 2>&1 && [ -x /usr/bin/kill ] || need+=(procps)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
command -v nvim >/dev/null 2>&1 || need+=(neovim)
# dash (the /bin/sh differential), unshare (private network and mount namespaces), useradd/userdel (a user
# the host-check tests create): essential on Debian, listed for slimmer images.
[ -x /bin/dash ] || need+=(dash)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v useradd >/dev/null 2>&1 || need+=(passwd)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "test-all: installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
node scripts/gen-rules-index.mjs --check
node scripts/gen-docs.mjs --check
node scripts/gen-rule-pages.mjs --check
npx tsc --noEmit
# Jest's own summary, then one plain closing line that any CI reader understands.
results="$(mktemp)"
set +e
node --experimental-vm-modules node_modules/jest/bin/jest.js --ci --json --outputFile="$results"
status=$?
set -e
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);' "$results"
rm -f "$results"
exit "$status"
