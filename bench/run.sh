#!/usr/bin/env bash
# tokengate's load benchmark (issue 5), one command:
#
#   bench/run.sh            full run, about 9 minutes plus the Release build (several minutes from
#                           scratch): 10 s per case after a 2 s warm-up; writes docs/BENCHMARKS.md
#                           and docs/benchmarks.png
#   bench/run.sh --smoke    1 s per case after a 1 s warm-up, about 3 minutes plus the build (CI, so that
#                           it cannot rot); writes build-bench/BENCHMARKS.md and build-bench/benchmarks.png
#
# It builds tokengate in Release (build-release/; BENCH_BUILD_DIR names another build), then measures on this 2-core machine with the
# server pinned to core 0 (--threads 1) and wrk pinned to core 1 (one thread, 32 keep-alive
# connections): tokengate's token routes (ES256, EdDSA, RS256, the Cells route, Connection: close,
# proxy mode with a cache hit, 100,000 clients), node-oidc-provider doing the same grant (the
# peer), `openssl speed` signing (the ceiling) and start-up with 100,000 clients. No threshold fails
# the run: it reports what it measured against the issue's targets; it fails only when a case
# cannot be measured. Raw output (wrk, server logs, results.jsonl) stays in build-bench/raw/.
# Every target is 127.0.0.1.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"

MODE=full DURATION=10 WARMUP=2
case "${1:-}" in
  "") ;;
  --smoke) MODE=smoke DURATION=1 WARMUP=1 ;;
  *) echo "usage: bench/run.sh [--smoke]" >&2; exit 2 ;;
esac
CONNECTIONS=32
CLIENTS=100000 SPREAD=1000
OUT="$ROOT/docs"
[ "$MODE" = smoke ] && OUT="$ROOT/build-bench"
RAW="$ROOT/build-bench/raw"
# The build measured: Release in build-release/, or BENCH_BUILD_DIR (ctest's smoke run points it at
# the build it just tested, so CI does not compile everything a second time for 1-second cases).
BUILD_DIR="${BENCH_BUILD_DIR:-$ROOT/build-release}"
BIN="$BUILD_DIR/tokengate"
BODY=grant_type=client_credentials

# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"

declare -A debian=([ninja]=ninja-build [taskset]=util-linux [node]=nodejs)
for tool in cmake ninja wrk taskset curl node openssl sqlite3; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install ${debian[$tool]:-$tool})"
done
[ -d node_modules/oidc-provider ] || die "node_modules/oidc-provider is missing: run scripts/setup.sh (npm ci)"
[ "$(nproc)" -ge 2 ] || die "needs two cores (server on core 0, wrk on core 1); this machine has $(nproc)"

WORK="$(mktemp -d /tmp/tokengate-bench.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$RAW" && mkdir -p "$RAW" "$OUT"
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)

# 1. Release build, in its own directory, the tokengate target only.
log "building tokengate in $BUILD_DIR"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  [ "$BUILD_DIR" = "$ROOT/build-release" ] || die "$BUILD_DIR holds no build"
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DTOKENGATE_BUILD_TESTS=OFF >"$RAW/cmake.log" 2>&1
fi
ninja -C "$BUILD_DIR" -j2 tokengate client_bench >"$RAW/ninja.log" 2>&1 || { tail -30 "$RAW/ninja.log" >&2; die "the build failed"; }

# 2. The ceiling: openssl's signing rate on core 0 (wall-clock, like wrk's rates).
log "openssl speed -seconds $DURATION ecdsap256 ed25519 rsa2048 on core 0"
taskset -c 0 openssl speed -elapsed -mr -seconds "$DURATION" ecdsap256 ed25519 rsa2048 ecdhp256 >"$RAW/openssl.txt" 2>&1
awk -F: '/^\+F4:.*:256:/ {printf "{\"ceiling\":\"ES256\",\"signs_per_s\":%s}\n{\"ceiling\":\"ES256 verify\",\"verifies_per_s\":%s}\n", $4, $5}
         /^\+F6:.*:Ed25519:/ {printf "{\"ceiling\":\"EdDSA\",\"signs_per_s\":%s}\n", $5}
         /^\+F2:.*:2048:/ {printf "{\"ceiling\":\"RS256\",\"signs_per_s\":%s}\n", $4}
         /^\+F5:.*:256:/ {printf "{\"ceiling\":\"ECDH\",\"signs_per_s\":%s}\n", $4}' \
  "$RAW/openssl.txt" >>"$RAW/results.jsonl"
