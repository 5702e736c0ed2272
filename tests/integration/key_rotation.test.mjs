// Signing key rotation on a running server (`serve --key-publish-delay 2`): `key rotate` publishes
// the new key in the JWKS at once and signs with it only after the delay, the JWKS max-age staying
// below the delay, so that a verifier that honours the max-age knows every key before it sees a
// token signed with it; `key rotate --now` switches at once; `key retire KID --now` withdraws a
// compromised key: gone from the JWKS, its tokens refused, a replacement signing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { cells, getToken, introspect, until } from './support/token_ops.mjs';
import { BIN, cli, decodeJwt, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

const run = promisify(execFile);

const DELAY_S = 2;
// `key rotate` reads key_publish_delay from its own configuration: give it the server's.
const CLI_ENV = { env: { ...process.env, TOKENGATE_KEY_PUBLISH_DELAY: String(DELAY_S) } };

function keyCli(args, store) {
  const r = cli(['key', ...args, '--json', ...store], CLI_ENV);
  assert.equal(r.status, 0, `key ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// `key retire KID [flags]`, the documented form, which also takes a kid beginning with '-' (one in
// 64 does: base64url); the test 'a kid that begins with "-"' below holds it to account. (Putting
// such a kid after `--` was refused as an unexpected argument: this helper failed one run in 64.)
function retireArgs(kid, flags, store) {
  return ['key', 'retire', kid, ...flags, ...store];
}

describe(`key rotation, serve --key-publish-delay ${DELAY_S}`, () => {
  let server;
  let store;
  let demo;
  before(async () => {
    server = await startServer({ args: ['--key-publish-delay', String(DELAY_S)] });
    store = ['--data-dir', server.dataDir];
    demo = { id: server.demo.id, secret: server.demo.secret };
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const jwks = async () => {
    const res = await fetch(`${server.base}/.well-known/jwks.json`);
    return { cacheControl: res.headers.get('cache-control'), kids: (await res.json()).keys.map((k) => k.kid) };
  };
  const tokenKid = async () => {
    const token = await getToken(server.base, demo);
    return { token, kid: decodeJwt(token).header.kid };
  };
  const statusOf = (kid) => keyCli(['list'], store).find((k) => k.kid === kid)?.status;

  test('the JWKS max-age stays below the publish delay', async () => {
    const { cacheControl } = await jwks();
    const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1]);
    assert.equal(cacheControl, 'public, max-age=1');
    assert.ok(maxAge < DELAY_S);
  });

  test('key rotate: the new key is published at once and signs only after the delay; no token is signed by a key not published before', async () => {
    const old = keyCli(['list'], store).find((k) => k.status === 'active').kid;
    const { token: oldToken } = await tokenKid();
    // Rotate late in a wall-clock second: a delay counted from a "now" truncated to whole seconds
    // would start signing up to a second early, and that would show here.
    while (Date.now() % 1000 < 750) await sleep(5);
    const started = Date.now();
    const rotated = keyCli(['rotate'], store);
    assert.notEqual(rotated.kid, old);
    assert.equal(rotated.alg, 'ES256');
    assert.equal(statusOf(rotated.kid), 'pending');
    assert.equal(statusOf(old), 'active');

    // Poll the JWKS, then a token, over and over: every token's kid must be in a JWKS fetched before it.
    const published = new Map();  // kid -> ms after `started` when first seen in the JWKS
    let signedAt;
    let lastOldAt;
    while (Date.now() - started < 4000 && signedAt === undefined) {
      for (const kid of (await jwks()).kids) if (!published.has(kid)) published.set(kid, Date.now() - started);
      const { kid } = await tokenKid();
      assert.ok(published.has(kid), `a token signed by ${kid}, which no earlier JWKS held`);
      if (kid === rotated.kid) signedAt = Date.now() - started;
      else {
        assert.equal(kid, old);
        lastOldAt = Date.now() - started;
      }
      await sleep(25);
    }
    assert.ok(published.get(rotated.kid) <= 1000, `in the JWKS within 1 s (after ${published.get(rotated.kid)} ms)`);
    assert.ok(lastOldAt >= published.get(rotated.kid), 'published while the old key still signed');
    assert.ok(signedAt !== undefined, 'the new key signs within 4 s');
    assert.equal(statusOf(rotated.kid), 'active');
    assert.equal(statusOf(old), 'retired');
    assert.ok((await jwks()).kids.includes(old), 'the old key stays published for its tokens');
    assert.equal((await cells(server.base, oldToken)).status, 200, 'a token of the old key is still accepted');
    assert.equal((await introspect(server.base, demo, oldToken)).body.active, true);

    assert.ok(signedAt >= DELAY_S * 1000 - 50 && signedAt <= DELAY_S * 1000 + 1500,
      `the new key signs ${DELAY_S} s to ${DELAY_S + 1.5} s after key rotate (after ${signedAt} ms; activates_at ${rotated.activates_at}, rotated at ${started / 1000})`);
    assert.ok(signedAt - published.get(rotated.kid) >= 1000,
      `published ${signedAt - published.get(rotated.kid)} ms before it signed: at least the JWKS max-age (1 s)`);
  });

  test('key rotate --now: the new key signs within 1 s', async () => {
    const old = keyCli(['list'], store).find((k) => k.status === 'active').kid;
    const { token: oldToken } = await tokenKid();
    const rotated = keyCli(['rotate', '--now'], store);
    const took = await until(async () => (await tokenKid()).kid === rotated.kid, 'signing with the new key');
    assert.ok(took <= 1000);
    const { kids } = await jwks();
    assert.ok(kids.includes(rotated.kid) && kids.includes(old));
    assert.equal(statusOf(rotated.kid), 'active');
    assert.equal(statusOf(old), 'retired');
    assert.equal((await cells(server.base, oldToken)).status, 200);
  });

  test('key retire KID --now on the active key: out of the JWKS, its tokens refused, a replacement signs', async () => {
    // A key retired by a rotation (not withdrawn), with a token of its own, beside the active one.
    const earlier = keyCli(['list'], store).find((k) => k.status === 'active').kid;
    const { token: earlierToken } = await tokenKid();
    const compromised = keyCli(['rotate', '--now'], store).kid;
    await until(async () => (await tokenKid()).kid === compromised, 'signing with the rotated key');
    const { token: victim } = await tokenKid();
    assert.equal((await cells(server.base, victim)).status, 200);

    const r = cli(retireArgs(compromised, ['--now', '--json'], store), CLI_ENV);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.withdrawn, compromised);
    assert.ok(out.replacement && out.replacement !== compromised, JSON.stringify(out));
    await until(async () => !(await jwks()).kids.includes(compromised), 'withdrawn from the JWKS');
    const refused = await cells(server.base, victim);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate'), /error="invalid_token"/);
    assert.deepEqual((await introspect(server.base, demo, victim)).body, { active: false });
    await until(async () => (await tokenKid()).kid === out.replacement, 'signing with the replacement');
    const fresh = (await tokenKid()).token;
    assert.equal((await cells(server.base, fresh)).status, 200);
    assert.equal((await introspect(server.base, demo, fresh)).body.active, true);
    assert.ok((await jwks()).kids.includes(out.replacement));
    assert.ok((await jwks()).kids.includes(earlier), 'a key that was only retired stays published');
    assert.equal((await cells(server.base, earlierToken)).status, 200, 'and its tokens are still accepted');
    // Status lists are signed by a published key too.
    const list = await fetch(decodeJwt(fresh).payload.status.status_list.uri);
    assert.equal(decodeJwt(await list.text()).header.kid, out.replacement);

    const after = keyCli(['list'], store);
    assert.equal(after.find((k) => k.kid === compromised).status, 'withdrawn');
    assert.equal(after.find((k) => k.kid === out.replacement).status, 'active');
    assert.equal(after.find((k) => k.kid === earlier).status, 'retired');
    assert.deepEqual([...new Set(after.map((k) => k.status))].sort(), ['active', 'retired', 'withdrawn']);

    // A key that no longer signs can be withdrawn too: no replacement is needed.
    const r2 = cli(retireArgs(earlier, ['--now', '--json'], store), CLI_ENV);
    assert.equal(r2.status, 0, r2.stderr);
    const out2 = JSON.parse(r2.stdout);
    assert.equal(out2.withdrawn, earlier);
    assert.equal(out2.replacement, undefined, r2.stdout);
    await until(async () => (await cells(server.base, earlierToken)).status === 401, "the withdrawn key's token refused");
    assert.ok(!(await jwks()).kids.includes(earlier));
    assert.equal((await tokenKid()).kid, out.replacement, 'the replacement still signs');
  });

  test('key retire: without --now exit code 2, an unknown kid exit code 1; nothing changes', async () => {
    const before = keyCli(['list'], store);
    const active = before.find((k) => k.status === 'active').kid;
    const noNow = cli(retireArgs(active, [], store), CLI_ENV);
    assert.equal(noNow.status, 2, noNow.stderr);
    assert.match(noNow.stderr, /--now/);
    const unknown = cli(['key', 'retire', 'no-such-kid', '--now', ...store], CLI_ENV);
    assert.equal(unknown.status, 1, unknown.stderr);
    assert.match(unknown.stderr, /no-such-kid/);
    assert.deepEqual(keyCli(['list'], store), before);
  });
});

describe('key retire, the command line', () => {
  test('a kid that begins with "-" can be retired as documented: key retire KID --now', async (t) => {
    // No server: stores of one key each, made in parallel by `key rotate --now`, until a kid begins
    // with '-' and then a letter, '-' or '_' (about 1 in 75; after '-' a digit reads as a number).
    const dirs = [];
    try {
      let found;
      const started = Date.now();
      while (!found && Date.now() - started < 8000) {
        const batch = Array.from({ length: 8 }, () => tempDir());
        dirs.push(...batch);
        const kids = await Promise.all(batch.map(async (dir) => {
          const { stdout } = await run(BIN, ['key', 'rotate', '--now', '--json', '--data-dir', dir], CLI_ENV);
          return { dir, kid: JSON.parse(stdout).kid };
        }));
        found = kids.find((k) => /^-[^0-9]/.test(k.kid));
      }
      if (!found) return t.skip('no kid beginning with "-" turned up in 8 s');
      const store = ['--data-dir', found.dir];
      const r = cli(['key', 'retire', found.kid, '--now', '--json', ...store], CLI_ENV);
      assert.equal(r.status, 0, `tokengate key retire ${found.kid} --now --json: exit ${r.status}: ${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).withdrawn, found.kid);
      assert.equal(keyCli(['list'], store).find((k) => k.kid === found.kid).status, 'withdrawn');
    } finally {
      for (const dir of dirs) removeDir(dir);
    }
  });
});
