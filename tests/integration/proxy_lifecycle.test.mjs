// Proxy mode: /connect/introspect and /connect/revocation are forwarded, with the caller's
// credentials, to the endpoints the upstream's metadata names, and the answers come back as the
// upstream gave them; a revocation that succeeds also drops the token from the proxy's token cache,
// so the next identical token request gets a new token. In front of a second tokengate and of
// node-oidc-provider (opaque tokens: it introspects and revokes no JWT); an upstream whose metadata
// names neither endpoint gets 501 not_implemented.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { GOOD, startFakeUpstream } from './support/fake_upstream.mjs';
import { OIDC_AUDIENCE, OIDC_CLIENT, OIDC_POST_CLIENT, startOidcProvider } from './support/oidc_provider.mjs';
import { startProxyInFrontOfIssuer } from './support/proxy_fixture.mjs';
import { getToken, introspect, revoke } from './support/token_ops.mjs';
import { removeDir, startServer } from './support/tokengate.mjs';

function assertRevoked(r) {
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body, '');
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

describe('proxy in front of tokengate (issuer mode)', () => {
  let fixture;
  let upstream;
  let proxy;
  let a;
  let b;
  before(async () => {
    fixture = await startProxyInFrontOfIssuer({ clients: [{ name: 'a', scope: 'read write' }, { name: 'b', scope: 'read' }] });
    ({ upstream, proxy, clients: [a, b] } = fixture);
  });
  after(async () => {
    await fixture?.stop();
  });

  test('the metadata names both endpoints', async () => {
    const m = await (await fetch(`${proxy.base}/.well-known/oauth-authorization-server`)).json();
    assert.equal(m.introspection_endpoint, `${proxy.base}/connect/introspect`);
    assert.equal(m.revocation_endpoint, `${proxy.base}/connect/revocation`);
  });

  test('introspection: the upstream answer, intact, for HTTP Basic and for credentials in the body', async () => {
    const token = await getToken(proxy.base, a, { scope: 'read' });
    const direct = await introspect(upstream.base, a, token);
    assert.equal(direct.body.active, true);
    for (const post of [false, true]) {
      const r = await introspect(proxy.base, a, token, { post });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.deepEqual(r.body, direct.body);
    }
    // The caller's own credentials go upstream: b may not see a's token there, nor through the proxy.
    assert.deepEqual((await introspect(proxy.base, b, token)).body, { active: false });
    assert.deepEqual((await introspect(proxy.base, a, 'garbage')).body, { active: false });
  });

  test("the upstream's refusals come back", async () => {
    const token = await getToken(proxy.base, a);
    for (const call of [introspect, revoke]) {
      const wrong = await call(proxy.base, { id: a.id, secret: 'wrong' }, token);
      const direct = await call(upstream.base, { id: a.id, secret: 'wrong' }, token);
      assert.equal(wrong.status, 401, call.name);
      assert.equal(wrong.body.error, 'invalid_client');
      assert.equal(wrong.body.error_description, direct.body.error_description);
      const missing = await call(proxy.base, a, undefined);
      assert.equal(missing.status, 400, `${call.name} without a token`);
      assert.equal(missing.body.error, 'invalid_request');
    }
    const others = await revoke(proxy.base, b, token);
    assert.equal(others.status, 400, JSON.stringify(others.body));
    assert.equal(others.body.error, 'unauthorized_client');
    assert.equal((await introspect(proxy.base, a, token)).body.active, true, 'still live');
    assert.equal(await getToken(proxy.base, a), token, 'a refused revocation leaves the cache alone');
  });

  test('revocation: forwarded, the token is inactive upstream, and the cache serves it no more', async () => {
    const form = { scope: 'read write' };
    const token = await getToken(proxy.base, a, form);
    assert.equal(await getToken(proxy.base, a, form), token, 'the cache answers an identical request with the same token');
    assert.equal((await introspect(proxy.base, a, token)).body.active, true);

    assertRevoked(await revoke(proxy.base, a, token));
    assert.deepEqual((await introspect(proxy.base, a, token)).body, { active: false });
    assert.deepEqual((await introspect(upstream.base, a, token)).body, { active: false }, 'revoked upstream');

    const next = await getToken(proxy.base, a, form);
    assert.notEqual(next, token, 'a new token, not the revoked one from the cache');
    assert.equal((await introspect(proxy.base, a, next)).body.active, true);
    assert.equal(await getToken(proxy.base, a, form), next, 'and the new one is cached again');
  });

  test('revocation with the credentials in the body: the same', async () => {
    const form = { scope: 'read' };
    const token = await getToken(proxy.base, b, form);
    assertRevoked(await revoke(proxy.base, b, token, { post: true }));
    assert.deepEqual((await introspect(proxy.base, b, token, { post: true })).body, { active: false });
    assert.notEqual(await getToken(proxy.base, b, form), token);
  });
});