[ "$(grep -c '"ceiling"' "$RAW/results.jsonl")" = 5 ] || die "could not read openssl speed's output ($RAW/openssl.txt)"

# 3. The peer: node-oidc-provider on core 0, client_credentials, ES256 JWT access tokens.
log "peer: node-oidc-provider $(node -p 'require("./node_modules/oidc-provider/package.json").version')"
start_server peer node "$HERE/peers/oidc_provider.mjs" 0
peer_auth="Basic $(printf '%s:%s' "$(awk '/client_id:/ {print $2}' "$RAW/peer.out")" \
                                  "$(awk '/client_secret:/ {print $2}' "$RAW/peer.out")" | base64 -w0)"
check_token peer ES256 "http://127.0.0.1:$SERVER_PORT/token" -H "Authorization: $peer_auth" -d "$BODY"
BENCH_AUTH="$peer_auth" BENCH_BODY="$BODY" measure peer "http://127.0.0.1:$SERVER_PORT/token"

# 4. tokengate, a handful of clients: one fresh store per signing algorithm.
for alg in ES256 EdDSA RS256; do
  name=$(tr '[:upper:]' '[:lower:]' <<<"$alg")
  start_tokengate "$name" "$WORK/$name" --signing-alg "$alg"
  auth=$(demo_basic "$name")
  printf '%s' "$auth" >"$WORK/$name.auth"
  url="http://127.0.0.1:$SERVER_PORT/connect/token"
  check_token "$name" "$alg" "$url" -H "Authorization: $auth" -d "$BODY"
  BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure "$name" "$url"
done

# Introspection (RFC 7662) on one core: the demo client introspects one of its tokens over and over
# (after the first, its signature check is remembered), then many different ones (each checked).
start_tokengate introspect "$WORK/es256"
auth="$(cat "$WORK/es256.auth")"
base="http://127.0.0.1:$SERVER_PORT"
fresh_tokens=10000; [ "$MODE" = full ] && fresh_tokens=150000
log "introspect: fetching $fresh_tokens tokens to introspect"
node "$HERE/lib/get_tokens.mjs" "$base/connect/token" "$auth" "$fresh_tokens" "$WORK/tokens.bodies" \
  || die "introspect: could not fetch the tokens"
one="$(head -1 "$WORK/tokens.bodies")"
curl -s -m 10 -H "Authorization: $auth" -d "$one" "$base/connect/introspect" | grep -q '"active":true' \
  || die "introspect: the token is not active"
BENCH_AUTH="$auth" BENCH_BODY="$one" measure introspect_repeat "$base/connect/introspect"
start_tokengate introspect_fresh "$WORK/es256"
BENCH_AUTH="$auth" BENCH_BODY_FILE="$WORK/tokens.bodies" measure introspect_fresh "http://127.0.0.1:$SERVER_PORT/connect/introspect"

# 100,000 revocations outstanding (of 1,000,000 tokens of the demo client, over 16 status lists):
# the grant figure with them in the snapshot, and the size of the status lists a verifier fetches.
cp -r "$WORK/es256" "$WORK/revoked"
generation=$(sqlite3 "$WORK/revoked/tokengate.db" 'SELECT generation FROM clients LIMIT 1')
list_key=$(sqlite3 "$WORK/revoked/tokengate.db" "SELECT value FROM server_secrets WHERE name = 'status_list_key'")
node "$HERE/lib/gen_revocations.mjs" "$generation" 1000000 100000 "$WORK/revoked.lists" "$list_key" | sqlite3 "$WORK/revoked/tokengate.db"
start_tokengate revoked100k "$WORK/revoked"
url="http://127.0.0.1:$SERVER_PORT/connect/token"
check_token revoked100k ES256 "$url" -H "Authorization: $auth" -d "$BODY"
lists=0 total=0 largest=0
while read -r list; do
  read -r code size < <(curl -s -m 10 -o "$WORK/list.jwt" -w '%{http_code} %{size_download}\n' "http://127.0.0.1:$SERVER_PORT/statuslists/$list")
  [ "$code" = 200 ] && [ "$size" -gt 0 ] || die "revoked100k: status list $list: HTTP $code, $size bytes"
  lists=$((lists + 1)) total=$((total + size))
  [ "$size" -gt "$largest" ] && largest=$size
done <"$WORK/revoked.lists"
printf '{"status_lists":%d,"revocations":100000,"bytes_total":%d,"bytes_largest":%d}\n' "$lists" "$total" "$largest" >>"$RAW/results.jsonl"
log "status lists with 100,000 revocations: $lists lists, $total bytes in all, the largest $largest bytes"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure revoked100k "$url"

