// openid-client: discovery and clientCredentialsGrant.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';

import { TARGETS } from './targets.mjs';

for (const [name, start] of Object.entries(TARGETS)) {
  describe(`openid-client, ${name}`, () => {
    let target;
    before(async () => { target = await start(); });
    after(async () => { await target.close(); });

    test('discovery and clientCredentialsGrant', async () => {
      const config = await client.discovery(new URL(target.base), target.client.id, target.client.secret, undefined, {
        algorithm: 'oauth2', execute: [client.allowInsecureRequests],
      });
      assert.equal(config.serverMetadata().token_endpoint, `${target.base}/connect/token`);
      const tokens = await client.clientCredentialsGrant(config, { scope: target.client.scope });
      assert.ok(tokens.access_token);
      assert.equal(tokens.token_type, 'bearer');
      assert.ok(tokens.expiresIn() > 0);
    });
  });
}
