// The CLI: client and key management on the store a running server uses (honoured within 1 s),
// `tokengate token` against a real server, and the exit codes for bad configuration.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { basic, cli, cliJson, decodeJwt, postToken, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

// Polls until a token request with (id, secret) gives `status`; returns how long it took, in ms.
async function untilStatus(base, id, secret, status, limitMs = 1000) {
  const started = Date.now();
  for (;;) {
    const r = await postToken(base, { form: { grant_type: 'client_credentials' }, auth: basic(id, secret) });
    if (r.status === status) return Date.now() - started;
    if (Date.now() - started > limitMs) assert.fail(`still ${r.status} (wanted ${status}) after ${limitMs} ms`);
    await sleep(25);
  }
}

describe('client commands on a running server', () => {
  let server;
  let store;
  before(async () => {
    server = await startServer();
    store = ['--data-dir', server.dataDir];
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  test('create, then every change is honoured within 1 s', async () => {
    const c = cliJson(['client', 'create', '--name', 'svc', '--scope', 'read write', ...store]);
    assert.deepEqual(Object.keys(c).sort(), ['client_id', 'client_secret']);
    assert.match(c.client_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(c.client_secret, /^[A-Za-z0-9_-]{43}$/);  // 256 bits, base64url
    await untilStatus(server.base, c.client_id, c.client_secret, 200);

    cliJson(['client', 'disable', c.client_id, ...store]);
    await untilStatus(server.base, c.client_id, c.client_secret, 401);
    cliJson(['client', 'enable', c.client_id, ...store]);
    await untilStatus(server.base, c.client_id, c.client_secret, 200);

    const rotated = cliJson(['client', 'rotate-secret', c.client_id, ...store]);
    assert.equal(rotated.client_id, c.client_id);
    assert.notEqual(rotated.client_secret, c.client_secret);
    await untilStatus(server.base, c.client_id, c.client_secret, 401);
    await untilStatus(server.base, c.client_id, rotated.client_secret, 200, 0);

    cliJson(['client', 'delete', c.client_id, ...store]);
    await untilStatus(server.base, c.client_id, rotated.client_secret, 401);
  });

  test('list and show, in text and JSON; the secret is never shown again', async () => {
    const c = cliJson(['client', 'create', '--name', 'shown', '--scope', 'a b', '--ttl', '90', '--audience', 'aud1', ...store]);
    const list = cliJson(['client', 'list', ...store]);
    const entry = list.find((e) => e.client_id === c.client_id);
    assert.equal(entry.name, 'shown');
    assert.equal(entry.scope, 'a b');
    assert.equal(entry.enabled, true);
    const shown = cliJson(['client', 'show', c.client_id, ...store]);
    assert.equal(shown.token_ttl, 90);
    assert.equal(shown.audience, 'aud1');
    const text = cli(['client', 'show', c.client_id, ...store]);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /name:\s+shown/);
    for (const out of [JSON.stringify(list), JSON.stringify(shown), text.stdout, cli(['client', 'list', ...store]).stdout])
      assert.ok(!out.includes(c.client_secret));
  });

  test('unknown client ID: a message and exit code 1', () => {
    for (const cmd of ['show', 'delete', 'rotate-secret', 'disable', 'enable']) {
      const r = cli(['client', cmd, 'no-such-id', ...store]);
      assert.equal(r.status, 1, cmd);
      assert.match(r.stderr, /no client with ID 'no-such-id'/);
    }
  });

  test('invalid client input: exit code 2, nothing written', () => {
    const before = cliJson(['client', 'list', ...store]).length;
    const r = cli(['client', 'create', '--name', 'x', '--scope', 'bad"scope', ...store]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /scope: 'bad"scope' is not a valid scope token/);
    assert.equal(cli(['client', 'create', ...store]).status, 2);  // --name is required
    const update = cli(['client', 'update', cliJson(['client', 'list', ...store])[0].client_id, '--ttl', '-5', ...store]);
    assert.equal(update.status, 2);
    assert.match(update.stderr, /token lifetime \(--ttl, token_ttl\) must be from 1 to 2678400 seconds/);
    assert.equal(cliJson(['client', 'list', ...store]).length, before);
  });

  test('key rotate --now: new tokens use the new key; the old key stays in the JWKS', async () => {
    const first = cliJson(['key', 'list', ...store]);
    assert.equal(first.filter((k) => k.status === 'active').length, 1);
    const rotated = cliJson(['key', 'rotate', '--now', ...store]);
    const started = Date.now();
    let kid;
    while (Date.now() - started < 1000) {
      const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) });
      kid = decodeJwt(r.body.access_token).header.kid;
      if (kid === rotated.kid) break;
      await sleep(25);
    }
    assert.equal(kid, rotated.kid);
    const jwks = await (await fetch(`${server.base}/.well-known/jwks.json`)).json();
    const kids = jwks.keys.map((k) => k.kid);
    assert.ok(kids.includes(rotated.kid));
    assert.ok(kids.includes(first[0].kid), 'the retired key is still published');
  });

  test('tokengate token fetches a token from a running server', () => {
    const url = `${server.base}/connect/token`;
    for (const auth of ['basic', 'post']) {
      const r = cli(['token', '--url', url, '--client-id', server.demo.id, '--client-secret', server.demo.secret, '--auth', auth]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(decodeJwt(r.stdout.trim()).payload.client_id, server.demo.id);
    }
    const json = cli(['token', '--url', url, '--client-id', server.demo.id, '--client-secret', server.demo.secret, '--json', '--scope', 'demo']);
    assert.equal(JSON.parse(json.stdout).scope, 'demo');
  });

  test('tokengate token reports failures clearly', () => {
    const url = `${server.base}/connect/token`;
    const wrong = cli(['token', '--url', url, '--client-id', server.demo.id, '--client-secret', 'wrong']);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /HTTP 401: invalid_client: Client authentication failed/);
    const badScope = cli(['token', '--url', url, '--client-id', server.demo.id, '--client-secret', server.demo.secret, '--scope', 'nope']);
    assert.match(badScope.stderr, /HTTP 400: invalid_scope/);
    const refused = cli(['token', '--url', 'http://127.0.0.1:1/connect/token', '--client-id', 'a', '--client-secret', 'b']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /refused/i);
    const notUrl = cli(['token', '--url', 'ftp://x/y', '--client-id', 'a', '--client-secret', 'b']);
    assert.equal(notUrl.status, 2, 'bad usage');
    assert.match(notUrl.stderr, /not an http/);
  });
});