# Revocations (security round two): a node adds each one to its snapshot instead of rebuilding it,
# so their rate and p99 with 100,000 outstanding should be those with none (goal: within 20%).
# The client is on core 1 like wrk; each case revokes fresh tokens of the demo client.
revocations=2000; [ "$MODE" = full ] && revocations=20000
start_tokengate revoke100k "$WORK/revoked"
log "revocations: $revocations with 100,000 outstanding"
taskset -c 1 node "$HERE/lib/revocations.mjs" revoke100k "http://127.0.0.1:$SERVER_PORT" "$auth" "$revocations" >>"$RAW/results.jsonl" \
  || die "revoke100k: the revocations failed"
stop_server
cp -r "$WORK/es256" "$WORK/revoke0"
start_tokengate revoke0 "$WORK/revoke0"
log "revocations: $revocations with none outstanding"
taskset -c 1 node "$HERE/lib/revocations.mjs" revoke0 "http://127.0.0.1:$SERVER_PORT" "$auth" "$revocations" >>"$RAW/results.jsonl" \
  || die "revoke0: the revocations failed"
tail -2 "$RAW/results.jsonl" | while read -r line; do log "revocations: $line"; done
stop_server

# The abuse limits (issue 11): the plaintext grant with every limit off, and with the rate limits on
# too (token buckets that never refuse at this rate), against es256 (the defaults: lock-outs on).
auth="$(cat "$WORK/es256.auth")"
start_tokengate limits_off "$WORK/es256" --auth-failure-limit 0 --auth-failure-address-limit 0
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure limits_off "http://127.0.0.1:$SERVER_PORT/connect/token"
start_tokengate limits_on "$WORK/es256" --rate-limit client=10000000,address=10000000
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure limits_on "http://127.0.0.1:$SERVER_PORT/connect/token"

# Metrics (issue 12): the admin listener on, /metrics scraped once a second during the run (the
# counting itself is always on; bench/compare.sh measures it against a build from before it).
start_tokengate metrics_scraped "$WORK/es256" --admin-listen 127.0.0.1:0
SCRAPE_METRICS=1 BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure metrics_scraped "http://127.0.0.1:$SERVER_PORT/connect/token"

# TLS (issue 11): grants over one TLS connection each (keep-alive), then a new TLS connection per
# grant with a full handshake (wrk does not resume sessions), and with and without resumption from
# a Node client (the same client both ways, to tell resumption's effect apart from the client's).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.pem" \
  -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >"$RAW/tls-cert.log" 2>&1 || die "openssl could not make a certificate"
tls=(--tls-cert "$WORK/tls.pem" --tls-key "$WORK/tls.key")
start_tokengate tls "$WORK/es256" "${tls[@]}"
check_token tls ES256 "https://127.0.0.1:$SERVER_PORT/connect/token" -k -H "Authorization: $auth" -d "$BODY"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure tls "https://127.0.0.1:$SERVER_PORT/connect/token"
start_tokengate tls_close "$WORK/es256" "${tls[@]}"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure tls_close "https://127.0.0.1:$SERVER_PORT/connect/token" -H "Connection: close"
for mode in full resume; do
  start_tokengate "tls_node_$mode" "$WORK/es256" "${tls[@]}"
  measure_client "tls_node_$mode" node "$HERE/lib/tls_grants.mjs" "https://127.0.0.1:$SERVER_PORT/connect/token" "$auth" \
    "$DURATION" 16 "$mode"
done

# The Cells route, credentials in the query, no body (ES256 store).
start_tokengate cells "$WORK/es256"
creds=$(base64 -d <<<"$(cut -d' ' -f2 "$WORK/es256.auth")")
url="http://127.0.0.1:$SERVER_PORT/v4.0/cells/connect/token?ClientId=${creds%%:*}&ClientSecret=${creds#*:}"
check_token cells ES256 "$url"
BENCH_AUTH="" BENCH_BODY="" measure cells "$url"

