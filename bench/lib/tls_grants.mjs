// Bench-only: grants over a new TLS connection each, from NODE_CONNECTIONS concurrent loops for
// DURATION seconds, with or without TLS session resumption (Node's https agent caches sessions;
// maxCachedSessions 0 turns that off). Prints one JSON line: requests, rps, resumed share, errors.
//   node bench/lib/tls_grants.mjs URL AUTHORIZATION DURATION_S CONCURRENCY resume|full
import https from 'node:https';

const [url, authorization, duration, concurrency, mode] =
  [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5]), process.argv[6]];
const agent = new https.Agent({ keepAlive: false, maxCachedSessions: mode === 'resume' ? 1000 : 0, rejectUnauthorized: false });
const body = 'grant_type=client_credentials';
let requests = 0, resumed = 0, errors = 0;
const deadline = Date.now() + duration * 1000;

function grant() {
  return new Promise((resolve) => {
    const req = https.request(url, {
      method: 'POST', agent,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length, connection: 'close' },
    }, (res) => {
      if (res.socket.isSessionReused()) resumed++;
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) requests++; else errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
}

async function loop() { while (Date.now() < deadline) await grant(); }
const started = Date.now();
await Promise.all(Array.from({ length: concurrency }, loop));
const seconds = (Date.now() - started) / 1000;
console.log(JSON.stringify({ requests, rps: requests / seconds, resumed_share: requests ? resumed / requests : 0, errors }));