describe('configuration errors', () => {
  test('an invalid flag value names the key; exit code 2', () => {
    const r = cli(['serve', '--token-ttl', 'soon', '--data-dir', tempDir()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /token_ttl/);
    const r2 = cli(['serve', '--listen', 'localhost']);
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /listen/);
    assert.equal(cli(['serve', '--no-such-flag']).status, 2);
  });

  test('an invalid config file names the key; exit code 2', () => {
    const dir = tempDir();
    const file = path.join(dir, 'tokengate.toml');
    writeFileSync(file, 'listen = "127.0.0.1:0"\ntoken_tl = 5\n');
    const r = cli(['serve', '--config', file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown key 'token_tl'/);
    writeFileSync(file, 'signing_alg = "HS256"\n');
    const r2 = cli(['serve', '--config', file]);
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /signing_alg/);
    const r3 = cli(['serve'], { env: { ...process.env, TOKENGATE_THREADS: 'many' } });
    assert.equal(r3.status, 2);
    assert.match(r3.stderr, /threads \(from TOKENGATE_THREADS\)/);
    removeDir(dir);
  });

  test('config file, environment and flags layer in that order', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'tokengate.toml');
    writeFileSync(file, `data_dir = "${dir}/data"\ntoken_ttl = 100\naudience = "from-file"\n`);
    const server = await startServer({ dataDir: `${dir}/data`, args: ['--config', file, '--audience', 'from-flag'], env: { TOKENGATE_TOKEN_TTL: '200', TOKENGATE_AUDIENCE: 'from-env' } });
    try {
      const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) });
      assert.equal(r.body.expires_in, 200);
      assert.equal(decodeJwt(r.body.access_token).payload.aud, 'from-flag');
    } finally {
      await server.stop();
      removeDir(dir);
    }
  });

  test('a data dir that cannot be created: a message, exit code 1', () => {
    const dir = tempDir();
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = cli(['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(file, 'data')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot create the data directory/);
    const r2 = cli(['client', 'list', '--data-dir', file]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /not a directory/);
    removeDir(dir);
  });

  test('a data dir that holds no store: commands that read say so, exit 1, and create nothing', () => {
    const dir = tempDir();
    const typo = path.join(dir, 'typo');
    for (const args of [['client', 'list'], ['client', 'show', 'x'], ['client', 'disable', 'x'], ['key', 'list']]) {
      const r = cli([...args, '--data-dir', typo]);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, /there is no store at .*typo/);
      assert.ok(!existsSync(typo), `${args.join(' ')} created ${typo}`);
    }
    // Creating a client is how a store may begin, so that one does create it.
    assert.equal(cli(['client', 'create', '--name', 'first', '--data-dir', typo]).status, 0);
    assert.ok(existsSync(path.join(typo, 'tokengate.db')));
    removeDir(dir);
  });

  test('version', () => {
    const r = cli(['version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^tokengate \d+\.\d+\.\d+/);
  });
});
