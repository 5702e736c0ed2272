// Turns bench/run.sh's results.jsonl into the report: a table on stdout, OUT/BENCHMARKS.md (the
// machine, versions, command line, date, every case and the issue-5 targets marked met / not met)
// and chart.dat beside the results for bench/lib/chart.gp.
//   node bench/lib/report.mjs --results FILE --out DIR --mode full|smoke --command CMD --bin TOKENGATE
//        --duration S --warmup S --connections N --loadavg "1 5 15" --elapsed S
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: Object.fromEntries(['results', 'out', 'mode', 'command', 'bin', 'duration', 'warmup', 'connections',
    'loadavg', 'elapsed'].map((k) => [k, { type: 'string' }])),
});
const records = readFileSync(opt.results, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const cases = Object.fromEntries(records.filter((r) => r.case && !r.skipped).map((r) => [r.case, r]));
const skipped = Object.fromEntries(records.filter((r) => r.skipped).map((r) => [r.case, r.skipped]));
const ceilings = Object.fromEntries(records.filter((r) => r.ceiling).map((r) => [r.ceiling, r.signs_per_s ?? r.verifies_per_s]));
const clientVerify = records.find((r) => r.client === 'verify');
const verifyCeiling = ceilings['ES256 verify, beside the library'] ?? ceilings['ES256 verify'];
const clientToken = records.find((r) => r.client === 'token');
const startup = records.find((r) => r.startup === 'clients100k');
const startupPg = records.find((r) => r.startup === 'clients100k_pg');
const propagation = records.find((r) => r.propagation_ms)?.propagation_ms;
const lists = records.find((r) => r.status_lists);

const sh = (cmd, ...args) => {
  try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(); }
  catch (e) { return (e.stdout || '').trim() || '?'; }  // wrk -v exits 1
};
const oidcVersion = JSON.parse(readFileSync('node_modules/oidc-provider/package.json', 'utf8')).version;
const memKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))[1]);
const dirty = sh('git', 'status', '--porcelain', '--untracked-files=no') ? ' + uncommitted changes' : '';
const machine = {
  cpu: /Model name:\s*(.*)/.exec(sh('lscpu'))?.[1] ?? '?',
  cores: sh('nproc'),
  memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
  kernel: sh('uname', '-r'),
};
const versions = {
  tokengate: `${sh(opt.bin, 'version')} (commit ${sh('git', 'rev-parse', '--short', 'HEAD')}${dirty})`,
  node: sh('node', '--version'),
  'oidc-provider': oidcVersion,
  openssl: sh('openssl', 'version'),
  wrk: sh('wrk', '-v').split('\n')[0].replace(/ Copyright.*/, ''),
};

