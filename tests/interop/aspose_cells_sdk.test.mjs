// The published Aspose.Cells Cloud Node SDK (npm asposecellscloud), unchanged, against tokengate:
// its own OAuth flow, the status routes, and the Post Access Token API.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { TARGETS } from './targets.mjs';

const require = createRequire(import.meta.url);
const { CellsApi, CheckCloudServiceHealthRequest, GetAsposeCellsCloudStatusRequest, PostAccessTokenRequest } = require('asposecellscloud');

for (const [name, start] of Object.entries(TARGETS)) {
  describe(`Aspose.Cells Cloud SDK, ${name}`, () => {
    let target;
    before(async () => { target = await start(); });
    after(async () => { await target.close(); });

    test('getAsposeCellsCloudStatus and checkCloudServiceHealth succeed with the SDK\'s own token', async () => {
      const api = new CellsApi(target.client.id, target.client.secret, 'v3.0', target.base);
      const status = await api.getAsposeCellsCloudStatus(new GetAsposeCellsCloudStatusRequest());
      assert.equal(status.response.statusCode, 200);
      assert.equal(status.response.body.status, 'running');
      const health = await api.checkCloudServiceHealth(new CheckCloudServiceHealthRequest());
      assert.equal(health.response.statusCode, 200);
      assert.equal(health.response.body.status, 'healthy');
    });

    test('postAccessToken with ClientId/ClientSecret returns a token that verifies against the JWKS', async () => {
      const api = new CellsApi(target.client.id, target.client.secret, 'v3.0', target.base);
      const result = await api.postAccessToken(new PostAccessTokenRequest({
        extendQueryParameterMap: { ClientId: target.client.id, ClientSecret: target.client.secret },
      }));
      assert.equal(result.response.statusCode, 200);
      const token = result.response.body.access_token;
      const jwks = createRemoteJWKSet(new URL(`${target.base}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(token, jwks, { issuer: target.expect.issuer, audience: target.expect.audience, typ: 'at+jwt' });
      assert.equal(payload.client_id, target.client.id);
    });

    test('a wrong secret surfaces as an error whose message says why', async () => {
      const api = new CellsApi(target.client.id, 'not-the-secret', 'v3.0', target.base);
      await assert.rejects(api.getAsposeCellsCloudStatus(new GetAsposeCellsCloudStatusRequest()), (e) => {
        assert.equal(e.code, 401);
        assert.match(e.message, /client|secret|authentication/i);
        return true;
      });
    });
  });
}
