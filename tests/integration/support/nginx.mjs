// Debian's nginx, started by a test with one of deploy/'s configurations, its ports, paths and
// nodes replaced by the test's own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { sleep } from './tokengate.mjs';

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// `confFile` (under deploy/) rendered into `dir`: pid, logs and temp paths there, one worker,
// `listen` replaced by `port` on loopback, the upstream servers by `nodePorts`, and any other text
// in `replace` ([pattern, replacement] pairs).
export function renderNginx(confFile, dir, port, nodePorts, replace = []) {
  let conf = readFileSync(confFile, 'utf8');
  conf = conf.replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`)
    .replace(/^error_log .*;$/m, `error_log ${dir}/error.log warn;`)
    .replace(/^worker_processes .*;$/m, 'worker_processes 1;')
    .replace(/\/var\/lib\/nginx\//g, `${dir}/`)
    .replace(/listen (8080|443 ssl);/, (_, what) => `listen 127.0.0.1:${port}${what.endsWith('ssl') ? ' ssl' : ''};`);
  for (const [pattern, replacement] of replace) conf = conf.replace(pattern, replacement);
  const servers = nodePorts.map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n');
  conf = conf.replace(/(        server 127\.0\.0\.1:808\d .*\n)+/, `${servers}\n`);
  assert.ok(conf.includes(`127.0.0.1:${nodePorts[nodePorts.length - 1]}`), 'the upstream block was found and replaced');
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  return path.join(dir, 'nginx.conf');
}

// Runs nginx with `conf` until kill(); resolves once `probe()` (a request through it) succeeds.
export async function startNginx(conf, probe) {
  const nginx = spawn('nginx', ['-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  nginx.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; i < 100; i++) {
    try { await probe(); return nginx; } catch { await sleep(50); }
    assert.equal(nginx.exitCode, null, `nginx exited: ${stderr}`);
  }
  throw new Error(`nginx did not answer: ${stderr}`);
}
