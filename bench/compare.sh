#!/usr/bin/env bash
# Compares the ES256 keep-alive grant rate of two builds in the same run, so that a change on the
# token path is measured against what it changed (absolute figures on a shared machine drift):
#
#   bench/compare.sh BASE_REV [ROUNDS] [-- EXTRA_SERVE_OPTIONS...]
#
# Builds BASE_REV (a commit) in build-bench/base/ and the working tree in build-release/ (Release,
# the tokengate target only), then measures them in turn, ROUNDS times each (default 5), with the
# server pinned to core 0 (one thread) and wrk to core 1 (32 connections), $DURATION s per round
# after a warm-up. Prints each round and the medians, and the ratio new/base.
# BENCH_SETUP, if set, is a command run with DATA_DIR and BIN set after each fresh store is
# made and before the server starts (e.g. to load revocations), the same for both builds.
# NEW_SERVE_OPTIONS, if set, are options for the new build only (ones the base does not know);
# with SCRAPE_METRICS=1 and NEW_SERVE_OPTIONS='--admin-listen 127.0.0.1:0', /metrics is scraped
# once a second during the new build's rounds (lib/common.sh):
#   SCRAPE_METRICS=1 NEW_SERVE_OPTIONS='--admin-listen 127.0.0.1:0' bench/compare.sh BASE_REV
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"
[ $# -ge 1 ] || { echo "usage: bench/compare.sh BASE_REV [ROUNDS] [-- EXTRA_SERVE_OPTIONS...]" >&2; exit 2; }
BASE_REV=$1; shift
ROUNDS=5
if [ $# -ge 1 ] && [ "$1" != -- ]; then ROUNDS=$1; shift; fi
[ "${1:-}" = -- ] && shift
EXTRA=("$@")
DURATION=${DURATION:-5} WARMUP=${WARMUP:-2} CONNECTIONS=32 BODY=grant_type=client_credentials
RAW="$ROOT/build-bench/compare"
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
WORK="$(mktemp -d /tmp/tokengate-compare.XXXXXX)"
trap cleanup EXIT
rm -rf "$RAW" && mkdir -p "$RAW"

base_sha=$(git rev-parse --verify "$BASE_REV^{commit}") || die "no such commit: $BASE_REV"
log "building base $base_sha in build-bench/base/"
rm -rf build-bench/base-src && git worktree prune
git worktree add --detach build-bench/base-src "$base_sha" >/dev/null 2>&1 || die "git worktree add failed"
ln -s "$ROOT/node_modules" build-bench/base-src/node_modules  # the build embeds swagger-ui-dist from it
cmake -S build-bench/base-src -B build-bench/base -G Ninja -DCMAKE_BUILD_TYPE=Release -DTOKENGATE_BUILD_TESTS=OFF >"$RAW/base-cmake.log" 2>&1 \
  || { tail -20 "$RAW/base-cmake.log" >&2; die "base configuration failed"; }
ninja -C build-bench/base -j2 tokengate >"$RAW/base-ninja.log" 2>&1 || { tail -20 "$RAW/base-ninja.log" >&2; die "base build failed"; }
git worktree remove --force build-bench/base-src
log "building the working tree in build-release/"
[ -f build-release/build.ninja ] || cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DTOKENGATE_BUILD_TESTS=OFF >"$RAW/new-cmake.log" 2>&1
ninja -C build-release -j2 tokengate >"$RAW/new-ninja.log" 2>&1 || { tail -20 "$RAW/new-ninja.log" >&2; die "build failed"; }

run_round() {  # NAME BIN [serve options of this build...]
  local name=$1
  BIN=$2
  shift 2
  local dir="$WORK/$name"
  rm -rf "$dir"
  # a fresh store with a demo client, then the setup hook, then the measured server
  start_tokengate "$name.init" "$dir"
  stop_server
  if [ -n "${BENCH_SETUP:-}" ]; then DATA_DIR="$dir" BIN="$BIN" bash -c "$BENCH_SETUP" >>"$RAW/setup.log" 2>&1 || die "BENCH_SETUP failed"; fi
  start_tokengate "$name" "$dir" "${EXTRA[@]}" "$@"
  local auth url
  auth=$(demo_basic "$name.init")
  url="http://127.0.0.1:$SERVER_PORT/connect/token"
  check_token "$name" ES256 "$url" -H "Authorization: $auth" -d "$BODY"
  BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure "$name" "$url"
}

for ((i = 1; i <= ROUNDS; i++)); do
  SCRAPE_METRICS= run_round "base$i" "$ROOT/build-bench/base/tokengate"
  # shellcheck disable=SC2086  # NEW_SERVE_OPTIONS is split into options on purpose
  run_round "new$i" "$ROOT/build-release/tokengate" ${NEW_SERVE_OPTIONS:-}
done
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const rate = (r) => r.rps;
  const pick = (p) => lines.filter((l) => l.case.startsWith(p)).map(rate).sort((a, b) => a - b);
  const med = (a) => a[(a.length - 1) >> 1];
  const base = pick("base"), fresh = pick("new");
  console.log("base rounds:", base.map(Math.round).join(" "));
  console.log("new rounds: ", fresh.map(Math.round).join(" "));
  console.log(`median grants/s: base ${Math.round(med(base))}, new ${Math.round(med(fresh))}, new/base ${(med(fresh) / med(base)).toFixed(3)}`);
' "$RAW/results.jsonl"
