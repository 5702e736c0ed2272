// Three tokengate nodes on one PostgreSQL database (the throwaway cluster ctest starts): a change
// made through the CLI is honoured by every node within 1 s (NOTIFY wakes them); three nodes started
// together on an empty database publish the same single key; a node without its database cannot
// start; bad connection settings say what is wrong, never the password; a rotation's grace period
// ends on every node together; a client assertion is used once across all nodes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PG_PASSWORD, PG_PORT, createDatabase, dropDatabase, psql } from './support/postgres.mjs';
import { assertion, assertionForm, clientKey, dpopProof, JWT_BEARER, jwksOf } from './support/client_keys.mjs';
import { startWorkloadIssuers } from './support/workload_issuers.mjs';
import { basic, cli, cliJson, decodeJwt, postToken, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

const form = { grant_type: 'client_credentials' };

// Polls `check` on every node until it holds for all, or 1 s passes; returns how long it took.
async function everyNodeWithin1s(nodes, check, what) {
  const started = Date.now();
  for (;;) {
    const results = await Promise.all(nodes.map((n) => check(n)));
    if (results.every(Boolean)) return Date.now() - started;
    if (Date.now() - started > 1000) assert.fail(`${what}: not on every node within 1 s (${JSON.stringify(results)})`);
    await sleep(20);
  }
}

describe('three nodes on one PostgreSQL database', () => {
  let db;
  let nodes;
  before(async () => {
    db = createDatabase();
    // One issuer for all: clients see one service, whichever node answers.
    nodes = await Promise.all([0, 1, 2].map(() => startServer({ args: ['--db', db.url, '--demo-client=false', '--issuer', 'http://tokengate.test', '--dpop-nonce'] })));
  });
  after(async () => {
    for (const n of nodes ?? []) { await n.stop(); removeDir(n.dataDir); }
    dropDatabase(db.name);
  });

  test('nodes started together on an empty database publish the same single key', async () => {
    const jwks = await Promise.all(nodes.map(async (n) => (await fetch(`${n.base}/.well-known/jwks.json`)).json()));
    for (const j of jwks) assert.equal(j.keys.length, 1);
    assert.equal(new Set(jwks.map((j) => j.keys[0].kid)).size, 1);
    assert.equal(psql('SELECT count(*) FROM signing_keys', db.name).trim(), '1');
    assert.equal(psql('SELECT count(*) || \' \' || max(version) FROM schema_version', db.name).trim(), '7 7', 'each migration applied once');
  });

  test('a DPoP nonce one node hands out is good on the others, with no store lookup', async () => {
    const c = cliJson(['client', 'create', '--name', 'dpop-nonce', '--db', db.url]);
    const auth = basic(c.client_id, c.client_secret);
    const key = await clientKey('ES256');
    const htu = 'http://tokengate.test/connect/token';
    await everyNodeWithin1s(nodes, async (n) => (await postToken(n.base, { form, auth })).status === 200, 'the client');
    const first = await postToken(nodes[0].base, { form, auth, headers: { dpop: await dpopProof(key, 'POST', htu) } });
    assert.equal(first.body.error, 'use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    for (const n of nodes.slice(1)) {
      const r = await postToken(n.base, { form, auth, headers: { dpop: await dpopProof(key, 'POST', htu, { nonce }) } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.token_type, 'DPoP');
    }
  });

  test('a client created, disabled, its secret rotated, a key rotated: every node within 1 s', async () => {
    const store = ['--db', db.url];
    const c = cliJson(['client', 'create', '--name', 'everywhere', ...store]);
    const auth = basic(c.client_id, c.client_secret);
    const grant = async (n, a = auth) => (await postToken(n.base, { form, auth: a })).status;
    const created = await everyNodeWithin1s(nodes, async (n) => (await grant(n)) === 200, 'a new client');

    const rotated = cliJson(['client', 'rotate-secret', c.client_id, ...store]);
    const fresh = basic(c.client_id, rotated.client_secret);
    const rotation = await everyNodeWithin1s(nodes, async (n) => (await grant(n)) === 401 && (await grant(n, fresh)) === 200, 'a rotated secret');

    const key = cliJson(['key', 'rotate', '--now', ...store]);
    const keyed = await everyNodeWithin1s(nodes, async (n) => {
      const r = await postToken(n.base, { form, auth: fresh });
      return r.status === 200 && decodeJwt(r.body.access_token).header.kid === key.kid;
    }, 'a key rotated --now');

    assert.equal(cli(['client', 'disable', c.client_id, ...store]).status, 0);
    const disabled = await everyNodeWithin1s(nodes, async (n) => (await grant(n, fresh)) === 401, 'a disabled client');
    console.log(`honoured on all three nodes after: create ${created} ms, rotate-secret ${rotation} ms, key rotate ${keyed} ms, disable ${disabled} ms`);
  });

  test('a secret rotated with a grace period: both work on every node, then the old one stops on every node', async () => {
    const store = ['--db', db.url];
    const c = cliJson(['client', 'create', '--name', 'graced', ...store]);
    const old = basic(c.client_id, c.client_secret);
    const grant = async (n, a) => (await postToken(n.base, { form, auth: a })).status;
    await everyNodeWithin1s(nodes, async (n) => (await grant(n, old)) === 200, 'the client');
    const rotated = cliJson(['client', 'rotate-secret', c.client_id, '--grace', '3s', ...store]);
    const rotatedAt = Date.now();
    const fresh = basic(c.client_id, rotated.client_secret);
    await everyNodeWithin1s(nodes, async (n) => (await grant(n, fresh)) === 200 && (await grant(n, old)) === 200,
      'both secrets in the grace period');
    await sleep(Math.max(0, rotatedAt + 3100 - Date.now()));  // time itself: the 3 s grace period ends
    // No store change marks the end: each node compares the time the record names with its clock.
    for (const n of nodes) {
      assert.equal(await grant(n, old), 401, `the old secret on ${n.base}`);
      assert.equal(await grant(n, fresh), 200);
    }
  });

  test('a client assertion used on one node is refused on every other (single use across the cluster)', async () => {
    const key = await clientKey('ES256');
    const dir = tempDir();
    const file = path.join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(jwksOf(key)));
    const c = cliJson(['client', 'create', '--name', 'keyed', '--auth', 'private_key_jwt', '--jwks', file, '--db', db.url]);
    removeDir(dir);
    const issuer = 'http://tokengate.test';
    const grant = async (n, signed) => postToken(n.base, { form: { ...form, ...assertionForm(c.client_id, signed) } });
    await everyNodeWithin1s(nodes, async (n) => (await grant(n, await assertion(key, c.client_id, issuer))).status === 200, 'the client');
    // Each node in turn goes first; the other two refuse the same assertion.
    for (let first = 0; first < 3; first += 1) {
      const signed = await assertion(key, c.client_id, issuer);
      assert.equal((await grant(nodes[first], signed)).status, 200);
      for (const other of nodes.filter((_, i) => i !== first)) {
        const r = await grant(other, signed);
        assert.equal(r.status, 401, `a replay on ${other.base}`);
        assert.match(r.body.error_description, /was used before/);
      }
    }
    // The same assertion sent to all three at once: exactly one wins.
    const used = () => Number(psql(`SELECT count(*) FROM used_assertions WHERE client_id = '${c.client_id}'`, db.name).trim());
    const before = used();
    const signed = await assertion(key, c.client_id, issuer);
    const raced = await Promise.all(nodes.map((n) => grant(n, signed)));
    assert.deepEqual(raced.map((r) => r.status).sort(), [200, 401, 401]);
    assert.equal(used(), before + 1, 'one row for the assertion the three nodes raced on');
  });

  test('a federation added (and removed) on one node is honoured by every node within 1 s', async () => {
    const issuers = await startWorkloadIssuers();
    try {
      const c = cliJson(['client', 'create', '--name', 'workload', '--db', db.url]);
      const sa = await issuers.kubernetesToken();
      const grant = async (n) => (await postToken(n.base, { form: { ...form, client_assertion_type: JWT_BEARER, client_assertion: sa } })).status;
      for (const n of nodes) assert.equal(await grant(n), 401);
      const fed = cliJson(['federation', 'add', '--issuer', issuers.k8sIssuer, '--audience', 'tokengate',
        '--subject', 'system:serviceaccount:prod:reporter', '--client', c.client_id, '--db', db.url]);
      const added = await everyNodeWithin1s(nodes, async (n) => (await grant(n)) === 200, 'a federation added');
      assert.equal(cli(['federation', 'remove', fed.id, '--db', db.url]).status, 0);
      const removed = await everyNodeWithin1s(nodes, async (n) => (await grant(n)) === 401, 'a federation removed');
      console.log(`federation honoured on all three nodes after: add ${added} ms, remove ${removed} ms`);
    } finally {
      issuers.close();
    }
  });

  test('a token revoked on one node is refused by the others within 1 s', async () => {
    const c = cliJson(['client', 'create', '--name', 'revoker', '--db', db.url]);
    const auth = basic(c.client_id, c.client_secret);
    await everyNodeWithin1s(nodes, async (n) => (await postToken(n.base, { form, auth })).status === 200, 'the client');
    const token = (await postToken(nodes[0].base, { form, auth })).body.access_token;
    const revoked = await fetch(`${nodes[1].base}/connect/revocation`, {
      method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    assert.equal(revoked.status, 200);
    await everyNodeWithin1s(nodes, async (n) => (await fetch(`${n.base}/v4.0/cells`, { headers: { authorization: `Bearer ${token}` } })).status === 401, 'the revocation');
  });
});

describe('PostgreSQL settings that cannot work', () => {
  test('each gives exit 1 or 2 with a message that names the problem, never the password', async () => {
    const db = createDatabase();
    psql(`CREATE ROLE noperm LOGIN PASSWORD 'noperm-secret-123'`);
    psql(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`, db.name);
    try {
      const serve = (url) => cli(['serve', '--listen', '127.0.0.1:0', '--db', url]);
      const cases = [
        ['an unreachable host', `postgresql://tokengate:${PG_PASSWORD}@127.0.0.1:1/${db.name}`, 1, /cannot connect to PostgreSQL at postgresql:\/\/tokengate@127\.0\.0\.1:1\/.*Connection refused/],
        ['a wrong password', `postgresql://tokengate:wrong-password-456@127.0.0.1:${PG_PORT}/${db.name}`, 1, /password authentication failed for user "tokengate"/],
        ['a database without permissions', `postgresql://noperm:noperm-secret-123@127.0.0.1:${PG_PORT}/${db.name}`, 1, /permission denied/],
        ['a malformed URI', 'postgresql://tokengate:pw-789@[::1/x', 2, /db is not a valid PostgreSQL connection URI/],
      ];
      for (const [what, url, status, message] of cases) {
        const r = serve(url);
        assert.equal(r.status, status, `${what}: ${r.stderr}`);
        assert.match(r.stderr, message, what);
        for (const secret of [PG_PASSWORD, 'wrong-password-456', 'noperm-secret-123', 'pw-789'])
          assert.ok(!r.stderr.includes(secret), `${what}: the password is in the message: ${r.stderr}`);
      }
      // The CLI: a write to an unreachable database fails clearly too.
      const write = cli(['client', 'create', '--name', 'x', '--db', `postgresql://tokengate:${PG_PASSWORD}@127.0.0.1:1/${db.name}`]);
      assert.equal(write.status, 1);
      assert.match(write.stderr, /cannot connect to PostgreSQL/);
    } finally {
      dropDatabase(db.name);
      psql('DROP ROLE IF EXISTS noperm');
    }
  });

  test('store migrate: once, then nothing to do; client list on an empty database says to migrate', () => {
    const db = createDatabase();
    try {
      const list = cli(['client', 'list', '--db', db.url]);
      assert.equal(list.status, 1);
      assert.match(list.stderr, /schema 0, this tokengate needs \d+: run tokengate store migrate/);
      assert.deepEqual(cliJson(['store', 'migrate', '--db', db.url]), { from: 0, to: 7 });
      assert.deepEqual(cliJson(['store', 'migrate', '--db', db.url]), { from: 7, to: 7 });
      assert.equal(cli(['client', 'list', '--db', db.url]).status, 0);
    } finally {
      dropDatabase(db.name);
    }
  });
});
