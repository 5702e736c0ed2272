// The benchmark's peer: node-oidc-provider (npm oidc-provider, pinned in package-lock.json) doing
// the same work as tokengate — the client_credentials grant with client_secret_basic, answered with
// an ES256-signed JWT access token (RFC 9068 via features.resourceIndicators).
//
//   node bench/peers/oidc_provider.mjs [PORT]     (0 or none: any free port)
// Prints "listening on 127.0.0.1:PORT" on stderr and the client on stdout, like tokengate serve.
// Client: BENCH_CLIENT_ID / BENCH_CLIENT_SECRET from the environment, or fixed bench values.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 0);
const clientId = process.env.BENCH_CLIENT_ID ?? 'bench-client';
const clientSecret = process.env.BENCH_CLIENT_SECRET ?? 'bench-secret-0123456789abcdefghijklmnopqrstuv';
const resource = 'urn:tokengate:bench:api';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench-es256' };

const provider = new Provider('http://127.0.0.1', {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
    scope: 'api',
  }],
  jwks: { keys: [signingKey] },
  scopes: ['api'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stderr.write(`listening on 127.0.0.1:${server.address().port}\n`);
  process.stdout.write(`client_id: ${clientId}\nclient_secret: ${clientSecret}\n`);
});
process.on('SIGTERM', () => process.exit(0));  // a benchmark peer: nothing to drain
process.on('SIGINT', () => process.exit(0));
