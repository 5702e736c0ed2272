// DPoP (RFC 9449), first part of issue 19, from real clients unchanged: oauth4webapi's and
// openid-client's DPoP handles get a DPoP-bound token (token_type DPoP, cnf.jkt the key's RFC 7638
// thumbprint) and call a protected route with it; the same token sent as a Bearer token, or with a
// proof of another key, is refused; every bad proof the issue lists gets 400 invalid_dpop_proof (at
// the token endpoint) or 401 (at a route) with a message that says what is wrong.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';

import { clientReady, until } from '../integration/support/token_ops.mjs';
import { basic, cliJson, decodeJwt, postToken, removeDir, startServer } from '../integration/support/tokengate.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };
const grant = { grant_type: 'client_credentials' };

async function proofKey(alg = 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

// A proof of `key` for `htm` `htu`; `claims`/`header` override (undefined removes).
async function proof(key, htm, htu, { claims = {}, header = {}, token } = {}) {
  const payload = { htm, htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...claims };
  if (token) payload.ath = createHash('sha256').update(token).digest('base64url');
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const h = { typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk, ...header };
  for (const [k, v] of Object.entries(h)) if (v === undefined) delete h[k];
  return new SignJWT(payload).setProtectedHeader(h).sign(key.privateKey);
}

describe('DPoP: tokens bound to a key the client holds', () => {
  let server;
  let client;
  let as;
  before(async () => {
    server = await startServer();
    client = await clientReady(server.base, cliJson(['client', 'create', '--name', 'dpop', '--data-dir', server.dataDir]));
    as = await oauth.processDiscoveryResponse(new URL(server.base),
      await oauth.discoveryRequest(new URL(server.base), { algorithm: 'oauth2', ...insecure }));
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('the metadata names the DPoP algorithms', () => {
    assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256']);
  });

  for (const alg of ['ES256', 'EdDSA', 'PS256']) {
    test(`oauth4webapi DPoP (${alg}): a bound token, used at a protected route; as Bearer it is refused`, async () => {
      const c = { client_id: client.id };
      const keyPair = await oauth.generateKeyPair(alg);
      const dpop = oauth.DPoP(c, keyPair);
      const response = await oauth.clientCredentialsGrantRequest(as, c, oauth.ClientSecretBasic(client.secret),
        new URLSearchParams(), { DPoP: dpop, ...insecure });
      const result = await oauth.processClientCredentialsResponse(as, c, response);
      assert.equal(result.token_type, 'dpop');
      const claims = decodeJwt(result.access_token).payload;
      assert.equal(claims.cnf.jkt, await dpop.calculateThumbprint());

      const used = await oauth.protectedResourceRequest(result.access_token, 'GET', new URL(`${server.base}/v4.0/cells`),
        new Headers(), null, { DPoP: dpop, ...insecure });
      assert.equal(used.status, 200, await used.clone().text());

      const asBearer = await fetch(`${server.base}/v4.0/cells`, { headers: { authorization: `Bearer ${result.access_token}` } });
      assert.equal(asBearer.status, 401);
      assert.match((await asBearer.json()).message, /bound to a DPoP key: send it as Authorization: DPoP/);

      // Introspection says it is a DPoP token and names its key.
      const seen = await postToken(server.base, { path: '/connect/introspect', form: { token: result.access_token }, auth: basic(client.id, client.secret) });
      assert.equal(seen.body.token_type, 'DPoP');
      assert.deepEqual(seen.body.cnf, { jkt: claims.cnf.jkt });
    });
  }

  test('openid-client DPoP: clientCredentialsGrant and fetchProtectedResource', async () => {
    const config = new openid.Configuration(as, client.id, client.secret);
    openid.allowInsecureRequests(config);
    const dpop = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('ES256'));
    const tokens = await openid.clientCredentialsGrant(config, {}, { DPoP: dpop });
    assert.equal(tokens.token_type, 'dpop');
    const r = await openid.fetchProtectedResource(config, tokens.access_token, new URL(`${server.base}/v4.0/cells`), 'GET', null, undefined, { DPoP: dpop });
    assert.equal(r.status, 200);
  });

  test('the admin API takes a DPoP-bound token with a proof naming the admin listener', async () => {
    const admin = cliJson(['client', 'create', '--name', 'dpop-admin', '--scope', 'tokengate:admin', '--data-dir', server.dataDir]);
    await clientReady(server.base, admin);
    const config = new openid.Configuration(as, admin.client_id, admin.client_secret);
    openid.allowInsecureRequests(config);
    const dpop = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('ES256'));
    const tokens = await openid.clientCredentialsGrant(config, {}, { DPoP: dpop });
    const url = new URL(`${server.adminBase}/admin/v1/clients`);
    const r = await openid.fetchProtectedResource(config, tokens.access_token, url, 'GET', null, undefined, { DPoP: dpop });
    assert.equal(r.status, 200, await r.clone().text());
    assert.ok((await r.json()).clients.some((c) => c.client_id === admin.client_id));
    // A proof naming the issuer's URL instead of the admin listener's is refused.
    const key = await proofKey();
    const bound = await postToken(server.base, { form: grant, auth: basic(admin.client_id, admin.client_secret),
      headers: { dpop: await proof(key, 'POST', `${server.base}/connect/token`) } });
    const wrong = await fetch(url, { headers: { authorization: `DPoP ${bound.body.access_token}`,
      dpop: await proof(key, 'GET', `${server.base}/admin/v1/clients`, { token: bound.body.access_token }) } });
    assert.equal(wrong.status, 401);
    assert.match((await wrong.json()).message, /htu is not this request's URL/);
  });

  test('bad proofs at the token endpoint: 400 invalid_dpop_proof that says what is wrong', async () => {
    const key = await proofKey();
    const rsa = await proofKey('RS256');
    const url = `${server.base}/connect/token`;
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const cases = [
      ['alg none', `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk })}.${b64({ htm: 'POST', htu: url, iat: now, jti: 'a' })}.`, /alg must be/],
      ['HS256', `${b64({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.jwk })}.${b64({ htm: 'POST', htu: url, iat: now, jti: 'b' })}.AAAA`, /alg must be/],
      ['a private key in jwk', await proof(key, 'POST', url, { header: { jwk: { ...key.jwk, d: 'AAAA' } } }), /holds a private key/],
      ['a jwk of another key type than its alg', await proof(key, 'POST', url, { header: { jwk: rsa.jwk } }), /not a key for its alg/],
      ['another key\'s jwk', await proof(key, 'POST', url, { header: { jwk: (await proofKey()).jwk } }), /signature is not valid/],
      ['wrong typ', await proof(key, 'POST', url, { header: { typ: 'JWT' } }), /typ must be dpop\+jwt/],
      ['wrong htm', await proof(key, 'GET', url), /htm is not this request's method/],
      ['wrong htu', await proof(key, 'POST', `${server.base}/oauth2/token`), /htu is not this request's URL/],
      ['an old iat', await proof(key, 'POST', url, { claims: { iat: now - 300 } }), /more than 60 seconds old/],
      ['a future iat', await proof(key, 'POST', url, { claims: { iat: now + 300 } }), /in the future/],
      ['no jti', await proof(key, 'POST', url, { claims: { jti: undefined } }), /needs a jti/],
      ['not a JWT', 'garbage', /not a signed JWT/],
    ];
    for (const [what, p, message] of cases) {
      const r = await postToken(server.base, { form: grant, auth: basic(client.id, client.secret), headers: { dpop: p } });
      assert.equal(r.status, 400, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_dpop_proof', what);
      assert.match(r.body.error_description, message, what);
    }
    // A proof of 100 KB never reaches the checks: the header section is bounded at 8 KiB (431).
    const huge = await postToken(server.base, { form: grant, auth: basic(client.id, client.secret), headers: { dpop: 'e'.repeat(100 * 1024) } });
    assert.equal(huge.status, 431);
    // htu compared as RFC 9449 §4.3 normalises it: the host's case, a query, the default port.
    const normalised = await proof(key, 'POST', `${server.base.replace('127.0.0.1', '127.0.0.1')}/connect/token?x=1`);
    assert.equal((await postToken(server.base, { form: grant, auth: basic(client.id, client.secret), headers: { dpop: normalised } })).status, 200);
    // The same proof twice: the second is refused.
    const once = await proof(key, 'POST', url);
    assert.equal((await postToken(server.base, { form: grant, auth: basic(client.id, client.secret), headers: { dpop: once } })).status, 200);
    const again = await postToken(server.base, { form: grant, auth: basic(client.id, client.secret), headers: { dpop: once } });
    assert.equal(again.status, 400);
    assert.match(again.body.error_description, /used before/);
    // Without credentials, the 401 comes first: no proof is checked for a caller who has none.
    const anonymous = await postToken(server.base, { form: grant, auth: basic(client.id, 'wrong'), headers: { dpop: await proof(key, 'POST', url) } });
    assert.equal(anonymous.status, 401);
  });

  test('bad proofs at a protected route: 401 with a DPoP challenge', async () => {
    const key = await proofKey();
    const url = `${server.base}/connect/token`;
    const t = await postToken(server.base, { form: grant, auth: basic(client.id, client.secret), headers: { dpop: await proof(key, 'POST', url) } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.token_type, 'DPoP');
    const token = t.body.access_token;
    const route = `${server.base}/v4.0/cells`;
    const call = (p) => fetch(route, { headers: { authorization: `DPoP ${token}`, ...(p ? { dpop: p } : {}) } });
    const good = await proof(key, 'GET', route, { token });
    assert.equal((await call(good)).status, 200);
    const other = await proofKey();
    for (const [what, p, message] of [
      ['no proof', null, /exactly one DPoP header/],
      ['the same proof again', good, /used before/],
      ['no ath', await proof(key, 'GET', route), /ath is not the hash/],
      ['the ath of another token', await proof(key, 'GET', route, { token: 'another' }), /ath is not the hash/],
      ['a proof of another key', await proof(other, 'GET', route, { token }), /not bound to the key of this DPoP proof/],
      ['the wrong method', await proof(key, 'POST', route, { token }), /htm/],
    ]) {
      const r = await call(p);
      assert.equal(r.status, 401, what);
      assert.match(r.headers.get('www-authenticate'), /^DPoP algs="ES256 EdDSA Ed25519 RS256 PS256", error="(invalid_token|invalid_dpop_proof)"/, what);
      assert.match((await r.json()).message, message, what);
    }
    // A stranger's proof sent with a junk token is refused, and not remembered: the owner of the
    // key can still use it, so nobody can fill the table of used proofs with proofs of no token.
    const stranger = await proof(key, 'GET', route, { token: 'junk' });
    for (let i = 0; i < 2; i++) {
      const r = await fetch(route, { headers: { authorization: 'DPoP junk', dpop: stranger } });
      assert.equal(r.status, 401);
      assert.doesNotMatch((await r.json()).message, /used before/);
    }
    // An unbound (Bearer) token sent with the DPoP scheme is refused too: it has no key to prove.
    const bearer = (await postToken(server.base, { form: grant, auth: basic(client.id, client.secret) })).body.access_token;
    const r = await fetch(route, { headers: { authorization: `DPoP ${bearer}`, dpop: await proof(key, 'GET', route, { token: bearer }) } });
    assert.equal(r.status, 401);
  });
});

describe('DPoP server nonces (--dpop-nonce) and clients that must use DPoP', () => {
  let server;
  let client;
  let strict;
  let as;
  before(async () => {
    server = await startServer({ args: ['--dpop-nonce'] });
    client = await clientReady(server.base, cliJson(['client', 'create', '--name', 'dpop', '--data-dir', server.dataDir]));
    const made = cliJson(['client', 'create', '--name', 'strict', '--require-dpop', '--data-dir', server.dataDir]);
    strict = { id: made.client_id, secret: made.client_secret };
    as = await oauth.processDiscoveryResponse(new URL(server.base),
      await oauth.discoveryRequest(new URL(server.base), { algorithm: 'oauth2', ...insecure }));
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('oauth4webapi: use_dpop_nonce with a DPoP-Nonce header, then the retry with the nonce succeeds', async () => {
    const c = { client_id: client.id };
    const dpop = oauth.DPoP(c, await oauth.generateKeyPair('ES256'));
    const ask = async () => oauth.processClientCredentialsResponse(as, c,
      await oauth.clientCredentialsGrantRequest(as, c, oauth.ClientSecretBasic(client.secret), new URLSearchParams(), { DPoP: dpop, ...insecure }));
    await assert.rejects(ask(), (err) => oauth.isDPoPNonceError(err));
    const result = await ask();  // the handle kept the nonce of the refusal
    assert.equal(result.token_type, 'dpop');

    // At a route: the nonce it holds is current, so the first call succeeds.
    const url = new URL(`${server.base}/v4.0/cells`);
    const used = await oauth.protectedResourceRequest(result.access_token, 'GET', url, new Headers(), null, { DPoP: dpop, ...insecure });
    assert.equal(used.status, 200, await used.clone().text());
  });

  test('openid-client retries on use_dpop_nonce by itself, at the token endpoint and at a route', async () => {
    const config = new openid.Configuration(as, client.id, client.secret);
    openid.allowInsecureRequests(config);
    const dpop = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('ES256'));
    const tokens = await openid.clientCredentialsGrant(config, {}, { DPoP: dpop });
    assert.equal(tokens.token_type, 'dpop');
    // A fresh handle knows no nonce: the route answers use_dpop_nonce, the client retries.
    const fresh = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('ES256'));
    const other = await openid.clientCredentialsGrant(config, {}, { DPoP: fresh });
    const r = await openid.fetchProtectedResource(config, other.access_token, new URL(`${server.base}/v4.0/cells`), 'GET', null, undefined, { DPoP: fresh });
    assert.equal(r.status, 200);
  });

  test('a proof without a nonce, with a forged one or with one two windows old: use_dpop_nonce, at the token endpoint and a route', async () => {
    const key = await proofKey();
    const url = `${server.base}/connect/token`;
    const auth = basic(client.id, client.secret);
    let r = await postToken(server.base, { form: grant, auth, headers: { dpop: await proof(key, 'POST', url) } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'use_dpop_nonce');
    assert.match(r.body.error_description, /requires a nonce/);
    const nonce = r.headers.get('dpop-nonce');
    assert.match(nonce, /^[A-Za-z0-9_-]{32}$/);
    const forged = Buffer.from(nonce, 'base64url');
    forged[20] ^= 1;
    r = await postToken(server.base, { form: grant, auth, headers: { dpop: await proof(key, 'POST', url, { claims: { nonce: forged.toString('base64url') } }) } });
    assert.equal(r.body.error, 'use_dpop_nonce');
    assert.match(r.body.error_description, /not current/);
    const old = Buffer.from(nonce, 'base64url');
    old.writeBigUInt64BE(old.readBigUInt64BE(0) - 2n, 0);  // the window two before: its HMAC no longer checks either
    r = await postToken(server.base, { form: grant, auth, headers: { dpop: await proof(key, 'POST', url, { claims: { nonce: old.toString('base64url') } }) } });
    assert.equal(r.body.error, 'use_dpop_nonce');

    r = await postToken(server.base, { form: grant, auth, headers: { dpop: await proof(key, 'POST', url, { claims: { nonce } }) } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.headers.get('dpop-nonce'), 'a success names the current nonce too');
    const token = r.body.access_token;
    const route = `${server.base}/v4.0/cells`;
    const at = await fetch(route, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, 'GET', route, { token }) } });
    assert.equal(at.status, 401);
    assert.match(at.headers.get('www-authenticate'), /error="use_dpop_nonce"/);
    assert.equal(at.headers.get('dpop-nonce'), nonce);
    const ok = await fetch(route, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, 'GET', route, { token, claims: { nonce } }) } });
    assert.equal(ok.status, 200);
  });

  test('a client registered with --require-dpop gets no token without a proof, and one with', async () => {
    const auth = basic(strict.id, strict.secret);
    let r;
    await until(async () => (r = await postToken(server.base, { form: grant, auth })).status !== 401, 'the client is loaded', 1500);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_dpop_proof');
    assert.match(r.body.error_description, /DPoP-bound tokens only/);
    const config = new openid.Configuration(as, strict.id, strict.secret);
    openid.allowInsecureRequests(config);
    const tokens = await openid.clientCredentialsGrant(config, {}, { DPoP: openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('ES256')) });
    assert.equal(tokens.token_type, 'dpop');
    assert.equal(cliJson(['client', 'show', strict.id, '--data-dir', server.dataDir]).dpop_bound_access_tokens, true);
  });
});
