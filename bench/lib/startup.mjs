// Start-up time: spawns `tokengate serve` (pinned to core 0) on a free loopback port and requests a
// token in a tight loop until the first 200; prints the milliseconds from spawn to that response.
// Bounded: gives up after 30 s. The server is stopped (SIGTERM) before exiting.
//   node bench/lib/startup.mjs TOKENGATE_BIN DATA_DIR|STORE_URL AUTHORIZATION_HEADER_VALUE
// (a STORE_URL such as postgresql://... is given to --db instead of --data-dir)
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const [bin, dataDir, authorization] = process.argv.slice(2);
const body = 'grant_type=client_credentials';

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

function attempt() {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/connect/token', agent: false,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve(0));  // not listening yet
    req.end(body);
  });
}

const t0 = performance.now();
const store = dataDir.includes('://') ? ['--db', dataDir] : ['--data-dir', dataDir];
const child = spawn('taskset', ['-c', '0', bin, 'serve', '--listen', `127.0.0.1:${port}`, ...store,
                                '--threads', '1'], { stdio: ['ignore', 'ignore', 'ignore'] });
let status = 0;
let attempts = 0;
while (status !== 200 && performance.now() - t0 < 30000 && child.exitCode === null) {
  status = await attempt();
  attempts++;
}
const ms = performance.now() - t0;
child.kill('SIGTERM');
await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
if (status !== 200) {
  console.error(`startup: no 200 within ${ms.toFixed(0)} ms (last status ${status}, server exit ${child.exitCode})`);
  process.exit(1);
}
console.log(JSON.stringify({ startup_ms: Number(ms.toFixed(1)), attempts }));
