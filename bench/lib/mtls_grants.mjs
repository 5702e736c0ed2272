// Bench-only: grants over kept-alive TLS connections from CONCURRENCY loops for DURATION seconds,
// with a client certificate (mutual TLS, RFC 8705: the client authenticates by it and its tokens
// are bound to it) or without (the client's secret over TLS: the baseline from the same client).
// Prints one JSON line: requests, rps, errors.
//   node bench/lib/mtls_grants.mjs URL DURATION_S CONCURRENCY CA BODY [AUTHORIZATION | CERT KEY]
import { readFileSync } from 'node:fs';
import https from 'node:https';

import { runGrants } from './https_grants.mjs';

const [url, duration, concurrency, ca, body, a, b] =
  [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5], process.argv[6], process.argv[7], process.argv[8]];
const withCert = Boolean(b);
const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca: readFileSync(ca),
  ...(withCert ? { cert: readFileSync(a), key: readFileSync(b) } : {}) });
const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
  ...(withCert ? {} : { authorization: a }) };
const result = await runGrants({ url, agent, headers, body, duration, concurrency });
agent.destroy();
console.log(JSON.stringify(result));