// The cases, in table order. alg: the signing algorithm, for the own-algorithm ceiling.
const CASES = [
  ['es256', 'tokengate ES256, `POST /connect/token`, Basic, keep-alive', 'ES256', 'ES256'],
  ['eddsa', 'tokengate EdDSA, `POST /connect/token`, Basic, keep-alive', 'EdDSA', 'EdDSA'],
  ['rs256', 'tokengate RS256, `POST /connect/token`, Basic, keep-alive', 'RS256', 'RS256'],
  ['revoked100k', 'tokengate ES256, with 100,000 revocations outstanding', 'ES256', '100k revoked'],
  ['introspect_repeat', 'tokengate `POST /connect/introspect`, the same token every time', 'ES256', 'introspect, repeated'],
  ['introspect_fresh', 'tokengate `POST /connect/introspect`, a different token each time', 'ES256', 'introspect, fresh'],
  ['limits_off', 'tokengate ES256, every abuse limit off', 'ES256', 'limits off'],
  ['limits_on', 'tokengate ES256, lock-outs and rate limits on (never refusing)', 'ES256', 'limits on'],
  ['metrics_scraped', 'tokengate ES256, `/metrics` scraped once a second', 'ES256', 'metrics scraped'],
  ['status_repeat', 'tokengate `GET /v4.0/cells`, Bearer, the same token every time', 'ES256', 'GET /v4.0/cells'],
  ['tls', 'tokengate ES256 over TLS 1.3, keep-alive', 'ES256', 'TLS keep-alive'],
  ['tls_close', 'tokengate ES256 over TLS, a new connection per grant, full handshake (wrk)', 'ES256', 'TLS new conn'],
  ['tls_node_full', 'the same from a Node client, full handshakes', 'ES256', 'TLS new, node'],
  ['tls_node_resume', 'the same from a Node client, sessions resumed', 'ES256', 'TLS resumed, node'],
  ['cells', 'tokengate ES256, `POST /v4.0/cells/connect/token?ClientId&ClientSecret`', 'ES256', 'Cells route'],
  ['sdk_route', 'tokengate ES256, `POST /v3.0/cells/connect/token`, form body (the Cells SDKs\' route)', 'ES256', 'SDK route'],
  ['sdk_standard', 'the same body at `POST /connect/token`, same server, just after', 'ES256', 'SDK body, standard route'],
  ['keyless_secret', 'tokengate ES256, a client secret (Basic), the baseline of the two rows below', 'ES256', 'secret, baseline'],
  ['private_key_jwt', 'tokengate ES256, private_key_jwt: an ES256 client assertion per grant, jti recorded once', 'ES256', 'private_key_jwt'],
  ['federated', 'tokengate ES256, a Kubernetes service account token (ES256) through a federation, the same one each time (as a pod sends it)', 'ES256', 'federated'],
  ['federated_fresh', 'the same with a different token each time (each verified)', 'ES256', 'federated, fresh'],
  ['bound_secret', 'tokengate ES256, a client secret (Basic), the baseline of the DPoP rows below', 'ES256', 'secret, baseline'],
  ['dpop_grant', 'tokengate ES256, a DPoP proof (ES256) per grant: the token bound to its key', 'ES256', 'DPoP grant'],
  ['dpop_status', 'tokengate `GET /v4.0/cells`, one DPoP-bound token, a fresh proof per call', 'ES256', 'GET /v4.0/cells, DPoP'],
  ['mtls_secret_node', 'tokengate ES256 over TLS, kept-alive, the secret, from a Node client (baseline of the row below)', 'ES256', 'TLS secret, node'],
  ['mtls_node', 'the same with mutual TLS: a tls_client_auth client, its token bound to its certificate', 'ES256', 'mTLS, node'],
  ['quota_none_1', 'tokengate ES256, a client without a quota (baseline of the quota rows, first round)', 'ES256', 'no quota, 1'],
  ['quota_grant_1', 'the same with a quota that never refuses (10^15 a month, leases from the store)', 'ES256', 'quota, 1'],
  ['quota_none_2', 'again without a quota (second round)', 'ES256', 'no quota, 2'],
  ['quota_grant_2', 'again with the quota (second round)', 'ES256', 'quota, 2'],
  ['close', 'tokengate ES256, `Connection: close` (new TCP connection per grant)', 'ES256', 'Conn: close'],
  ['proxy', 'tokengate proxy mode, cache hit (upstream: a tokengate issuer)', 'ES256', 'proxy, cache hit'],
  ['proxy_miss', 'tokengate proxy mode, cache off: every grant goes upstream', 'ES256', 'proxy, miss'],
  ['proxy_direct', 'the same upstream asked directly (baseline for the miss)', 'ES256', 'upstream direct'],
  ['clients100k', 'tokengate ES256, 100,000 clients, requests over 1,000 of them', 'ES256', '100k clients'],
  ['pg', 'tokengate ES256, the PostgreSQL store', 'ES256', 'PostgreSQL store'],
  ['peer', `node-oidc-provider ${oidcVersion}, client_credentials, ES256 JWT (the peer)`, 'ES256', 'oidc-provider'],
];
const peer = cases.peer?.rps;
const fmt = (n, d = 0) => (n == null || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ms = (us) => fmt(us / 1000, 2);
const mb = (kb) => (kb == null ? '–' : fmt(kb / 1024, 1));
const errors = (c) => c.non2xx + c.err_connect + c.err_read + c.err_write + c.err_timeout;
const errorText = (c) => {
  const parts = [];
  if (c.non2xx) parts.push(`**${fmt(c.non2xx)} non-2xx**`);
  for (const k of ['connect', 'read', 'write', 'timeout']) if (c[`err_${k}`]) parts.push(`${fmt(c[`err_${k}`])} ${k} errors`);
  return parts.length ? parts.join(', ') : '0';
};

const cpuShare = (c) => c.server_cpu_s / c.wall_s;           // 1 = the server had core 0 to itself
const perCpu = (c) => c.requests / c.server_cpu_s;            // grants per second of server CPU
const header = ['case', 'grants/s', 'p50 ms', 'p99 ms', 'peak RSS MB', '× peer', '% of ES256 sign ceiling',
  '% of own alg ceiling', 'server CPU', 'grants per server CPU-s', 'errors'];
const blank = (first, second) => [first, second, ...Array(header.length - 2).fill('')];
const rows = [];
for (const [key, label, alg] of CASES) {
  const c = cases[key];
  // The proxy, introspection and the status route sign nothing: no signing ceiling applies.
  const signs = !key.startsWith('proxy') && !key.startsWith('introspect') && key !== 'status_repeat' && key !== 'dpop_status';
  if (!c) { rows.push(blank(label, `not measured${skipped[key] ? `: ${skipped[key]}` : ''}`)); continue; }
  rows.push([label + (errors(c) ? ' ⚠' : ''), fmt(c.rps), ms(c.p50_us), ms(c.p99_us), mb(c.rss_kb),
    peer ? `${fmt(c.rps / peer, 1)}×` : '–', signs ? `${fmt((100 * c.rps) / ceilings.ES256)}%` : '–',
    signs ? `${fmt((100 * c.rps) / ceilings[alg])}%` : '–', `${fmt(100 * cpuShare(c))}%`, fmt(perCpu(c)), errorText(c)]);
}
for (const [alg, what] of [['ES256', 'ECDSA P-256'], ['EdDSA', 'Ed25519'], ['RS256', 'RSA-2048']]) {
  const row = blank(`openssl speed: ${what} sign on core 0 (the ${alg} ceiling)`, fmt(ceilings[alg]));
  row[6] = alg === 'ES256' ? '100%' : '';
  row[7] = '100%';
  rows.push(row);
}
rows.push(blank(`start-up with 100,000 clients, spawn to first 200 (median; runs: ${startup.runs.join(', ')} ms)`,
  `${fmt(startup.ms, 1)} ms`));
const table = (hdr, body) => {
  const widths = hdr.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((v, i) => String(v).padEnd(widths[i])).join(' | ')} |`;
  return [line(hdr), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
};

// The issue-5 targets.
const es = cases.es256, big = cases.clients100k;
const verdict = (ok, ...used) => {
  const bad = used.filter((c) => c && errors(c));
  if (bad.length) return `not met (${bad.map((c) => c.case).join(', ')}: error responses)`;
  return ok ? 'met' : 'not met';
};
// When core 0 was shared, say what the server did per second of CPU it got.
const cpuNote = (c) => (cpuShare(c) < 0.95 ? ` (server had ${fmt(100 * cpuShare(c))}% of core 0: ${fmt(perCpu(c))} per CPU-s)` : '');
const targets = [
  ['≥ 25,000 grants/s, one core, ES256, keep-alive', `${fmt(es.rps)} grants/s${cpuNote(es)}`, verdict(es.rps >= 25000, es)],
  ['… with p99 ≤ 2 ms', `p99 ${ms(es.p99_us)} ms`, verdict(es.p99_us <= 2000, es)],
  ['≥ 10× node-oidc-provider (same run)', `${fmt(es.rps / peer, 1)}× (${fmt(peer)} grants/s)`, verdict(es.rps >= 10 * peer, es, cases.peer)],
  ['≥ 50% of openssl ES256 sign rate (same core, same run)', `${fmt((100 * es.rps) / ceilings.ES256)}% of ${fmt(ceilings.ES256)}/s`, verdict(es.rps >= 0.5 * ceilings.ES256, es)],
  ['peak RSS ≤ 20 MB with a handful of clients', `${mb(es.rss_kb)} MB`, verdict(es.rss_kb <= 20 * 1024, es)],
  ['peak RSS ≤ 150 MB with 100,000 clients', `${mb(big.rss_kb)} MB`, verdict(big.rss_kb <= 150 * 1024, big)],
  ['100,000-client throughput within 10% of few-client', `${fmt((100 * big.rps) / es.rps)}% (${fmt(big.rps)} vs ${fmt(es.rps)}; per CPU-s ${fmt((100 * perCpu(big)) / perCpu(es))}%)`, verdict(big.rps >= 0.9 * es.rps, es, big)],
  ['start-up with 100,000 clients to first token ≤ 500 ms', `${fmt(startup.ms, 1)} ms`, verdict(startup.ms <= 500)],
];
const targetTable = table(['target (issue 5)', 'measured', 'verdict'], targets);
const revoked = cases.revoked100k, repeat = cases.introspect_repeat, fresh = cases.introspect_fresh;
const rv0 = records.find((r) => r.revocations_case === 'revoke0'), rv100 = records.find((r) => r.revocations_case === 'revoke100k');
const lifecycle = [
  ['grants with 100,000 revocations outstanding within 3% of none', revoked ? `${fmt((100 * revoked.rps) / es.rps, 1)}% (${fmt(revoked.rps)} vs ${fmt(es.rps)})` : '–', revoked ? verdict(revoked.rps >= 0.97 * es.rps, es, revoked) : 'not measured'],
  ['introspection of a repeated token ≥ 2× the grant rate', repeat ? `${fmt(repeat.rps / es.rps, 2)}× (${fmt(repeat.rps)}/s)` : '–', repeat ? verdict(repeat.rps >= 2 * es.rps, repeat) : 'not measured'],
  ['introspection of fresh tokens (reported)', fresh ? `${fmt(fresh.rps / es.rps, 2)}× the grant rate (${fmt(fresh.rps)}/s)` : '–', fresh && errors(fresh) ? 'errors' : '–'],
  ['revocations/s with 100,000 outstanding within 20% of none', rv100 && rv0 ? `${fmt((100 * rv100.per_s) / rv0.per_s, 1)}% (${fmt(rv100.per_s)}/s vs ${fmt(rv0.per_s)}/s)` : '–', rv100 && rv0 ? verdict(rv100.per_s >= 0.8 * rv0.per_s && !rv100.errors && !rv0.errors) : 'not measured'],
  ['… and their p99 within 20%', rv100 && rv0 ? `p99 ${fmt(rv100.p99_ms, 2)} ms vs ${fmt(rv0.p99_ms, 2)} ms` : '–', rv100 && rv0 ? verdict(rv100.p99_ms <= 1.2 * rv0.p99_ms) : 'not measured'],
  ['status lists with 100,000 revocations (reported: small)', lists ? `${lists.status_lists} lists, ${fmt(lists.bytes_total / 1024, 1)} KiB in all, the largest ${fmt(lists.bytes_largest / 1024, 1)} KiB` : '–', '–'],
];
const lifecycleTable = table(['target (issue 9)', 'measured', 'verdict'], lifecycle);
const on = cases.limits_on, off = cases.limits_off, t = cases.tls, tc = cases.tls_close;
const tf = cases.tls_node_full, tr = cases.tls_node_resume;
const hardening = [
  ['plaintext grants with the limits on within 3% of off', on && off ? `${fmt((100 * on.rps) / off.rps, 1)}% (${fmt(on.rps)} vs ${fmt(off.rps)}; defaults ${fmt(es.rps)})` : '–', on && off ? verdict(on.rps >= 0.97 * off.rps, on, off) : 'not measured'],
  ['TLS keep-alive against plaintext (reported)', t ? `${fmt((100 * t.rps) / es.rps)}% (${fmt(t.rps)}/s)` : '–', '–'],
  ['a new TLS connection per grant, full handshake (reported)', tc ? `${fmt(tc.rps)}/s, ${fmt(perCpu(tc))} per server CPU-s; openssl on core 0: ECDH ${fmt(ceilings.ECDH)}/s, ECDSA sign ${fmt(ceilings.ES256)}/s` : '–', '–'],
  ['… with session resumption (Node client, reported)', tr && tf ? `${fmt(perCpu(tr))} per server CPU-s resumed (${fmt(100 * tr.resumed_share)}% resumed) vs ${fmt(perCpu(tf))} full (same client)` : '–', '–'],
  ['against Keycloak\'s sizing guide (120 grants/s per vCPU on new TLS connections)', tc ? `${fmt(perCpu(tc) / 120, 1)}× (full handshakes)${tr ? `, ${fmt(perCpu(tr) / 120, 1)}× (resumed)` : ''}` : '–', '–'],
];
const hardeningTable = table(['target (issue 11)', 'measured', 'verdict'], hardening);
const pg = cases.pg;
const scale = [
  ['grants with the PostgreSQL store within 3% of SQLite', pg ? `${fmt((100 * pg.rps) / es.rps, 1)}% (${fmt(pg.rps)} vs ${fmt(es.rps)})` : '–', pg ? verdict(pg.rps >= 0.97 * es.rps, pg, es) : 'not measured'],
  ['a CLI change reaches a node: max ≤ 1 s (NOTIFY: tens of ms)', propagation ? `median ${fmt(propagation.median, 1)} ms, max ${fmt(propagation.max, 1)} ms over ${propagation.rounds} changes` : '–', propagation ? verdict(propagation.max <= 1000) : 'not measured'],
  ['start-up with 100,000 clients on PostgreSQL ≤ 1 s', startupPg ? `${fmt(startupPg.ms, 1)} ms (runs: ${startupPg.runs.join(', ')})` : '–', startupPg ? verdict(startupPg.ms <= 1000) : 'not measured'],
];
const scaleTable = table(['target (issue 10)', 'measured', 'verdict'], scale);
const scraped = cases.metrics_scraped;
const operations = [
  ['grants with /metrics scraped every second within 3% of the same run without', scraped ? `${fmt((100 * scraped.rps) / es.rps, 1)}% (${fmt(scraped.rps)} vs ${fmt(es.rps)}); against a build from before the metrics: \`bench/compare.sh\`, docs/PERFORMANCE.md` : '–', scraped ? verdict(scraped.rps >= 0.97 * es.rps, scraped, es) : 'not measured'],
];
const operationsTable = table(['target (issue 12)', 'measured', 'verdict'], operations);
const sdkRoute = cases.sdk_route;
const sdkStandard = cases.sdk_standard;
const sdk = [
  ['the Cells SDKs\' route (`/v3.0/cells/connect/token`, form body) within 3% of `/connect/token` with the same body, same run', sdkRoute && sdkStandard ? `${fmt((100 * sdkRoute.rps) / sdkStandard.rps, 1)}% (${fmt(sdkRoute.rps)} vs ${fmt(sdkStandard.rps)})` : '–', sdkRoute && sdkStandard ? verdict(sdkRoute.rps >= 0.97 * sdkStandard.rps, sdkRoute, sdkStandard) : 'not measured'],
];
const sdkTable = table(['target (issue 17)', 'measured', 'verdict'], sdk);
// Issue 18: a grant authenticated by an assertion costs one signature and one verification; the
// ceiling of that on the core, from openssl's two rates: 1 / (1/sign + 1/verify).
const signVerify = ceilings.ES256 && ceilings['ES256 verify'] ? 1 / (1 / ceilings.ES256 + 1 / ceilings['ES256 verify']) : null;
const keyless = [];
for (const [key, what] of [['private_key_jwt', 'private_key_jwt grants'], ['federated', 'federated grants, the same token again (as a pod sends it)'],
  ['federated_fresh', 'federated grants, a different token each time']]) {
  const c = cases[key];
  const base = cases.keyless_secret;
  keyless.push([`${what} ≥ 80% of the ceiling of one ES256 signature plus one verification on the core${signVerify ? ` (${fmt(signVerify)}/s)` : ''}`,
    c && signVerify ? `${fmt(c.rps)}/s, ${fmt((100 * c.rps) / signVerify, 1)}% of the ceiling; ${base ? `${fmt((100 * c.rps) / base.rps, 1)}% of the secret grant's ${fmt(base.rps)}/s` : ''}` : '–',
    c && signVerify ? verdict(c.rps >= 0.8 * signVerify, c) : 'not measured']);
}
const keylessTable = table(['target (issue 18)', 'measured', 'verdict'], keyless);
// Issue 19: a DPoP grant costs one signature (the token) and one verification (the proof).
const dpopGrant = cases.dpop_grant, dpopStatus = cases.dpop_status, boundBase = cases.bound_secret;
const statusRepeatBearer = cases.status_repeat;
const mtlsNode = cases.mtls_node, mtlsBase = cases.mtls_secret_node;
const usPerGrant = (c) => (1e6 * c.server_cpu_s) / c.requests;
const bound = [
  [`DPoP grants ≥ 80% of the ceiling of one ES256 signature plus one verification on the core${signVerify ? ` (${fmt(signVerify)}/s)` : ''}`,
    dpopGrant && signVerify ? `${fmt(dpopGrant.rps)}/s, ${fmt((100 * dpopGrant.rps) / signVerify, 1)}% of the ceiling; ${boundBase ? `${fmt((100 * dpopGrant.rps) / boundBase.rps, 1)}% of the secret grant's ${fmt(boundBase.rps)}/s` : ''}` : '–',
    dpopGrant && signVerify ? verdict(dpopGrant.rps >= 0.8 * signVerify, dpopGrant) : 'not measured'],
  ['`GET /v4.0/cells` with a DPoP-bound token (a proof verified per call) ≥ half the Bearer rate (status_repeat)',
    dpopStatus && statusRepeatBearer ? `${fmt(dpopStatus.rps)}/s, ${fmt((100 * dpopStatus.rps) / statusRepeatBearer.rps, 1)}% of ${fmt(statusRepeatBearer.rps)}/s` : '–',
    dpopStatus && statusRepeatBearer ? verdict(dpopStatus.rps >= 0.5 * statusRepeatBearer.rps, dpopStatus) : 'not measured'],
  ['mTLS grants on kept-alive connections against the secret over TLS, same Node client (reported; the client limits both rates, the server CPU per grant is the cost)',
    mtlsNode && mtlsBase ? `${fmt(mtlsNode.rps)}/s at ${fmt(usPerGrant(mtlsNode), 1)} µs of server CPU per grant, against ${fmt(mtlsBase.rps)}/s at ${fmt(usPerGrant(mtlsBase), 1)} µs` : '–',
    mtlsNode && mtlsNode.errors ? 'errors' : '–'],
];
const boundTable = table(['target (issue 19)', 'measured', 'verdict'], bound);
// Issue 20: a quota costs the grant path a lease decrement; the store is asked per lease, not per grant.
const quotaRounds = records.filter((r) => r.quota);
const mean = (keys) => { const got = keys.map((k) => cases[k]).filter(Boolean); return got.length ? got.reduce((s, c) => s + c.rps, 0) / got.length : null; };
const withQuota = mean(['quota_grant_1', 'quota_grant_2']), withoutQuota = mean(['quota_none_1', 'quota_none_2']);
const tripsIssued = quotaRounds.reduce((s, r) => s + r.issued, 0), trips = quotaRounds.reduce((s, r) => s + r.round_trips, 0);
const quotaRows = [
  ['grants/s with a quota that never refuses within 3% of the same client without one (one node, alternated twice, same run)',
    withQuota && withoutQuota ? `${fmt(withQuota)}/s against ${fmt(withoutQuota)}/s: ${fmt((100 * withQuota) / withoutQuota, 1)}%` : '–',
    withQuota && withoutQuota ? verdict(withQuota >= 0.97 * withoutQuota, cases.quota_grant_1) : 'not measured'],
  ['store round trips per 1,000 grants at the default lease size ≤ 2',
    tripsIssued ? `${fmt((1000 * trips) / tripsIssued, 2)} (${fmt(trips)} for ${fmt(tripsIssued)} grants)` : '–',
    tripsIssued ? verdict((1000 * trips) / tripsIssued <= 2) : 'not measured'],
];
const quotaTable = table(['target (issue 20)', 'measured', 'verdict'], quotaRows);
const statusRepeat = cases.status_repeat;
const library = [
  ['fresh tokens verified per second on one core ≥ 90% of openssl\'s ES256 verify rate (measured just before and after)', clientVerify ? `${fmt(clientVerify.verify_fresh_per_s)}/s, ${fmt((100 * clientVerify.verify_fresh_per_s) / verifyCeiling)}% of ${fmt(verifyCeiling)}/s` : '–', clientVerify ? verdict(clientVerify.verify_fresh_per_s >= 0.9 * verifyCeiling) : 'not measured'],
  ['a repeated token verified per second ≥ 1,000,000', clientVerify ? `${fmt(clientVerify.verify_repeated_per_s)}/s` : '–', clientVerify ? verdict(clientVerify.verify_repeated_per_s >= 1e6) : 'not measured'],
  ['token() calls per second on a warm cache, 2 threads (reported)', clientToken ? `${fmt(clientToken.token_calls_per_s)}/s (${clientToken.requests_sent} token request)` : '–', '–'],
  ['`GET /v4.0/cells` with a repeated token against the grant rate (reported)', statusRepeat ? `${fmt(statusRepeat.rps)}/s, ${fmt(statusRepeat.rps / es.rps, 2)}× the grant rate` : '–', statusRepeat && errors(statusRepeat) ? 'errors' : '–'],
];
const libraryTable = table(['target (issue 13)', 'measured', 'verdict'], library);
const failing = Object.values(cases).filter((c) => errors(c));

