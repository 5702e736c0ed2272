// node-oidc-provider (a third-party, OpenID Certified authorization server) on a loopback port,
// with the client credentials grant issuing ES256 JWT access tokens, as an upstream for the proxy.
import http from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export const OIDC_CLIENT = { id: 'oidc-client', secret: 'oidc-client-secret-0123456789' };
export const OIDC_POST_CLIENT = { id: 'oidc-post-client', secret: 'oidc-post-client-secret-0123456789' };
export const OIDC_AUDIENCE = 'https://cells.example/api';

export async function startOidcProvider() {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const keys = [];
  for (const alg of ['RS256', 'ES256']) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg.toLowerCase()}-key` });
  }
  const provider = new Provider(issuer, {
    clients: [{
      client_id: OIDC_CLIENT.id,
      client_secret: OIDC_CLIENT.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'cells.read cells.write',
    }, {
      client_id: OIDC_POST_CLIENT.id,
      client_secret: OIDC_POST_CLIENT.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'cells.read',
    }],
    scopes: ['cells.read', 'cells.write'],
    jwks: { keys },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => OIDC_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'cells.read cells.write',
          audience: OIDC_AUDIENCE,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  server.on('request', provider.callback());
  const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  return {
    issuer,
    tokenUrl: metadata.token_endpoint,
    jwksUrl: metadata.jwks_uri,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
