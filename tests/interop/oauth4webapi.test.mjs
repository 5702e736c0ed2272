// oauth4webapi (a strict RFC client): discovery, client credentials with client_secret_basic and
// client_secret_post, response validation; the JWT access token validated per RFC 9068 with jose.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';

import { TARGETS } from './targets.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };  // loopback http in the tests

for (const [name, start] of Object.entries(TARGETS)) {
  describe(`oauth4webapi, ${name}`, () => {
    let target;
    let as;
    before(async () => {
      target = await start();
      const issuer = new URL(target.base);
      as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    });
    after(async () => { await target.close(); });

    test('discovery from /.well-known/oauth-authorization-server', () => {
      assert.equal(as.issuer, target.base);
      assert.equal(as.token_endpoint, `${target.base}/connect/token`);
      assert.ok(as.jwks_uri);
    });

    for (const [method, auth] of [['client_secret_basic', oauth.ClientSecretBasic], ['client_secret_post', oauth.ClientSecretPost]]) {
      test(`client credentials with ${method}; the token validates per RFC 9068`, async () => {
        const client = { client_id: target.client.id };
        const response = await oauth.clientCredentialsGrantRequest(as, client, auth(target.client.secret),
          new URLSearchParams({ scope: target.client.scope }), insecure);
        const result = await oauth.processClientCredentialsResponse(as, client, response);
        assert.equal(result.token_type, 'bearer');  // oauth4webapi normalises the case
        assert.ok(result.expires_in > 0);
        const jwks = createRemoteJWKSet(new URL(as.jwks_uri));
        const { payload, protectedHeader } = await jwtVerify(result.access_token, jwks, {
          issuer: target.expect.issuer, audience: target.expect.audience, typ: 'at+jwt',
        });
        assert.equal(protectedHeader.typ, 'at+jwt');
        assert.equal(payload.client_id, target.client.id);
        assert.ok(payload.exp > payload.iat);
        assert.ok(payload.jti);
      });
    }

    test('a wrong secret is an OAuth error the client understands', async () => {
      const client = { client_id: target.client.id };
      // With Basic, the 401 carries a Basic challenge (RFC 6749 §5.2), which oauth4webapi reports first.
      const basic = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('wrong'), new URLSearchParams(), insecure);
      await assert.rejects(oauth.processClientCredentialsResponse(as, client, basic), (e) => {
        assert.ok(e instanceof oauth.WWWAuthenticateChallengeError, e.constructor.name);
        assert.equal(e.status, 401);
        assert.equal(e.cause[0].scheme, 'basic');
        return true;
      });
      const post = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost('wrong'), new URLSearchParams(), insecure);
      await assert.rejects(oauth.processClientCredentialsResponse(as, client, post), (e) => {
        assert.ok(e instanceof oauth.ResponseBodyError, e.constructor.name);
        assert.equal(e.error, 'invalid_client');
        assert.equal(e.status, 401);
        return true;
      });
    });
  });
}
