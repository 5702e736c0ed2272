// A tokengate in proxy mode in front of a tokengate in issuer mode, as the proxy suites set it up:
// the upstream starts, the clients are created in its store with the CLI and waited for until it
// accepts them, then the proxy starts with --upstream-token-url at the upstream's token endpoint.
import { clientReady } from './token_ops.mjs';
import { cliJson, removeDir, startServer } from './tokengate.mjs';

// `clients`: [{ name, scope, ttl }] to create upstream; they come back, in order, as { id, secret }.
// `proxyArgs`: more arguments for the proxy's `serve`; `upstreamPath`: the upstream's token route
// the proxy forwards to. stop() stops both and removes their data.
export async function startProxyInFrontOfIssuer({ clients = [], proxyArgs = [], upstreamPath = '/connect/token' } = {}) {
  const upstream = await startServer();
  let proxy;
  const stop = async () => {
    if (proxy) {
      await proxy.stop();
      removeDir(proxy.dataDir);
    }
    await upstream.stop();
    removeDir(upstream.dataDir);
  };
  try {
    const ready = [];
    for (const { name, scope, ttl } of clients) {
      const created = cliJson(['client', 'create', '--name', name, ...(scope ? ['--scope', scope] : []),
        ...(ttl ? ['--ttl', String(ttl)] : []), '--data-dir', upstream.dataDir]);
      ready.push(await clientReady(upstream.base, created));
    }
    proxy = await startServer({ args: ['--upstream-token-url', `${upstream.base}${upstreamPath}`, ...proxyArgs] });
    return { upstream, proxy, clients: ready, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
