// Bench-only: how long a change made with the CLI takes to reach a node that did not make it: ROUNDS
// times, `tokengate client create` on the database, then a token request to the node every 2 ms
// until the new client gets a token; the time from the CLI's exit (its commit) to that answer.
// Prints {"propagation_ms": {"median", "max", "rounds"}}.
//   node bench/lib/propagation.mjs TOKENGATE_BIN STORE_URL NODE_BASE ROUNDS
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const [bin, store, base, rounds] = [process.argv[2], process.argv[3], process.argv[4], Number(process.argv[5])];
const samples = [];
for (let i = 0; i < rounds; i++) {
  const c = JSON.parse(execFileSync(bin, ['client', 'create', '--name', `p${i}`, '--db', store, '--json'], { encoding: 'utf8' }));
  const committed = performance.now();
  const auth = 'Basic ' + Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64');
  for (;;) {
    const r = await fetch(`${base}/connect/token`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    await r.arrayBuffer();
    if (r.status === 200) break;
    if (performance.now() - committed > 5000) throw new Error(`round ${i}: not honoured within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  samples.push(performance.now() - committed);
}
samples.sort((a, b) => a - b);
console.log(JSON.stringify({ propagation_ms: { median: Number(samples[(samples.length - 1) >> 1].toFixed(1)), max: Number(samples.at(-1).toFixed(1)), rounds } }));