# The route the Python, Go, Java, .NET, PHP, Ruby and Perl SDKs authenticate at: the credentials in
# a form body at /v3.0/cells/connect/token, then the same body at /connect/token, one after the other.
sdk_body="grant_type=client_credentials&client_id=${creds%%:*}&client_secret=${creds#*:}"
start_tokengate sdk_route "$WORK/es256"
check_token sdk_route ES256 "http://127.0.0.1:$SERVER_PORT/v3.0/cells/connect/token" -d "$sdk_body"
BENCH_AUTH="" BENCH_BODY="$sdk_body" measure sdk_route "http://127.0.0.1:$SERVER_PORT/v3.0/cells/connect/token"
start_tokengate sdk_standard "$WORK/es256"
BENCH_AUTH="" BENCH_BODY="$sdk_body" measure sdk_standard "http://127.0.0.1:$SERVER_PORT/connect/token"

# Clients without a shared secret (issue 18), on a copy of the ES256 store with a fixed issuer (the
# assertions name it as their aud): the secret grant first (the baseline), then private_key_jwt (an
# ES256 assertion verified per grant, its jti recorded once in the store, in batches), then a
# Kubernetes-shaped service account token through a federation, presented again and again as a pod
# does (its signature verified once, then remembered; no store access), and many different ones (one
# verification each). Each private_key_jwt assertion is good once: the warm-up and the run have
# bodies of their own.
cp -r "$WORK/es256" "$WORK/keyed"
keyed_issuer=http://tokengate.bench
node "$HERE/lib/gen_assertions.mjs" key "$WORK/keyed" || die "private_key_jwt: no key"
keyed_id=$("$BIN" client create --name bench-keyed --auth private_key_jwt --jwks "$WORK/keyed/jwks.json" \
  --data-dir "$WORK/keyed" --json | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')
[ -n "$keyed_id" ] || die "private_key_jwt: the client was not created"
assertions=20000; [ "$MODE" = full ] && assertions=150000
node "$HERE/lib/gen_assertions.mjs" bodies "$WORK/keyed" "$keyed_id" "$keyed_issuer" "$assertions" "$WORK/keyed/warmup.bodies"
node "$HERE/lib/gen_assertions.mjs" bodies "$WORK/keyed" "$keyed_id" "$keyed_issuer" "$assertions" "$WORK/keyed/run.bodies"
mkdir -p "$WORK/workload"
taskset -c 1 node "$HERE/lib/workload_issuer.mjs" "$WORK/workload" "$assertions" >"$RAW/workload_issuer.out" 2>&1 &
WORKLOAD_ISSUER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/workload/token" ] && break; sleep 0.1; done
[ -s "$WORK/workload/token" ] || die "federated: the workload issuer did not start ($RAW/workload_issuer.out)"
"$BIN" federation add --issuer "$(cat "$WORK/workload/issuer")" --audience tokengate \
  --subject system:serviceaccount:bench:load --client "$keyed_id" --data-dir "$WORK/keyed" >"$RAW/federation.out" \
  || die "federated: federation add failed"
jwt_bearer=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer
federated_body="grant_type=client_credentials&client_assertion_type=$jwt_bearer&client_assertion=$(cat "$WORK/workload/token")"
start_tokengate keyless_secret "$WORK/keyed" --issuer "$keyed_issuer"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure keyless_secret "http://127.0.0.1:$SERVER_PORT/connect/token"
start_tokengate private_key_jwt "$WORK/keyed" --issuer "$keyed_issuer"
curl -s -m 10 -o /dev/null -w '%{http_code}' -d "$(sed -n '$p' "$WORK/keyed/run.bodies")" "http://127.0.0.1:$SERVER_PORT/connect/token" \
  | grep -q 200 || die "private_key_jwt: the assertion was refused"
BENCH_AUTH="" BENCH_WARMUP_BODY_FILE="$WORK/keyed/warmup.bodies" BENCH_BODY_FILE="$WORK/keyed/run.bodies" \
  measure private_key_jwt "http://127.0.0.1:$SERVER_PORT/connect/token"
start_tokengate federated "$WORK/keyed" --issuer "$keyed_issuer"
check_token federated ES256 "http://127.0.0.1:$SERVER_PORT/connect/token" -d "$federated_body"
BENCH_AUTH="" BENCH_BODY="$federated_body" measure federated "http://127.0.0.1:$SERVER_PORT/connect/token"
start_tokengate federated_fresh "$WORK/keyed" --issuer "$keyed_issuer"
BENCH_AUTH="" BENCH_BODY_FILE="$WORK/workload/fresh.bodies" measure federated_fresh "http://127.0.0.1:$SERVER_PORT/connect/token"
kill "$WORKLOAD_ISSUER_PID" 2>/dev/null || true

# A new TCP connection per grant (ES256 store).
start_tokengate close "$WORK/es256"
url="http://127.0.0.1:$SERVER_PORT/connect/token"
check_token close ES256 "$url" -H "Authorization: $(cat "$WORK/es256.auth")" -H "Connection: close" -d "$BODY"
BENCH_AUTH="$(cat "$WORK/es256.auth")" BENCH_BODY="$BODY" measure close "$url" -H "Connection: close"

# Proxy mode, cache hit: tokengate in front of a tokengate issuer (the ES256 store); the issuer runs
# on core 1 beside wrk, as it is asked once and then the proxy answers from its token cache.
CORE=1 start_tokengate proxy.upstream "$WORK/es256"
upstream_pid=$SERVER_PID
upstream_url="http://127.0.0.1:$SERVER_PORT/connect/token"
auth="$(cat "$WORK/es256.auth")"
start_tokengate proxy - --upstream-token-url "$upstream_url"
url="http://127.0.0.1:$SERVER_PORT/connect/token"
check_token proxy ES256 "$url" -H "Authorization: $auth" -d "$BODY"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure proxy "$url"
# Upstream miss: the cache off, so every grant goes upstream; then the same upstream asked
# directly, the same way: the difference is what the proxy's hop costs.
start_tokengate proxy_miss - --upstream-token-url "$upstream_url" --token-cache=false
url="http://127.0.0.1:$SERVER_PORT/connect/token"
check_token proxy_miss ES256 "$url" -H "Authorization: $auth" -d "$BODY"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure proxy_miss "$url"
SERVER_PID=$upstream_pid
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure proxy_direct "$upstream_url"

# 5. 100,000 clients: the server creates the schema and the key, then the rows go straight into
# SQLite (bench only), requests spread over 1,000 of them.
log "generating $CLIENTS clients into a fresh store"
start_tokengate clients100k.init "$WORK/100k" --demo-client=false
stop_server
node "$HERE/lib/gen_clients.mjs" "$CLIENTS" "$SPREAD" "$WORK/100k.auth" | sqlite3 "$WORK/100k/tokengate.db"
count=$(sqlite3 "$WORK/100k/tokengate.db" 'SELECT count(*) FROM clients')
[ "$count" = "$CLIENTS" ] || die "the store has $count clients, expected $CLIENTS"
log "store has $count clients; client list: $( ("$BIN" client list --json --data-dir "$WORK/100k" || true) | head -c 300)"

start_tokengate clients100k "$WORK/100k"
url="http://127.0.0.1:$SERVER_PORT/connect/token"
check_token clients100k ES256 "$url" -H "Authorization: $(head -1 "$WORK/100k.auth")" -d "$BODY"
BENCH_AUTH_FILE="$WORK/100k.auth" BENCH_BODY="$BODY" measure clients100k "$url"

# Start-up with 100,000 clients: spawn to the first 200 token response (median of 3; 1 in smoke).
runs=3; [ "$MODE" = smoke ] && runs=1
for ((i = 1; i <= runs; i++)); do
  taskset -c 1 node "$HERE/lib/startup.mjs" "$BIN" "$WORK/100k" "$(head -1 "$WORK/100k.auth")" >>"$RAW/startup.jsonl" \
    || die "start-up measurement failed"
done
log "start-up with $CLIENTS clients: $(paste -sd' ' "$RAW/startup.jsonl")"
node -e '
  const ms = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l).startup_ms).sort((a, b) => a - b);
  console.log(JSON.stringify({ startup: "clients100k", ms: ms[(ms.length - 1) >> 1], runs: ms }));
