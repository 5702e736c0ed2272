// Bench-only: POSTs to a token endpoint over https from `concurrency` loops for `duration`
// seconds, with the given agent and headers; counts 200s and the rest. Shared by tls_grants.mjs
// and mtls_grants.mjs. `onResponse(res)` sees each response first (e.g. whether its session was
// resumed).
import https from 'node:https';

export async function runGrants({ url, agent, headers, body, duration, concurrency, onResponse = () => {} }) {
  let requests = 0, errors = 0;
  const deadline = Date.now() + duration * 1000;
  const grant = () => new Promise((resolve) => {
    const req = https.request(url, { method: 'POST', agent, headers }, (res) => {
      onResponse(res);
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) requests++; else errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (Date.now() < deadline) await grant(); }));
  const seconds = (Date.now() - started) / 1000;
  return { requests, rps: requests / seconds, errors };
}
