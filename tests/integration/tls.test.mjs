// Native TLS (--tls-cert, --tls-key) with a test CA made here by openssl: curl and openssl s_client
// get tokens over TLS 1.2 and 1.3 (TLS 1.1 is refused), ALPN says http/1.1, a session is resumed,
// the published Aspose.Cells Cloud SDK works over https (NODE_EXTRA_CA_CERTS), and a new certificate
// is taken on SIGHUP and when its files change, without dropping a connection that is open.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';

import { removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

const run = (cmd, args, options = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...options });

// A CA and a certificate for localhost/127.0.0.1 signed by it, in `dir`; returns the files.
function makeCertificate(dir, name) {
  const ca = path.join(dir, 'ca.pem');
  const caKey = path.join(dir, 'ca.key');
  if (!existsSync(ca))
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey,
      '-out', ca, '-days', '2', '-subj', '/CN=tokengate test CA']);
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, 'ext');
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr,
    '-subj', `/CN=${name}`]);
  run('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { ca, key, cert };
}

// The subject CN of the certificate a new TLS connection is shown.
function presentedName(port, ca) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', ca: readFileSync(ca), servername: 'localhost' }, () => {
      const cn = s.getPeerCertificate().subject.CN;
      s.end();
      resolve(cn);
    });
    s.on('error', reject);
  });
}

function sClient(port, ca, args) {
  return spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', ca, ...args],
    { input: '', encoding: 'utf8', timeout: 10000 }).stdout;
}

describe('native TLS', () => {
  let dir;
  let files;
  let server;
  let base;
  before(async () => {
    dir = tempDir('tokengate-tls-');
    files = makeCertificate(dir, 'first');
    copyFileSync(files.cert, path.join(dir, 'server.pem'));
    copyFileSync(files.key, path.join(dir, 'server.key'));
    server = await startServer({ args: ['--tls-cert', path.join(dir, 'server.pem'), '--tls-key', path.join(dir, 'server.key')] });
    base = `https://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
    removeDir(dir);
  });

  test('curl gets a token over https, verified against the test CA; the issuer is https', () => {
    const out = run('curl', ['-s', '--cacert', files.ca, '-u', `${server.demo.id}:${server.demo.secret}`, '-d', 'grant_type=client_credentials', `${base}/connect/token`]);
    assert.match(JSON.parse(out).access_token, /^eyJ/);
    const metadata = JSON.parse(run('curl', ['-s', '--cacert', files.ca, `${base}/.well-known/oauth-authorization-server`]));
    assert.equal(metadata.issuer, base);
  });

  test('TLS 1.3 and 1.2 with ALPN http/1.1; TLS 1.1 refused; a TLS 1.2 session is resumed', () => {
    assert.match(sClient(server.port, files.ca, ['-tls1_3', '-alpn', 'http/1.1']), /New, TLSv1\.3[\s\S]*ALPN protocol: http\/1\.1/);
    assert.match(sClient(server.port, files.ca, ['-tls1_2']), /New, TLSv1\.2, Cipher is ECDHE-/);
    assert.doesNotMatch(sClient(server.port, files.ca, ['-tls1_1']), /Cipher is (?!\(NONE\))/);
    const session = path.join(dir, 'session');
    assert.match(sClient(server.port, files.ca, ['-tls1_2', '-sess_out', session]), /^New, TLSv1\.2/m);
    assert.match(sClient(server.port, files.ca, ['-tls1_2', '-sess_in', session]), /^Reused, TLSv1\.2/m);
  });

  test('the published Aspose.Cells Cloud SDK, unchanged, over https with the test CA', async () => {
    const driver = spawn(process.execPath, [path.resolve(import.meta.dirname, '../interop/support/aspose_sdk_driver.cjs'),
      'asposecellscloud', 'v3.0', base, server.demo.id, server.demo.secret],
    { cwd: path.resolve(import.meta.dirname, '../..'), env: { ...process.env, NODE_EXTRA_CA_CERTS: files.ca }, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: driver.stdout });
    const answer = new Promise((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
    driver.stdin.write(JSON.stringify({ call: 'getAsposeCellsCloudStatus' }) + '\n');
    const status = await answer;
    driver.stdin.end();
    driver.kill();
    assert.ok(status.ok, JSON.stringify(status));
    assert.equal(status.body.status, 'running');
  });

  test('a new certificate on SIGHUP and when the files change; an open connection keeps working', async () => {
    assert.equal(await presentedName(server.port, files.ca), 'first');
    const open = tls.connect({ port: server.port, host: '127.0.0.1', ca: readFileSync(files.ca), servername: 'localhost' });
    await new Promise((r) => open.on('secureConnect', r));

    const second = makeCertificate(dir, 'second');
    copyFileSync(second.cert, path.join(dir, 'server.pem'));
    copyFileSync(second.key, path.join(dir, 'server.key'));
    server.child.kill('SIGHUP');
    let name;
    for (let i = 0; i < 40 && name !== 'second'; i++) { await sleep(50); name = await presentedName(server.port, files.ca); }
    assert.equal(name, 'second', 'SIGHUP reloaded the certificate');
    assert.match(server.stderr(), /SIGHUP: TLS certificate and key reloaded/);

    // The connection opened before the reload is still served.
    const reply = await new Promise((resolve) => {
      let got = '';
      open.on('data', (d) => { got += d; if (got.includes('"status"')) resolve(got); });
      setTimeout(() => resolve(got), 5000);
      open.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    assert.match(reply, /^HTTP\/1\.1 200 /);
    open.destroy();

    // No signal: the files change, and the server notices within a few seconds.
    const third = makeCertificate(dir, 'third');
    copyFileSync(third.key, path.join(dir, 'server.key'));
    copyFileSync(third.cert, path.join(dir, 'server.pem'));
    for (let i = 0; i < 100 && name !== 'third'; i++) { await sleep(100); name = await presentedName(server.port, files.ca); }
    assert.equal(name, 'third', 'changed files were reloaded');
  });

  test('a key that does not match the certificate: a clear error at start', () => {
    const other = makeCertificate(dir, 'other');
    const r = spawnSync(process.env.TOKENGATE_BIN ?? path.resolve(import.meta.dirname, '../../build/tokengate'),
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'd2'), '--tls-cert', files.cert, '--tls-key', other.key],
      { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /does not belong to the certificate/);
    const half = spawnSync(process.env.TOKENGATE_BIN ?? path.resolve(import.meta.dirname, '../../build/tokengate'),
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'd3'), '--tls-cert', files.cert], { encoding: 'utf8', timeout: 10000 });
    assert.equal(half.status, 2);
    assert.match(half.stderr, /tls_cert is set but tls_key is not/);
  });
});

describe('plain HTTP on the network', () => {
  test('a warning at start, and no demo client (its secret would be printed for the network)', async () => {
    const dir = tempDir();
    const child = spawn(process.env.TOKENGATE_BIN ?? path.resolve(import.meta.dirname, '../../build/tokengate'),
      ['serve', '--listen', '0.0.0.0:0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    for (let i = 0; i < 100 && !/listening on/.test(stderr); i++) await sleep(50);
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    removeDir(dir);
    assert.match(stderr, /in plain HTTP: client secrets and tokens cross the network in clear/);
    assert.doesNotMatch(stdout, /client_secret/);
  });
});
