#!/usr/bin/env bash
# Set up, build, and run every test: unit tests (gtest) and integration tests (node:test suites
# that start the real server binary on loopback), then the second pass (scripts/sanitize.sh): the
# suites again under AddressSanitizer and UndefinedBehaviorSanitizer, and bounded libFuzzer runs.
# Run by CI (.ci/run). Arguments go to the first pass's ctest (e.g. -R admin) and skip the second.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2 "$@"
if [ $# -eq 0 ]; then
  scripts/sanitize.sh
fi
