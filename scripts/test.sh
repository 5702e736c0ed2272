#!/usr/bin/env bash
# Set up, build, and run every test: unit tests (gtest) and integration tests (node:test suites
# that start the real server binary on loopback). Run by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2 "$@"
