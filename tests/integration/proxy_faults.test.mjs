// Proxy mode against an upstream of the tests' own that fails on demand: each failure gives the
// status docs/CONTRACT.md names within the deadline, the proxy stays up, identical calls share one
// upstream request, and the circuit breaker opens and closes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { GOOD, startFakeUpstream } from './support/fake_upstream.mjs';
import { gauge } from './support/metrics.mjs';
import { until } from './support/token_ops.mjs';
import { basic, postToken, removeDir, sleep, startServer, tempDir } from './support/tokengate.mjs';

const good = basic(GOOD.id, GOOD.secret);
const grant = { grant_type: 'client_credentials' };

function startProxy(upstreamUrl, args = []) {
  return startServer({ args: ['--upstream-token-url', upstreamUrl, ...args] });
}

describe('proxy faults (cache off)', () => {
  let upstream;
  let proxy;
  before(async () => {
    upstream = await startFakeUpstream();
    proxy = await startProxy(upstream.url, ['--token-cache=false', '--upstream-timeout-ms', '1500',
      '--circuit-breaker-failures', '1000']);
  });
  after(async () => {
    await proxy.stop();
    await upstream.close();
    removeDir(proxy.dataDir);
  });

  async function expectAfter(mode, status, error, { delayMs = 0 } = {}) {
    upstream.state.mode = mode;
    upstream.state.delayMs = delayMs;
    const before = upstream.state.requests;
    const started = Date.now();
    const r = await postToken(proxy.base, { form: grant, auth: good });
    const elapsed = Date.now() - started;
    assert.equal(r.status, status, `${mode}: ${JSON.stringify(r.body)}`);
    if (error) {
      assert.equal(r.body.error, error);
      assert.equal(r.body.code, status);
      assert.equal(typeof r.body.message, 'string');
    }
    assert.ok(elapsed < 3000, `${mode} took ${elapsed} ms`);
    // The proxy is still up and serves the next good request.
    upstream.state.mode = 'ok';
    upstream.state.delayMs = 0;
    const next = await postToken(proxy.base, { form: grant, auth: good });
    assert.equal(next.status, 200);
    return { r, upstreamCalls: upstream.state.requests - before - 1, elapsed };
  }

  test('a good token response comes back intact, with no-store', async () => {
    const r = await postToken(proxy.base, { form: { ...grant, scope: 'a b' }, auth: good });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.body.issued_by, 'fake-upstream');  // fields we do not know are kept
    assert.equal(r.body.scope, 'a b');
    assert.equal(new URLSearchParams(upstream.state.lastBody).get('scope'), 'a b');
  });

  test('upstream 401 comes back with its fields intact plus code/message', async () => {
    const r = await postToken(proxy.base, { form: grant, auth: basic(GOOD.id, 'wrong') });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
    assert.equal(r.body.error_description, 'upstream says: bad client credentials');
    assert.equal(r.body.upstream_trace, 'abc');
    assert.equal(r.body.code, 401);
    assert.equal(r.body.message, 'upstream says: bad client credentials');
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="tokengate"');
  });

  test('upstream 400 without a description gets code and message', async () => {
    const { r } = await expectAfter('scope-error', 400, 'invalid_scope');
    assert.match(r.body.message, /invalid_scope/);
  });

  test('slow but within the deadline: 200', async () => {
    upstream.state.delayMs = 300;
    const r = await postToken(proxy.base, { form: grant, auth: good });
    upstream.state.delayMs = 0;
    assert.equal(r.status, 200);
  });

  test('hangs: 504 at the deadline', async () => {
    const { elapsed } = await expectAfter('hang', 504, 'temporarily_unavailable');
    assert.ok(elapsed >= 1400, `answered after ${elapsed} ms, before the deadline`);
  });

  test('closes mid-response: 502', async () => { await expectAfter('close-mid', 502, 'server_error'); });
  test('answers 500: 502, not retried', async () => {
    const { upstreamCalls } = await expectAfter('500', 502, 'server_error');
    assert.equal(upstreamCalls, 1);
  });
  test('answers 503: retried twice, then 503 with Retry-After', async () => {
    const { r, upstreamCalls } = await expectAfter('503', 503, 'temporarily_unavailable');
    assert.equal(upstreamCalls, 3);
    assert.equal(r.headers.get('retry-after'), '7');
  });
  test('answers 429: passed through with its Retry-After', async () => {
    const { r } = await expectAfter('429', 429, 'slow_down');
    assert.equal(r.headers.get('retry-after'), '42');
  });
  for (const mode of ['garbage-text', 'garbage-no-token', 'garbage-types', 'garbage-expires', 'garbage-huge-expires']) {
    test(`200 with garbage (${mode}): 502, never passed through`, async () => {
      const { r } = await expectAfter(mode, 502, 'server_error');
      assert.match(r.body.message, /invalid token response/);
    });
  }

  test('hop-by-hop and other caller headers are not forwarded', async () => {
    const r = await postToken(proxy.base, { form: grant, auth: good, headers: { cookie: 'session=1', 'x-forwarded-for': '10.0.0.1', te: 'trailers', 'x-custom': 'no' } });
    assert.equal(r.status, 200);
    const h = upstream.state.lastHeaders;
    for (const name of ['cookie', 'te', 'x-custom']) assert.equal(h[name], undefined, name);
    // Not what the caller claimed (it is no trusted proxy), but the address the proxy saw.
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['content-type'], 'application/x-www-form-urlencoded');
  });

  test('connections to the upstream are kept alive and reused', async () => {
    const before = upstream.state.connections;
    for (let i = 0; i < 20; ++i) assert.equal((await postToken(proxy.base, { form: grant, auth: good })).status, 200);
    assert.ok(upstream.state.connections - before <= 2, `${upstream.state.connections - before} new connections for 20 calls`);
  });

  test('the Cells route forwards query credentials', async () => {
    const q = `?ClientId=${GOOD.id}&ClientSecret=${GOOD.secret}`;
    const res = await fetch(`${proxy.base}/v4.0/cells/connect/token${q}`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).issued_by, 'fake-upstream');
  });
});

