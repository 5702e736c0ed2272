// node-oidc-provider (a third-party, OpenID Certified authorization server) on a loopback port,
// with the client credentials grant issuing ES256 JWT access tokens, as an upstream for the proxy.
// With { opaqueTokens: true } it issues opaque access tokens instead and enables introspection
// (RFC 7662) and revocation (RFC 7009), which node-oidc-provider offers for opaque tokens only
// (v9 answers 400 unsupported_token_type for a JWT).
import http from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export const OIDC_CLIENT = { id: 'oidc-client', secret: 'oidc-client-secret-0123456789' };
export const OIDC_POST_CLIENT = { id: 'oidc-post-client', secret: 'oidc-post-client-secret-0123456789' };
export const OIDC_AUDIENCE = 'https://cells.example/api';
export const OIDC_KEY_CLIENT_ID = 'oidc-key-client';  // private_key_jwt, with the JWKS given to startOidcProvider

export async function startOidcProvider({ opaqueTokens = false, keyClientJwks } = {}) {
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
    }, ...(keyClientJwks ? [{
      client_id: OIDC_KEY_CLIENT_ID,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: keyClientJwks,
      scope: 'cells.read',
    }] : [])],
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
          ...(opaqueTokens ? { accessTokenFormat: 'opaque' } : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
        }),
      },
      ...(opaqueTokens ? {
        // A client may introspect and revoke the tokens it holds, and no others.
        introspection: { enabled: true, allowedPolicy: (ctx, client, token) => token.clientId === client.clientId },
        revocation: { enabled: true, allowedPolicy: (ctx, client, token) => token.clientId === client.clientId },
      } : {}),
    },
  });
  server.on('request', provider.callback());
  const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  return {
    issuer,
    tokenUrl: metadata.token_endpoint,
    jwksUrl: metadata.jwks_uri,
    introspectionUrl: metadata.introspection_endpoint,
    revocationUrl: metadata.revocation_endpoint,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
