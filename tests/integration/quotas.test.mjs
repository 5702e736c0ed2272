// Token quotas on one node (the embedded SQLite store): set with the CLI and the admin API,
// answered with 429 naming the quota and its reset (Retry-After, RateLimit-Policy, RateLimit),
// shown with `client show` and the admin API, audited once when first used up, in the metrics;
// raised or removed within the period, served at once; and kept across a restart (a monthly
// allowance does not start again because a node did).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { scrape, value } from './support/metrics.mjs';
import { clientsLoaded, until } from './support/token_ops.mjs';
import { basic, cli, cliJson, postToken, removeDir, startServer } from './support/tokengate.mjs';

describe('token quotas on one node', () => {
  let server;
  let adminToken;
  before(async () => {
    server = await startServer();
    const ops = cliJson(['client', 'create', '--name', 'ops', '--scope', 'tokengate:admin', '--data-dir', server.dataDir]);
    await clientsLoaded(server);
    const t = await postToken(server.adminBase, { form: { grant_type: 'client_credentials', scope: 'tokengate:admin' },
      auth: basic(ops.client_id, ops.client_secret) });
    assert.equal(t.status, 200);
    adminToken = t.body.access_token;
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  const admin = async (method, route, body) => {
    const res = await fetch(`${server.adminBase}${route}`, { method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: await res.json() };
  };
  const grant = (c) => postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(c.client_id, c.client_secret) });
  const grants = async (c, n) => { const out = []; for (let i = 0; i < n; i++) out.push(await grant(c)); return out; };

  test('a client with --quota 3/day gets three tokens, then 429 naming the quota and when it resets', async () => {
    const c = cliJson(['client', 'create', '--name', 'metered', '--quota', '3/day', '--data-dir', server.dataDir]);
    await clientsLoaded(server);
    const answers = await grants(c, 5);
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 429, 429]);
    const refused = answers[3];
    const midnight = new Date(); midnight.setUTCHours(24, 0, 0, 0);
    const left = Math.round((midnight - Date.now()) / 1000);
    assert.match(refused.body.message, /token quota of 3\/day is used up; it resets at \d{4}-\d\d-\d\dT00:00:00Z \(in \d+ s\)/);
    assert.equal(refused.body.message.includes(midnight.toISOString().replace('.000', '')), true, refused.body.message);
    assert.ok(Math.abs(Number(refused.headers.get('retry-after')) - left) <= 2, 'Retry-After: seconds to the reset');
    assert.equal(refused.headers.get('ratelimit-policy'), '"quota";q=3;w=86400');
    assert.match(refused.headers.get('ratelimit'), /^"quota";r=0;t=\d+$/);

    // client show: the quota and its use this period.
    const shown = cli(['client', 'show', c.client_id, '--data-dir', server.dataDir]);
    assert.match(shown.stdout, /quota:\s+3\/day, 3 used this period \(0 left; resets \d{4}-\d\d-\d\dT00:00:00Z\)/);
    const json = cliJson(['client', 'show', c.client_id, '--data-dir', server.dataDir]);
    assert.equal(json.quota, '3/day');
    assert.equal(json.quota_use.used, 3);
    assert.equal(json.quota_use.exhausted, true);

    // One audit entry for the first exhaustion of the period, however many refusals.
    await grants(c, 3);
    await until(async () => cliJson(['audit', 'list', '--client', c.client_id, '--data-dir', server.dataDir])
      .some((e) => e.action === 'quota.exhausted'), 'the exhaustion is audited', 3000);
    const entries = cliJson(['audit', 'list', '--client', c.client_id, '--data-dir', server.dataDir])
      .filter((e) => e.action === 'quota.exhausted');
    assert.equal(entries.length, 1);
    assert.equal(entries[0].detail.quota, '3/day');
    assert.match(entries[0].detail.resets_at, /T00:00:00Z$/);

    // Raised within the period: served at once, up to the new quota.
    cli(['client', 'update', c.client_id, '--quota', '5/day', '--data-dir', server.dataDir]);
    await until(async () => (await grant(c)).status === 200, 'the raised quota is served', 2000);
    const more = await grants(c, 3);
    assert.equal([...more].filter((r) => r.status === 200).length, 1, 'five in all');
    // Removed: no limit at all.
    cli(['client', 'update', c.client_id, '--quota', 'none', '--data-dir', server.dataDir]);
    await until(async () => (await grant(c)).status === 200, 'no quota, no refusal', 2000);
  });

  test('the admin API sets, shows and removes a quota; bad quotas are refused with what to write', async () => {
    const made = await admin('POST', '/admin/v1/clients', { name: 'api-metered', quota: '2/h' });
    assert.equal(made.status, 201);
    assert.equal(made.body.quota, '2/h');
    const c = { client_id: made.body.client_id, client_secret: made.body.client_secret };
    await clientsLoaded(server);
    assert.deepEqual((await grants(c, 3)).map((r) => r.status), [200, 200, 429]);
    const shown = await admin('GET', `/admin/v1/clients/${c.client_id}`);
    assert.equal(shown.body.quota_use.quota, '2/h');
    assert.equal(shown.body.quota_use.used, 2);
    assert.equal(shown.body.quota_use.remaining, 0);
    assert.match(shown.body.quota_use.resets_at, /T\d\d:00:00Z$/);
    for (const bad of ['0/h', '10/week', 'lots', 5]) {
      const r = await admin('PATCH', `/admin/v1/clients/${c.client_id}`, { quota: bad });
      assert.equal(r.status, 400, String(bad));
      assert.match(r.body.message, /quota must be "N\/min", "N\/h", "N\/day" or "N\/month"/);
    }
    const cleared = await admin('PATCH', `/admin/v1/clients/${c.client_id}`, { quota: null });
    assert.equal(cleared.body.quota, null);
    assert.equal((await admin('GET', `/admin/v1/clients/${c.client_id}`)).body.quota_use, null);
  });

  test('the CLI refuses a malformed quota with exit code 2 and the forms it takes', () => {
    for (const bad of ['0/day', '3/week', '3', 'three/day', '-1/h']) {
      const r = cli(['client', 'create', '--name', 'x', '--quota', bad, '--data-dir', server.dataDir]);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /--quota must be N\/min, N\/h, N\/day or N\/month/);
    }
  });

  test('the metrics show grants against quotas, the clients nearest theirs, and that limits are not node-local', async () => {
    const c = cliJson(['client', 'create', '--name', 'watched', '--quota', '4/month', '--data-dir', server.dataDir]);
    await clientsLoaded(server);
    await grants(c, 5);
    const m = await scrape(server.adminBase);
    assert.ok(value(m, 'tokengate_quota_grants_total', { outcome: 'issued' }) >= 4);
    assert.ok(value(m, 'tokengate_quota_grants_total', { outcome: 'refused' }) >= 1);
    assert.equal(value(m, 'tokengate_quota_used_ratio', { client_id: c.client_id }), 1);
    assert.ok(value(m, 'tokengate_quota_store_claims_total') >= 1);
    assert.equal(value(m, 'tokengate_limits_node_local'), 0);
  });
});

describe('a quota across a restart', () => {
  test('what a node issued before it restarted still counts', async () => {
    let server = await startServer();
    const c = cliJson(['client', 'create', '--name', 'monthly', '--quota', '3/month', '--data-dir', server.dataDir]);
    await clientsLoaded(server);
    const grant = () => postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(c.client_id, c.client_secret) });
    assert.equal((await grant()).status, 200);
    assert.equal((await grant()).status, 200);
    await server.stop();  // stopping, it reports what it issued and gives its lease back
    server = await startServer({ dataDir: server.dataDir });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await grant()).status);
      assert.deepEqual(statuses, [200, 429, 429], 'one left of three');
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
  });
});
