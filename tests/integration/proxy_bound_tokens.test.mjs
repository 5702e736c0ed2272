// Proxy mode and sender-constrained tokens: the DPoP proof and the client certificate are passed
// to the upstream (the certificate in --upstream-client-cert-header, which an upstream tokengate
// reads from a trusted proxy), the upstream's DPoP-Nonce reaches the client, and a bound token is
// never served from the proxy's cache to another key or certificate. An upstream that does not
// take the proof (it names the proxy's URL, not the upstream's) refuses it, and the client sees
// why.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';

import { curlTls, makeCa } from './support/certificates.mjs';
import { freePort } from './support/nginx.mjs';
import { clientReady, until } from './support/token_ops.mjs';
import { basic, cliJson, decodeJwt, postToken, removeDir, startServer, tempDir } from './support/tokengate.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };

describe('proxy mode passes DPoP proofs and client certificates on', () => {
  let dir;
  let ca;
  let certs;
  let upstream;
  let proxy;       // plain HTTP, the URL the upstream is known by: DPoP
  let tlsProxy;    // HTTPS with client certificates: mutual TLS
  let plainProxy;  // in front of the same upstream under another URL
  let client;
  let mtls;
  before(async () => {
    dir = tempDir('tokengate-proxy-bound-');
    ca = makeCa(dir, 'ca');
    const serverCert = ca.issue('server', { san: 'DNS:localhost,IP:127.0.0.1', serverAuth: true });
    certs = { one: ca.issue('one', { san: 'DNS:one.example' }), two: ca.issue('two', { san: 'DNS:two.example' }) };
    const proxyPort = await freePort();
    const proxyBase = `http://127.0.0.1:${proxyPort}`;
    // The upstream is known to clients by the proxy's URL: DPoP proofs name it.
    upstream = await startServer({ args: ['--issuer', proxyBase, '--dpop-nonce', '--trusted-proxies', '127.0.0.1',
      '--client-cert-header', 'X-SSL-Client-Cert', '--tls-client-ca', ca.cert] });
    client = await clientReady(upstream.base, cliJson(['client', 'create', '--name', 'c', '--data-dir', upstream.dataDir]));
    mtls = cliJson(['client', 'create', '--name', 'm', '--auth', 'tls_client_auth', '--tls-san-dns', 'one.example',
      '--data-dir', upstream.dataDir]);
    proxy = await startServer({ args: ['--listen', `127.0.0.1:${proxyPort}`, '--upstream-token-url', `${upstream.base}/connect/token`] });
    tlsProxy = await startServer({ args: ['--upstream-token-url', `${upstream.base}/connect/token`,
      '--tls-cert', serverCert.cert, '--tls-key', serverCert.key, '--tls-client-ca', ca.cert,
      '--upstream-client-cert-header', 'X-SSL-Client-Cert'] });
    tlsProxy.base = `https://127.0.0.1:${tlsProxy.port}`;
    plainProxy = await startServer({ args: ['--upstream-token-url', `${upstream.base}/connect/token`] });
  });
  after(async () => {
    for (const s of [plainProxy, tlsProxy, proxy, upstream]) { await s?.stop(); removeDir(s?.dataDir); }
    removeDir(dir);
  });

  test("oauth4webapi's DPoP through the proxy: the upstream's nonce round trip, a bound token per key, never cached", async () => {
    const as = { issuer: proxy.base, token_endpoint: `${proxy.base}/connect/token` };
    const c = { client_id: client.id };
    const jkts = [];
    for (let i = 0; i < 2; i++) {
      const dpop = oauth.DPoP(c, await oauth.generateKeyPair('ES256'));
      const ask = async () => oauth.processClientCredentialsResponse(as, c,
        await oauth.clientCredentialsGrantRequest(as, c, oauth.ClientSecretBasic(client.secret), new URLSearchParams(),
          { DPoP: dpop, ...insecure }));
      await assert.rejects(ask(), (err) => oauth.isDPoPNonceError(err), 'the nonce the upstream asks for reaches the client');
      const result = await ask();
      assert.equal(result.token_type, 'dpop');
      const jkt = decodeJwt(result.access_token).payload.cnf.jkt;
      assert.equal(jkt, await dpop.calculateThumbprint());
      jkts.push(jkt);
    }
    assert.notEqual(jkts[0], jkts[1], 'each key its own token: none from the cache');
  });

  test('an upstream that does not take the proof (it names another URL) refuses it, and the client reads why', async () => {
    const { SignJWT, exportJWK, generateKeyPair } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const proof = await new SignJWT({ htm: 'POST', htu: `${plainProxy.base}/connect/token`, iat: Math.floor(Date.now() / 1000),
      jti: `j-${Date.now()}` }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportJWK(publicKey) }).sign(privateKey);
    const r = await postToken(plainProxy.base, { form: { grant_type: 'client_credentials' }, auth: basic(client.id, client.secret), headers: { dpop: proof } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_dpop_proof', JSON.stringify(r.body));
    assert.match(r.body.error_description, /htu is not this request's URL/);
  });

  test('mutual TLS through the proxy: a tls_client_auth client, and bound tokens per certificate', async () => {
    let r;
    await until(() => (r = curlTls(`${tlsProxy.base}/connect/token`, { ca: ca.cert, cert: certs.one,
      form: { grant_type: 'client_credentials', client_id: mtls.client_id } })).status === 200, 'the upstream loaded the client', 1500);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(decodeJwt(r.body.access_token).payload.cnf['x5t#S256'], certs.one.thumbprint);
    r = curlTls(`${tlsProxy.base}/connect/token`, { ca: ca.cert, cert: certs.two,
      form: { grant_type: 'client_credentials', client_id: mtls.client_id } });
    assert.equal(r.status, 401, 'the upstream checks the name of the certificate the proxy passed on');
    const thumbprints = [certs.one, certs.two].map((cert) => {
      const t = curlTls(`${tlsProxy.base}/connect/token`, { ca: ca.cert, cert,
        form: { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret } });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      return decodeJwt(t.body.access_token).payload.cnf['x5t#S256'];
    });
    assert.deepEqual(thumbprints, [certs.one.thumbprint, certs.two.thumbprint], 'one token per certificate, none from the cache');
  });
});
