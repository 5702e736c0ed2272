// Clients without a shared secret (issue 18, private_key_jwt: RFC 7523 §2.2, RFC 7521 §4.2): a
// client registered with public keys, inline or at a jwks_uri, gets tokens with an assertion
// signed by one of them; each assertion once; every bad assertion a 401 invalid_client that says
// what is wrong, never a 500, and the same answer for an unknown client as for a known one.
import assert from 'node:assert/strict';
import { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { exportPKCS8 } from 'jose';

import { assertion, assertionForm, clientKey, JWT_BEARER, jwksOf, unsignedJws } from './support/client_keys.mjs';
import { until } from './support/token_ops.mjs';
import { basic, cli, cliJson, decodeJwt, postToken, removeDir, startServer, within } from './support/tokengate.mjs';

const grant = { grant_type: 'client_credentials' };

// A JWKS endpoint whose answer the test sets: { keys } | 'fail' (500) | 'hang' | 'huge' (10 MB).
function startJwksServer() {
  const state = { answer: { keys: [] }, hits: 0 };
  const server = http.createServer((req, res) => {
    state.hits += 1;
    if (state.answer === 'fail') return res.writeHead(500).end('no');
    if (state.answer === 'hang') return;  // never answers
    if (state.answer === 'huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(`{"keys":[],"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify(state.answer));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    state.url = `http://127.0.0.1:${server.address().port}/jwks.json`;
    state.close = () => { server.closeAllConnections(); server.close(); };
    resolve(state);
  }));
}

describe('private_key_jwt', () => {
  let server;
  let store;
  let key;
  let client;
  const token = (form, route) => postToken(server.base, { form: { ...grant, ...form }, path: route });
  const signed = (opts) => assertion(key, client.client_id, server.base, opts);

  before(async () => {
    server = await startServer();
    store = ['--data-dir', server.dataDir];
    key = await clientKey('ES256');
    const file = path.join(server.dataDir, 'client-jwks.json');
    writeFileSync(file, JSON.stringify(jwksOf(key)));
    client = cliJson(['client', 'create', '--name', 'ci', '--scope', 'read', '--auth', 'private_key_jwt', '--jwks', file, ...store]);
    await until(async () => (await token(assertionForm(client.client_id, await signed()))).status === 200,
      'the new client is picked up', 1500);
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('a client created with keys has no secret, and says how it authenticates', () => {
    assert.equal(client.client_secret, undefined);
    assert.equal(client.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(client.jwks.keys[0].kid, key.kid);
    const shown = cli(['client', 'show', client.client_id, ...store]);
    assert.match(shown.stdout, /auth: +private_key_jwt \(no secret\)/);
    const rotate = cli(['client', 'rotate-secret', client.client_id, ...store]);
    assert.equal(rotate.status, 2);
    assert.match(rotate.stderr, /has no secret; change its keys or certificate name with client update/);
  });

  test('an assertion gets a token for its client, once', async () => {
    const form = assertionForm(client.client_id, await signed());
    const first = await token(form);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const claims = decodeJwt(first.body.access_token).payload;
    assert.equal(claims.client_id, client.client_id);
    assert.equal(claims.scope, 'read');
    const again = await token(form);
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'invalid_client');
    assert.match(again.body.error_description, /was used before \(its jti\); sign a new assertion/);
  });

  test('client_id may be left out: the assertion names the client', async () => {
    const r = await token(assertionForm(client.client_id, await signed(), { withId: false }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  test('aud may be the token endpoint URL, or the URL of the route posted to', async () => {
    for (const [aud, route] of [[`${server.base}/connect/token`, '/connect/token'], [`${server.base}/oauth2/token`, '/oauth2/token'],
      [[`${server.base}`, 'https://elsewhere.example'], '/connect/token']]) {
      const r = await token(assertionForm(client.client_id, await signed({ claims: { aud } })), route);
      assert.equal(r.status, 200, `${aud} at ${route}: ${JSON.stringify(r.body)}`);
    }
  });

  test('every algorithm the metadata names: ES256, EdDSA (Ed25519), RS256, PS256', async () => {
    const keys = await Promise.all(['ES256', 'EdDSA', 'RS256', 'PS256', 'Ed25519'].map((alg) => clientKey(alg)));
    const file = path.join(server.dataDir, 'four.json');
    writeFileSync(file, JSON.stringify(jwksOf(...keys)));
    const c = cliJson(['client', 'create', '--name', 'four', '--auth', 'private_key_jwt', '--jwks', file, ...store]);
    for (const k of keys) {
      await until(async () => (await token(assertionForm(c.client_id, await assertion(k, c.client_id, server.base)))).status === 200,
        `${k.alg} works`, 1500);
    }
    // Without kid, each of the client's keys of that alg is tried.
    const r = await token(assertionForm(c.client_id, await assertion(keys[0], c.client_id, server.base, { header: { kid: undefined } })));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // An RSA key is for RS256 unless its JWK says PS256: no algorithm switching on one key.
    const rsa = KeyObject.from(keys[3].privateKey);
    const switched = await token(assertionForm(c.client_id, await assertion({ ...keys[3], alg: 'RS256', privateKey: rsa }, c.client_id, server.base)));
    assert.equal(switched.status, 401);
    assert.match(switched.body.error_description, /not signed by a key registered/);
  });

  test('bad assertions: 401 invalid_client with a message that says what is wrong', async () => {
    const other = await clientKey('ES256');
    const now = Math.floor(Date.now() / 1000);
    const id = client.client_id;
    const cases = [
      ['signed by a key the client did not register', await assertion(other, id, server.base, {}), /not signed by a key registered for client/],
      ['signed by another key with the registered kid', await assertion({ ...other, kid: key.kid }, id, server.base), /not signed by a key registered/],
      ['alg none', unsignedJws({ alg: 'none', kid: key.kid }, { iss: id, sub: id, aud: server.base, jti: 'n1', exp: now + 60 }), /alg must be ES256, EdDSA \(Ed25519\), RS256 or PS256/],
      ['HS256', unsignedJws({ alg: 'HS256', kid: key.kid }, { iss: id, sub: id, aud: server.base, jti: 'h1', exp: now + 60 }, 'AAAA'), /shared-secret HMAC is refused/],
      ['expired', await signed({ claims: { exp: now - 120, iat: now - 180 } }), /has expired/],
      ['issued in the future', await signed({ claims: { iat: now + 120, exp: now + 180 } }), /issued in the future/],
      ['not valid yet', await signed({ claims: { nbf: now + 300 } }), /not valid yet/],
      ['exp too far ahead', await signed({ claims: { exp: now + 3600 } }), /more than 600 seconds ahead/],
      ['no exp', await signed({ claims: { exp: undefined } }), /no valid exp/],
      ['no jti', await signed({ claims: { jti: undefined } }), /no jti/],
      ['wrong aud', await signed({ claims: { aud: 'https://other.example' } }), /aud must name this server/],
      ['iss is not sub', await signed({ claims: { iss: 'someone-else' } }), /iss and sub must both be the client ID/],
      ['a jku header', await signed({ header: { jku: 'http://127.0.0.1:1/keys' } }), /header has 'jku'/],
      ['an x5u header', await signed({ header: { x5u: 'http://127.0.0.1:1/cert' } }), /header has 'x5u'/],
      ['a jwk header', await signed({ header: { jwk: other.publicJwk } }), /header has 'jwk'/],
      ['not a JWT', 'not-a-jwt', /not a signed JWT/],
      ['12 KB long', `${await signed()}${'A'.repeat(12 * 1024)}`, /at most 8 KiB/],
    ];
    for (const [what, bad, message] of cases) {
      const r = await token(assertionForm(id, bad));
      assert.equal(r.status, 401, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_client', what);
      assert.match(r.body.error_description, message, what);
      assert.equal(r.headers.get('www-authenticate'), null, `${what}: no Basic challenge for an assertion`);
    }
  });

  test('a 100 KB assertion is stopped by the body limit (413), never parsed', async () => {
    const r = await token(assertionForm(client.client_id, `${await signed()}${'A'.repeat(100 * 1024)}`));
    assert.equal(r.status, 413);
    assert.match(JSON.stringify(r.body), /larger than 16384/);
  });

  test('an unknown client gets the same answer as a wrong key', async () => {
    const stranger = await clientKey('ES256');
    const unknown = await token(assertionForm('no-such-client', await assertion(stranger, 'no-such-client', server.base)));
    assert.equal(unknown.status, 401);
    assert.match(unknown.body.error_description, /not signed by a key registered for client 'no-such-client'.*or there is no such client/);
    // A secret client has no keys: the same.
    const secretClient = cliJson(['client', 'create', '--name', 'secret-one', ...store]);
    const r = await token(assertionForm(secretClient.client_id, await assertion(stranger, secretClient.client_id, server.base)));
    assert.equal(r.status, 401);
    assert.match(r.body.error_description, /not signed by a key registered/);
  });

  test('malformed requests: one method at a time, a known assertion type', async () => {
    const a = await signed();
    const both = await postToken(server.base, { form: { ...grant, ...assertionForm(client.client_id, a), client_secret: 'x' } });
    assert.equal(both.status, 400);
    assert.match(both.body.error_description, /more than one way/);
    const type = await token({ client_id: client.client_id, client_assertion_type: 'urn:example:saml', client_assertion: a });
    assert.equal(type.status, 400);
    assert.match(type.body.error_description, new RegExp(`use ${JWT_BEARER}`));
    const lone = await token({ client_id: client.client_id, client_assertion: a });
    assert.equal(lone.status, 400);
    assert.match(lone.body.error_description, /no client_assertion_type/);
  });

  test('introspection and revocation take assertions too', async () => {
    const t = (await token(assertionForm(client.client_id, await signed()))).body.access_token;
    const seen = await postToken(server.base, { path: '/connect/introspect', form: { token: t, ...assertionForm(client.client_id, await signed()) } });
    assert.equal(seen.status, 200, JSON.stringify(seen.body));
    assert.equal(seen.body.active, true);
    const revoked = await postToken(server.base, { path: '/connect/revocation', form: { token: t, ...assertionForm(client.client_id, await signed()) } });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const after = await postToken(server.base, { path: '/connect/introspect', form: { token: t, ...assertionForm(client.client_id, await signed()) } });
    assert.equal(after.body.active, false);
  });

  test('the audit trail records a refused assertion as a failed authentication, never the assertion', async () => {
    const bad = await assertion(await clientKey('ES256'), client.client_id, server.base);
    await token(assertionForm(client.client_id, bad));
    await until(() => cliJson(['audit', 'list', '--client', client.client_id, ...store]).some((e) => e.action === 'auth.failure'),
      'the failure is audited', 3000);
    const text = cli(['audit', 'list', '--client', client.client_id, '--json', ...store]).stdout;
    assert.equal(text.includes(bad.split('.')[2]), false);
  });

  test('keys at a jwks_uri: fetched, fetched again for a new kid, and every failure a 401 that says why', async () => {
    const jwks = await startJwksServer();
    try {
      const first = await clientKey('ES256');
      jwks.answer = jwksOf(first);
      const c = cliJson(['client', 'create', '--name', 'remote', '--auth', 'private_key_jwt', '--jwks-uri', jwks.url, ...store]);
      assert.equal(c.jwks_uri, jwks.url);
      const by = async (k) => token(assertionForm(c.client_id, await assertion(k, c.client_id, server.base)));
      await until(async () => (await by(first)).status === 200, 'keys fetched from the jwks_uri', 3000);
      const hits = jwks.hits;
      assert.equal((await by(first)).status, 200);
      assert.equal(jwks.hits, hits, 'cached keys: no fetch on the token path');

      // Unknown kids within 10 s of a fetch: refused without another fetch, so a flood of forged
      // kids is no flood of fetches.
      const forged = await clientKey('ES256');
      const before = jwks.hits;
      for (let i = 0; i < 5; i += 1) assert.equal((await by(forged)).status, 401);
      assert.equal(jwks.hits, before, `${jwks.hits - before} fetches for 5 forged kids`);
      // The client rotates: its new kid is fetched once the interval has passed.
      const second = await clientKey('EdDSA');
      jwks.answer = jwksOf(first, second);
      await until(async () => (await by(second)).status === 200, 'the new kid is fetched', 11000);

      // A client whose jwks_uri fails: 500, a hang, 10 MB. Each a 401 that says its keys may not
      // have been fetched, the same words as for no client at all (the answer must not tell them
      // apart, nor show where keys live); the server's log names the cause.
      for (const [answer, cause] of [['fail', /HTTP 500/], ['huge', /larger than 256 KiB/], ['hang', /timed out|Timeout/i]]) {
        jwks.answer = answer;
        const k = await clientKey('ES256');
        const broken = cliJson(['client', 'create', '--name', `broken-${answer}`, '--auth', 'private_key_jwt', '--jwks-uri', `${jwks.url}?${answer}`, ...store]);
        let r;
        await until(async () => {
          r = await token(assertionForm(broken.client_id, await assertion(k, broken.client_id, server.base)));
          return r.status === 401 && new RegExp(`the keys of client ${broken.client_id}'s jwks_uri could not be fetched`).test(server.stderr());
        }, `a jwks_uri that answers ${answer}`, 12000);
        assert.match(r.body.error_description, /or its keys could not be fetched from its jwks_uri \(the server's log says why\)/);
        assert.equal(r.body.error_description.includes('127.0.0.1'), false, 'no URL in the answer');
        const line = server.stderr().split('\n').find((l) => l.includes(`client ${broken.client_id}'s jwks_uri`));
        assert.match(line, cause);
      }
    } finally {
      jwks.close();
    }
  });

  test('tokengate token (libtokengate\'s TokenSource) signs its own assertions: --private-key, --key-id, --key-alg', async () => {
    const keys = [await clientKey('ES256'), await clientKey('EdDSA'), await clientKey('PS256')];
    const file = path.join(server.dataDir, 'cli-keys.json');
    writeFileSync(file, JSON.stringify(jwksOf(...keys)));
    const c = cliJson(['client', 'create', '--name', 'cli-keyed', '--auth', 'private_key_jwt', '--jwks', file, ...store]);
    for (const [i, k] of keys.entries()) {
      const pem = path.join(server.dataDir, `key-${i}.pem`);
      writeFileSync(pem, await exportPKCS8(k.privateKey), { mode: 0o600 });
      const args = ['token', '--issuer', server.base, '--client-id', c.client_id, '--private-key', pem, '--json'];
      if (i !== 1) args.push('--key-id', k.kid);  // without a kid: each key of the algorithm is tried
      if (k.alg === 'PS256') args.push('--key-alg', 'PS256');
      let r;
      await until(() => { r = cli(args); return r.status === 0; }, `tokengate token with ${k.alg}`, 1500);
      const claims = decodeJwt(JSON.parse(r.stdout).access_token).payload;
      assert.equal(claims.client_id, c.client_id);
      // Twice in a row: a fresh assertion (jti) each time.
      assert.equal(cli(args).status, 0, `${k.alg} again`);
    }
    // --assertion-file: the assertion is read from the file (once: a private_key_jwt assertion is single use).
    const signedFile = path.join(server.dataDir, 'assertion.jwt');
    writeFileSync(signedFile, `${await assertion(keys[0], c.client_id, server.base)}\n`);
    const byFile = cli(['token', '--url', `${server.base}/connect/token`, '--client-id', c.client_id, '--assertion-file', signedFile]);
    assert.equal(byFile.status, 0, byFile.stderr);
    const replayed = cli(['token', '--url', `${server.base}/connect/token`, '--client-id', c.client_id, '--assertion-file', signedFile]);
    assert.equal(replayed.status, 1);
    assert.match(replayed.stderr, /was used before/);
    // Usage errors: two ways at once, a file that is no key.
    const both = cli(['token', '--issuer', server.base, '--client-id', c.client_id, '--private-key', signedFile, '--client-secret', 'x']);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /use one of --client-secret, --private-key and --assertion-file/);
    const notKey = cli(['token', '--issuer', server.base, '--client-id', c.client_id, '--private-key', signedFile]);
    assert.equal(notKey.status, 2);
    assert.match(notKey.stderr, /holds no private key this library signs with/);
  });

  test('the admin API registers a private_key_jwt client (RFC 7591 names) and refuses bad keys', async () => {
    const k = await clientKey('ES256');
    // The admin API wants a token with tokengate:admin from the admin listener's own endpoint.
    const ops = cliJson(['client', 'create', '--name', 'ops', '--scope', 'tokengate:admin', ...store]);
    const adminToken = await within(2000, async () => {
      const t = await postToken(server.adminBase, { form: { ...grant, scope: 'tokengate:admin' }, auth: basic(ops.client_id, ops.client_secret) });
      return t.status === 200 ? t.body.access_token : null;
    });
    assert.ok(adminToken);
    const admin = (method, route, body) => fetch(`${server.adminBase}/admin/v1${route}`, {
      method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const created = await admin('POST', '/clients', { name: 'api-made', token_endpoint_auth_method: 'private_key_jwt', jwks: jwksOf(k) });
    const body = await created.json();
    assert.equal(created.status, 201, JSON.stringify(body));
    assert.equal(body.client_secret, undefined);
    assert.equal(body.token_endpoint_auth_method, 'private_key_jwt');
    await until(async () => (await token(assertionForm(body.client_id, await assertion(k, body.client_id, server.base)))).status === 200,
      'the API-made client works', 1500);
    for (const [bad, message] of [
      [{ name: 'x', token_endpoint_auth_method: 'private_key_jwt' }, /needs its public keys/],
      [{ name: 'x', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...k.publicJwk, d: 'secret' }] } }, /private member "d"/],
      [{ name: 'x', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] } }, /private member "k"/],
      [{ name: 'x', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'file:///etc/passwd' }, /must be an https URL/],
      [{ name: 'x', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example/jwks' }, /must be https \(plain http only to a loopback address\)/],
      [{ name: 'x', jwks: jwksOf(k) }, /are for a client that authenticates with private_key_jwt/],
      [{ name: 'x', token_endpoint_auth_method: 'client_secret_jwt' }, /must be client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth or self_signed_tls_client_auth/],
    ]) {
      const r = await admin('POST', '/clients', bad);
      const b = await r.json();
      assert.equal(r.status, 400, JSON.stringify(b));
      assert.match(b.error_description ?? b.message, message);
    }
  });
});
