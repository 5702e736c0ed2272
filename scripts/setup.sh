#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, test and benchmark tokengate: Debian packages
# (apt-get, only those missing) and the pinned npm packages of the tests (npm ci, only when the
# lock file changed). Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libssl-dev libsqlite3-dev zlib1g-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libpq-dev libcurl4-openssl-dev
  openssl wrk sqlite3 gnuplot-nox util-linux
  clang libclang-rt-14-dev       # the sanitizer builds and libFuzzer (scripts/sanitize.sh)
  postgresql                     # a throwaway cluster for the tests (scripts/pg_cluster.sh)
  nginx                          # the deployment test (deploy/nginx.conf)
  chromium fonts-dejavu-core     # the browser tests of /docs and /console (playwright-core drives it)
  python3 python3-prometheus-client  # the reference parser of /metrics in the tests
)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The test packages (jose 6, oidc-provider 9, openid-client 6) need Node.js 20 or newer; the project's
# machines have it. Debian 12's own nodejs is 18: say so plainly rather than fail obscurely later.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $(node --version) is too old for the test packages; install Node.js 20 or newer" >&2
  exit 1
fi

# The JavaScript packages, exactly as locked: third-party OAuth/JOSE implementations and the browser
# driver for the tests, and Swagger UI (swagger-ui-dist), which the build puts into the binary.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.tokengate-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.tokengate-lock.sha256
fi
