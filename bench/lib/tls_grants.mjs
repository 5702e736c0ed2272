// Bench-only: grants over a new TLS connection each, from NODE_CONNECTIONS concurrent loops for
// DURATION seconds, with or without TLS session resumption (Node's https agent caches sessions;
// maxCachedSessions 0 turns that off). Prints one JSON line: requests, rps, resumed share, errors.
//   node bench/lib/tls_grants.mjs URL AUTHORIZATION DURATION_S CONCURRENCY resume|full
import https from 'node:https';

import { runGrants } from './https_grants.mjs';

const [url, authorization, duration, concurrency, mode] =
  [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5]), process.argv[6]];
const agent = new https.Agent({ keepAlive: false, maxCachedSessions: mode === 'resume' ? 1000 : 0, rejectUnauthorized: false });
const body = 'grant_type=client_credentials';
let resumed = 0;
const result = await runGrants({
  url, agent, body, duration, concurrency,
  headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length, connection: 'close' },
  onResponse: (res) => { if (res.socket.isSessionReused()) resumed++; },
});
console.log(JSON.stringify({ requests: result.requests, rps: result.rps,
  resumed_share: result.requests ? resumed / result.requests : 0, errors: result.errors }));
