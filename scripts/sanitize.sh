#!/usr/bin/env bash
# The sanitizer and fuzzing pass of scripts/test.sh: builds everything with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer into build-sanitize/ (with the libFuzzer targets of tests/fuzz/),
# then
#   1. runs the unit tests and the integration suites against that build;
#   2. replays every input in tests/fuzz/regressions/TARGET/ (crashes found before: each must pass);
#   3. fuzzes each target for FUZZ_SECONDS (default 30) from tests/fuzz/corpus/TARGET/. A crash
#      fails the run and its input is copied to tests/fuzz/regressions/TARGET/ to be committed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
BUILD=build-sanitize

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOKENGATE_FUZZ=ON >/dev/null
fi
ninja -C "$BUILD" -j "${TOKENGATE_JOBS:-2}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# 1. The suites under the sanitizers (the interop suites, the benchmark and the examples, which
# build programs against the installed library with plain g++, are left to the plain build).
status=0
ctest --test-dir "$BUILD" --output-on-failure -j 2 -E '^(interop|bench)\.|^integration\.examples$' || status=1

# 2 and 3. Every fuzz target: its regressions, then a bounded run.
for fuzzer in "$BUILD"/*_fuzz; do
  name=$(basename "$fuzzer" _fuzz)
  mkdir -p "tests/fuzz/corpus/$name" "tests/fuzz/regressions/$name"
  if compgen -G "tests/fuzz/regressions/$name/*" >/dev/null; then
    "$fuzzer" tests/fuzz/regressions/"$name"/* >"$BUILD/$name.regressions.log" 2>&1 \
      || { echo "sanitize: $name fails on a kept regression input:"; tail -30 "$BUILD/$name.regressions.log"; status=1; }
  fi
  work=$(mktemp -d)
  if ! "$fuzzer" -max_total_time="$FUZZ_SECONDS" -max_len=20000 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/" \
       "$work" "tests/fuzz/corpus/$name" >"$BUILD/$name.fuzz.log" 2>&1; then
    echo "sanitize: $name found a crash; its input is kept in tests/fuzz/regressions/$name/:"
    tail -40 "$BUILD/$name.fuzz.log"
    cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "tests/fuzz/regressions/$name/" 2>/dev/null || true
    status=1
  else
    echo "sanitize: $name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$BUILD/$name.fuzz.log" | tail -1)"
  fi
  rm -rf "$work"
done
exit $status