' "$RAW/startup.jsonl" >>"$RAW/results.jsonl"

# 7. PostgreSQL (issue 10): a throwaway cluster on core 1; grants with the PostgreSQL store against
# the SQLite store (the hot path is the same memory), the time from a CLI change to its effect on a
# node, and start-up with 100,000 clients.
# Not under $WORK: that directory is private, and as root the cluster runs as nobody.
PG_DIR="$ROOT/build-bench/pg" PG_PORT=54331
log "PostgreSQL: a throwaway cluster on 127.0.0.1:$PG_PORT"
taskset -c 1 bash "$ROOT/scripts/pg_cluster.sh" start "$PG_DIR" "$PG_PORT" >"$RAW/pg.log" 2>&1 || die "the PostgreSQL cluster did not start ($RAW/pg.log)"
PG_STOP="bash $ROOT/scripts/pg_cluster.sh stop $PG_DIR"
pg_url="postgresql://tokengate:tokengate-test-password@127.0.0.1:$PG_PORT/tokengate"
psql_admin=(psql -h "$PG_DIR/socket" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q)
# A server on PostgreSQL makes no demo client (that is for trial runs on SQLite): the CLI makes one.
pg_client=$("$BIN" client create --name bench --db "$pg_url" --json) || die "client create on PostgreSQL failed"
pg_auth=$(json_basic "$pg_client")
start_tokengate pg - --db "$pg_url"
url="http://127.0.0.1:$SERVER_PORT/connect/token"
check_token pg ES256 "$url" -H "Authorization: $pg_auth" -d "$BODY"
rounds=50; [ "$MODE" = smoke ] && rounds=5
node "$HERE/lib/propagation.mjs" "$BIN" "$pg_url" "http://127.0.0.1:$SERVER_PORT" "$rounds" >>"$RAW/results.jsonl" \
  || die "the propagation measurement failed"
