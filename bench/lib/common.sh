# shellcheck shell=bash
# Helpers for bench/run.sh (sourced). They expect: BIN (the Release tokengate), WORK (a temp dir),
# RAW (where logs and results.jsonl go), DURATION and WARMUP (seconds), CONNECTIONS.

PIDS=()  # every process started here, stopped by cleanup()
# The servers measured here have no admin listener (several run at once; 8081 may be taken),
# except where a case turns it on to scrape /metrics.
export TOKENGATE_ADMIN_LISTEN=none

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

cleanup() {
  set +e  # runs on every exit, failed ones too: a crashed server's status must not stop it
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "${PG_STOP:-}" ] && $PG_STOP
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
}

# wait_listening PID ERRFILE: waits (at most 15 s) for "listening on 127.0.0.1:PORT" and prints PORT.
wait_listening() {
  local pid=$1 err=$2 i port
  for ((i = 0; i < 300; i++)); do
    port=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$err" 2>/dev/null | head -1 | sed 's/.*://')
    [ -n "$port" ] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  log "server did not start; its log ($err):"; tail -20 "$err" >&2
  return 1
}

# start_server NAME CMD...: starts CMD pinned to core ${CORE:-0}, with stdout/stderr in
# $RAW/NAME.{out,log}; sets SERVER_PID and SERVER_PORT.
start_server() {
  local name=$1; shift
  taskset -c "${CORE:-0}" "$@" >"$RAW/$name.out" 2>"$RAW/$name.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_PORT=$(wait_listening "$SERVER_PID" "$RAW/$name.log") || die "$name: the server did not start"
}

# stop_server: reads the server's peak RSS (VmHWM, kB) into SERVER_RSS_KB, then stops it (SIGTERM,
# SIGKILL after 10 s).
stop_server() {
  local i
  SERVER_RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || true)
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}

# cpu_ticks PID: the CPU time (user + system, clock ticks) the process has used so far.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# start_tokengate NAME DATA_DIR|- [serve options...]   (-: no store, for proxy mode)
start_tokengate() {
  local name=$1 dir=$2; shift 2
  [ "$dir" = - ] || set -- --data-dir "$dir" "$@"
  start_server "$name" "$BIN" serve --listen 127.0.0.1:0 --threads 1 "$@"
}

# demo_basic NAME: the Authorization value for the demo client a fresh store printed in $RAW/NAME.out.
demo_basic() {
  local id secret
  id=$(awk '/client_id:/ {print $2}' "$RAW/$1.out")
  secret=$(awk '/client_secret:/ {print $2}' "$RAW/$1.out")
  if [ -z "$id" ] || [ -z "$secret" ]; then die "$1: no client_id/client_secret printed"; fi
  printf 'Basic %s' "$(printf '%s:%s' "$id" "$secret" | base64 -w0)"
}

# json_basic JSON: the Authorization value for `client create --json`'s output.
json_basic() {
  local id secret
  id=$(printf '%s' "$1" | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')
  secret=$(printf '%s' "$1" | sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p')
  if [ -z "$id" ] || [ -z "$secret" ]; then die "no client_id/client_secret in: $1"; fi
  printf 'Basic %s' "$(printf '%s:%s' "$id" "$secret" | base64 -w0)"
}

# check_token NAME ALG URL [curl options...]: one request must give 200 and a JWT signed with ALG.
check_token() {
  local name=$1 alg=$2 url=$3; shift 3
  local code msg
  code=$(curl -s -m 10 -o "$RAW/$name.check.json" -w '%{http_code}' -X POST "$@" "$url") || true
  [ "$code" = 200 ] || die "$name: a token request answered HTTP $code: $(head -c 300 "$RAW/$name.check.json")"
  msg=$(node "$HERE/lib/check_token.mjs" "$RAW/$name.check.json" "$alg") || die "$name: the token check failed"
  log "$name: $msg"
}

# measure_client NAME COMMAND...: like measure, with a load generator of our own on core 1 that
# prints one JSON line {"requests","rps",...} as its last line (warm-up: the same command, 1 s).
measure_client() {
  local name=$1; shift
  local cpu0 t0 cpu1 t1 result
  taskset -c 1 "$@" >"$RAW/$name.warmup.txt" 2>&1 || die "$name: the load generator failed in the warm-up"
  cpu0=$(cpu_ticks "$SERVER_PID") t0=$(date +%s%N)
  taskset -c 1 "$@" >"$RAW/$name.client.txt" 2>&1 || die "$name: the load generator failed"
  cpu1=$(cpu_ticks "$SERVER_PID") t1=$(date +%s%N)
  kill -0 "$SERVER_PID" 2>/dev/null || die "$name: the server died during the run (log: $RAW/$name.log)"
  stop_server
  result=$(tail -1 "$RAW/$name.client.txt")
  case "$result" in "{"*) ;; *) die "$name: the load generator printed no result ($RAW/$name.client.txt)" ;; esac
  printf '{"case":"%s","rss_kb":%s,"server_cpu_s":%s,"wall_s":%s,"p50_us":null,"p99_us":null,"non2xx":0,"err_connect":0,"err_read":0,"err_write":0,"err_timeout":0,%s\n' \
    "$name" "${SERVER_RSS_KB:-null}" \
    "$(awk -v t="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}')" \
    "$(awk -v n="$((t1 - t0))" 'BEGIN {print n / 1e9}')" "${result#\{}" >>"$RAW/results.jsonl"
  log "$name: $result, peak RSS ${SERVER_RSS_KB:-?} kB"
}