describe('proxy: client_secret_post upstream', () => {
  test('--upstream-auth post sends the credentials in the body, not in a Basic header', async () => {
    const upstream = await startFakeUpstream();
    const proxy = await startProxy(upstream.url, ['--upstream-auth', 'post']);
    try {
      const r = await postToken(proxy.base, { form: grant, auth: good });
      assert.equal(r.status, 200);
      assert.equal(upstream.state.lastHeaders.authorization, undefined);
      const sent = new URLSearchParams(upstream.state.lastBody);
      assert.equal(sent.get('client_id'), GOOD.id);
      assert.equal(sent.get('client_secret'), GOOD.secret);
      assert.equal(sent.get('grant_type'), 'client_credentials');
    } finally {
      await proxy.stop();
      await upstream.close();
      removeDir(proxy.dataDir);
    }
  });
});

describe('proxy: unreachable upstream', () => {
  test('connection refused: 503 temporarily_unavailable with Retry-After', async () => {
    const blocker = net.createServer();
    await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address();
    await new Promise((r) => blocker.close(r));  // now nothing listens there
    const proxy = await startProxy(`http://127.0.0.1:${port}/token`);
    try {
      const r = await postToken(proxy.base, { form: grant, auth: good });
      assert.equal(r.status, 503);
      assert.equal(r.body.error, 'temporarily_unavailable');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      assert.match(r.body.message, /cannot be reached/);
    } finally {
      await proxy.stop();
      removeDir(proxy.dataDir);
    }
  });
});

describe('proxy: token cache and single-flight', () => {
  test('100 identical concurrent requests make one upstream call; a wrong secret is never served from the cache', async () => {
    const upstream = await startFakeUpstream();
    const proxy = await startProxy(upstream.url);
    try {
      upstream.state.delayMs = 300;
      const all = await Promise.all(Array.from({ length: 100 }, () => postToken(proxy.base, { form: grant, auth: good })));
      assert.equal(upstream.state.requests, 1);
      const tokens = new Set(all.map((r) => r.body.access_token));
      assert.deepEqual([...tokens], ['token-1']);
      for (const r of all) assert.equal(r.status, 200);

      upstream.state.delayMs = 0;
      const wrong = await postToken(proxy.base, { form: grant, auth: basic(GOOD.id, 'not-the-secret') });
      assert.equal(wrong.status, 401);
      assert.equal(upstream.state.requests, 2, 'the wrong secret went upstream');

      await sleep(1100);  // time: a second passes, so the cached answer's expires_in shows its age (< 3600)
      const again = await postToken(proxy.base, { form: grant, auth: good });
      assert.equal(again.body.access_token, 'token-1');
      assert.equal(upstream.state.requests, 2, 'served from the cache');
      assert.ok(again.body.expires_in < 3600 && again.body.expires_in > 3500, `expires_in ${again.body.expires_in}`);
      assert.equal(again.body.issued_by, 'fake-upstream');

      const otherScope = await postToken(proxy.base, { form: { ...grant, scope: 'x' }, auth: good });
      assert.equal(otherScope.body.access_token, 'token-2', 'other grant parameters: another entry');

      upstream.state.mode = '500';  // errors are not cached
      await postToken(proxy.base, { form: { ...grant, scope: 'y' }, auth: good });
      upstream.state.mode = 'ok';
      const after = await postToken(proxy.base, { form: { ...grant, scope: 'y' }, auth: good });
      assert.equal(after.status, 200);
    } finally {
      await proxy.stop();
      await upstream.close();
      removeDir(proxy.dataDir);
    }
  });
});

