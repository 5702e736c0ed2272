#!/usr/bin/env bash
# Configures and builds tokengate with CMake + Ninja into ./build (two jobs: the machines have two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
build_type="${TOKENGATE_BUILD_TYPE:-RelWithDebInfo}"
if [ ! -f build/build.ninja ] || ! grep -q "CMAKE_BUILD_TYPE:STRING=${build_type}$" build/CMakeCache.txt; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${build_type}"
fi
ninja -C build -j "${TOKENGATE_JOBS:-2}" "$@"
