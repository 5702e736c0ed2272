// The servers the interop suites run against: tokengate as the issuer, and tokengate as a proxy in
// front of a second tokengate and in front of node-oidc-provider. Each target says where to point a
// client, which credentials work, and what the tokens must carry. LIFECYCLE_TARGETS, for
// introspection and revocation, put node-oidc-provider in its opaque-token mode, as it introspects
// and revokes no JWT access token.
import { OIDC_AUDIENCE, OIDC_CLIENT, startOidcProvider } from '../integration/support/oidc_provider.mjs';
import { clientReady } from '../integration/support/token_ops.mjs';
import { cliJson, removeDir, startServer } from '../integration/support/tokengate.mjs';

async function issuer() {
  const server = await startServer();
  const created = cliJson(['client', 'create', '--name', 'interop', '--scope', 'read write', '--data-dir', server.dataDir]);
  const client = await clientReady(server.base, created);  // once the server has picked it up
  return {
    base: server.base,
    client: { ...client, scope: 'read' },
    expect: { issuer: server.base, audience: server.base },
    async close() {
      await server.stop();
      removeDir(server.dataDir);
    },
  };
}

async function proxyToTokengate() {
  const upstream = await issuer();
  const proxy = await startServer({ args: ['--upstream-token-url', `${upstream.base}/connect/token`, '--audience', upstream.base] });
  return {
    base: proxy.base,
    client: upstream.client,
    expect: upstream.expect,
    async close() {
      await proxy.stop();
      removeDir(proxy.dataDir);
      await upstream.close();
    },
  };
}

async function proxyToOidcProvider({ opaqueTokens = false } = {}) {
  const op = await startOidcProvider({ opaqueTokens });
  const proxy = await startServer({ args: ['--upstream-token-url', op.tokenUrl, '--audience', OIDC_AUDIENCE] });
  return {
    base: proxy.base,
    client: { id: OIDC_CLIENT.id, secret: OIDC_CLIENT.secret, scope: 'cells.read' },
    expect: { issuer: op.issuer, audience: OIDC_AUDIENCE, opaque: opaqueTokens },
    async close() {
      await proxy.stop();
      removeDir(proxy.dataDir);
      await op.close();
    },
  };
}

export const TARGETS = {
  'issuer mode': issuer,
  'proxy mode, upstream tokengate': proxyToTokengate,
  'proxy mode, upstream node-oidc-provider': proxyToOidcProvider,
};

export const LIFECYCLE_TARGETS = {
  'issuer mode': issuer,
  'proxy mode, upstream tokengate': proxyToTokengate,
  'proxy mode, upstream node-oidc-provider (opaque tokens)': () => proxyToOidcProvider({ opaqueTokens: true }),
};