log "propagation: $(tail -1 "$RAW/results.jsonl")"
BENCH_AUTH="$pg_auth" BENCH_BODY="$BODY" measure pg "$url"
"${psql_admin[@]}" -d postgres -c "CREATE DATABASE clients100k OWNER tokengate"
pg100k="postgresql://tokengate:tokengate-test-password@127.0.0.1:$PG_PORT/clients100k"
"$BIN" store migrate --db "$pg100k" >/dev/null
"$BIN" key rotate --now --db "$pg100k" >/dev/null
node "$HERE/lib/gen_clients.mjs" "$CLIENTS" "$SPREAD" "$WORK/pg100k.auth" postgres \
  | PGPASSWORD=tokengate-test-password psql -h 127.0.0.1 -p "$PG_PORT" -U tokengate -d clients100k -v ON_ERROR_STOP=1 -q \
  || die "could not load $CLIENTS clients into PostgreSQL"
for ((i = 1; i <= runs; i++)); do
  taskset -c 1 node "$HERE/lib/startup.mjs" "$BIN" "$pg100k" "$(head -1 "$WORK/pg100k.auth")" >>"$RAW/startup_pg.jsonl" \
    || die "start-up measurement (PostgreSQL) failed"
done
node -e '
  const ms = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l).startup_ms).sort((a, b) => a - b);
  console.log(JSON.stringify({ startup: "clients100k_pg", ms: ms[(ms.length - 1) >> 1], runs: ms }));
' "$RAW/startup_pg.jsonl" >>"$RAW/results.jsonl"
$PG_STOP; PG_STOP=""

# 8. libtokengate (issue 13): verifications per second of fresh and of repeated tokens on core 0
# (against openssl's ES256 verify rate on that core), token() calls per second on a warm cache from two
# threads, and GET /v4.0/cells with one token over and over (the status routes' Bearer check and
# its cache) against the grant figure.
# openssl's verify rate is measured again just before and after, on the same core: the machine's
# speed drifts over the minutes since step 2, and the goal is a ratio.
log "libtokengate: verify on core 0, between two runs of openssl's ES256 verify"
verify_ceiling() {
  taskset -c 0 openssl speed -elapsed -mr -seconds "$DURATION" ecdsap256 2>/dev/null | awk -F: '/^\+F4:.*:256:/ {print $5}'
}
before=$(verify_ceiling)
taskset -c 0 "$BUILD_DIR/client_bench" verify "$DURATION" | sed 's/^{/{"client":"verify",/' >>"$RAW/results.jsonl" \
  || die "client_bench verify failed"
after=$(verify_ceiling)
[ -n "$before" ] && [ -n "$after" ] || die "could not read openssl speed's verify rate"
echo "{\"ceiling\":\"ES256 verify, beside the library\",\"verifies_per_s\":$(awk -v a="$before" -v b="$after" 'BEGIN {print (a + b) / 2}'),\"runs\":[$before,$after]}" >>"$RAW/results.jsonl"
log "libtokengate: $(tail -1 "$RAW/results.jsonl")"
start_tokengate client_token "$WORK/es256"
creds=$(base64 -d <<<"$(cut -d' ' -f2 "$WORK/es256.auth")")
"$BUILD_DIR/client_bench" token "http://127.0.0.1:$SERVER_PORT/connect/token" "${creds%%:*}" "${creds#*:}" \
  "$DURATION" 2 | sed 's/^{/{"client":"token",/' >>"$RAW/results.jsonl" || die "client_bench token failed"
