// Mutual TLS (RFC 8705) with tokengate terminating TLS (--tls-client-ca): clients that authenticate
// with a certificate (tls_client_auth, self_signed_tls_client_auth), tokens bound to the
// certificate of the connection they were asked for over (cnf x5t#S256), and refused over any
// other; certificates that are expired, from another CA or without the registered name. Clients:
// curl --cert, Node's https client certificate options, openssl s_client. A certificate header
// from a peer that is not a trusted proxy is ignored.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';

import { curlTls, makeCa, selfSigned } from './support/certificates.mjs';
import { cli, cliJson, decodeJwt, removeDir, startServer, tempDir } from './support/tokengate.mjs';


// Node's https client with a client certificate.
function nodeRequest(url, { cert, ca, form, headers = {}, method = 'POST' }) {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = https.request(url, {
      method, ca: readFileSync(ca), cert: cert ? readFileSync(cert.cert) : undefined, key: cert ? readFileSync(cert.key) : undefined,
      headers: { ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('mutual TLS (RFC 8705), tokengate terminating TLS', () => {
  let dir;
  let ca;
  let other;
  let server;
  let base;
  let certs;
  const clients = {};
  before(async () => {
    dir = tempDir('tokengate-mtls-');
    ca = makeCa(dir, 'ca');
    other = makeCa(dir, 'other-ca');
    const serverCert = ca.issue('server', { san: 'DNS:localhost,IP:127.0.0.1', serverAuth: true });
    certs = {
      worker: ca.issue('worker', { subject: '/O=Example/CN=worker', san: 'DNS:worker.example,URI:spiffe://example.org/ns/prod/sa/worker' }),
      stranger: ca.issue('stranger', { san: 'URI:spiffe://example.org/ns/prod/sa/stranger' }),
      expired: ca.issue('expired', { san: 'URI:spiffe://example.org/ns/prod/sa/worker', days: 0 }),
      foreign: other.issue('foreign', { san: 'URI:spiffe://example.org/ns/prod/sa/worker' }),
      rsa: ca.issue('rsa', { subject: '/CN=rsa-worker', keyType: 'rsa' }),
      self: selfSigned(dir, 'self'),
      selfOther: selfSigned(dir, 'self-other'),
      selfRsa: selfSigned(dir, 'self-rsa', { keyType: 'rsa' }),
    };
    server = await startServer({
      args: ['--tls-cert', serverCert.cert, '--tls-key', serverCert.key, '--tls-client-ca', ca.cert,
        '--mtls-url', 'https://mtls.example.test'],
    });
    base = `https://127.0.0.1:${server.port}`;
    const db = ['--data-dir', server.dataDir];
    clients.byUri = cliJson(['client', 'create', '--name', 'by-uri', '--auth', 'tls_client_auth',
      '--tls-san-uri', 'spiffe://example.org/ns/prod/sa/worker', ...db]);
    clients.byDn = cliJson(['client', 'create', '--name', 'by-dn', '--auth', 'tls_client_auth',
      '--tls-subject-dn', 'CN=worker,O=Example', ...db]);
    clients.byDns = cliJson(['client', 'create', '--name', 'by-dns', '--auth', 'tls_client_auth',
      '--tls-san-dns', 'WORKER.example', ...db]);
    clients.self = cliJson(['client', 'create', '--name', 'self', '--auth', 'self_signed_tls_client_auth',
      '--certificate', certs.self.cert, ...db]);
    clients.selfRsa = cliJson(['client', 'create', '--name', 'self-rsa', '--auth', 'self_signed_tls_client_auth',
      '--certificate', certs.selfRsa.cert, ...db]);
    clients.secret = cliJson(['client', 'create', '--name', 'secret', ...db]);
    clients.optOut = cliJson(['client', 'create', '--name', 'opt-out', '--certificate-bound', 'false', ...db]);
    await new Promise((r) => setTimeout(r, 1200));  // the server reloads its clients (1 s watch)
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
    removeDir(dir);
  });

  const grant = (client, cert, extra = {}) => curlTls(`${base}/connect/token`, {
    ca: ca.cert, cert, form: { grant_type: 'client_credentials', client_id: client.client_id, ...extra } });

  test('tls_client_auth by SAN URI, subject DN and DNS name: the token is bound to the certificate', () => {
    for (const client of [clients.byUri, clients.byDn, clients.byDns]) {
      const r = grant(client, certs.worker);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.token_type, 'Bearer');
      const claims = decodeJwt(r.body.access_token).payload;
      assert.equal(claims.client_id, client.client_id);
      assert.deepEqual(claims.cnf, { 'x5t#S256': certs.worker.thumbprint });
    }
  });

  test('self_signed_tls_client_auth: the registered certificate (EC and RSA) and no other', () => {
    let r = grant(clients.self, certs.self);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(decodeJwt(r.body.access_token).payload.cnf['x5t#S256'], certs.self.thumbprint);
    r = grant(clients.selfRsa, certs.selfRsa);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = grant(clients.self, certs.selfOther);
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
    assert.match(r.body.error_description, /key is not one registered for this client/);
  });

  test("a self-signed certificate client's key signs no private_key_jwt assertion: no unbound token that way", () => {
    const r = cli(['token', '--url', `${base}/connect/token`, '--client-id', clients.self.client_id, '--private-key', certs.self.key,
      '--ca-file', ca.cert]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /invalid_client/);
  });

  test('refused certificates: expired, another CA, self-signed for tls_client_auth, another name, none', () => {
    const cases = [
      [clients.byUri, certs.expired, /expired at \d{4}-\d\d-\d\dT/],
      [clients.byUri, certs.foreign, /does not chain to a CA this server trusts/],
      [clients.byUri, certs.self, /does not chain to a CA this server trusts/],
      [clients.byUri, certs.stranger, /does not carry the tls_client_auth_san_uri registered/],
      [clients.byDn, certs.rsa, /does not carry the tls_client_auth_subject_dn registered/],
      [clients.byUri, undefined, /no client credentials/],
      [clients.secret, certs.worker, /does not authenticate with a TLS client certificate/],
      [{ client_id: 'no-such-client' }, certs.worker, /unknown or disabled client/],
    ];
    for (const [client, cert, message] of cases) {
      const r = grant(client, cert);
      assert.equal(r.status, 401, `${cert?.cert}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_client');
      assert.match(r.body.error_description, message);
    }
  });

  test('a secret client over a connection with a certificate gets a bound token, unless it opted out', () => {
    let r = curlTls(`${base}/connect/token`, { ca: ca.cert, cert: certs.stranger,
      form: { grant_type: 'client_credentials', client_id: clients.secret.client_id, client_secret: clients.secret.client_secret } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(decodeJwt(r.body.access_token).payload.cnf['x5t#S256'], certs.stranger.thumbprint);
    r = curlTls(`${base}/connect/token`, { ca: ca.cert, cert: certs.stranger,
      form: { grant_type: 'client_credentials', client_id: clients.optOut.client_id, client_secret: clients.optOut.client_secret } });
    assert.equal(r.status, 200);
    assert.equal(decodeJwt(r.body.access_token).payload.cnf, undefined);
    r = curlTls(`${base}/connect/token`, { ca: ca.cert,
      form: { grant_type: 'client_credentials', client_id: clients.secret.client_id, client_secret: clients.secret.client_secret } });
    assert.equal(decodeJwt(r.body.access_token).payload.cnf, undefined, 'no certificate, no binding');
  });

  test('a bound token works only over a connection with its certificate; introspection shows cnf', () => {
    const token = grant(clients.byUri, certs.worker).body.access_token;
    const auth = `Authorization: Bearer ${token}`;
    let r = curlTls(`${base}/v4.0/cells`, { ca: ca.cert, cert: certs.worker, headers: [auth] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const cert of [undefined, certs.stranger, certs.self]) {
      r = curlTls(`${base}/v4.0/cells`, { ca: ca.cert, cert, headers: [auth] });
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_token');
      assert.match(r.body.error_description, /bound to a client certificate/);
    }
    // Introspected by a client authenticating with its own certificate.
    r = curlTls(`${base}/connect/introspect`, { ca: ca.cert, cert: certs.worker,
      form: { token, client_id: clients.byUri.client_id } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.active, true);
    assert.deepEqual(r.body.cnf, { 'x5t#S256': certs.worker.thumbprint });
    assert.equal(r.body.token_type, 'Bearer');
  });

  test("Node's https client with cert and key options", async () => {
    const r = await nodeRequest(`${base}/connect/token`, { ca: ca.cert, cert: certs.worker,
      form: { grant_type: 'client_credentials', client_id: clients.byUri.client_id } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const token = r.body.access_token;
    const status = await nodeRequest(`${base}/v4.0/cells`, { method: 'GET', ca: ca.cert, cert: certs.worker,
      headers: { authorization: `Bearer ${token}` } });
    assert.equal(status.status, 200);
  });

  test('openssl s_client with -cert and -key', () => {
    const form = `grant_type=client_credentials&client_id=${clients.byUri.client_id}`;
    const request = `POST /connect/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      `Content-Length: ${form.length}\r\nConnection: close\r\n\r\n${form}`;
    const out = spawnSync('openssl', ['s_client', '-quiet', '-connect', `127.0.0.1:${server.port}`, '-CAfile', ca.cert,
      '-cert', certs.worker.cert, '-key', certs.worker.key], { input: request, encoding: 'utf8', timeout: 10000 }).stdout;
    assert.match(out, /^HTTP\/1\.1 200/m);
    const token = /"access_token":"([^"]+)"/.exec(out)[1];
    assert.equal(decodeJwt(token).payload.cnf['x5t#S256'], certs.worker.thumbprint);
  });

  test('metadata names the methods, bound tokens and the mTLS aliases', () => {
    const m = curlTls(`${base}/.well-known/oauth-authorization-server`, { ca: ca.cert }).body;
    assert.ok(m.token_endpoint_auth_methods_supported.includes('tls_client_auth'));
    assert.ok(m.token_endpoint_auth_methods_supported.includes('self_signed_tls_client_auth'));
    assert.equal(m.tls_client_certificate_bound_access_tokens, true);
    assert.equal(m.mtls_endpoint_aliases.token_endpoint, 'https://mtls.example.test/connect/token');
  });

  test('the client commands and the admin API take the RFC 8705 names', async () => {
    const db = ['--data-dir', server.dataDir];
    const shown = cli(['client', 'show', clients.byUri.client_id, ...db]).stdout;
    assert.match(shown, /tls_client_auth .*tls_client_auth_san_uri 'spiffe:\/\/example.org\/ns\/prod\/sa\/worker'/);
    const json = cliJson(['client', 'show', clients.byUri.client_id, ...db]);
    assert.equal(json.token_endpoint_auth_method, 'tls_client_auth');
    assert.equal(json.tls_client_auth_san_uri, 'spiffe://example.org/ns/prod/sa/worker');
    // Bad input: a name without the method, an mTLS client opting out of binding, a certificate file that is not one.
    let r = cli(['client', 'create', '--name', 'x', '--tls-san-dns', 'a.example', ...db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--auth tls_client_auth/);
    r = cli(['client', 'create', '--name', 'x', '--auth', 'tls_client_auth', '--tls-san-dns', 'a.example', '--certificate-bound', 'false', ...db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot opt out/);
    r = cli(['client', 'create', '--name', 'x', '--auth', 'tls_client_auth', ...db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs the one name its certificate carries/);
    r = cli(['client', 'create', '--name', 'x', '--auth', 'tls_client_auth', '--tls-san-ip', 'not-an-ip', ...db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /must be an IPv4 or IPv6 address/);
    // Registered names are kept in the form certificates print them in.
    const ip = cliJson(['client', 'create', '--name', 'x', '--auth', 'tls_client_auth', '--tls-san-ip', '2001:DB8:0::1', ...db]);
    assert.equal(ip.tls_client_auth_san_ip, '2001:db8::1');
    const dn = cliJson(['client', 'create', '--name', 'x', '--auth', 'tls_client_auth', '--tls-subject-dn', 'CN=worker, O=Example', ...db]);
    assert.equal(dn.tls_client_auth_subject_dn, 'CN=worker,O=Example');
    r = cli(['client', 'create', '--name', 'x', '--auth', 'self_signed_tls_client_auth', '--certificate', certs.self.key, ...db]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /not a PEM certificate/);
  });
});

// A tokengate over plain HTTP that reads client certificates from X-SSL-Client-Cert, believed from
// `trustedProxies` only, with one tls_client_auth client; posts a grant with the headers given and
// answers the HTTP status.
function headerSuite(trustedProxies, tests) {
  return () => {
    const ctx = {};
    before(async () => {
      ctx.dir = tempDir('tokengate-mtls-header-');
      const ca = makeCa(ctx.dir, 'ca');
      ctx.pem = encodeURIComponent(readFileSync(ca.issue('worker', { san: 'URI:spiffe://example.org/w' }).cert, 'utf8'));
      ctx.server = await startServer({ args: ['--tls-client-ca', ca.cert, '--client-cert-header', 'X-SSL-Client-Cert',
        '--trusted-proxies', trustedProxies] });
      const client = cliJson(['client', 'create', '--name', 'w', '--auth', 'tls_client_auth', '--tls-san-uri', 'spiffe://example.org/w',
        '--data-dir', ctx.server.dataDir]);
      await new Promise((r) => setTimeout(r, 1200));
      ctx.post = (headers) => spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...headers.flatMap((h) => ['-H', h]),
        '--data', `grant_type=client_credentials&client_id=${client.client_id}`, `${ctx.server.base}/connect/token`], { encoding: 'utf8' }).stdout;
    });
    after(async () => {
      await ctx.server.stop();
      removeDir(ctx.server.dataDir);
      removeDir(ctx.dir);
    });
    tests(ctx);
  };
}

describe('a client certificate header from a peer that is not a trusted proxy', headerSuite('192.0.2.1', (ctx) => {
  test('is ignored: no certificate authentication, no binding', () => {
    assert.equal(ctx.post([`X-SSL-Client-Cert: ${ctx.pem}`]), '401');
  });
}));

describe('a client certificate header from a trusted proxy', headerSuite('127.0.0.1', (ctx) => {
  test('is taken once; twice (a proxy that appends instead of replacing) is refused', () => {
    assert.equal(ctx.post([`X-SSL-Client-Cert: ${ctx.pem}`]), '200');
    assert.equal(ctx.post([`X-SSL-Client-Cert: ${ctx.pem}`, `X-SSL-Client-Cert: ${ctx.pem}`]), '400');
    assert.equal(ctx.post(['X-SSL-Client-Cert: not a certificate']), '400');
  });
}));