const smoke = opt.mode === 'smoke';
const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const md = `# Benchmarks

${smoke ? '> **Smoke run** (1 s per case): it only checks that every case works; its figures mean nothing.\n\n' : ''}\
Generated by \`${opt.command}\` on ${date} (${opt.elapsed} s). Every figure below comes from that one run.
Regenerate with \`bench/run.sh\` (about 9 minutes plus the Release build); \`bench/run.sh --smoke\` is
the 1-second version CI runs, writing to \`build-bench/\`. Raw output (wrk, server logs) is kept in
\`build-bench/raw/\`.

## How it was measured

- tokengate built in ${basename(dirname(opt.bin)) === 'build-release' ? 'Release (\`build-release/\`)' : `\`${basename(dirname(opt.bin))}/\` (not the Release build)`}, \`tokengate serve --threads 1\` pinned to core 0
  (\`taskset -c 0\`), a fresh SQLite store per signing algorithm; the peer on the same core.
- wrk pinned to core 1: one thread, ${opt.connections} connections, ${opt.warmup} s warm-up then
  ${opt.duration} s measured per case, \`bench/wrk/token.lua\`. Request: \`POST /connect/token\`,
  HTTP Basic, body \`grant_type=client_credentials\`, unless the case says otherwise.
- The peer: \`bench/peers/oidc_provider.mjs\`, node-oidc-provider with one client_secret_basic client,
  \`features.resourceIndicators\` so client_credentials tokens are RFC 9068 JWTs signed ES256.
- Ceiling: \`openssl speed -elapsed -seconds ${opt.duration}\` on core 0 (wall-clock rates, like wrk's).
- Peak RSS: the server's \`VmHWM\` just before it is stopped (warm-up included).
- Proxy mode, cache hit: \`tokengate serve --upstream-token-url\` on core 0 in front of a tokengate
  issuer on core 1 (asked once; the proxy's token cache answers the rest). Ceiling ratios do not
  apply to it: a cache hit signs nothing.
- 100,000 clients: rows written straight into the store with sqlite3 (bench only); wrk's requests go
  round-robin over 1,000 of them, spread evenly across the table. Start-up: spawn of
  \`tokengate serve\` to the first 200 token response, a client polling in a tight loop.
- Latency is wrk's (coordinated omission not corrected), from its client side.
- Server CPU: the CPU time the server used during the measured ${opt.duration} s over the wall time. Below
  ~95%, core 0 was not the server's alone (another process ran there, or wrk on core 1 could not keep
  it busy) and grants/s understates it; grants per server CPU-second is then the steadier figure.
- A case whose errors column is not 0 measured error responses for part of its run: its figures are
  marked ⚠ and count as not met.

## Machine

| | |
|---|---|
| CPU | ${machine.cpu} |
| cores | ${machine.cores} |
| memory | ${machine.memory} |
| kernel | ${machine.kernel} |
| load average when the run started | ${opt.loadavg} |

## Versions

${Object.entries(versions).map(([k, v]) => `- ${k}: \`${v}\``).join('\n')}

