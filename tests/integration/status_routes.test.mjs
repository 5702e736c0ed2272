// The Cells Cloud status routes: a valid Bearer access token or 401 invalid_token (RFC 6750 §3),
// in issuer mode (our keys) and proxy mode (the upstream's JWKS, found through its metadata and
// fetched again for an unknown kid); 501 for the rest of /v4.0/cells/.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

import { clientReady } from './support/token_ops.mjs';
import { basic, cliJson, postToken, removeDir, sleep, startServer } from './support/tokengate.mjs';

async function get(base, path, token) {
  const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

function assertInvalidToken(r, pattern) {
  assert.equal(r.status, 401, JSON.stringify(r.body));
  assert.equal(r.body.error, 'invalid_token');
  assert.equal(r.body.code, 401);
  const challenge = r.headers.get('www-authenticate');
  assert.match(challenge, /^Bearer realm="tokengate", error="invalid_token", error_description="[\x20-\x21\x23-\x5b\x5d-\x7e]*"$/);
  if (pattern) assert.match(r.body.message, pattern);
}

describe('status routes, issuer mode', () => {
  let server;
  let token;
  before(async () => {
    server = await startServer();
    token = (await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) })).body.access_token;
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  test('a valid token: status and health check', async () => {
    const status = await get(server.base, '/v4.0/cells', token);
    assert.equal(status.status, 200);
    assert.equal(status.body.status, 'running');
    assert.equal(status.body.mode, 'issuer');
    const check = await get(server.base, '/v4.0/cells/status/check', token);
    assert.equal(check.status, 200);
    assert.equal(check.body.status, 'healthy');
    assert.equal(check.body.checks.store.reachable, true);
    // Latencies and error rates are the operator's (/metrics), not every token holder's.
    assert.deepEqual(Object.keys(check.body.checks.store).sort(), ['reachable', 'snapshot_age_s']);
    assert.equal(check.body.checks.signing_key.loaded, true);
  });

  test('missing, malformed, wrongly signed, wrong-audience tokens get 401 invalid_token', async () => {
    const none = await get(server.base, '/v4.0/cells');
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_token');
    // RFC 6750 §3.1: no credentials, so a challenge without an error code.
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="tokengate"');
    assertInvalidToken(await get(server.base, '/v4.0/cells/status/check', 'not-a-jwt'), /not a JWT/);
    const [h, p] = token.split('.');
    const { privateKey } = await generateKeyPair('ES256');
    const header = JSON.parse(Buffer.from(h, 'base64url'));
    const forged = await new SignJWT(JSON.parse(Buffer.from(p, 'base64url'))).setProtectedHeader(header).sign(privateKey);
    assertInvalidToken(await get(server.base, '/v4.0/cells', forged), /signature/);
    const other = cliJson(['client', 'create', '--name', 'elsewhere', '--audience', 'https://other.api', '--data-dir', server.dataDir]);
    await clientReady(server.base, other);
    const foreign = (await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(other.client_id, other.client_secret) })).body.access_token;
    assertInvalidToken(await get(server.base, '/v4.0/cells', foreign), /aud/);
  });

  test('other Cells routes answer 501', async () => {
    for (const [method, path] of [['GET', '/v4.0/cells/book1.xlsx/worksheets'], ['PUT', '/v4.0/cells/convert'], ['POST', '/v4.0/cells/x']]) {
      const res = await fetch(`${server.base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 501);
      const body = await res.json();
      assert.equal(body.code, 501);
      assert.match(body.message, /token and status routes only/);
    }
  });
});

// An upstream whose metadata and JWKS the test controls, to sign tokens of every kind.
async function startKeyServer() {
  const state = { keys: [], jwksFetches: 0 };
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${server.address().port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/oauth-authorization-server') {
      res.end(JSON.stringify({ issuer: base, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks` }));
    } else if (req.url === '/jwks') {
      state.jwksFetches += 1;
      res.end(JSON.stringify({ keys: state.keys.map((k) => k.publicJwk) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  async function addKey(kid) {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const key = { kid, privateKey, publicJwk };
    state.keys.push(key);
    return key;
  }
  function sign(key, claims, header = {}, options = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: base, aud: 'https://cells.api', client_id: 'c', sub: 'c', iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...header }).sign(key.privateKey, options);
  }
  return { base, state, addKey, sign, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

// A proxy whose upstream serves `metadataFor(self)` as its metadata; check(proxy) runs against it.
async function withUpstreamMetadata(metadataFor, check) {
  const meta = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(metadataFor(`http://127.0.0.1:${meta.address().port}`)));
  });
  await new Promise((r) => meta.listen(0, '127.0.0.1', r));
  const proxy = await startServer({ args: ['--upstream-token-url', `http://127.0.0.1:${meta.address().port}/token`] });
  try {
    await check(proxy);
  } finally {
    await proxy.stop();
    meta.closeAllConnections();
    await new Promise((r) => meta.close(r));
    removeDir(proxy.dataDir);
  }
}

