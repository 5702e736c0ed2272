// Proxy mode in front of real authorization servers: a second tokengate in issuer mode, and
// node-oidc-provider. Tokens come back intact and verify against the upstream's JWKS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { OIDC_AUDIENCE, OIDC_CLIENT, OIDC_POST_CLIENT, startOidcProvider } from './support/oidc_provider.mjs';
import { startProxyInFrontOfIssuer } from './support/proxy_fixture.mjs';
import { basic, postToken, removeDir, startServer } from './support/tokengate.mjs';

describe('proxy in front of tokengate (issuer mode)', () => {
  let fixture;
  let upstream;
  let proxy;
  let client;
  before(async () => {
    fixture = await startProxyInFrontOfIssuer({ clients: [{ name: 'proxied', scope: 'read write' }] });
    ({ upstream, proxy, clients: [client] } = fixture);
  });
  after(async () => {
    await fixture?.stop();
  });

  test('both routes return the upstream token, verifiable with the upstream JWKS', async () => {
    const jwks = createRemoteJWKSet(new URL(`${upstream.base}/.well-known/jwks.json`));
    const viaStandard = await postToken(proxy.base, { form: { grant_type: 'client_credentials', scope: 'read' }, auth: basic(client.id, client.secret) });
    assert.equal(viaStandard.status, 200);
    assert.equal(viaStandard.headers.get('cache-control'), 'no-store');
    assert.equal(viaStandard.body.scope, 'read');
    const { payload } = await jwtVerify(viaStandard.body.access_token, jwks, { issuer: upstream.base, typ: 'at+jwt' });
    assert.equal(payload.client_id, client.id);

    const q = `?ClientId=${client.id}&ClientSecret=${client.secret}`;
    const res = await fetch(`${proxy.base}/v4.0/cells/connect/token${q}`, { method: 'POST' });
    assert.equal(res.status, 200);
    const body = await res.json();
    const verified = await jwtVerify(body.access_token, jwks, { issuer: upstream.base });
    assert.equal(verified.payload.scope, 'read write');
  });

  test("the upstream's errors come back intact", async () => {
    const wrong = await postToken(proxy.base, { form: { grant_type: 'client_credentials' }, auth: basic(client.id, 'wrong') });
    const direct = await postToken(upstream.base, { form: { grant_type: 'client_credentials' }, auth: basic(client.id, 'wrong') });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, direct.body);
    const scope = await postToken(proxy.base, { form: { grant_type: 'client_credentials', scope: 'admin' }, auth: basic(client.id, client.secret) });
    assert.equal(scope.status, 400);
    assert.equal(scope.body.error, 'invalid_scope');
  });
});

describe('proxy in front of node-oidc-provider', () => {
  let op;
  let proxy;
  before(async () => {
    op = await startOidcProvider();
    proxy = await startServer({ args: ['--upstream-token-url', op.tokenUrl] });
  });
  after(async () => {
    await proxy.stop();
    await op.close();
    removeDir(proxy.dataDir);
  });

  test('client credentials through the proxy: a JWT that verifies against the provider JWKS', async () => {
    const r = await postToken(proxy.base, { form: { grant_type: 'client_credentials', scope: 'cells.read' }, auth: basic(OIDC_CLIENT.id, OIDC_CLIENT.secret) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.scope, 'cells.read');
    const { payload, protectedHeader } = await jwtVerify(r.body.access_token, createRemoteJWKSet(new URL(op.jwksUrl)), {
      issuer: op.issuer, audience: OIDC_AUDIENCE, algorithms: ['ES256'],
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.client_id, OIDC_CLIENT.id);

    const q = `?ClientId=${OIDC_CLIENT.id}&ClientSecret=${OIDC_CLIENT.secret}`;
    const cells = await fetch(`${proxy.base}/v4.0/cells/connect/token${q}`, { method: 'POST' });
    assert.equal(cells.status, 200);
  });

  test('a wrong secret gets the provider error, with code and message added', async () => {
    const r = await postToken(proxy.base, { form: { grant_type: 'client_credentials' }, auth: basic(OIDC_CLIENT.id, 'wrong-secret') });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
    assert.equal(r.body.code, 401);
    assert.equal(typeof r.body.message, 'string');
  });

  test('client_secret_post upstream works too', async () => {
    const postProxy = await startServer({ args: ['--upstream-token-url', op.tokenUrl, '--upstream-auth', 'post', '--token-cache=false'] });
    try {
      const viaPost = await postToken(postProxy.base, { form: { grant_type: 'client_credentials' }, auth: basic(OIDC_POST_CLIENT.id, OIDC_POST_CLIENT.secret) });
      assert.equal(viaPost.status, 200, JSON.stringify(viaPost.body));
    } finally {
      await postProxy.stop();
      removeDir(postProxy.dataDir);
    }
  });
});
