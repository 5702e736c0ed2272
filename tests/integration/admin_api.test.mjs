// The admin API on the admin listener: every route, every error, changes that reach the running
// server at once, and the audit trail they leave (read through the API and the CLI).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { resign, storeSigningKey } from './support/forge.mjs';
import { cells, getToken } from './support/token_ops.mjs';
import { basic, cli, cliJson, postToken, removeDir, startServer, within } from './support/tokengate.mjs';


describe('admin API', () => {
  let server;
  let ops;  // the admin client: { id, secret }
  let adminToken;

  async function call(method, path, { token = adminToken, body, rawBody, contentType, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (rawBody !== undefined) { payload = rawBody; h['content-type'] = contentType ?? 'application/json'; }
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] = contentType ?? 'application/json'; }
    const res = await fetch(`${server.adminBase}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* 204, or not JSON */ }
    return { status: res.status, headers: res.headers, body: json, text };
  }

  const tokenFor = async (client) => {
    const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(client.id, client.secret) });
    return r;
  };

  before(async () => {
    server = await startServer();
    const created = cliJson(['client', 'create', '--name', 'ops', '--scope', 'tokengate:admin', '--data-dir', server.dataDir]);
    ops = { id: created.client_id, secret: created.client_secret };
    // The admin listener's own token endpoint, as the console uses it.
    const r = await within(2000, async () => {
      const t = await postToken(server.adminBase, { form: { grant_type: 'client_credentials', scope: 'tokengate:admin' }, auth: basic(ops.id, ops.secret) });
      return t.status === 200 ? t : null;
    });
    assert.ok(r, 'the admin client gets a token from the admin listener');
    adminToken = r.body.access_token;
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('no token, a bad token, an expired one, one without the scope: refused', async () => {
    const none = await call('GET', '/admin/v1/clients', { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="tokengate"');
    assert.equal(none.body.code, 401);
    assert.match(none.body.message, /needs an access token/);

    const bad = await call('GET', '/admin/v1/clients', { token: 'not.a.token' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, 'invalid_token');

    const kid = JSON.parse(Buffer.from(adminToken.split('.')[0], 'base64url')).kid;
    const key = await storeSigningKey(server.dataDir, kid);
    const now = Math.floor(Date.now() / 1000);
    const expired = await resign(adminToken, { exp: now - 120 }, key, kid);  // past the 30 s leeway
    const old = await call('GET', '/admin/v1/clients', { token: expired });
    assert.equal(old.status, 401);
    assert.match(old.body.message, /expired/);

    const demoToken = await getToken(server.base, { id: server.demo.id, secret: server.demo.secret });
    const weak = await call('GET', '/admin/v1/clients', { token: demoToken });
    assert.equal(weak.status, 403);
    assert.equal(weak.body.error, 'insufficient_scope');
    assert.match(weak.headers.get('www-authenticate'), /error="insufficient_scope", scope="tokengate:admin"/);
  });

  test('bad input: JSON, media type, unknown fields and values, methods, unknown clients', async () => {
    const cases = [
      [await call('POST', '/admin/v1/clients', { rawBody: '{"name":' }), 400, /not valid JSON/],
      [await call('POST', '/admin/v1/clients', { rawBody: '[1,2]' }), 400, /must be a JSON object/],
      [await call('POST', '/admin/v1/clients', { rawBody: 'name=x', contentType: 'application/x-www-form-urlencoded' }), 415, /application\/json/],
      [await call('POST', '/admin/v1/clients', { body: { name: 'x', scopes: 'a' } }), 400, /Unknown field 'scopes'/],
      [await call('POST', '/admin/v1/clients', { body: {} }), 400, /name is required/],
      [await call('POST', '/admin/v1/clients', { body: { name: 'x', token_ttl: 'long' } }), 400, /token_ttl must be an integer/],
      [await call('POST', '/admin/v1/clients', { body: { name: 'x', token_ttl: 99999999 } }), 400, /token lifetime/],
      [await call('POST', '/admin/v1/clients', { body: { name: 'x', scope: 'bad"scope' } }), 400, /not a valid scope token/],
      [await call('GET', '/admin/v1/clients?limit=0'), 400, /limit must be an integer from 1 to 1000/],
      [await call('GET', '/admin/v1/clients?after=nobody'), 400, /after names no client/],
      [await call('GET', '/admin/v1/audit?since=yesterday'), 400, /since must be/],
      [await call('GET', '/admin/v1/clients/no-such-client'), 404, /no client with ID 'no-such-client'/],
      [await call('PATCH', '/admin/v1/clients/no-such-client', { body: { name: 'y' } }), 404, /no client/],
      [await call('DELETE', '/admin/v1/clients/no-such-client'), 404, /no client/],
      [await call('POST', '/admin/v1/clients/no-such-client/disable'), 404, /no client/],
      [await call('POST', '/admin/v1/clients/no-such-client/explode'), 404, /no such client action/],
      [await call('POST', '/admin/v1/keys/no-such-kid/retire'), 404, /no key with kid/],
      [await call('POST', '/admin/v1/clients/x%00y/disable'), 404, /no client/],
      [await call('GET', `/admin/v1/clients/${ops.id}/`), 404, /no such client action/],
      [await call('POST', '/admin/v1/keys/rotate/', { body: {} }), 404, /no such key resource/],
    ];
    for (const [r, status, message] of cases) {
      assert.equal(r.status, status, `${r.text}`);
      assert.equal(r.body.code, status);
      assert.match(r.body.message, message);
    }
    const wrongMethod = await call('PUT', '/admin/v1/clients');
    assert.equal(wrongMethod.status, 405);
    assert.match(wrongMethod.headers.get('allow'), /GET/);
    const wrongAction = await call('GET', `/admin/v1/clients/${ops.id}/disable`);
    assert.equal(wrongAction.status, 405);
    assert.equal(wrongAction.headers.get('allow'), 'POST');
    assert.equal((await call('HEAD', `/admin/v1/clients/${ops.id}`)).status, 200, 'HEAD as GET');
    // Nothing above was written.
    const listed = await call('GET', '/admin/v1/clients?q=x');
    assert.equal(listed.body.total, 0);
  });

  test('a client created, changed, disabled, rotated and deleted: each change is in force at once', async () => {
    const created = await call('POST', '/admin/v1/clients', { body: { name: 'billing', scope: 'read write' } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    assert.equal(created.headers.get('location'), `/admin/v1/clients/${created.body.client_id}`);
    assert.equal(created.body.name, 'billing');
    const client = { id: created.body.client_id, secret: created.body.client_secret };
    assert.match(client.secret, /^[A-Za-z0-9_-]{43}$/);

    // The writing node reloads at once: no wait.
    const first = await tokenFor(client);
    assert.equal(first.status, 200, 'usable at once');
    assert.equal(first.body.scope, 'read write');

    const shown = await call('GET', `/admin/v1/clients/${client.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.client_secret, undefined, 'the secret is never shown again');

    const patched = await call('PATCH', `/admin/v1/clients/${client.id}`, { body: { scope: 'read', name: 'billing-ro', token_ttl: 120 } });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.scope, patched.body.name, patched.body.token_ttl], ['read', 'billing-ro', 120]);
    const narrower = await tokenFor(client);
    assert.equal(narrower.body.scope, 'read');
    assert.equal(narrower.body.expires_in, 120);

    const disabled = await call('POST', `/admin/v1/clients/${client.id}/disable`);
    assert.equal(disabled.body.enabled, false);
    assert.equal((await tokenFor(client)).status, 401);
    assert.equal((await cells(server.base, narrower.body.access_token)).status, 401, 'its tokens stop being accepted');
    assert.equal((await call('POST', `/admin/v1/clients/${client.id}/enable`)).body.enabled, true);
    assert.equal((await tokenFor(client)).status, 200);

    const viaPatch = await call('PATCH', `/admin/v1/clients/${client.id}`, { body: { enabled: false } });
    assert.equal(viaPatch.body.enabled, false);
    assert.equal((await tokenFor(client)).status, 401);
    await call('PATCH', `/admin/v1/clients/${client.id}`, { body: { enabled: true } });

    const held = (await tokenFor(client)).body.access_token;
    const rotated = await call('POST', `/admin/v1/clients/${client.id}/rotate-secret`, { body: { revoke_tokens: false } });
    assert.equal(rotated.status, 200);
    assert.equal((await tokenFor(client)).status, 401, 'the old secret stops working');
    const renewed = { id: client.id, secret: rotated.body.client_secret };
    assert.equal((await tokenFor(renewed)).status, 200);
    assert.equal((await cells(server.base, held)).status, 200, 'without revoke_tokens, tokens held stay good');

    const revoked = await call('POST', `/admin/v1/clients/${client.id}/revoke-tokens`);
    assert.equal(revoked.status, 200);
    assert.equal((await cells(server.base, held)).status, 401);

    const deleted = await call('DELETE', `/admin/v1/clients/${client.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal((await call('GET', `/admin/v1/clients/${client.id}`)).status, 404);
    assert.equal((await tokenFor(renewed)).status, 401);
  });

  test('a change made through the API reaches the CLI, and a CLI change the API, within 1 s', async () => {
    const made = await call('POST', '/admin/v1/clients', { body: { name: 'from-api' } });
    assert.ok(cliJson(['client', 'list', '--data-dir', server.dataDir]).some((c) => c.client_id === made.body.client_id));
    const fromCli = cliJson(['client', 'create', '--name', 'from-cli', '--data-dir', server.dataDir]);
    const seen = await within(1000, async () => (await call('GET', `/admin/v1/clients/${fromCli.client_id}`)).status === 200);
    assert.ok(seen);
    const client = { id: fromCli.client_id, secret: fromCli.client_secret };
    assert.ok(await within(1000, async () => (await tokenFor(client)).status === 200), 'the running server issues to it');
  });

  test('clients are listed in pages, and searched by name or ID', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await call('POST', '/admin/v1/clients', { body: { name } });
    const first = await call('GET', '/admin/v1/clients?q=PAGE-&limit=2');
    assert.equal(first.body.total, 3);
    assert.equal(first.body.clients.length, 2);
    assert.equal(first.body.next, first.body.clients[1].client_id);
    const second = await call('GET', `/admin/v1/clients?q=page-&limit=2&after=${first.body.next}`);
    assert.equal(second.body.clients.length, 1);
    assert.equal(second.body.next, null);
    // Ordered by creation, then ID: the two pages hold each client once.
    assert.deepEqual([...first.body.clients, ...second.body.clients].map((c) => c.name).sort(), ['page-a', 'page-b', 'page-c']);
    const byId = await call('GET', `/admin/v1/clients?q=${ops.id.slice(0, 13)}`);
    assert.deepEqual(byId.body.clients.map((c) => c.client_id), [ops.id]);
  });

  test('keys: list, rotate after the publish delay or now, retire', async () => {
    const before = await call('GET', '/admin/v1/keys');
    assert.equal(before.status, 200);
    assert.equal(before.body.keys.filter((k) => k.status === 'active').length, 1);
    const oldKid = before.body.keys.find((k) => k.status === 'active').kid;

    const later = await call('POST', '/admin/v1/keys/rotate', { body: { now: false } });
    assert.equal(later.status, 201);
    assert.equal(later.body.status, 'pending');
    const jwks = async () => (await (await fetch(`${server.base}/.well-known/jwks.json`)).json()).keys.map((k) => k.kid);
    assert.ok((await jwks()).includes(later.body.kid), 'published at once');

    const now = await call('POST', '/admin/v1/keys/rotate', { body: { now: true, alg: 'EdDSA' } });
    assert.equal(now.body.status, 'active');
    const overtaken = (await call('GET', '/admin/v1/keys')).body.keys.find((k) => k.kid === later.body.kid);
    assert.equal(overtaken.status, 'retired', 'the pending key was overtaken: it will never sign');
    assert.equal(now.body.alg, 'EdDSA');
    const token = (await tokenFor({ id: server.demo.id, secret: server.demo.secret })).body.access_token;
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).kid, now.body.kid, 'signing with it now');

    const retired = await call('POST', `/admin/v1/keys/${oldKid}/retire`);
    assert.equal(retired.status, 200);
    assert.equal(retired.body.withdrawn, oldKid);
    assert.ok(!(await jwks()).includes(oldKid));
    // The admin token was signed by the withdrawn key: refused now, like every token it signed.
    assert.equal((await call('GET', '/admin/v1/keys')).status, 401);
    adminToken = (await postToken(server.adminBase, { form: { grant_type: 'client_credentials' }, auth: basic(ops.id, ops.secret) })).body.access_token;
    const after = await call('GET', '/admin/v1/keys');
    assert.equal(after.body.keys.find((k) => k.kid === oldKid)?.status, 'withdrawn');
    assert.equal((await call('POST', '/admin/v1/keys/rotate', { body: { alg: 'HS256' } })).status, 400);
  });

  test('every write is in the audit trail: who, from where, what; the CLI reads the same', async () => {
    const made = await call('POST', '/admin/v1/clients', { body: { name: 'audited' } });
    const id = made.body.client_id;
    await call('POST', `/admin/v1/clients/${id}/disable`);
    await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(id, 'wrong-secret') });

    const trail = await within(3000, async () => {
      const r = await call('GET', `/admin/v1/audit?client=${id}`);
      return r.body.events.length === 3 ? r : null;
    });
    assert.ok(trail, 'the failed authentication is written within a few seconds');
    const [failure, disable, create] = trail.body.events;
    assert.equal(create.action, 'client.create');
    assert.equal(create.actor, `admin:${ops.id}`);
    assert.equal(create.address, '127.0.0.1');
    assert.equal(create.detail.name, 'audited');
    assert.match(create.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(disable.action, 'client.disable');
    assert.equal(failure.action, 'auth.failure');
    assert.equal(failure.detail.count, 1);
    assert.ok(!JSON.stringify(trail.body).includes(made.body.client_secret), 'no secret in the trail');

    const viaCli = cliJson(['audit', 'list', '--client', id, '--data-dir', server.dataDir]);
    assert.deepEqual(viaCli.map((e) => e.action), ['auth.failure', 'client.disable', 'client.create']);
    const text = cli(['audit', 'list', '--client', id, '--since', '1h', '--data-dir', server.dataDir]);
    assert.equal(text.status, 0);
    assert.match(text.stdout, new RegExp(`client.create  ${id}  by admin:${ops.id} from 127\\.0\\.0\\.1`));
    const badSince = cli(['audit', 'list', '--since', 'last tuesday', '--data-dir', server.dataDir]);
    assert.equal(badSince.status, 2);
    assert.match(badSince.stderr, /--since must be/);

    // Paging backwards through everything.
    const all = [];
    let before = '';
    for (;;) {
      const page = await call('GET', `/admin/v1/audit?limit=3${before}`);
      all.push(...page.body.events);
      if (page.body.next_before === null) break;
      before = `&before=${page.body.next_before}`;
    }
    const full = await call('GET', '/admin/v1/audit?limit=1000');
    assert.deepEqual(all.map((e) => e.id), full.body.events.map((e) => e.id));
    assert.equal(new Set(all.map((e) => e.id)).size, all.length);
  });
});
