// deploy/nginx-mtls.conf, for real: Debian's nginx terminating TLS with ssl_verify_client in front
// of three nodes on one PostgreSQL, forwarding the client's certificate in X-SSL-Client-Cert. A
// tls_client_auth client and a self-signed one get certificate-bound tokens through it, whichever
// node answers; the bound token works through nginx only with its certificate; a client's own
// X-SSL-Client-Cert header never reaches a node.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { curlTls, makeCa, selfSigned } from './support/certificates.mjs';
import { freePort, renderNginx, startNginx } from './support/nginx.mjs';
import { createDatabase, dropDatabase } from './support/postgres.mjs';
import { until } from './support/token_ops.mjs';
import { cliJson, decodeJwt, removeDir, startServer, tempDir } from './support/tokengate.mjs';

const NGINX_CONF = path.resolve(import.meta.dirname, '../../deploy/nginx-mtls.conf');


describe('three nodes behind nginx terminating mutual TLS', () => {
  let db;
  let work;
  let nginx;
  let base;
  let ca;
  let certs;
  let nodes = [];
  const clients = {};
  before(async () => {
    db = createDatabase();
    work = tempDir('tokengate-mtls-nginx-');
    mkdirSync(path.join(work, 'nginx'));
    ca = makeCa(work, 'ca');
    const serverCert = ca.issue('server', { san: 'DNS:localhost,IP:127.0.0.1', serverAuth: true });
    certs = {
      worker: ca.issue('worker', { san: 'URI:spiffe://example.org/ns/prod/sa/worker' }),
      other: ca.issue('other', { san: 'URI:spiffe://example.org/ns/prod/sa/other' }),
      self: selfSigned(work, 'self'),
    };
    const ports = [await freePort(), await freePort(), await freePort()];
    const port = await freePort();
    base = `https://127.0.0.1:${port}`;
    const args = (p) => ['--db', db.url, '--listen', `127.0.0.1:${p}`, '--demo-client=false', '--threads', '1',
      '--trusted-proxies', '127.0.0.1', '--client-cert-header', 'X-SSL-Client-Cert', '--tls-client-ca', ca.cert,
      '--issuer', base];
    nodes = await Promise.all(ports.map((p) => startServer({ args: args(p) })));
    const conf = renderNginx(NGINX_CONF, path.join(work, 'nginx'), port, ports, [
      [/\/etc\/tokengate\/server\.pem/, serverCert.cert],
      [/\/etc\/tokengate\/server\.key/, serverCert.key],
    ]);
    nginx = await startNginx(conf, () => curlTls(`${base}/healthz`, { ca: ca.cert }));
    clients.worker = cliJson(['client', 'create', '--name', 'worker', '--auth', 'tls_client_auth',
      '--tls-san-uri', 'spiffe://example.org/ns/prod/sa/worker', '--db', db.url]);
    clients.self = cliJson(['client', 'create', '--name', 'self', '--auth', 'self_signed_tls_client_auth',
      '--certificate', certs.self.cert, '--db', db.url]);
    // Every node has them once each answers a grant through nginx three times in a row.
    await until(() => [1, 2, 3, 4, 5, 6].every(() => grant(clients.worker, certs.worker).status === 200),
      'every node knows the clients', 3000);
  });
  after(async () => {
    nginx?.kill('SIGTERM');
    for (const n of nodes) { await n.stop(); removeDir(n.dataDir); }
    dropDatabase(db.name);
    removeDir(work);
  });

  const grant = (client, cert, headers) => curlTls(`${base}/connect/token`, {
    ca: ca.cert, cert, headers, form: { grant_type: 'client_credentials', client_id: client.client_id } });

  test('tls_client_auth and self_signed_tls_client_auth through nginx: bound tokens, whichever node answers', () => {
    for (let i = 0; i < 6; i++) {
      for (const [client, cert] of [[clients.worker, certs.worker], [clients.self, certs.self]]) {
        const r = grant(client, cert);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const claims = decodeJwt(r.body.access_token).payload;
        assert.deepEqual(claims.cnf, { 'x5t#S256': cert.thumbprint });
      }
    }
  });

  test('the bound token works through nginx with its certificate only', () => {
    const token = grant(clients.worker, certs.worker).body.access_token;
    for (let i = 0; i < 6; i++) {  // least_conn spreads them over the nodes
      const r = curlTls(`${base}/v4.0/cells`, { ca: ca.cert, cert: certs.worker, headers: [`Authorization: Bearer ${token}`] });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    for (const cert of [undefined, certs.other, certs.self]) {
      const r = curlTls(`${base}/v4.0/cells`, { ca: ca.cert, cert, headers: [`Authorization: Bearer ${token}`] });
      assert.equal(r.status, 401);
      assert.match(r.body.error_description, /bound to a client certificate/);
    }
  });

  test("a client's own X-SSL-Client-Cert header is replaced by nginx's", () => {
    const forged = `X-SSL-Client-Cert: ${encodeURIComponent(readFileSync(certs.worker.cert, 'utf8'))}`;
    let r = grant(clients.worker, undefined, [forged]);
    assert.equal(r.status, 401, 'no certificate on the connection: no certificate authentication');
    r = grant(clients.worker, certs.other, [forged]);
    assert.equal(r.status, 401, "the connection's certificate counts, not the header");
    assert.match(r.body.error_description, /does not carry the tls_client_auth_san_uri/);
  });
});
