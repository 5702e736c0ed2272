// private_key_jwt (RFC 7523 §2.2) from real clients, unchanged: oauth4webapi's PrivateKeyJwt and
// openid-client's, against tokengate as the issuer, and through tokengate in proxy mode in front of
// a second tokengate and of node-oidc-provider. In proxy mode the assertion is the upstream's to
// check, so its aud is the upstream's issuer, and it is never answered from the proxy's cache: the
// same assertion twice is refused the second time.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';

import { assertion, assertionForm, clientKey, jwksOf } from '../integration/support/client_keys.mjs';
import { OIDC_AUDIENCE, OIDC_KEY_CLIENT_ID, startOidcProvider } from '../integration/support/oidc_provider.mjs';
import { until } from '../integration/support/token_ops.mjs';
import { cliJson, postToken, removeDir, startServer } from '../integration/support/tokengate.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };  // loopback http in the tests

// tokengate as the issuer, with a private_key_jwt client holding `key`.
async function issuer(key) {
  const server = await startServer();
  const file = path.join(server.dataDir, 'client-jwks.json');
  writeFileSync(file, JSON.stringify(jwksOf(key)));
  const c = cliJson(['client', 'create', '--name', 'keyed', '--scope', 'read', '--auth', 'private_key_jwt', '--jwks', file,
    '--data-dir', server.dataDir]);
  await until(async () => (await postToken(server.base, {
    form: { grant_type: 'client_credentials', ...assertionForm(c.client_id, await assertion(key, c.client_id, server.base)) },
  })).status === 200, 'the client is picked up', 1500);
  return {
    base: server.base, issuer: server.base, clientId: c.client_id, scope: 'read',
    async close() { await server.stop(); removeDir(server.dataDir); },
  };
}

async function proxyToTokengate(key) {
  const upstream = await issuer(key);
  const proxy = await startServer({ args: ['--upstream-token-url', `${upstream.base}/connect/token`, '--audience', upstream.base] });
  return {
    ...upstream, base: proxy.base,
    async close() { await proxy.stop(); removeDir(proxy.dataDir); await upstream.close(); },
  };
}

async function proxyToOidcProvider(key) {
  const op = await startOidcProvider({ keyClientJwks: jwksOf(key) });
  const proxy = await startServer({ args: ['--upstream-token-url', op.tokenUrl, '--audience', OIDC_AUDIENCE] });
  return {
    base: proxy.base, issuer: op.issuer, clientId: OIDC_KEY_CLIENT_ID, scope: 'cells.read',
    async close() { await proxy.stop(); removeDir(proxy.dataDir); await op.close(); },
  };
}

const TARGETS = {
  'issuer mode': issuer,
  'proxy mode, upstream tokengate': proxyToTokengate,
  'proxy mode, upstream node-oidc-provider': proxyToOidcProvider,
};

for (const [name, start] of Object.entries(TARGETS)) {
  for (const alg of ['ES256', 'EdDSA', 'PS256']) {
    describe(`private_key_jwt (${alg}) from real clients, ${name}`, () => {
      let key;
      let target;
      // The server the client talks to is `target.base`; the assertion's aud is the issuer that checks it.
      const as = () => ({ issuer: target.issuer, token_endpoint: `${target.base}/connect/token` });
      before(async () => {
        key = await clientKey(alg);
        target = await start(key);
      });
      after(async () => { await target.close(); });

      test('oauth4webapi PrivateKeyJwt', async () => {
        const client = { client_id: target.clientId };
        const response = await oauth.clientCredentialsGrantRequest(as(), client,
          oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), new URLSearchParams({ scope: target.scope }), insecure);
        const result = await oauth.processClientCredentialsResponse(as(), client, response);
        assert.ok(result.access_token);
        assert.equal(result.token_type, 'bearer');
      });

      test('openid-client PrivateKeyJwt', async () => {
        const config = new openid.Configuration(as(), target.clientId, {},
          openid.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }));
        openid.allowInsecureRequests(config);
        const tokens = await openid.clientCredentialsGrant(config, { scope: target.scope });
        assert.ok(tokens.access_token);
        assert.ok(tokens.expiresIn() > 0);
      });

      test('the same assertion twice: the second is refused, never served from a cache', async () => {
        const signed = await assertion(key, target.clientId, target.issuer);
        const form = { grant_type: 'client_credentials', scope: target.scope, ...assertionForm(target.clientId, signed) };
        const first = await postToken(target.base, { form });
        assert.equal(first.status, 200, JSON.stringify(first.body));
        const second = await postToken(target.base, { form });
        assert.equal(second.status, 401, JSON.stringify(second.body));
        assert.equal(second.body.error, 'invalid_client');
      });
    });
  }
}
