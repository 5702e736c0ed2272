// Bench-only: how fast a node takes revocations (RFC 7009), and the p99 of one, with the store as
// it is (0 or 100,000 revocations outstanding). Fetches COUNT tokens first, then revokes them with
// CONCURRENCY requests in flight over keep-alive connections, each timed from send to answer.
// Prints one JSON line: {"revocations_case","revocations","per_s","p50_ms","p99_ms","max_ms","errors"}.
//   node bench/lib/revocations.mjs NAME BASE_URL AUTHORIZATION COUNT [CONCURRENCY]
import http from 'node:http';

const [name, base, authorization, count, concurrency = 4] =
  [process.argv[2], process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6] ?? 4)];
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(path, body) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
    (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const tokens = [];
let next = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (next < count) {
    next++;
    const r = await post('/connect/token', 'grant_type=client_credentials');
    if (r.status !== 200) throw new Error(`token request answered ${r.status}: ${r.text}`);
    tokens.push(JSON.parse(r.text).access_token);
  }
}));

const latencies = [];
let errors = 0;
let i = 0;
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (i < tokens.length) {
    const token = tokens[i++];
    const t0 = process.hrtime.bigint();
    const r = await post('/connect/revocation', `token=${token}`);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 200) errors++;
  }
}));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
const round = (x) => Math.round(x * 1000) / 1000;
console.log(JSON.stringify({ revocations_case: name, revocations: latencies.length, per_s: Math.round(latencies.length / seconds),
  p50_ms: round(at(0.5)), p99_ms: round(at(0.99)), max_ms: round(latencies[latencies.length - 1]), errors }));
agent.destroy();