describe('proxy in front of node-oidc-provider (opaque tokens)', () => {
  let op;
  let proxy;
  before(async () => {
    op = await startOidcProvider({ opaqueTokens: true });
    proxy = await startServer({ args: ['--upstream-token-url', op.tokenUrl, '--audience', OIDC_AUDIENCE] });
  });
  after(async () => {
    await proxy.stop();
    await op.close();
    removeDir(proxy.dataDir);
  });

  test('token, introspect: active, revoke: 200, introspect: inactive; the cache serves it no more', async () => {
    assert.ok(op.introspectionUrl && op.revocationUrl, 'the provider names both endpoints');
    const form = { scope: 'cells.read' };
    const token = await getToken(proxy.base, OIDC_CLIENT, form);
    assert.equal(token.split('.').length, 1, 'an opaque token');
    assert.equal(await getToken(proxy.base, OIDC_CLIENT, form), token, 'cached');

    const live = await introspect(proxy.base, OIDC_CLIENT, token);
    assert.equal(live.status, 200, JSON.stringify(live.body));
    assert.equal(live.headers.get('cache-control'), 'no-store');
    assert.equal(live.body.active, true);
    assert.equal(live.body.client_id, OIDC_CLIENT.id);
    assert.equal(live.body.scope, 'cells.read');
    assert.equal(live.body.iss, op.issuer);
    // Another client of the provider sees nothing of it.
    assert.deepEqual((await introspect(proxy.base, OIDC_POST_CLIENT, token)).body, { active: false });

    assertRevoked(await revoke(proxy.base, OIDC_CLIENT, token));
    assert.deepEqual((await introspect(proxy.base, OIDC_CLIENT, token)).body, { active: false });
    const next = await getToken(proxy.base, OIDC_CLIENT, form);
    assert.notEqual(next, token);
    assert.equal((await introspect(proxy.base, OIDC_CLIENT, next)).body.active, true);
  });

  test("the provider's refusals come back", async () => {
    const wrong = await introspect(proxy.base, { id: OIDC_CLIENT.id, secret: 'wrong' }, 'x');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const wrongRevoke = await revoke(proxy.base, { id: OIDC_CLIENT.id, secret: 'wrong' }, 'x');
    assert.equal(wrongRevoke.status, 401);
    assert.equal(wrongRevoke.body.error, 'invalid_client');
  });
});

// A metadata document with a JWKS but neither introspection_endpoint nor revocation_endpoint.
async function startBareUpstream() {
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${server.address().port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/oauth-authorization-server') {
      res.end(JSON.stringify({ issuer: base, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks` }));
    } else if (req.url === '/jwks') {
      res.end(JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', kid: 'k', alg: 'ES256', use: 'sig',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/token`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

describe('an upstream that names no introspection or revocation endpoint', () => {
  for (const [what, start] of [['metadata without them', startBareUpstream], ['no metadata at all', startFakeUpstream]]) {
    test(`${what}: 501 not_implemented, as JSON`, async () => {
      const upstream = await start();
      const proxy = await startServer({ args: ['--upstream-token-url', upstream.url] });
      try {
        for (const [call, name] of [[introspect, 'introspection_endpoint'], [revoke, 'revocation_endpoint']]) {
          const r = await call(proxy.base, GOOD, 'some-token');
          assert.equal(r.status, 501, `${call.name}: ${r.status} ${JSON.stringify(r.body)}`);
          assert.match(r.headers.get('content-type'), /^application\/json/);
          assert.equal(r.body.error, 'not_implemented');
          assert.match(r.body.error_description, new RegExp(name));
        }
      } finally {
        await proxy.stop();
        removeDir(proxy.dataDir);
        await upstream.close();
      }
    });
  }
});
