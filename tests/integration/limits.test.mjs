// Brute-force protection and rate limits, over loopback from several source addresses (clients
// bound to 127.0.0.2, 127.0.0.3, …): an attacker hammering one client ID is locked out (429) while
// the same client, with its right secret from another address, is served throughout; unknown and
// known client IDs look the same; spraying IDs from one address locks the address; the rate limits
// answer 429 with the RateLimit headers; and in proxy mode the wrong secrets never reach the
// upstream once the pair is locked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { GOOD, startFakeUpstream } from './support/fake_upstream.mjs';
import { clientsLoaded, grantOver } from './support/token_ops.mjs';
import { basic, cliJson, removeDir, sleep, startServer } from './support/tokengate.mjs';

// POST /connect/token from `from` (a loopback address) with HTTP Basic `auth`.
const grant = (base, auth, from, path) => grantOver(base, auth, { from, path });

function assertTooMany(r, what) {
  assert.equal(r.status, 429, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.ok(Number(r.headers['retry-after']) >= 1, `${what}: Retry-After`);
  assert.ok(r.headers['ratelimit-policy'], `${what}: RateLimit-Policy`);
  assert.match(r.headers.ratelimit, /r=0;t=\d+/, `${what}: RateLimit`);
  assert.equal(r.body.code, 429);
  assert.match(r.body.message, /retry in \d+ s/);
}

describe('brute-force protection (defaults: 10 failures per client and address, 100 per address, 60 s)', () => {
  let server;
  let victim;
  before(async () => {
    server = await startServer({ defaultLimits: true });
    victim = cliJson(['client', 'create', '--name', 'victim', '--data-dir', server.dataDir]);
    await clientsLoaded(server);  // not by token requests: their failures would count
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('an attacker hammering one client ID is locked out; the client from another address is served throughout', async () => {
    const wrong = basic(victim.client_id, 'not-the-secret');
    const right = basic(victim.client_id, victim.client_secret);
    const statuses = [];
    for (let i = 0; i < 15; i++) {
      statuses.push((await grant(server.base, wrong, '127.0.0.2')).status);
      assert.equal((await grant(server.base, right, '127.0.0.3')).status, 200, `the right secret from elsewhere, round ${i}`);
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), ...Array(5).fill(429)]);
    assertTooMany(await grant(server.base, wrong, '127.0.0.2'), 'the attacker, again');
    // The lock-out refuses failures only: the right secret from the attacker's address (a NAT they
    // share) is checked, one hash, and served; the attacker's next guess is still refused.
    assert.equal((await grant(server.base, right, '127.0.0.2')).status, 200, 'the right secret, from the locked pair');
    assertTooMany(await grant(server.base, wrong, '127.0.0.2'), 'the attacker, after the client was served');
  });

  test('unknown and known client IDs are indistinguishable', async () => {
    const known = [];
    const unknown = [];
    for (let i = 0; i < 12; i++) {
      known.push(await grant(server.base, basic(server.demo.id, 'wrong'), '127.0.0.4'));
      unknown.push(await grant(server.base, basic('no-such-client', 'wrong'), '127.0.0.5'));
    }
    assert.deepEqual(known.map((r) => r.status), unknown.map((r) => r.status));
    assert.deepEqual(known[0].body, unknown[0].body);
    assert.deepEqual(known[11].body.error, unknown[11].body.error);
  });

  test('spraying client IDs from one address locks the address', async () => {
    let first429;
    for (let i = 0; i < 110 && first429 === undefined; i++) {
      const r = await grant(server.base, basic(`sprayed-${i}`, 'x'), '127.0.0.6');
      if (r.status === 429) first429 = i;
    }
    assert.equal(first429, 100, 'the 101st failure from the address is refused');
    assertTooMany(await grant(server.base, basic(server.demo.id, 'wrong'), '127.0.0.6'), 'the sprayer, any ID');
    assert.equal((await grant(server.base, basic(server.demo.id, server.demo.secret), '127.0.0.6')).status, 200,
      'a right secret from the locked address is served');
    assertTooMany(await grant(server.base, basic('sprayed-x', 'x'), '127.0.0.6'), 'and the address is still locked');
    assert.equal((await grant(server.base, basic(server.demo.id, server.demo.secret), '127.0.0.7')).status, 200);
  });
});

describe('rate limits (--rate-limit client=5,address=8)', () => {
  let server;
  before(async () => { server = await startServer({ args: ['--rate-limit', 'client=5,address=8'] }); });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('a client over its rate gets 429 with the RateLimit headers; another client does not', async () => {
    const other = cliJson(['client', 'create', '--name', 'other', '--data-dir', server.dataDir]);
    await clientsLoaded(server);  // not by token requests: they would use up the rates
    const demo = basic(server.demo.id, server.demo.secret);
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await grant(server.base, demo, '127.0.0.2')).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    const over = await grant(server.base, demo, '127.0.0.3');  // per client, wherever it comes from
    assertTooMany(over, 'over the client rate');
    assert.match(over.headers['ratelimit-policy'], /q=5;w=1/);
    assert.equal((await grant(server.base, basic(other.client_id, other.client_secret), '127.0.0.4')).status, 200);
    await sleep(1100);  // time: the 1 s window of the client rate passes, so the bucket is full again
    assert.equal((await grant(server.base, demo, '127.0.0.2')).status, 200, 'the bucket refills');
  });

  test('an address over its rate gets 429 whatever the client', async () => {
    await sleep(1100);  // time: a 1 s window passes, so no bucket the test before drained carries over
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(cliJson(['client', 'create', '--name', `c${i}`, '--data-dir', server.dataDir]));
    await clientsLoaded(server);
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const c = ids[i % 3];
      statuses.push((await grant(server.base, basic(c.client_id, c.client_secret), '127.0.0.9')).status);
    }
    assert.equal(statuses.filter((s) => s === 200).length, 8, JSON.stringify(statuses));
    assert.ok(statuses.slice(8).every((s) => s === 429));
  });
});