describe('status routes, proxy mode with broken upstream metadata', () => {
  test('a relative jwks_uri is refused with a clear error; the proxy stays up', async () => {
    await withUpstreamMetadata((self) => ({ issuer: self, token_endpoint: `${self}/token`, jwks_uri: '/jwks' }), async (proxy) => {
      const jwks = await fetch(`${proxy.base}/.well-known/jwks.json`);
      assert.equal(jwks.status, 503);
      assert.match((await jwks.json()).message, /jwks_uri/);
      assertInvalidToken(await get(proxy.base, '/v4.0/cells', 'a.b.c'));
      assert.equal((await fetch(`${proxy.base}/healthz`)).status, 200);
    });
  });

  test('metadata that names another issuer is refused (RFC 8414 §3.3), with the reason', async () => {
    await withUpstreamMetadata(() => ({ issuer: 'https://impostor.example', jwks_uri: 'https://impostor.example/jwks' }), async (proxy) => {
      const jwks = await fetch(`${proxy.base}/.well-known/jwks.json`);
      assert.equal(jwks.status, 503);
      assert.match((await jwks.json()).message, /names issuer 'https:\/\/impostor\.example', not 'http:\/\/127\.0\.0\.1:\d+'/);
    });
  });
});

describe('status routes, proxy mode (upstream JWKS)', () => {
  let keys;
  let proxy;
  let k1;
  before(async () => {
    keys = await startKeyServer();
    k1 = await keys.addKey('k1');
    proxy = await startServer({ args: ['--upstream-token-url', `${keys.base}/token`, '--audience', 'https://cells.api'] });
  });
  after(async () => {
    await proxy.stop();
    await keys.close();
    removeDir(proxy.dataDir);
  });

  test('a valid upstream token passes; the JWKS is fetched once and cached', async () => {
    const token = await keys.sign(k1, {});
    assert.equal((await get(proxy.base, '/v4.0/cells', token)).status, 200);
    assert.equal((await get(proxy.base, '/v4.0/cells', token)).status, 200);
    assert.equal(keys.state.jwksFetches, 1);
    const check = await get(proxy.base, '/v4.0/cells/status/check', token);
    assert.equal(check.body.mode, 'proxy');
    assert.equal(check.body.checks.upstream.circuit, 'closed');
  });

  test('expired, not-yet-valid, wrong issuer, wrong audience, wrong typ, alg none: 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', await keys.sign(k1, { exp: now - 120 })), /expired/);
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', await keys.sign(k1, { nbf: now + 600 })), /not valid yet/);
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', await keys.sign(k1, { iss: 'https://evil.example' })), /issuer/);
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', await keys.sign(k1, { aud: 'https://other.api' })), /aud/);
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', await keys.sign(k1, {}, { typ: 'JWT' })), /at\+jwt/);
    const good = await keys.sign(k1, {});
    const [, payload] = good.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'k1' })).toString('base64url')}.${payload}.`;
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', none));
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', await keys.sign(k1, {}, { crit: ['x-ext'], 'x-ext': 1 }, { crit: { 'x-ext': true } })), /crit/);
    assert.equal((await get(proxy.base, '/v4.0/cells', await keys.sign(k1, {}, { typ: 'AT+JWT' }))).status, 200);
  });

  test('a token from a new upstream key: the JWKS is fetched again, and at most every 5 s', async () => {
    const k2 = await keys.addKey('k2');
    const early = await get(proxy.base, '/v4.0/cells', await keys.sign(k2, {}));
    assertInvalidToken(early, /key/);  // within 5 s of the last fetch: not fetched again
    await sleep(5100);  // time: the 5 s between JWKS fetches must pass since the last one
    const before = keys.state.jwksFetches;
    assert.equal((await get(proxy.base, '/v4.0/cells', await keys.sign(k2, {}))).status, 200);
    assert.equal(keys.state.jwksFetches, before + 1);
    // A kid nobody has: refused, and no new fetch within 5 s of the last one.
    const stranger = { kid: 'k3', privateKey: (await generateKeyPair('ES256')).privateKey };
    assertInvalidToken(await get(proxy.base, '/v4.0/cells', await keys.sign(stranger, {})), /key/);
    assert.equal(keys.state.jwksFetches, before + 1);
  });

  test("the proxy's metadata names its own token endpoint and serves the upstream JWKS", async () => {
    const m = await (await fetch(`${proxy.base}/.well-known/oauth-authorization-server`)).json();
    assert.equal(m.issuer, proxy.base);
    assert.equal(m.token_endpoint, `${proxy.base}/connect/token`);
    const jwks = await (await fetch(m.jwks_uri)).json();
    assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), ['k1', 'k2']);
  });
});