log "libtokengate: $(tail -1 "$RAW/results.jsonl")"
stop_server
start_tokengate status_repeat "$WORK/es256"
# The token comes from this server: its audience is the server's own origin, port included.
bearer=$(curl -s -H "Authorization: $auth" -d "$BODY" "http://127.0.0.1:$SERVER_PORT/connect/token" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))')
curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $bearer" "http://127.0.0.1:$SERVER_PORT/v4.0/cells" | grep -qx 200 ||
  die "GET /v4.0/cells refused the bench's own token"
BENCH_METHOD=GET BENCH_AUTH="Bearer $bearer" BENCH_BODY="" measure status_repeat "http://127.0.0.1:$SERVER_PORT/v4.0/cells"

# 9. Sender-constrained tokens (issue 19), on a copy of the ES256 store: the secret grant (the
# baseline, same run), then the same with a DPoP proof per grant (verified, its jti remembered, the
# token bound to its key), then GET /v4.0/cells with one DPoP-bound token and a fresh proof per call
# (against status_repeat, the Bearer figure above). Proofs are made by Node just before each case
# (each is good once and for 60 s). Then mutual TLS from one Node client on kept-alive connections:
# the secret over TLS, and a tls_client_auth client with its certificate (its token bound to it);
# wrk cannot present a client certificate, so the client limits the rate and the server's CPU per
# grant tells the cost.
cp -r "$WORK/es256" "$WORK/bound"
node "$HERE/lib/gen_dpop.mjs" key "$WORK/bound" || die "dpop: no key"
proofs=20000; [ "$MODE" = full ] && proofs=150000
start_tokengate bound_secret "$WORK/bound"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure bound_secret "http://127.0.0.1:$SERVER_PORT/connect/token"
start_tokengate dpop_grant "$WORK/bound"
url="http://127.0.0.1:$SERVER_PORT/connect/token"
node "$HERE/lib/gen_dpop.mjs" proofs "$WORK/bound" POST "$url" "$proofs" "$WORK/bound/grant.proofs" || die "dpop: no proofs"
node "$HERE/lib/gen_dpop.mjs" proofs "$WORK/bound" POST "$url" "$((proofs / 4))" "$WORK/bound/grant.warmup" || die "dpop: no proofs"
check_token dpop_grant ES256 "$url" -H "Authorization: $auth" -H "DPoP: $(sed -n '$p' "$WORK/bound/grant.warmup")" -d "$BODY"
BENCH_AUTH="$auth" BENCH_BODY="$BODY" BENCH_WARMUP_DPOP_FILE="$WORK/bound/grant.warmup" BENCH_DPOP_FILE="$WORK/bound/grant.proofs" \
  measure dpop_grant "$url"
start_tokengate dpop_status "$WORK/bound"
node "$HERE/lib/gen_dpop.mjs" token "$WORK/bound" "http://127.0.0.1:$SERVER_PORT/connect/token" "$auth" || die "dpop: no bound token"
dpop_token=$(cat "$WORK/bound/dpop.token")
url="http://127.0.0.1:$SERVER_PORT/v4.0/cells"
node "$HERE/lib/gen_dpop.mjs" proofs "$WORK/bound" GET "$url" "$proofs" "$WORK/bound/status.proofs" "$dpop_token" || die "dpop: no proofs"
node "$HERE/lib/gen_dpop.mjs" proofs "$WORK/bound" GET "$url" "$((proofs / 4))" "$WORK/bound/status.warmup" "$dpop_token" || die "dpop: no proofs"
curl -s -o /dev/null -w '%{http_code}' -H "Authorization: DPoP $dpop_token" -H "DPoP: $(sed -n '$p' "$WORK/bound/status.warmup")" "$url" | grep -qx 200 ||
  die "GET /v4.0/cells refused the bench's DPoP-bound token"
BENCH_METHOD=GET BENCH_AUTH="DPoP $dpop_token" BENCH_BODY="" BENCH_WARMUP_DPOP_FILE="$WORK/bound/status.warmup" \
  BENCH_DPOP_FILE="$WORK/bound/status.proofs" measure dpop_status "$url"

