// What a server does before it serves (security round two, item 2): a demo client only on a trial
// run (loopback listener and issuer, SQLite); both listeners bound before anything is written; an
// admin listener that would take a public port refused with a message; the shipped deploy/
// configuration started as shipped, three nodes in any order, none of whose public ports (nginx's
// upstream) serves an admin route. Also: keys stored in clear are sealed when a key-encryption key is added (item 7),
// and the admin listener answers only to IP-address and localhost Host names (item 10).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createDatabase, dropDatabase } from './support/postgres.mjs';
import { BIN, basic, cli, cliJson, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

const DEPLOY = path.resolve(import.meta.dirname, '../../deploy');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Runs `tokengate serve ARGS` expecting it to exit by itself; { code, stdout, stderr }.
function serveUntilExit(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(BIN, ['serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

describe('the demo client is for trial runs only', () => {
  test('a loopback issuer on SQLite (the quick start) gets one; a public issuer does not', async () => {
    const trial = await startServer();
    try {
      assert.ok(trial.demo.secret, 'the quick start prints a demo client');
    } finally { await trial.stop(); removeDir(trial.dataDir); }

    for (const issuer of ['https://auth.example.com', 'https://127.evil.example']) {
      const publicIssuer = await startServer({ args: ['--issuer', issuer] });
      try {
        assert.doesNotMatch(publicIssuer.stdout(), /client_secret/, `no secret printed for the issuer ${issuer}`);
        assert.equal(cliJson(['client', 'list', '--data-dir', publicIssuer.dataDir]).length, 0, 'no client created');
      } finally { await publicIssuer.stop(); removeDir(publicIssuer.dataDir); }
    }
  });
});

describe('listeners first, then the store', () => {
  test('an admin port that is taken: exit 1, nothing written (no store, no key, no demo client)', async () => {
    const taken = net.createServer();
    await new Promise((r) => taken.listen(0, '127.0.0.1', r));
    const dir = tempDir();
    try {
      const r = await serveUntilExit(['--listen', '127.0.0.1:0', '--data-dir', dir, '--admin-listen', `127.0.0.1:${taken.address().port}`]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /admin listener/);
      assert.doesNotMatch(r.stdout, /client_secret/);
      assert.equal(existsSync(path.join(dir, 'tokengate.db')), false, 'the store was not even created');
    } finally { taken.close(); removeDir(dir); }
  });

  test('admin_listen equal to listen, or a node\'s public port of the shipped layout: refused with a message', async () => {
    const dir = tempDir();
    try {
      const port = await freePort();
      const same = await serveUntilExit(['--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${port}`, '--data-dir', dir]);
      assert.equal(same.code, 2, 'a configuration error');
      assert.match(same.stderr, /admin_listen .* is the public listener's address/);
      const wildcard = await serveUntilExit(['--listen', `0.0.0.0:${port}`, '--admin-listen', `127.0.0.1:${port}`, '--data-dir', dir]);
      assert.equal(wildcard.code, 2);
      // The shipped layout: node 2 listens on 8082; the default admin port 8081 is node 1's public port.
      const node2 = await serveUntilExit(['--config', path.join(DEPLOY, 'tokengate.toml'), '--listen', '127.0.0.1:8082',
        '--admin-listen', '127.0.0.1:8081']);
      assert.equal(node2.code, 2);
      assert.match(node2.stderr, /public port of node 1 of the deployment in deploy\/.*--admin-listen 127\.0\.0\.1:9082/);
      assert.equal(existsSync(path.join(dir, 'tokengate.db')), false);
    } finally { removeDir(dir); }
  });
});

describe('the shipped deployment, as shipped: three nodes in any start order', () => {
  let db;
  let work;
  before(() => {
    db = createDatabase();
    work = tempDir('tokengate-shipped-');
  });
  after(() => { dropDatabase(db.name); removeDir(work); });

  // deploy/tokengate.toml with this machine's database, key file and data directory; the rest as shipped.
  function renderToml() {
    const kek = path.join(work, 'kek');
    writeFileSync(kek, Buffer.alloc(32, 7).toString('hex'), { mode: 0o600 });
    mkdirSync(path.join(work, 'data'), { recursive: true, mode: 0o700 });
    const toml = readFileSync(path.join(DEPLOY, 'tokengate.toml'), 'utf8')
      .replace(/^db = .*$/m, `db = "${db.url}"`)
      .replace(/^key_encryption_key_file = .*$/m, `key_encryption_key_file = "${kek}"`)
      .replace(/^data_dir = .*$/m, `data_dir = "${path.join(work, 'data')}"`);
    const file = path.join(work, 'tokengate.toml');
    writeFileSync(file, toml);
    return file;
  }

  // The unit's ExecStart for node N, with the binary, the config path and the ports of this test.
  function execStart(n, config, ports) {
    const unit = readFileSync(path.join(DEPLOY, 'tokengate@.service'), 'utf8');
    const line = /^ExecStart=(.*)$/m.exec(unit)[1];
    const args = line.replaceAll('%i', String(n)).split(/\s+/).slice(1)  // drop the binary
      .map((a) => (a === '/etc/tokengate/tokengate.toml' ? config : a))
      .map((a) => a.replace(/127\.0\.0\.1:(\d+)/, (_, p) => `127.0.0.1:${ports[p]}`));
    assert.deepEqual(args.slice(0, 3), ['serve', '--config', config]);
    return args;
  }

  test('nodes started 3, 1, 2 and 2, 3, 1: all serve, no demo secret, no public port (what nginx forwards to) has an admin route', async () => {
    const config = renderToml();
    const ports = {};
    for (const n of [1, 2, 3]) {
      ports[String(8080 + n)] = await freePort();
      ports[String(9080 + n)] = await freePort();
    }
    const client = cliJson(['client', 'create', '--name', 'shipped', '--config', config]);
    for (const order of [[3, 1, 2], [2, 3, 1]]) {
      const nodes = [];
      try {
        for (const n of order) {
          // serve --config …: not through startServer, which adds flags of its own.
          const env = { ...process.env };
          delete env.TOKENGATE_ADMIN_LISTEN;  // the unit's flags, nothing else
          const child = spawn(BIN, execStart(n, config, ports), { env, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => { stdout += d; });
          child.stderr.on('data', (d) => { stderr += d; });
          nodes.push({ n, child, out: () => stdout, err: () => stderr });
          const base = `http://127.0.0.1:${ports[String(8080 + n)]}`;
          let up = false;
          for (let i = 0; i < 300 && !up; i++) {
            try { up = (await fetch(`${base}/readyz`)).status === 200; } catch { await sleep(50); }
            assert.equal(child.exitCode, null, `node ${n} exited: ${stderr}`);
          }
          assert.ok(up, `node ${n} ready`);
        }
        for (const node of nodes) {
          assert.doesNotMatch(node.out(), /client_secret/, `node ${node.n} printed no secret`);
          const pub = `http://127.0.0.1:${ports[String(8080 + node.n)]}`;
          const adm = `http://127.0.0.1:${ports[String(9080 + node.n)]}`;
          const grant = await fetch(`${pub}/connect/token`, { method: 'POST', headers: { authorization: basic(client.client_id, client.client_secret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
          assert.equal(grant.status, 200, `node ${node.n} grants`);
          for (const route of ['/metrics', '/console', '/admin/v1/clients']) {
            assert.equal((await fetch(`${pub}${route}`)).status, 404, `node ${node.n}'s public port has no ${route}`);
          }
          assert.equal((await fetch(`${adm}/metrics`)).status, 200, `node ${node.n}'s admin port serves /metrics`);
        }
        assert.equal(cliJson(['client', 'list', '--config', config]).length, 1, 'no demo client in the store');
      } finally {
        for (const node of nodes) node.child.kill('SIGTERM');
        await Promise.all(nodes.map((node) => new Promise((r) => (node.child.exitCode !== null ? r() : node.child.on('exit', r)))));
      }
    }
  });
});

describe('a key-encryption key added to a store that had none', () => {
  test('the signing key stored in clear is sealed at start', async () => {
    const server = await startServer();
    const dir = server.dataDir;
    await server.stop();
    const before = cli(['key', 'list', '--json', '--data-dir', dir]);
    assert.equal(before.status, 0);
    const kek = path.join(dir, 'kek');
    writeFileSync(kek, Buffer.alloc(32, 9).toString('hex'), { mode: 0o600 });
    const sealed = await startServer({ dataDir: dir, args: ['--key-encryption-key-file', kek] });
    try {
      assert.match(sealed.stderr(), /stored in clear: sealed now/);
      const db = readFileSync(path.join(dir, 'tokengate.db'));
      assert.equal(db.includes('BEGIN PRIVATE KEY'), false, 'no private key in clear left in the file');
      // Without the KEK the store's keys cannot be used any more.
      const without = cli(['key', 'rotate', '--data-dir', dir]);
      assert.notEqual(without.status, 0);
    } finally { await sealed.stop(); removeDir(dir); }
  });
});

describe('the admin listener and DNS rebinding', () => {
  test('a Host that is not an IP address or localhost gets 403; --admin-hosts names more', async () => {
    const server = await startServer({ args: ['--admin-hosts', 'ops.internal'] });
    try {
      const port = server.adminPort;
      const get = (host) => new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(`GET /metrics HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
        let text = '';
        socket.on('data', (d) => { text += d; });
        socket.on('end', () => resolve(Number(text.split(' ')[1])));
        socket.on('error', reject);
      });
      assert.equal(await get('attacker.example:' + port), 403);
      assert.equal(await get('127.0.0.1:' + port), 200);
      assert.equal(await get('localhost'), 200);
      assert.equal(await get('[::1]:' + port), 200);
      assert.equal(await get('ops.internal:' + port), 200);
    } finally { await server.stop(); removeDir(server.dataDir); }
  });
});
