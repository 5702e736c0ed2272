// The deployment of docs/DEPLOYMENT.md, for real: three nodes on one PostgreSQL behind nginx
// (Debian's nginx, running deploy/nginx.conf with its ports, paths and nodes replaced), under load
// (8 clients asking for tokens through nginx throughout). One node is killed with SIGKILL and
// started again; then PostgreSQL is stopped (immediate) for 5 s and started again. The goal is no
// failed grant in any phase; the test prints the count it saw in each and fails on any.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { freePort, renderNginx, startNginx } from './support/nginx.mjs';
import { createDatabase, dropDatabase, startPostgres, stopPostgres } from './support/postgres.mjs';
import { clientReady, until } from './support/token_ops.mjs';
import { basic, cliJson, postToken, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

const NGINX_CONF = path.resolve(import.meta.dirname, '../../deploy/nginx.conf');

// Grants through nginx from `clients` loops until stopped; counts outcomes by phase.
function loadGenerator(base, auth, clients) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const counts = {};
  let phase = 'start';
  let running = true;
  const one = () => new Promise((resolve) => {
    const req = http.request(`${base}/connect/token`, {
      method: 'POST', agent,
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': 29 },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', (e) => resolve(e.code ?? 'error'));
    req.setTimeout(10000, () => { req.destroy(); resolve('timeout'); });
    req.end('grant_type=client_credentials');
  });
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const p = phase;
      const outcome = await one();
      counts[p] ??= { ok: 0, failed: 0, failures: {} };
      if (outcome === 200) counts[p].ok++;
      else { counts[p].failed++; counts[p].failures[outcome] = (counts[p].failures[outcome] ?? 0) + 1; }
    }
  });
  return {
    setPhase(p) { phase = p; },
    async stop() { running = false; await Promise.all(loops); agent.destroy(); return counts; },
  };
}

describe('three nodes behind nginx on one PostgreSQL, under load', () => {
  let db;
  let work;
  let nginx;
  let nodes = [];
  before(async () => {
    db = createDatabase();
    work = tempDir('tokengate-deploy-');
    mkdirSync(path.join(work, 'nginx'));
    const ports = [await freePort(), await freePort(), await freePort()];
    const args = (port) => ['--db', db.url, '--listen', `127.0.0.1:${port}`, '--demo-client=false', '--trusted-proxies', '127.0.0.1', '--threads', '1',
      '--issuer', 'http://tokengate.test'];
    nodes = await Promise.all(ports.map((p) => startServer({ args: args(p) })));
    nodes.forEach((n, i) => { n.args = args(ports[i]); });
    const port = await freePort();
    const conf = renderNginx(NGINX_CONF, path.join(work, 'nginx'), port, ports);
    nginx = await startNginx(conf, () => fetch(`http://127.0.0.1:${port}/healthz`));
    nginx.base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    nginx?.kill('SIGTERM');
    for (const n of nodes) { await n.stop('SIGKILL'); removeDir(n.dataDir); }
    try { startPostgres(); } catch { /* running already */ }
    dropDatabase(db.name);
    removeDir(work);
  });

  test('kill -9 a node and restart it; stop PostgreSQL for 5 s and start it: no failed grant', async () => {
    const c = cliJson(['client', 'create', '--name', 'load', '--db', db.url]);
    const auth = basic(c.client_id, c.client_secret);
    for (const n of nodes) await clientReady(n.base, c);
    const load = loadGenerator(nginx.base, auth, 8);

    // Each phase is a span of time under load (the waits below are its length, not a condition).
    load.setPhase('steady');
    await sleep(2000);  // time: 2 s of load on three healthy nodes

    load.setPhase('node killed');
    const victim = nodes[1];
    await victim.stop('SIGKILL');
    await sleep(2000);  // time: 2 s of load with a node dead, which nginx must route around
    load.setPhase('node restarted');
    nodes[1] = await startServer({ dataDir: victim.dataDir, args: victim.args });
    nodes[1].args = victim.args;
    await sleep(2000);  // time: 2 s of load with the node back

    load.setPhase('PostgreSQL stopped');
    stopPostgres();
    await sleep(5000);  // time: the database stays away for 5 s, the outage this test is about
    const ready = await (await fetch(`${nodes[0].base}/readyz`)).json();
    load.setPhase('PostgreSQL started');
    startPostgres();
    await sleep(2000);  // time: 2 s of load once the database is back
    const counts = await load.stop();

    console.log('grants through nginx, per phase:');
    for (const [phase, n] of Object.entries(counts))
      console.log(`  ${phase.padEnd(20)} ${String(n.ok).padStart(6)} ok, ${n.failed} failed ${n.failed ? JSON.stringify(n.failures) : ''}`);
    assert.equal(ready.status, 'ready', 'a node stays ready while the database is away');
    assert.match(ready.store, /store unreachable, serving from a snapshot \d+ s old/);
    for (const [phase, n] of Object.entries(counts)) {
      assert.ok(n.ok > 0, `${phase}: no grant at all`);
      assert.equal(n.failed, 0, `${phase}: ${n.failed} failed grants ${JSON.stringify(n.failures)}`);
    }
    // The database is back: a change reaches every node again.
    const later = cliJson(['client', 'create', '--name', 'after', '--db', db.url]);
    await until(async () => (await Promise.all(nodes.map(async (n) =>
      (await postToken(n.base, { form: { grant_type: 'client_credentials' }, auth: basic(later.client_id, later.client_secret) })).status === 200)))
      .every(Boolean), 'every node accepts the new client', 1500);
    for (const n of nodes) {
      const r = await fetch(`${n.base}/connect/token`, { method: 'POST', headers: { authorization: basic(later.client_id, later.client_secret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      assert.equal(r.status, 200, `${n.base} did not catch up`);
    }
  });
});
