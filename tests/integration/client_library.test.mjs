// libtokengate against real servers, through tests/client_probe (the library's public API in a
// process of its own): the token source against tokengate in both modes and on both token routes
// and against node-oidc-provider; 64 threads at once make one token request; the server stopping
// and coming back; the verifier following a key rotation with one JWKS fetch, never following a
// jku, and honouring status lists.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { SignJWT, exportJWK, generateKeyPair } from 'jose';

import { killProbes, startProbe } from './support/client_probe.mjs';
import { GOOD, startFakeUpstream } from './support/fake_upstream.mjs';
import { OIDC_AUDIENCE, OIDC_CLIENT, startOidcProvider } from './support/oidc_provider.mjs';
import { revoke } from './support/token_ops.mjs';
import { cliJson, decodeJwt, removeDir, sleep, startServer, within } from './support/tokengate.mjs';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

describe('libtokengate token source', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { killProbes(); await server.stop(); removeDir(server.dataDir); });

  test('every token route and client authentication of tokengate, and discovery', async () => {
    const demo = { '--client-id': server.demo.id, '--client-secret': server.demo.secret };
    const ways = [
      { '--token-url': `${server.base}/connect/token`, '--auth': 'basic' },
      { '--token-url': `${server.base}/connect/token`, '--auth': 'post' },
      { '--token-url': `${server.base}/v4.0/cells/connect/token`, '--auth': 'cells' },
      { '--token-url': `${server.base}/oauth2/token`, '--auth': 'basic' },
      { '--issuer': server.base, '--auth': 'basic' },
    ];
    for (const way of ways) {
      const probe = startProbe('token', { ...demo, ...way });
      const r = await probe.ask('token');
      await probe.close();
      assert.deepEqual(r.errors, [], JSON.stringify(way));
      assert.match(r.token, JWT);
      assert.equal(decodeJwt(r.token).payload.client_id, server.demo.id);
      assert.equal(r.requests_sent, 1);
    }
  });

  test('a wrong secret is an error that says why; nothing is retried before the backoff', async () => {
    const probe = startProbe('token', { '--token-url': `${server.base}/connect/token`, '--client-id': server.demo.id,
      '--client-secret': 'wrong', '--min-backoff-ms': 60000 });
    const first = await probe.ask('token');
    assert.equal(first.error_count, 1);
    assert.match(first.errors[0], /HTTP 401: invalid_client/);
    const again = await probe.ask('token 8 5');
    assert.equal(again.error_count, 40);
    assert.equal(again.requests_sent, 1, 'the backoff holds: no second request');
    await probe.close();
  });

  test('in front of tokengate in proxy mode', async () => {
    const proxy = await startServer({ args: ['--upstream-token-url', `${server.base}/connect/token`] });
    try {
      const probe = startProbe('token', { '--token-url': `${proxy.base}/connect/token`, '--client-id': server.demo.id,
        '--client-secret': server.demo.secret });
      const r = await probe.ask('token');
      await probe.close();
      assert.deepEqual(r.errors, []);
      assert.equal(decodeJwt(r.token).payload.iss, server.base);
    } finally {
      await proxy.stop();
      removeDir(proxy.dataDir);
    }
  });

  test('against node-oidc-provider, found by discovery', async () => {
    const op = await startOidcProvider();
    try {
      const probe = startProbe('token', { '--issuer': op.issuer, '--client-id': OIDC_CLIENT.id, '--client-secret': OIDC_CLIENT.secret });
      const r = await probe.ask('token');
      await probe.close();
      assert.deepEqual(r.errors, []);
      assert.equal(decodeJwt(r.token).payload.aud, OIDC_AUDIENCE);

      const verifier = startProbe('verify', { '--issuer': op.issuer, '--audience': OIDC_AUDIENCE });
      const v = await verifier.ask(`verify ${r.token}`);
      await verifier.close();
      assert.equal(v.ok, true, v.message);
    } finally {
      await op.close();
    }
  });

  test('64 threads asking at once make one token request', async () => {
    const upstream = await startFakeUpstream();
    upstream.state.delayMs = 200;  // long enough for every thread to be waiting on the one call
    try {
      const probe = startProbe('token', { '--token-url': upstream.url, '--client-id': GOOD.id, '--client-secret': GOOD.secret });
      const r = await probe.ask('token 64 10');
      await probe.close();
      assert.equal(r.error_count, 0);
      assert.equal(r.distinct, 1, 'every thread got the same token');
      assert.equal(r.requests_sent, 1);
      assert.equal(upstream.state.requests, 1, 'the server saw one request');
    } finally {
      await upstream.close();
    }
  });

  test('the server failing: the last good token is served; a new one once it is back', async () => {
    const upstream = await startFakeUpstream();
    try {
      // refresh_at so small that every call wants a new token: each is a chance to fail.
      const probe = startProbe('token', { '--token-url': upstream.url, '--client-id': GOOD.id, '--client-secret': GOOD.secret,
        '--refresh-at': 0.0001, '--min-backoff-ms': 100 });
      const a = await probe.ask('token');
      assert.equal(a.token, 'token-1');
      upstream.state.mode = '503';
      await sleep(500);  // time: refresh_at (0.0001 of 3600 s: 0.36 s) must pass, so every call wants a new token
      const during = await probe.ask('token 4 5');
      assert.equal(during.error_count, 0, 'no caller sees the outage');
      assert.equal(during.token, 'token-1');
      assert.ok(during.requests_sent >= 2 && during.requests_sent <= 3, `backoff between attempts: ${during.requests_sent} requests`);
      upstream.state.mode = 'ok';
      const back = await within(3000, async () => {
        const r = await probe.ask('token');
        return r.token !== 'token-1' ? r : null;
      });
      assert.ok(back, 'a new token once the server answers again');
      assert.match(back.token, /^token-\d+$/);
      await probe.close();
    } finally {
      await upstream.close();
    }
  });

  test('a token that lives 2 s is handed out; one request, not a loop of them', async () => {
    const upstream = await startFakeUpstream();
    upstream.state.expiresIn = 2;
    try {
      const probe = startProbe('token', { '--token-url': upstream.url, '--client-id': GOOD.id, '--client-secret': GOOD.secret });
      let timer;
      const answered = await Promise.race([probe.ask('token'), new Promise((r) => { timer = setTimeout(() => r(null), 5000); })]);
      clearTimeout(timer);
      assert.ok(answered, 'token() returned');
      assert.equal(answered.token, 'token-1');
      assert.equal(answered.requests_sent, 1);
      assert.equal((await probe.ask('token')).token, 'token-1', 'still usable a moment later');
      await probe.close();
    } finally {
      killProbes();
      await upstream.close();
    }
  });

  test('tokengate stopped and started again on its port', async () => {
    const own = await startServer();
    const port = own.port;
    const creds = { '--token-url': `${own.base}/connect/token`, '--client-id': own.demo.id, '--client-secret': own.demo.secret };
    const probe = startProbe('token', { ...creds, '--refresh-at': 0.0001, '--min-backoff-ms': 100 });
    const a = await probe.ask('token');
    assert.match(a.token, JWT);
    await own.stop();
    const down = await probe.ask('token');
    assert.equal(down.token, a.token, 'served while the server is down');
    const fresh = startProbe('token', creds);
    const none = await fresh.ask('token');
    await fresh.close();
    assert.equal(none.error_count, 1);
    assert.match(none.errors[0], /Connection refused|Couldn't connect/);
    const again = await startServer({ dataDir: own.dataDir, args: ['--listen', `127.0.0.1:${port}`] });
    try {
      const b = await within(3000, async () => {
        const r = await probe.ask('token');
        return r.token !== a.token ? r : null;
      });
      assert.ok(b, 'a new token from the server that came back');
      assert.equal(decodeJwt(b.token).payload.client_id, own.demo.id);
    } finally {
      await probe.close();
      await again.stop();
      removeDir(own.dataDir);
    }
  });
});

