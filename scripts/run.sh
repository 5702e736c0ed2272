#!/usr/bin/env bash
# Quick start: set up, build, and start the server on its embedded default (127.0.0.1:8080, an
# SQLite store in ./tokengate-data). On an empty store it prints a demo client and a curl command.
# Extra arguments go to `tokengate serve`, e.g. scripts/run.sh --listen 127.0.0.1:9090
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh tokengate
exec build/tokengate serve "$@"
