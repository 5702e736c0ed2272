// Taking admin rights away ends admin access (security round two, item 1): the admin API checks the
// client's current scopes and state, not the token's `scope` claim; narrowing a client's scopes ends
// the tokens that carry a scope it lost, for introspection, the status routes and the status lists
// alike; the console's "Rotate secret" revokes the old tokens.
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { cells, clientReady, getToken, introspect, until } from './support/token_ops.mjs';
import { cli, cliJson, decodeJwt, removeDir, startServer } from './support/tokengate.mjs';

// Whether the status list a token names says it is revoked.
async function listSaysRevoked(token) {
  const { uri, idx } = decodeJwt(token).payload.status.status_list;
  const res = await fetch(uri, { headers: { 'cache-control': 'no-cache' } });
  assert.equal(res.status, 200);
  const bytes = inflateSync(Buffer.from(decodeJwt(await res.text()).payload.status_list.lst, 'base64url'));
  return ((bytes[idx >> 3] >> (idx & 7)) & 1) === 1;
}

describe('admin rights taken away', () => {
  let server;
  let store;
  before(async () => {
    server = await startServer();
    store = ['--data-dir', server.dataDir];
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  const admin = (token, method, path, body) => fetch(`${server.adminBase}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

  test('a token issued before `client update --scope read` lists, rotates and creates nothing', async () => {
    const ops = await clientReady(server.base, cliJson(['client', 'create', '--name', 'ops', '--scope', 'tokengate:admin read', ...store]));
    const token = await getToken(server.base, ops, { scope: 'tokengate:admin read' });
    assert.equal((await admin(token, 'GET', '/admin/v1/clients')).status, 200, 'the admin token works to begin with');

    assert.equal(cli(['client', 'update', ops.id, '--scope', 'read', ...store]).status, 0);
    await until(async () => (await admin(token, 'GET', '/admin/v1/clients')).status === 401, 'the old admin token refused');
    for (const [method, path, body] of [
      ['GET', '/admin/v1/clients'],
      ['POST', '/admin/v1/keys/rotate', {}],
      ['POST', '/admin/v1/clients', { name: 'backdoor', scope: 'tokengate:admin' }],
    ]) {
      const r = await admin(token, method, path, body);
      assert.equal(r.status, 401, `${method} ${path} with the old token: ${r.status}`);
      assert.equal((await r.json()).error, 'invalid_token');
    }
    assert.ok(!cliJson(['client', 'list', ...store]).some((c) => c.name === 'backdoor'), 'no client was created');

    // A new token carries only what the client has now, and is no admin token.
    const fresh = await getToken(server.base, ops);
    assert.equal(decodeJwt(fresh).payload.scope, 'read');
    assert.equal((await admin(fresh, 'GET', '/admin/v1/clients')).status, 403);
  });

  test('PATCH through the admin API takes the scope away too, and the token it narrowed is revoked everywhere', async () => {
    const root = await clientReady(server.base, cliJson(['client', 'create', '--name', 'root', '--scope', 'tokengate:admin', ...store]));
    const rootToken = await getToken(server.base, root);
    const ops = await clientReady(server.base, cliJson(['client', 'create', '--name', 'ops2', '--scope', 'tokengate:admin read write', ...store]));
    const opsToken = await getToken(server.base, ops);  // all three scopes
    const readOnly = await getToken(server.base, ops, { scope: 'read' });
    assert.equal((await cells(server.base, opsToken)).status, 200);
    assert.equal(await listSaysRevoked(opsToken), false);

    const r = await admin(rootToken, 'PATCH', `/admin/v1/clients/${ops.id}`, { scope: 'read' });
    assert.equal(r.status, 200);
    assert.equal((await admin(opsToken, 'GET', '/admin/v1/keys')).status, 401, 'the narrowed token is no admin token');
    assert.equal((await introspect(server.base, ops, opsToken)).body.active, false, 'introspection');
    assert.equal((await cells(server.base, opsToken)).status, 401, 'status routes');
    assert.equal(await listSaysRevoked(opsToken), true, 'the status list');
    // A status list cannot tell tokens apart by scope: every token the client held is revoked.
    assert.equal(await listSaysRevoked(readOnly), true);
    assert.equal((await introspect(server.base, ops, readOnly)).body.active, false);

    const audit = cliJson(['audit', 'list', '--client', ops.id, ...store]);
    const update = audit.find((e) => e.action === 'client.update');
    assert.equal(update.detail.tokens_revoked, true);

    // Adding a scope revokes nothing.
    const later = await getToken(server.base, ops);
    assert.equal((await admin(rootToken, 'PATCH', `/admin/v1/clients/${ops.id}`, { scope: 'read write' })).status, 200);
    assert.equal((await introspect(server.base, ops, later)).body.active, true);
  });

  test('a disabled admin client loses access at once, whatever its token says', async () => {
    const ops = await clientReady(server.base, cliJson(['client', 'create', '--name', 'ops3', '--scope', 'tokengate:admin', ...store]));
    const token = await getToken(server.base, ops);
    assert.equal(cli(['client', 'disable', ops.id, ...store]).status, 0);
    await until(async () => (await admin(token, 'GET', '/admin/v1/clients')).status === 401, 'the disabled client refused');
  });

  test("the console's Rotate secret without a grace period revokes the old tokens, and says so", async () => {
    const js = await (await fetch(`${server.adminBase}/console/console.js`)).text();
    assert.match(js, /grace\.trim\(\) \? \{ grace_seconds: graceSeconds\(grace\) \} : \{ revoke_tokens: true \}/);
    assert.match(js, /the old secret stops at once and every token issued '\s*\+ 'to the client is revoked/);
    // What the console sends, sent: the old token is gone.
    const root = await clientReady(server.base, cliJson(['client', 'create', '--name', 'root4', '--scope', 'tokengate:admin', ...store]));
    const rootToken = await getToken(server.base, root);
    const victim = await clientReady(server.base, cliJson(['client', 'create', '--name', 'leaked', '--scope', 'tokengate:admin', ...store]));
    const stolen = await getToken(server.base, victim);
    const r = await admin(rootToken, 'POST', `/admin/v1/clients/${victim.id}/rotate-secret`, { revoke_tokens: true });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).tokens_revoked, true);
    assert.equal((await admin(stolen, 'GET', '/admin/v1/clients')).status, 401);
  });
});
