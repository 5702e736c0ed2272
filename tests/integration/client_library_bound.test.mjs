// libtokengate with sender-constrained tokens, against tokengate serving HTTPS with client
// certificates and DPoP nonces: TokenSource in DPoP mode (its own key, the use_dpop_nonce retry,
// a proof per resource request) and in mTLS mode (a tls_client_auth client with no secret); the
// Verifier checks a bound token against what a request presented (the proof, each once; the
// connection's certificate) and refuses it without. `tokengate token --dpop-key` and `--cert`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { curlTls, makeCa } from './support/certificates.mjs';
import { killProbes, startProbe } from './support/client_probe.mjs';
import { cli, cliJson, decodeJwt, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

describe('libtokengate with DPoP and mutual TLS', () => {
  let dir;
  let ca;
  let server;
  let base;
  let certs;
  let secretClient;
  let mtlsClient;
  before(async () => {
    dir = tempDir('tokengate-bound-');
    ca = makeCa(dir, 'ca');
    const serverCert = ca.issue('server', { san: 'DNS:localhost,IP:127.0.0.1', serverAuth: true });
    certs = { worker: ca.issue('worker', { san: 'DNS:worker.example' }), other: ca.issue('other', { san: 'DNS:other.example' }) };
    server = await startServer({ args: ['--tls-cert', serverCert.cert, '--tls-key', serverCert.key, '--tls-client-ca', ca.cert, '--dpop-nonce'] });
    base = `https://127.0.0.1:${server.port}`;
    secretClient = cliJson(['client', 'create', '--name', 'secret', '--data-dir', server.dataDir]);
    mtlsClient = cliJson(['client', 'create', '--name', 'worker', '--auth', 'tls_client_auth', '--tls-san-dns', 'worker.example',
      '--data-dir', server.dataDir]);
    await sleep(1200);  // the server's 1 s watch loads them
  });
  after(async () => { killProbes(); await server.stop(); removeDir(server.dataDir); removeDir(dir); });

  test('TokenSource in DPoP mode: a bound token after one nonce retry; its proofs work at a route; the Verifier checks them', async () => {
    const source = startProbe('token', { '--issuer': base, '--client-id': secretClient.client_id,
      '--client-secret': secretClient.client_secret, '--dpop': '1', '--ca-file': ca.cert });
    const r = await source.ask('token');
    assert.deepEqual(r.errors, []);
    assert.equal(r.requests_sent, 2, 'the first request got use_dpop_nonce, the second carried the nonce');
    const token = r.token;
    assert.equal(decodeJwt(token).payload.cnf.jkt, r.jkt);

    const route = `${base}/v4.0/cells`;
    const { proof } = await source.ask(`proof GET ${route} ${token}`);
    const used = curlTls(route, { ca: ca.cert, headers: [`Authorization: DPoP ${token}`, `DPoP: ${proof}`] });
    assert.equal(used.status, 200, JSON.stringify(used.body));

    const verifier = startProbe('verify', { '--issuer': base, '--ca-file': ca.cert });
    const fresh = (await source.ask(`proof GET ${route} ${token}`)).proof;
    let v = await verifier.ask(`bound ${token} GET ${route}?x=1 ${fresh} -`);
    assert.equal(v.ok, true, JSON.stringify(v));
    v = await verifier.ask(`bound ${token} GET ${route} ${fresh} -`);
    assert.equal(v.error, 'bad_proof', 'the same proof twice');
    assert.match(v.message, /used before/);
    v = await verifier.ask(`bound ${token} POST ${route} ${(await source.ask(`proof GET ${route} ${token}`)).proof} -`);
    assert.equal(v.error, 'bad_proof');
    v = await verifier.ask(`bound ${token} GET ${route} - -`);
    assert.equal(v.error, 'bad_proof');
    v = await verifier.ask(`verify ${token}`);
    assert.equal(v.error, 'wrong_holder', 'a bound token is not taken as a bearer token');

    // A proof of another source's key.
    const other = startProbe('token', { '--issuer': base, '--client-id': secretClient.client_id,
      '--client-secret': secretClient.client_secret, '--dpop': '1', '--ca-file': ca.cert });
    v = await verifier.ask(`bound ${token} GET ${route} ${(await other.ask(`proof GET ${route} ${token}`)).proof} -`);
    assert.equal(v.error, 'wrong_holder');
    await other.close();
    await source.close();
    await verifier.close();
  });

  test('TokenSource in mTLS mode: a tls_client_auth client without a secret; the Verifier takes the token with its certificate only', async () => {
    const source = startProbe('token', { '--issuer': base, '--client-id': mtlsClient.client_id, '--cert': certs.worker.cert,
      '--cert-key': certs.worker.key, '--ca-file': ca.cert });
    const r = await source.ask('token');
    assert.deepEqual(r.errors, []);
    const token = r.token;
    assert.equal(decodeJwt(token).payload.cnf['x5t#S256'], certs.worker.thumbprint);
    await source.close();

    const verifier = startProbe('verify', { '--issuer': base, '--ca-file': ca.cert });
    const route = `${base}/v4.0/cells`;
    assert.equal((await verifier.ask(`bound ${token} GET ${route} - ${certs.worker.cert}`)).ok, true);
    assert.equal((await verifier.ask(`bound ${token} GET ${route} - ${certs.other.cert}`)).error, 'wrong_holder');
    assert.equal((await verifier.ask(`bound ${token} GET ${route} - -`)).error, 'wrong_holder');
    assert.equal((await verifier.ask(`verify ${token}`)).error, 'wrong_holder');
    await verifier.close();

    // Without its certificate, the client has no credentials at all.
    const bare = startProbe('token', { '--issuer': base, '--client-id': mtlsClient.client_id, '--client-secret': 'x', '--ca-file': ca.cert });
    const refused = await bare.ask('token');
    assert.equal(refused.error_count, 1);
    assert.match(refused.errors[0], /invalid_client/);
    await bare.close();
  });

  test('tokengate token --cert and --dpop-key, also with private_key_jwt', async () => {
    let r = cli(['token', '--issuer', base, '--client-id', mtlsClient.client_id, '--cert', certs.worker.cert,
      '--cert-key', certs.worker.key, '--ca-file', ca.cert]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(decodeJwt(r.stdout.trim()).payload.cnf['x5t#S256'], certs.worker.thumbprint);
    const key = `${dir}/dpop.key`;
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    r = cli(['token', '--issuer', base, '--client-id', secretClient.client_id, '--client-secret', secretClient.client_secret,
      '--dpop-key', key, '--ca-file', ca.cert, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const response = JSON.parse(r.stdout);
    assert.equal(response.token_type, 'DPoP');
    assert.ok(decodeJwt(response.access_token).payload.cnf.jkt);
    // private_key_jwt with DPoP and server nonces: the retry after use_dpop_nonce signs a new
    // assertion (the first one's jti is spent).
    const signing = `${dir}/client.key`;
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', signing]);
    const jwk = createPublicKey(readFileSync(signing)).export({ format: 'jwk' });
    writeFileSync(`${dir}/client.jwks`, JSON.stringify({ keys: [{ ...jwk, kid: 'k1', use: 'sig' }] }));
    const keyed = cliJson(['client', 'create', '--name', 'keyed', '--auth', 'private_key_jwt', '--jwks', `${dir}/client.jwks`,
      '--data-dir', server.dataDir]);
    let keyedToken;
    for (let i = 0; i < 30 && !keyedToken; i++) {  // until the server has loaded the client
      r = cli(['token', '--issuer', base, '--client-id', keyed.client_id, '--private-key', signing, '--key-id', 'k1',
        '--dpop-key', key, '--ca-file', ca.cert, '--json']);
      if (r.status === 0) keyedToken = JSON.parse(r.stdout);
      else await sleep(100);
    }
    assert.ok(keyedToken, r.stderr);
    assert.equal(keyedToken.token_type, 'DPoP');
    r = cli(['token', '--issuer', base, '--client-id', mtlsClient.client_id, '--cert', certs.worker.cert, '--ca-file', ca.cert]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--cert and --cert-key go together/);
  });
});