## Results

${table(header, rows)}

![Throughput per case](benchmarks.png)

## Targets

${targetTable}

${lifecycleTable}

${hardeningTable}

${scaleTable}

${operationsTable}

${sdkTable}

${keylessTable}

${boundTable}

${quotaTable}

${libraryTable}

Where the time goes, and what each target that is not met would need: [PERFORMANCE.md](PERFORMANCE.md).
Proxy mode: the cache-off row against the direct row is the cost of the extra hop (the upstream
runs on core 1 beside wrk in both).
${failing.length ? `\n**Error responses measured** in: ${failing.map((c) => `${c.case} (${errorText(c)} of ${fmt(c.requests)} requests)`).join('; ')}. Those figures are not valid.\n` : ''}`;

writeFileSync(join(opt.out, 'BENCHMARKS.md'), md);
console.log(`\n${table(header, rows)}\n\n${targetTable}\n\n${lifecycleTable}\n\n${hardeningTable}\n\n${scaleTable}\n\n${operationsTable}\n\n${sdkTable}\n\n${keylessTable}\n\n${boundTable}\n\n${quotaTable}\n\n${libraryTable}\n`);
if (failing.length) console.log(`WARNING: error responses in ${failing.map((c) => c.case).join(', ')}; see ${dirname(opt.results)}/*.wrk.txt\n`);

// For the chart: short label, grants/s, grants per server CPU-s, colour class (0 tokengate, 1 peer).
const dat = CASES.filter(([k]) => cases[k]).map(([k, , , short]) =>
  `"${short}${errors(cases[k]) ? ' (ERRORS)' : ''}" ${cases[k].rps.toFixed(0)} ${perCpu(cases[k]).toFixed(0)} ${k === 'peer' ? 1 : 0}`);
writeFileSync(join(dirname(opt.results), 'chart.dat'), dat.join('\n') + '\n');