describe('libtokengate verifier', () => {
  let server;
  const demo = () => ({ id: server.demo.id, secret: server.demo.secret });
  const grant = async () => {
    const res = await fetch(`${server.base}/connect/token`, { method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${server.demo.id}:${server.demo.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    return (await res.json()).access_token;
  };
  before(async () => { server = await startServer(); });
  after(async () => { killProbes(); await server.stop(); removeDir(server.dataDir); });

  test('follows a key rotation with one JWKS fetch; forged kids cost at most one more', async () => {
    // A token with an unknown kid causes a fetch at most once per interval (1 s here, 5 s by default).
    const verifier = startProbe('verify', { '--issuer': server.base, '--audience': server.base, '--unknown-kid-interval': 1 });
    const first = await grant();
    assert.equal((await verifier.ask('try ' + first)).needs_fetch, true, 'no keys yet: a fetch is needed');
    assert.equal((await verifier.ask(`verify ${first}`)).ok, true);
    assert.equal((await verifier.ask('stats')).key_fetches, 1);
    assert.equal((await verifier.ask(`try ${first}`)).ok, true, 'answered without I/O now');

    cliJson(['key', 'rotate', '--now', '--data-dir', server.dataDir]);
    const kid = (t) => decodeJwt(t).header.kid;
    const second = await within(2000, async () => { const t = await grant(); return kid(t) !== kid(first) ? t : null; });
    assert.ok(second, 'the server signs with the new key');
    await sleep(1100);  // time: the unknown-kid interval (1 s) since the first fetch must pass, or no fetch is allowed
    const v = await verifier.ask(`verify ${second}`);
    assert.equal(v.ok, true, v.message);
    assert.equal((await verifier.ask('stats')).key_fetches, 2, 'one fetch for the new key');
    for (let i = 0; i < 5; i++) assert.equal((await verifier.ask(`verify ${second}`)).ok, true);
    assert.equal((await verifier.ask(`verify ${first}`)).ok, true, 'the retired key is still published');
    assert.equal((await verifier.ask('stats')).key_fetches, 2);

    const { privateKey } = await generateKeyPair('ES256');
    for (let i = 0; i < 20; i++) {
      const forged = await new SignJWT({ iss: server.base, aud: server.base, exp: Math.floor(Date.now() / 1000) + 60 })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: `forged-${i}` }).sign(privateKey);
      assert.equal((await verifier.ask(`verify ${forged}`)).error, 'unknown_key');
    }
    assert.ok((await verifier.ask('stats')).key_fetches <= 3, 'at most one fetch per unknown-kid interval');
    await verifier.close();
  });

  test('a jku or x5u in a token header is never followed', async () => {
    let asked = 0;
    const attacker = http.createServer((req, res) => { asked += 1; res.end('{"keys":[]}'); });
    await new Promise((r) => attacker.listen(0, '127.0.0.1', r));
    const evil = `http://127.0.0.1:${attacker.address().port}`;
    try {
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ iss: server.base, aud: server.base, exp: Math.floor(Date.now() / 1000) + 60 })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker', jku: `${evil}/jwks.json`, x5u: `${evil}/cert.pem` })
        .sign(privateKey);
      const verifier = startProbe('verify', { '--issuer': server.base, '--audience': server.base });
      const r = await verifier.ask(`verify ${forged}`);
      await verifier.close();
      assert.equal(r.ok, false);
      assert.equal(r.error, 'unknown_key');
      assert.equal(asked, 0, 'the attacker\'s server was never asked');
    } finally {
      attacker.closeAllConnections();
      await new Promise((r) => attacker.close(r));
    }
  });

  test('honours status lists: a fresh verifier refuses a revoked token; one that has the list keeps it its TTL', async () => {
    const token = await grant();
    const early = startProbe('verify', { '--issuer': server.base, '--audience': server.base });
    assert.equal((await early.ask(`verify ${token}`)).ok, true, 'the list was fetched: the token is valid');
    assert.equal((await revoke(server.base, demo(), token)).status, 200);
    const cached = await early.ask(`verify ${token}`);
    assert.equal(cached.ok, true, 'within the list\'s ttl (60 s) the cached list answers, as the draft allows');
    await early.close();

    const late = startProbe('verify', { '--issuer': server.base, '--audience': server.base });
    const r = await late.ask(`verify ${token}`);
    await late.close();
    assert.equal(r.ok, false);
    assert.equal(r.error, 'revoked');
  });

  test('an issuer whose name ends in a slash (as Auth0 names them): iss is compared exactly', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const issuerServer = http.createServer((req, res) => {
      const self = `http://127.0.0.1:${issuerServer.address().port}/`;
      res.setHeader('content-type', 'application/json');
      if (req.url.endsWith('/jwks')) return res.end(JSON.stringify({ keys: [jwk] }));
      res.end(JSON.stringify({ issuer: self, jwks_uri: `${self}jwks`, token_endpoint: `${self}token` }));
    });
    await new Promise((r) => issuerServer.listen(0, '127.0.0.1', r));
    const self = `http://127.0.0.1:${issuerServer.address().port}/`;
    const signed = (iss) => new SignJWT({ iss, aud: 'https://api.test', exp: Math.floor(Date.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }).sign(privateKey);
    try {
      for (const configured of [self, self.slice(0, -1)]) {
        const verifier = startProbe('verify', { '--issuer': configured, '--audience': 'https://api.test' });
        const good = await verifier.ask(`verify ${await signed(self)}`);
        assert.equal(good.ok, true, `${configured}: ${good.message}`);
        assert.equal((await verifier.ask(`verify ${await signed(self.slice(0, -1))}`)).error, 'wrong_issuer', configured);
        await verifier.close();
      }
    } finally {
      killProbes();
      issuerServer.closeAllConnections();
      await new Promise((r) => issuerServer.close(r));
    }
  });

  test('wrong audience, and a server that is gone: errors that say so', async () => {
    const token = await grant();
    const other = startProbe('verify', { '--issuer': server.base, '--audience': 'https://elsewhere.test' });
    assert.equal((await other.ask(`verify ${token}`)).error, 'wrong_audience');
    await other.close();
    const gone = startProbe('verify', { '--jwks-url': 'http://127.0.0.1:1/jwks.json', '--issuer': server.base });
    const r = await gone.ask(`verify ${token}`);
    await gone.close();
    assert.equal(r.error, 'keys_unavailable');
    assert.match(r.message, /127\.0\.0\.1:1/);
  });
});