mtls_dir="$WORK/bound/pki"; mkdir -p "$mtls_dir"
(
  cd "$mtls_dir" || exit 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
  printf 'subjectAltName=IP:127.0.0.1\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 2 -extfile server.ext -out server.pem
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr -subj /CN=bench-worker
  printf 'subjectAltName=DNS:bench-worker.example\nextendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2 -extfile client.ext -out client.pem
) >"$RAW/mtls-pki.log" 2>&1 || die "openssl could not make the mTLS certificates ($RAW/mtls-pki.log)"
mtls_id=$("$BIN" client create --name bench-mtls --auth tls_client_auth --tls-san-dns bench-worker.example \
  --data-dir "$WORK/bound" --json | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')
[ -n "$mtls_id" ] || die "mtls: the client was not created"
mtls=(--tls-cert "$mtls_dir/server.pem" --tls-key "$mtls_dir/server.key" --tls-client-ca "$mtls_dir/ca.pem")
start_tokengate mtls_secret_node "$WORK/bound" "${mtls[@]}"
measure_client mtls_secret_node node "$HERE/lib/mtls_grants.mjs" "https://127.0.0.1:$SERVER_PORT/connect/token" "$DURATION" 16 \
  "$mtls_dir/ca.pem" "$BODY" "$auth"
start_tokengate mtls_node "$WORK/bound" "${mtls[@]}"
curl -s -m 10 -o /dev/null -w '%{http_code}' --cacert "$mtls_dir/ca.pem" --cert "$mtls_dir/client.pem" --key "$mtls_dir/client.key" \
  -d "$BODY&client_id=$mtls_id" "https://127.0.0.1:$SERVER_PORT/connect/token" | grep -qx 200 || die "mtls: the certificate was refused"
measure_client mtls_node node "$HERE/lib/mtls_grants.mjs" "https://127.0.0.1:$SERVER_PORT/connect/token" "$DURATION" 16 \
  "$mtls_dir/ca.pem" "$BODY&client_id=$mtls_id" "$mtls_dir/client.pem" "$mtls_dir/client.key"

# 10. Quotas (issue 20), on a copy of the ES256 store: the secret grant of a client without a quota
# and of one whose quota never refuses (10^15 a month), alternated twice in the same run; and the
# store round trips per 1,000 grants at the default lease size, as the quota server counts them (it
# logs them when it stops; warm-up included).
cp -r "$WORK/es256" "$WORK/quota"
quota_auth=$(json_basic "$("$BIN" client create --name bench-quota --quota 1000000000000000/month --data-dir "$WORK/quota" --json)")
for round in 1 2; do
  start_tokengate "quota_none_$round" "$WORK/quota"
  BENCH_AUTH="$auth" BENCH_BODY="$BODY" measure "quota_none_$round" "http://127.0.0.1:$SERVER_PORT/connect/token"
  start_tokengate "quota_grant_$round" "$WORK/quota"
  check_token "quota_grant_$round" ES256 "http://127.0.0.1:$SERVER_PORT/connect/token" -H "Authorization: $quota_auth" -d "$BODY"
  BENCH_AUTH="$quota_auth" BENCH_BODY="$BODY" measure "quota_grant_$round" "http://127.0.0.1:$SERVER_PORT/connect/token"
  counted=$(sed -n 's/.*quota: \([0-9]*\) grants issued within quotas, \([0-9]*\) round trips.*/\1 \2/p' "$RAW/quota_grant_$round.log")
  [ -n "$counted" ] || die "quota_grant_$round: the server did not say what its quotas cost ($RAW/quota_grant_$round.log)"
  read -r issued trips <<<"$counted"
  echo "{\"quota\":\"round $round\",\"issued\":$issued,\"round_trips\":$trips}" >>"$RAW/results.jsonl"
  log "quota_grant_$round: $trips store round trips for $issued grants"
done

# 6. The report: a table on stdout, the markdown and the chart.
node "$HERE/lib/report.mjs" --results "$RAW/results.jsonl" --out "$OUT" --mode "$MODE" \
  --command "bench/run.sh${1:+ $1}" --bin "$BIN" --duration "$DURATION" --warmup "$WARMUP" \
  --connections "$CONNECTIONS" --loadavg "$LOADAVG_START" --elapsed "$(($(date +%s) - STARTED))"
if command -v gnuplot >/dev/null; then
  gnuplot -e "datafile='$RAW/chart.dat'; outfile='$OUT/benchmarks.png'; ceiling=$(sed -n 's/.*"ceiling":"ES256","signs_per_s":\([0-9.]*\).*/\1/p' "$RAW/results.jsonl")" \
    "$HERE/lib/chart.gp" || die "gnuplot failed"
  log "wrote $OUT/BENCHMARKS.md and $OUT/benchmarks.png (in $(($(date +%s) - STARTED)) s)"
else
  log "gnuplot is missing (Debian: apt-get install gnuplot-nox): no chart; wrote $OUT/BENCHMARKS.md"
fi
