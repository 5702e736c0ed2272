// Quotas and lock-outs held by three nodes as one: deploy/nginx.conf in front of three nodes on a
// PostgreSQL of this suite's own (so that stopping it stops no other suite). A client's quota is
// issued across the nodes and no more, wherever nginx sends its requests; password guesses spread
// over the nodes are locked out at about the count one node locks them out at; a node killed while
// holding a lease costs at most that lease; with PostgreSQL stopped the nodes go on serving on
// node-local limits (said in /readyz and the metrics) and share again once it is back.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { scrape, value, gauge } from './support/metrics.mjs';
import { freePort, renderNginx, startNginx } from './support/nginx.mjs';
import { privateCluster } from './support/postgres.mjs';
import { grantOver, until } from './support/token_ops.mjs';
import { basic, cli, cliJson, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

const NGINX_CONF = path.resolve(import.meta.dirname, '../../deploy/nginx.conf');
const FAILURE_LIMIT = 10;

// One grant over a kept-alive connection: { status, headers, body }.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const grant = (base, auth) => grantOver(base, auth, { agent });

// Waits, if need be, so that the UTC day does not end within `seconds`: a quota per day must not
// start again in the middle of a test.
async function clearOfMidnight(seconds) {
  const midnight = new Date(); midnight.setUTCHours(24, 0, 0, 0);
  const left = midnight - Date.now();
  if (left < seconds * 1000) await sleep(left + 1000);  // time: past the reset, not a condition
}

describe('three nodes behind nginx on one PostgreSQL: quotas and lock-outs across the nodes', () => {
  let pg;
  let work;
  let nginx;
  let base;
  let nodes = [];
  let args;
  let clientsMade = 0;
  before(async () => {
    pg = privateCluster(await freePort());
    work = tempDir('tokengate-cluster-limits-');
    mkdirSync(path.join(work, 'nginx'));
    const ports = [await freePort(), await freePort(), await freePort()];
    args = (p) => ['--db', pg.url, '--listen', `127.0.0.1:${p}`, '--demo-client=false', '--threads', '1',
      '--trusted-proxies', '127.0.0.1', '--auth-failure-limit', String(FAILURE_LIMIT),
      '--auth-failure-address-limit', '100000'];
    nodes = await Promise.all(ports.map((p) => startServer({ args: args(p), defaultLimits: true })));
    nodes.forEach((n, i) => { n.port = ports[i]; });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    nginx = await startNginx(renderNginx(NGINX_CONF, path.join(work, 'nginx'), port, ports),
      () => fetch(`${base}/healthz`));
  });
  after(async () => {
    nginx?.kill('SIGTERM');
    for (const n of nodes) { await n.stop('SIGKILL'); removeDir(n.dataDir); }
    pg?.remove();
    removeDir(work);
  });

  // A client made with the CLI, once every node has it (counted in its metrics: a grant would
  // spend its quota).
  async function client(...extra) {
    const c = cliJson(['client', 'create', '--name', `c${clientsMade}`, '--db', pg.url, ...extra]);
    clientsMade += 1;
    await until(async () => (await Promise.all(nodes.map((n) => gauge(n.adminBase, 'tokengate_clients'))))
      .every((count) => count === clientsMade), 'every node has the client', 3000);
    return { ...c, auth: basic(c.client_id, c.client_secret) };
  }

  test('a quota of 60 a day is issued across the three nodes, and not one token more', async () => {
    await clearOfMidnight(60);
    const c = await client('--quota', '60/day');
    const statuses = [];
    for (let i = 0; i < 90; i++) statuses.push(await grant(base, c.auth));
    // A node refuses "leased to other nodes" while another holds the last tokens; idle leases go
    // back within two seconds, and asking again then finds them.
    await sleep(2500);  // time: longer than an idle lease is kept
    for (let i = 0; i < 30; i++) statuses.push(await grant(base, c.auth));
    const issued = statuses.filter((r) => r.status === 200).length;
    console.log(`quota 60/day: ${issued} tokens issued of ${statuses.length} asked, through nginx`);
    assert.equal(issued, 60, 'the quota exactly (the bound is for nodes that die)');
    const last = statuses.at(-1);
    assert.equal(last.status, 429);
    assert.match(last.body.message, /token quota of 60\/day is used up; it resets at .*T00:00:00Z/);
    assert.equal(last.headers['ratelimit-policy'], '"quota";q=60;w=86400');
    // Every node took part.
    for (const n of nodes) {
      const m = await scrape(n.adminBase);
      assert.ok(value(m, 'tokengate_quota_grants_total', { outcome: 'issued' }) > 0, `node ${n.port} issued some`);
    }
    // The use reached the store (reported within a second), and one audit entry says it ran out.
    await until(() => cliJson(['client', 'show', c.client_id, '--db', pg.url]).quota_use.used === 60,
      'client show: 60 used', 3000);
    await until(() => cliJson(['audit', 'list', '--client', c.client_id, '--db', pg.url])
      .filter((e) => e.action === 'quota.exhausted').length === 1, 'one quota.exhausted entry', 3000);
    await sleep(1500);  // time: a second exhaustion entry, were the nodes to write one each, would be there by now
    assert.equal(cliJson(['audit', 'list', '--client', c.client_id, '--db', pg.url])
      .filter((e) => e.action === 'quota.exhausted').length, 1, 'once for the cluster');
  });

  test('guesses spread over the nodes are locked out at about the count one node allows', async () => {
    const victim = await client();
    const wrong = basic(victim.client_id, 'not-the-secret');
    let failures = 0;
    for (let i = 0; i < 40; i++) {
      const r = await grant(base, wrong);
      if (r.status === 429) break;
      assert.equal(r.status, 401);
      failures += 1;
      await sleep(100);  // time: an attacker's pace; the nodes share their counts every 250 ms
    }
    console.log(`guesses through nginx before the lock-out: ${failures} (one node alone: ${FAILURE_LIMIT})`);
    assert.ok(failures >= FAILURE_LIMIT, `${failures} failures`);
    assert.ok(failures <= FAILURE_LIMIT + 6, `${failures} failures: three unshared nodes would allow ${3 * FAILURE_LIMIT}`);
    // Within a second every node refuses the next guess, asked directly; the right secret is
    // still served from the locked address.
    for (const n of nodes) {
      await until(async () => (await grant(n.base, wrong)).status === 429, `node ${n.port} holds the lock-out`, 1000);
      assert.equal((await grant(n.base, victim.auth)).status, 200, `node ${n.port} serves the right secret`);
    }
  });

  test('a node killed while holding a lease costs at most that lease', async () => {
    await clearOfMidnight(30);
    const c = await client('--quota', '100/day');
    let issued = 0;
    for (let i = 0; i < 12; i++) if ((await grant(nodes[0].base, c.auth)).status === 200) issued += 1;
    assert.equal(issued, 12);
    const victim = nodes[0];
    await victim.stop('SIGKILL');
    // The others issue the rest; what the dead node held comes back when its lease lapses (10 s).
    let answer;
    const started = Date.now();
    while (Date.now() - started < 20000) {
      answer = await grant(nodes[1 + (issued % 2)].base, c.auth);
      if (answer.status === 200) { issued += 1; continue; }
      assert.equal(answer.status, 429);
      if (/is used up/.test(answer.body.message)) break;
      assert.match(answer.body.message, /leased to other nodes/);
      await sleep(500);  // time: the Retry-After of a lease held elsewhere, halved
    }
    console.log(`quota 100/day with a node killed holding a lease: ${issued} issued (lease cap: 5)`);
    assert.match(answer.body.message, /is used up/);
    assert.ok(issued >= 100 && issued <= 105, `${issued} issued: the quota plus at most one lease`);
    nodes[0] = await startServer({ dataDir: victim.dataDir, args: args(victim.port), defaultLimits: true });
    nodes[0].port = victim.port;
  });

  test('PostgreSQL stopped: the nodes serve on node-local limits and say so; started: they share again', async () => {
    const plain = await client();
    const metered = await client('--quota', '1000/day');
    // The test cluster commits without waiting for the disk: what is committed is flushed first, or
    // the immediate stop would take the new clients with it.
    pg.psql('CHECKPOINT');
    pg.stop();
    try {
      for (const n of nodes) {
        await until(async () => /node-local/.test((await (await fetch(`${n.base}/readyz`)).json()).limits),
          `node ${n.port}: /readyz says limits are node-local`, 3000);
        assert.equal((await (await fetch(`${n.base}/readyz`)).json()).status, 'ready');
        assert.equal(await gauge(n.adminBase, 'tokengate_limits_node_local'), 1);
      }
      for (let i = 0; i < 9; i++) {
        assert.equal((await grant(base, plain.auth)).status, 200, 'a client without a quota');
        assert.equal((await grant(base, metered.auth)).status, 200, 'a client with a quota, counted by each node');
      }
    } finally {
      pg.start();
    }
    for (const n of nodes) {
      await until(async () => /shared by 3 nodes/.test((await (await fetch(`${n.base}/readyz`)).json()).limits),
        `node ${n.port}: shared again`, 8000);
      assert.equal(await gauge(n.adminBase, 'tokengate_limits_node_local'), 0);
      const said = n.stderr().split('\n').filter((l) => /lock-outs and rates are node-local/.test(l)).length;
      assert.equal(said, 1, 'the fall-back is logged once');
    }
    // What the nodes issued meanwhile is reported once the store is back.
    await until(() => cliJson(['client', 'show', metered.client_id, '--db', pg.url]).quota_use.used === 9,
      'the use counted while away reaches the store', 5000);
    assert.equal(cli(['client', 'show', metered.client_id, '--db', pg.url]).status, 0);
  });
});