describe('in proxy mode the limits stop wrong secrets before the upstream', () => {
  test('after the lock-out, no more calls reach the upstream', async () => {
    const upstream = await startFakeUpstream();
    const proxy = await startServer({ args: ['--upstream-token-url', upstream.url], defaultLimits: true });
    try {
      const before = upstream.state.requests;
      for (let i = 0; i < 30; i++) await grant(proxy.base, basic('some-client', `wrong-${i}`), '127.0.0.2');
      const reached = upstream.state.requests - before;
      assert.equal(reached, 10, `${reached} wrong secrets reached the upstream`);
    } finally {
      await proxy.stop();
      await upstream.close();
      removeDir(proxy.dataDir);
    }
  });
});

// Security round two, item 4: the client's bucket is charged only once it has authenticated.
describe('a client rate cannot be spent by whoever knows the client ID (--rate-limit client=5)', () => {
  let server;
  before(async () => { server = await startServer({ args: ['--rate-limit', 'client=5'] }); });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('wrong secrets from 20 addresses leave the real client served', async () => {
    const demo = server.demo;
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 3; j++) {
        const r = await grant(server.base, basic(demo.id, `wrong-${i}-${j}`), `127.0.1.${i + 1}`);
        assert.equal(r.status, 401, `a wrong secret is a 401, not a charge on the client's rate (${r.status})`);
      }
    }
    const r = await grant(server.base, basic(demo.id, demo.secret), '127.0.0.2');
    assert.equal(r.status, 200, `the real client after 60 wrong secrets: ${r.status} ${JSON.stringify(r.body)}`);
  });
});

// Security round two, item 3: in proxy mode each guess in flight holds a failure slot, and the
// upstream learns who the caller was.
describe('proxy mode: concurrent guesses cannot outrun the limit', () => {
  test('300 concurrent wrong secrets send at most 10 requests upstream; X-Forwarded-For names the caller', async () => {
    const upstream = await startFakeUpstream();
    upstream.state.mode = 'slow';
    upstream.state.delayMs = 300;
    const proxy = await startServer({ args: ['--upstream-token-url', upstream.url, '--token-cache=false'], defaultLimits: true });
    try {
      const before = upstream.state.requests;
      const answers = await Promise.all(Array.from({ length: 300 }, (_, i) =>
        grant(proxy.base, basic('some-client', `wrong-${i}`), '127.0.0.2')));
      const reached = upstream.state.requests - before;
      assert.ok(reached <= 10, `${reached} of 300 concurrent wrong secrets reached the upstream (limit 10)`);
      assert.ok(reached >= 1);
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((s) => s === 429).length + reached, 300, JSON.stringify(statuses.slice(0, 20)));
      assert.equal(upstream.state.lastHeaders['x-forwarded-for'], '127.0.0.2');
      // The right client from another address is not held back by the guesses in flight or counted.
      upstream.state.mode = 'ok';
      const good = await grant(proxy.base, basic(GOOD.id, GOOD.secret), '127.0.0.3');
      assert.equal(good.status, 200);
      assert.equal(upstream.state.lastHeaders['x-forwarded-for'], '127.0.0.3');
    } finally {
      await proxy.stop();
      await upstream.close();
      removeDir(proxy.dataDir);
    }
  });
});

// Security round two, item 8: a web page cannot make its visitors' browsers spend their address's
// failure budget (cross-site no-cors form posts).
describe('cross-site browser requests are refused before they count', () => {
  let server;
  before(async () => { server = await startServer({ defaultLimits: true }); });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  const post = (headers, secret = 'wrong') => fetch(`${server.base}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: `grant_type=client_credentials&client_id=${server.demo.id}&client_secret=${secret}`,
  });

  test('Sec-Fetch-Site: cross-site, a foreign Origin, Origin null: 403, and nothing counted', async () => {
    for (let i = 0; i < 15; i++) {
      for (const headers of [{ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        { origin: 'https://evil.example' }, { origin: 'null' }]) {
        const r = await post(headers);
        assert.equal(r.status, 403, JSON.stringify(headers));
        assert.match((await r.json()).message, /Cross-site requests/);
      }
    }
    // 45 refused posts later, the address is not locked: the real secret is served.
    assert.equal((await post({}, server.demo.secret)).status, 200);
    // Same-origin browser requests (the /docs page's "try it out") and non-browsers go through.
    const origin = server.base;
    assert.equal((await post({ 'sec-fetch-site': 'same-origin', origin }, server.demo.secret)).status, 200);
    assert.equal((await post({ origin }, server.demo.secret)).status, 200);
  });
});
