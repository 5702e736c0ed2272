// Issuer mode: token introspection (RFC 7662) and revocation (RFC 7009) at the endpoints, and the
// revocations the CLI makes on a running server. A revoked token is refused at once by introspection
// and the status routes, its client's other tokens and other clients' tokens are not, and the
// refusal survives a restart. Every token names its entry in a status list (draft-ietf-oauth-status-list §6.2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from 'jose';

import { resign, storeSigningKey } from './support/forge.mjs';
import { cells, clientReady, getToken, introspect, isActive, revoke, until } from './support/token_ops.mjs';
import { basic, cli, cliJson, decodeJwt, postToken, removeDir, startServer } from './support/tokengate.mjs';

const INTROSPECTION_MEMBERS = ['active', 'aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_type'];

function assertInactive(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.deepEqual(r.body, { active: false }, what);
  assert.equal(r.headers.get('cache-control'), 'no-store', what);
}

function assertRefused(r, what) {
  assert.equal(r.status, 401, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.match(r.headers.get('www-authenticate'), /^Bearer realm="tokengate", error="invalid_token"/, what);
}

describe('introspection and revocation endpoints, issuer mode', () => {
  let server;
  let a;   // scope read write
  let b;   // scope read
  let rs;  // a resource server: tokengate:introspect
  before(async () => {
    server = await startServer();
    const store = ['--data-dir', server.dataDir];
    a = await clientReady(server.base, cliJson(['client', 'create', '--name', 'a', '--scope', 'read write', ...store]));
    b = await clientReady(server.base, cliJson(['client', 'create', '--name', 'b', '--scope', 'read', ...store]));
    rs = await clientReady(server.base, cliJson(['client', 'create', '--name', 'rs', '--scope', 'tokengate:introspect', ...store]));
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  test('the metadata names both endpoints, their client authentication and the status lists', async () => {
    const m = await (await fetch(`${server.base}/.well-known/oauth-authorization-server`)).json();
    assert.equal(m.introspection_endpoint, `${server.base}/connect/introspect`);
    assert.equal(m.revocation_endpoint, `${server.base}/connect/revocation`);
    const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    assert.deepEqual(m.introspection_endpoint_auth_methods_supported, methods);
    assert.deepEqual(m.revocation_endpoint_auth_methods_supported, methods);
    assert.deepEqual(m.introspection_endpoint_auth_signing_alg_values_supported, ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256']);
    assert.equal(m.status_list_aggregation_endpoint, `${server.base}/statuslists`);
  });

  test('every access token names its entry in a status list: jti LIST.INDEX, status.status_list', async () => {
    const { header, payload } = decodeJwt(await getToken(server.base, a));
    assert.equal(header.typ, 'at+jwt');
    const m = /^([^.]+\.[^.]+\.\d+\.[A-Za-z0-9_-]{16})\.(\d+)$/.exec(payload.jti);
    assert.ok(m, `jti ${payload.jti} is LIST.INDEX with LIST = GEN.THREAD.SEGMENT.TAG`);
    assert.deepEqual(payload.status, { status_list: { idx: Number(m[2]), uri: `${server.base}/statuslists/${m[1]}` } });
  });

  test('a live token: active with its claims, for HTTP Basic and for credentials in the body', async () => {
    const token = await getToken(server.base, a, { scope: 'read' });
    const { payload } = decodeJwt(token);
    for (const post of [false, true]) {
      // token_type_hint is optional and ignored (RFC 7662 §2.1): even a wrong one changes nothing.
      const r = await introspect(server.base, a, token, { post, extra: { token_type_hint: 'refresh_token' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.match(r.headers.get('content-type'), /^application\/json/);
      assert.deepEqual(Object.keys(r.body).sort(), INTROSPECTION_MEMBERS);
      assert.deepEqual(r.body, {
        active: true, client_id: a.id, scope: 'read', sub: a.id, aud: server.base, iss: server.base,
        exp: payload.exp, iat: payload.iat, jti: payload.jti, token_type: 'Bearer',
      });
    }
  });

  test('client authentication: 401 invalid_client, the same for a wrong secret and an unknown client; 400 without a token', async () => {
    const token = await getToken(server.base, a);
    for (const call of [introspect, revoke]) {
      const wrong = await call(server.base, { id: a.id, secret: 'wrong' }, token);
      const unknown = await call(server.base, { id: 'no-such-client', secret: 'wrong' }, token);
      const wrongPost = await call(server.base, { id: a.id, secret: 'wrong' }, token, { post: true });
      const none = await call(server.base, null, token);
      for (const [r, what] of [[wrong, 'wrong secret'], [unknown, 'unknown client'], [wrongPost, 'wrong secret in the body'], [none, 'no credentials']]) {
        assert.equal(r.status, 401, `${call.name}, ${what}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error, 'invalid_client', `${call.name}, ${what}`);
        assert.equal(r.headers.get('cache-control'), 'no-store');
      }
      assert.deepEqual(unknown.body, wrong.body, `${call.name}: nothing tells an unknown client from a wrong secret`);
      assert.equal(wrong.headers.get('www-authenticate'), 'Basic realm="tokengate"');
      const missing = await call(server.base, a, undefined);
      assert.equal(missing.status, 400, `${call.name} without a token`);
      assert.equal(missing.body.error, 'invalid_request');
    }
    assert.equal(await isActive(server.base, a, token), true, 'none of this revoked the token');
  });

  test('not a live token of ours: {"active":false} to introspection, 200 to revocation', async () => {
    const model = await getToken(server.base, a);
    const { header, payload } = decodeJwt(model);
    const ours = await storeSigningKey(server.dataDir, header.kid);
    const { privateKey: stranger } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const cases = {
      garbage: 'not-a-token',
      'a JWT-shaped nothing': 'a.b.c',
      'a 10 KB token': 'a'.repeat(10240),
      'an unknown key': await resign(model, {}, stranger, 'no-such-kid'),
      'a forged signature under our kid': await resign(model, {}, stranger, header.kid),
      'another issuer (our key)': await resign(model, { iss: 'https://elsewhere.example' }, ours, header.kid),
      'expired an hour ago (our key)': await resign(model, { iat: now - 7200, exp: now - 3600, jti: `${payload.jti}9` }, ours, header.kid),
    };
    // The key is right: the same claims re-signed with it are live.
    assert.equal(await isActive(server.base, a, await resign(model, {}, ours, header.kid)), true);
    for (const [what, token] of Object.entries(cases)) {
      assertInactive(await introspect(server.base, a, token), what);
      assertInactive(await introspect(server.base, rs, token), `${what}, asked by a resource server`);
      const r = await revoke(server.base, a, token);
      assert.equal(r.status, 200, `revoke ${what}: ${JSON.stringify(r.body)}`);
    }
    assert.equal(await isActive(server.base, a, model), true);
  });

  test('a client sees only its own tokens; a client with tokengate:introspect sees any', async () => {
    const token = await getToken(server.base, a);
    assertInactive(await introspect(server.base, b, token), "b asks about a's token");
    assert.equal(await isActive(server.base, a, token), true);
    const r = await introspect(server.base, rs, token);
    assert.equal(r.body.active, true);
    assert.equal(r.body.client_id, a.id);
    assert.equal(r.body.jti, decodeJwt(token).payload.jti);
  });

  test("another client's token: 400 unauthorized_client, and it stays live", async () => {
    const token = await getToken(server.base, a);
    for (const [who, client] of [['b', b], ['a resource server', rs]]) {
      const r = await revoke(server.base, client, token);
      assert.equal(r.status, 400, `${who}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'unauthorized_client', who);
    }
    assert.equal(await isActive(server.base, rs, token), true);
    assert.equal((await cells(server.base, token)).status, 200);
  });

  test('its own token: 200 with an empty body; refused at once by introspection and the status routes', async () => {
    for (const post of [false, true]) {
      const token = await getToken(server.base, a);
      const sibling = await getToken(server.base, a);
      const others = await getToken(server.base, b);
      assert.equal((await cells(server.base, token)).status, 200);

      const r = await revoke(server.base, a, token, { post, extra: { token_type_hint: 'access_token' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body, '');
      assert.equal(r.headers.get('cache-control'), 'no-store');
      // No polling: the very next requests see it.
      assertInactive(await introspect(server.base, a, token), 'the owner asks');
      assertInactive(await introspect(server.base, rs, token), 'a resource server asks');
      const refused = await cells(server.base, token);
      assertRefused(refused, '/v4.0/cells');
      assert.equal(refused.body.error, 'invalid_token');

      assert.equal(await isActive(server.base, a, sibling), true, 'the client keeps its other tokens');
      assert.equal(await isActive(server.base, b, others), true, "other clients' tokens are untouched");
      assert.equal((await cells(server.base, sibling)).status, 200);
      assert.equal((await revoke(server.base, a, token)).status, 200, 'revoking it again: 200');
    }
  });
});

describe('revocation by the CLI on a running server (honoured within 1 s)', () => {
  let server;
  let store;
  let rs;
  before(async () => {
    server = await startServer();
    store = ['--data-dir', server.dataDir];
    rs = await clientReady(server.base, cliJson(['client', 'create', '--name', 'rs', '--scope', 'tokengate:introspect', ...store]));
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const newClient = async (name) => clientReady(server.base, cliJson(['client', 'create', '--name', name, '--scope', 'read', ...store]));
  const untilInactive = (token, what) => until(async () => !(await isActive(server.base, rs, token)), `${what}: inactive`);

  test('token revoke --jti: that token only', async () => {
    const c = await newClient('one');
    const token = await getToken(server.base, c);
    const sibling = await getToken(server.base, c);
    const r = cli(['token', 'revoke', '--jti', decodeJwt(token).payload.jti, ...store]);
    assert.equal(r.status, 0, r.stderr);
    await untilInactive(token, 'token revoke --jti');
    assertRefused(await cells(server.base, token), '/v4.0/cells');
    assert.equal(await isActive(server.base, c, token), false);
    assert.equal(await isActive(server.base, rs, sibling), true);
    assert.equal((await cells(server.base, sibling)).status, 200);
  });

  test('client revoke-tokens: every token it holds now; a token it gets afterwards is live', async () => {
    const c = await newClient('many');
    const held = [await getToken(server.base, c), await getToken(server.base, c), await getToken(server.base, c)];
    const bystander = await getToken(server.base, await newClient('bystander'));
    cliJson(['client', 'revoke-tokens', c.id, ...store]);
    for (const token of held) await untilInactive(token, 'client revoke-tokens');
    for (const token of held) assertRefused(await cells(server.base, token), '/v4.0/cells');
    const fresh = await getToken(server.base, c);
    assert.equal(await isActive(server.base, c, fresh), true);
    assert.equal(await isActive(server.base, rs, fresh), true);
    assert.equal((await cells(server.base, fresh)).status, 200);
    assert.equal(await isActive(server.base, rs, bystander), true);
  });

  for (const command of ['disable', 'delete']) {
    test(`client ${command}: every token of the client is inactive at once`, async () => {
      const c = await newClient(command);
      const held = [await getToken(server.base, c), await getToken(server.base, c)];
      cliJson(['client', command, c.id, ...store]);
      for (const token of held) await untilInactive(token, `client ${command}`);
      for (const token of held) assertRefused(await cells(server.base, token), '/v4.0/cells');
      if (command === 'disable') {
        // Enabling the client again lets it get tokens, but does not bring those back.
        cliJson(['client', 'enable', c.id, ...store]);
        await until(async () => (await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(c.id, c.secret) })).status === 200, 'enabled again');
        for (const token of held) assert.equal(await isActive(server.base, rs, token), false, 'still inactive after enable');
      }
    });
  }

  test('client rotate-secret --revoke-tokens: a new secret and every token revoked; without it the tokens stay live', async () => {
    const c = await newClient('rotating');
    const held = await getToken(server.base, c);
    const rotated = cliJson(['client', 'rotate-secret', c.id, '--revoke-tokens', ...store]);
    assert.equal(rotated.client_id, c.id);
    assert.notEqual(rotated.client_secret, c.secret);
    await untilInactive(held, 'rotate-secret --revoke-tokens');
    assertRefused(await cells(server.base, held), '/v4.0/cells');
    const fresh = await getToken(server.base, { id: c.id, secret: rotated.client_secret });
    assert.equal(await isActive(server.base, rs, fresh), true);

    const again = cliJson(['client', 'rotate-secret', c.id, ...store]);
    await until(async () => (await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(c.id, rotated.client_secret) })).status === 401,
      'the previous secret refused');
    await getToken(server.base, { id: c.id, secret: again.client_secret });
    assert.equal(await isActive(server.base, rs, fresh), true, 'a plain rotate-secret revokes nothing');
    assert.equal((await cells(server.base, fresh)).status, 200);
  });
});

describe('revocations survive a restart', () => {
  test('SIGTERM, a new server on the same store: the revoked tokens are still refused, the others accepted', async () => {
    const issuer = 'http://tokengate.test';  // the same issuer on whatever port the new server gets
    let server = await startServer({ args: ['--issuer', issuer] });
    const dataDir = server.dataDir;
    try {
      const store = ['--data-dir', dataDir];
      const a = await clientReady(server.base, cliJson(['client', 'create', '--name', 'a', '--scope', 'read', ...store]));
      const b = await clientReady(server.base, cliJson(['client', 'create', '--name', 'b', '--scope', 'read', ...store]));
      const revokedAtEndpoint = await getToken(server.base, a);
      const kept = await getToken(server.base, a);
      const revokedWithClient = await getToken(server.base, b);
      assert.equal((await revoke(server.base, a, revokedAtEndpoint)).status, 200);
      cliJson(['client', 'revoke-tokens', b.id, ...store]);
      await until(async () => !(await isActive(server.base, b, revokedWithClient)), 'client revoke-tokens honoured');
      assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null });

      server = await startServer({ dataDir, args: ['--issuer', issuer] });
      for (const [token, owner, what] of [[revokedAtEndpoint, a, 'revoked at the endpoint'], [revokedWithClient, b, 'revoked by client revoke-tokens']]) {
        assertRefused(await cells(server.base, token), what);
        assert.equal(await isActive(server.base, owner, token), false, what);
      }
      assert.equal((await cells(server.base, kept)).status, 200, 'an unrevoked token of before the restart');
      assert.equal(await isActive(server.base, a, kept), true);
    } finally {
      await server.stop();
      removeDir(dataDir);
    }
  });
});