describe('proxy: graceful stop', () => {
  test('SIGTERM while identical requests wait on one upstream call: every caller gets its token, exit 0', async () => {
    const upstream = await startFakeUpstream();
    const proxy = await startProxy(upstream.url);
    try {
      upstream.state.delayMs = 2000;
      const pending = Array.from({ length: 20 }, () => postToken(proxy.base, { form: grant, auth: good }));
      // All 20 are at the proxy and its one upstream call is out (answered after 2 s: room for a
      // loaded machine, or a sanitizer build, to get there first).
      await until(async () => upstream.state.requests === 1 &&
        (await gauge(proxy.adminBase, 'tokengate_http_connections')) >= 20, 'the 20 requests wait on the upstream call', 1800);
      proxy.child.kill('SIGTERM');
      const all = await Promise.all(pending);
      for (const r of all) assert.equal(r.status, 200);
      assert.equal(upstream.state.requests, 1);
      assert.deepEqual(await proxy.exited, { code: 0, signal: null });
    } finally {
      await proxy.stop();
      await upstream.close();
      removeDir(proxy.dataDir);
    }
  });
});

describe('proxy: circuit breaker', () => {
  test('opens after N consecutive failures, answers 503 at once, then one probe closes it', async () => {
    const upstream = await startFakeUpstream();
    const proxy = await startProxy(upstream.url, ['--circuit-breaker-failures', '3', '--circuit-breaker-cooldown-ms', '1000',
      '--upstream-retries', '0', '--token-cache=false']);
    try {
      upstream.state.mode = '500';
      for (let i = 0; i < 3; ++i) assert.equal((await postToken(proxy.base, { form: grant, auth: good })).status, 502);
      assert.equal(upstream.state.requests, 3);

      upstream.state.mode = 'ok';
      const refused = await postToken(proxy.base, { form: grant, auth: good });
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error, 'temporarily_unavailable');
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(upstream.state.requests, 3, 'the open circuit made no call');
      assert.equal((await fetch(`${proxy.base}/readyz`)).status, 503);

      await sleep(1100);  // time: the circuit's cooldown (1000 ms) must pass before it lets a probe through
      const probe = await postToken(proxy.base, { form: grant, auth: good });
      assert.equal(probe.status, 200);
      assert.equal(upstream.state.requests, 4);
      assert.equal((await fetch(`${proxy.base}/readyz`)).status, 200);
      assert.equal((await postToken(proxy.base, { form: grant, auth: good })).status, 200);
    } finally {
      await proxy.stop();
      await upstream.close();
      removeDir(proxy.dataDir);
    }
  });
});

describe('proxy: https upstream', () => {
  let dir;
  let tls;
  before(() => {
    dir = tempDir();
    const sh = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
      '-days', '2', '-subj', '/CN=tokengate test CA']);
    sh(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr',
      '-subj', '/CN=127.0.0.1']);
    writeFileSync(path.join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    sh(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem',
      '-days', '2', '-extfile', 'san.cnf']);
  });
  after(() => removeDir(dir));

  test('verified with --upstream-ca-file; refused without it', async () => {
    tls = { key: readFileSync(path.join(dir, 'server.key')), cert: readFileSync(path.join(dir, 'server.pem')) };
    const upstream = await startFakeUpstream({ tls });
    const trusted = await startProxy(upstream.url, ['--upstream-ca-file', path.join(dir, 'ca.pem')]);
    const untrusted = await startProxy(upstream.url);
    try {
      const ok = await postToken(trusted.base, { form: grant, auth: good });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.issued_by, 'fake-upstream');
      const refused = await postToken(untrusted.base, { form: grant, auth: good });
      assert.equal(refused.status, 502);
      assert.match(refused.body.message, /TLS/);
      assert.match(refused.body.message, /certificate verify failed/);
    } finally {
      await trusted.stop();
      await untrusted.stop();
      await upstream.close();
      removeDir(trusted.dataDir);
      removeDir(untrusted.dataDir);
    }
  });
});
