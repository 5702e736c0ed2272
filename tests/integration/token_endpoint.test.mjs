// The token endpoint and the Cells Cloud route, end to end over loopback, with the tokens checked
// by a JOSE implementation that is not ours (the `jose` npm package).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';

import { basic, cliJson, decodeJwt, postToken, removeDir, startServer } from './support/tokengate.mjs';

describe('token endpoint (issuer mode)', () => {
  let server;
  let client;  // a client with scopes "read write"
  before(async () => {
    server = await startServer();
    client = cliJson(['client', 'create', '--name', 'it', '--scope', 'read write', '--data-dir', server.dataDir]);
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  async function waitForClient(id, secret) {  // the server picks up CLI changes within 1 s
    for (let i = 0; i < 40; ++i) {
      const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(id, secret) });
      if (r.status === 200) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('client never became usable');
  }

  test('first start printed a demo client that works', async () => {
    assert.ok(server.demo.id && server.demo.secret, server.stdout());
    assert.match(server.stdout(), /curl -s -u '[^']+' -d grant_type=client_credentials http:\/\/127\.0\.0\.1:\d+\/connect\/token/);
    const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) });
    assert.equal(r.status, 200);
  });

  test('client_secret_basic returns an RFC 9068 JWT that jose verifies against our JWKS', async () => {
    const r = await waitForClient(client.client_id, client.client_secret);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('pragma'), 'no-cache');
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.scope, 'read write');

    const jwks = createRemoteJWKSet(new URL(`${server.base}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(r.body.access_token, jwks, {
      issuer: server.base, audience: server.base, typ: 'at+jwt', algorithms: ['ES256'],
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.sub, client.client_id);
    assert.equal(payload.client_id, client.client_id);
    assert.equal(payload.scope, 'read write');
    assert.equal(typeof payload.jti, 'string');
    assert.equal(payload.exp - payload.iat, r.body.expires_in);
    assert.equal(r.body.expires_in, 3600);
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 5);
  });

  test('the kid is the RFC 7638 thumbprint of the published key', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    const jwks = await (await fetch(`${server.base}/.well-known/jwks.json`)).json();
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.equal(key.kid, await calculateJwkThumbprint(key, 'sha256'));
    assert.equal(key.d, undefined, 'no private member is published');
    const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(client.client_id, client.client_secret) });
    assert.equal(decodeJwt(r.body.access_token).header.kid, key.kid);
  });

  test('client_secret_post works and a requested scope must be a subset', async () => {
    const ok = await postToken(server.base, { form: { grant_type: 'client_credentials', scope: 'read', client_id: client.client_id, client_secret: client.client_secret } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.scope, 'read');
    assert.equal(decodeJwt(ok.body.access_token).payload.scope, 'read');
    const bad = await postToken(server.base, { form: { grant_type: 'client_credentials', scope: 'read admin', client_id: client.client_id, client_secret: client.client_secret } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_scope');
    assert.equal(bad.body.code, 400);
    assert.match(bad.body.message, /admin/);
  });

  test('Cells Cloud route: ClientId/ClientSecret in the query, no body', async () => {
    const q = `?ClientId=${encodeURIComponent(client.client_id)}&ClientSecret=${encodeURIComponent(client.client_secret)}`;
    const res = await fetch(`${server.base}/v4.0/cells/connect/token${q}`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.json();
    const jwks = createLocalJWKSet(await (await fetch(`${server.base}/.well-known/jwks.json`)).json());
    const { payload } = await jwtVerify(body.access_token, jwks, { issuer: server.base, typ: 'at+jwt' });
    assert.equal(payload.client_id, client.client_id);
    assert.equal(payload.exp - payload.iat, body.expires_in);
  });

  test('Cells Cloud route: Basic and body credentials work too', async () => {
    const viaBasic = await postToken(server.base, { path: '/v4.0/cells/connect/token', form: { grant_type: 'client_credentials' }, auth: basic(client.client_id, client.client_secret) });
    assert.equal(viaBasic.status, 200);
    const viaBody = await postToken(server.base, { path: '/v4.0/cells/connect/token', form: { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret } });
    assert.equal(viaBody.status, 200);
  });

  test('RFC 8414 metadata on both well-known paths', async () => {
    for (const p of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const m = await (await fetch(`${server.base}${p}`)).json();
      assert.equal(m.issuer, server.base);
      assert.equal(m.token_endpoint, `${server.base}/connect/token`);
      assert.equal(m.jwks_uri, `${server.base}/.well-known/jwks.json`);
      assert.deepEqual(m.grant_types_supported, ['client_credentials']);
      assert.deepEqual(m.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
      assert.deepEqual(m.token_endpoint_auth_signing_alg_values_supported, ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256']);
    }
  });

  test('health and readiness', async () => {
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
    const ready = await fetch(`${server.base}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal((await ready.json()).status, 'ready');
  });
});

describe('token lifetimes and audiences', () => {
  test('per-client ttl and audience, server default ttl', async () => {
    const server = await startServer({ args: ['--token-ttl', '120', '--audience', 'https://api.example'] });
    try {
      const own = cliJson(['client', 'create', '--name', 'a', '--ttl', '60', '--audience', 'cells', '--data-dir', server.dataDir]);
      let r;
      for (let i = 0; i < 40; ++i) {
        r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(own.client_id, own.client_secret) });
        if (r.status === 200) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(r.body.expires_in, 60);
      assert.equal(decodeJwt(r.body.access_token).payload.aud, 'cells');

      const d = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) });
      assert.equal(d.body.expires_in, 120);
      assert.equal(decodeJwt(d.body.access_token).payload.aud, 'https://api.example');
      const other = await postToken(server.base, { form: { grant_type: 'client_credentials', resource: 'https://elsewhere' }, auth: basic(server.demo.id, server.demo.secret) });
      assert.equal(other.status, 400);
      assert.equal(other.body.error, 'invalid_target');
      const same = await postToken(server.base, { form: { grant_type: 'client_credentials', audience: 'https://api.example' }, auth: basic(server.demo.id, server.demo.secret) });
      assert.equal(same.status, 200);
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  for (const alg of ['EdDSA', 'RS256']) {
    test(`a store started with --signing-alg ${alg} issues ${alg} tokens`, async () => {
      const server = await startServer({ args: ['--signing-alg', alg] });
      try {
        const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) });
        const jwks = createRemoteJWKSet(new URL(`${server.base}/.well-known/jwks.json`));
        const { protectedHeader } = await jwtVerify(r.body.access_token, jwks, { issuer: server.base, algorithms: [alg] });
        assert.equal(protectedHeader.alg, alg);
      } finally {
        await server.stop();
        removeDir(server.dataDir);
      }
    });
  }
});
