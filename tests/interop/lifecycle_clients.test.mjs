// Token introspection (RFC 7662) and revocation (RFC 7009) with third-party clients used as they
// come: openid-client 6 (tokenIntrospection, tokenRevocation on a discovered Configuration) and
// oauth4webapi 3 (introspectionRequest / processIntrospectionResponse, revocationRequest /
// processRevocationResponse), against tokengate as the issuer, as a proxy in front of a second
// tokengate, and as a proxy in front of node-oidc-provider (opaque tokens). Each client finds the
// endpoints in the metadata, sees its token active, revokes it, and then sees it inactive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

import { LIFECYCLE_TARGETS } from './targets.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };  // loopback http in the tests

for (const [name, start] of Object.entries(LIFECYCLE_TARGETS)) {
  describe(`token lifecycle clients, ${name}`, () => {
    let target;
    before(async () => { target = await start(); });
    after(async () => { await target.close(); });

    const discover = (secret = target.client.secret) => client.discovery(new URL(target.base), target.client.id, secret, undefined, {
      algorithm: 'oauth2', execute: [client.allowInsecureRequests],
    });

    test('openid-client: tokenIntrospection says active, tokenRevocation, then inactive', async () => {
      const config = await discover();
      const metadata = config.serverMetadata();
      assert.equal(metadata.introspection_endpoint, `${target.base}/connect/introspect`);
      assert.equal(metadata.revocation_endpoint, `${target.base}/connect/revocation`);
      const { access_token: token } = await client.clientCredentialsGrant(config, { scope: target.client.scope });
      assert.equal(token.split('.').length, target.expect.opaque ? 1 : 3);

      const live = await client.tokenIntrospection(config, token);
      assert.equal(live.active, true);
      assert.equal(live.client_id, target.client.id);
      assert.equal(live.iss, target.expect.issuer);
      assert.equal(live.scope, target.client.scope);
      assert.ok(live.exp > Date.now() / 1000);

      assert.equal(await client.tokenRevocation(config, token), undefined);
      const gone = await client.tokenIntrospection(config, token);
      assert.deepEqual({ ...gone }, { active: false });
      // Revoking it again is no error (RFC 7009 §2.2).
      await client.tokenRevocation(config, token);
    });

    test('openid-client: a wrong secret is an OAuth error it understands', async () => {
      const { access_token: token } = await client.clientCredentialsGrant(await discover(), { scope: target.client.scope });
      const wrong = await discover('wrong');
      for (const call of [client.tokenIntrospection, client.tokenRevocation]) {
        await assert.rejects(call(wrong, token), (e) => {
          assert.ok(e instanceof client.ResponseBodyError, `${call.name}: ${e.constructor.name} ${e.message}`);
          assert.equal(e.error, 'invalid_client');
          assert.equal(e.status, 401);
          return true;
        });
      }
      assert.equal((await client.tokenIntrospection(await discover(), token)).active, true);
    });

    for (const [method, auth] of [['client_secret_basic', oauth.ClientSecretBasic], ['client_secret_post', oauth.ClientSecretPost]]) {
      test(`oauth4webapi with ${method}: introspection says active, revocation, then inactive`, async () => {
        const issuer = new URL(target.base);
        const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
        assert.deepEqual(as.introspection_endpoint_auth_methods_supported?.includes(method), true);
        assert.deepEqual(as.revocation_endpoint_auth_methods_supported?.includes(method), true);
        const c = { client_id: target.client.id };
        const clientAuth = auth(target.client.secret);
        const grant = await oauth.processClientCredentialsResponse(as, c,
          await oauth.clientCredentialsGrantRequest(as, c, clientAuth, new URLSearchParams({ scope: target.client.scope }), insecure));
        const token = grant.access_token;

        const live = await oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, clientAuth, token, insecure));
        assert.equal(live.active, true);
        assert.equal(live.client_id, target.client.id);
        assert.equal(live.iss, target.expect.issuer);
        assert.equal(live.token_type, 'Bearer');

        const revoked = await oauth.revocationRequest(as, c, clientAuth, token, insecure);
        assert.equal(revoked.status, 200);
        assert.equal(await oauth.processRevocationResponse(revoked), undefined);

        const gone = await oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, clientAuth, token, insecure));
        assert.deepEqual({ ...gone }, { active: false });
        // Not a token at all: inactive, and nothing to revoke.
        const garbage = await oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, clientAuth, 'not-a-token', insecure));
        assert.equal(garbage.active, false);
        await oauth.processRevocationResponse(await oauth.revocationRequest(as, c, clientAuth, 'not-a-token', insecure));
      });
    }

    test('oauth4webapi: a wrong secret is an OAuth error it understands', async () => {
      const issuer = new URL(target.base);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
      const c = { client_id: target.client.id };
      const wrong = oauth.ClientSecretPost('wrong');
      await assert.rejects(oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, wrong, 'x', insecure)), (e) => {
        assert.ok(e instanceof oauth.ResponseBodyError, e.constructor.name);
        assert.equal(e.error, 'invalid_client');
        assert.equal(e.status, 401);
        return true;
      });
      await assert.rejects(oauth.processRevocationResponse(await oauth.revocationRequest(as, c, wrong, 'x', insecure)), (e) => {
        assert.ok(e instanceof oauth.ResponseBodyError, e.constructor.name);
        assert.equal(e.error, 'invalid_client');
        return true;
      });
    });
  });
}