# With SCRAPE_METRICS=1, a scraper on core 1 GETs /metrics from the server's admin listener once a
# second while a case runs (as Prometheus would, if far more often than it usually does).
start_scraper() {
  SCRAPER_PID=
  [ "${SCRAPE_METRICS:-}" = 1 ] || return 0
  local port
  port=$(grep -o 'admin listener on 127\.0\.0\.1:[0-9]*' "$RAW/$1.log" | head -1 | sed 's/.*://')
  [ -n "$port" ] || die "$1: SCRAPE_METRICS=1 but the server has no admin listener (--admin-listen 127.0.0.1:0)"
  taskset -c 1 bash -c "while :; do curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:$port/metrics; sleep 1; done" \
    >"$RAW/$1.scrapes.txt" 2>&1 &
  SCRAPER_PID=$!
  PIDS+=("$SCRAPER_PID")
}
stop_scraper() {
  [ -n "${SCRAPER_PID:-}" ] || return 0
  kill "$SCRAPER_PID" 2>/dev/null || true
  wait "$SCRAPER_PID" 2>/dev/null || true
  grep -qv '^200$' "$RAW/$1.scrapes.txt" && die "$1: a /metrics scrape failed ($RAW/$1.scrapes.txt)"
  log "$1: /metrics scraped $(wc -l <"$RAW/$1.scrapes.txt") times"
}

# measure NAME URL [wrk options...]: a warm-up of $WARMUP s, then $DURATION s measured, wrk pinned to
# core 1 with one thread and $CONNECTIONS connections (bench/wrk/token.lua reads BENCH_* from the
# environment). Appends {"case":NAME,"rss_kb":..,"server_cpu_s":..,"wall_s":..,wrk figures} to
# $RAW/results.jsonl after stopping the server. server_cpu_s / wall_s below 1 means the server did
# not have core 0 to itself (another process ran there).
measure() {
  local name=$1 url=$2; shift 2
  local wrk=(taskset -c 1 wrk -t1 -c"$CONNECTIONS" --timeout 5s --latency -s "$HERE/wrk/token.lua" "$@")
  start_scraper "$name"
  # BENCH_WARMUP_BODY_FILE: bodies of the warm-up's own, when each body is good once (assertions).
  # BENCH_WARMUP_DPOP_FILE: the same for DPoP proofs.
  BENCH_BODY_FILE="${BENCH_WARMUP_BODY_FILE:-${BENCH_BODY_FILE:-}}" \
    BENCH_DPOP_FILE="${BENCH_WARMUP_DPOP_FILE:-${BENCH_DPOP_FILE:-}}" "${wrk[@]}" -d"${WARMUP}s" "$url" \
    >"$RAW/$name.warmup.txt" 2>&1 || die "$name: wrk failed in the warm-up"
  local cpu0 t0 cpu1 t1
  cpu0=$(cpu_ticks "$SERVER_PID") t0=$(date +%s%N)
  "${wrk[@]}" -d"${DURATION}s" "$url" >"$RAW/$name.wrk.txt" 2>&1 || die "$name: wrk failed"
  cpu1=$(cpu_ticks "$SERVER_PID") t1=$(date +%s%N)
  stop_scraper "$name"
  kill -0 "$SERVER_PID" 2>/dev/null || die "$name: the server died during the run (log: $RAW/$name.log)"
  stop_server
  local result
  result=$(sed -n 's/^BENCH_RESULT //p' "$RAW/$name.wrk.txt")
  [ -n "$result" ] || die "$name: wrk printed no result ($RAW/$name.wrk.txt)"
  printf '{"case":"%s","rss_kb":%s,"server_cpu_s":%s,"wall_s":%s,%s\n' "$name" "${SERVER_RSS_KB:-null}" \
    "$(awk -v t="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}')" \
    "$(awk -v n="$((t1 - t0))" 'BEGIN {print n / 1e9}')" "${result#\{}" >>"$RAW/results.jsonl"
  log "$name: $(grep -E 'Requests/sec|Non-2xx|Socket errors' "$RAW/$name.wrk.txt" | tr -s ' ' | paste -sd';'), peak RSS ${SERVER_RSS_KB:-?} kB"
}
