// Bench-only: fetches COUNT access tokens from a token endpoint (32 requests in flight) and writes
// one introspection body per token ("token=..."), a line each, to OUT, for bench/wrk/token.lua's
// BENCH_BODY_FILE.
//   node bench/lib/get_tokens.mjs TOKEN_URL AUTHORIZATION COUNT OUT
import { writeFileSync } from 'node:fs';

const [url, authorization, count, out] = [process.argv[2], process.argv[3], Number(process.argv[4]), process.argv[5]];
const bodies = [];
let next = 0;
async function worker() {
  while (next < count) {
    next++;
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (res.status !== 200) throw new Error(`token request answered ${res.status}: ${await res.text()}`);
    bodies.push(`token=${(await res.json()).access_token}`);
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
writeFileSync(out, bodies.join('\n') + '\n');
