// /metrics on the admin listener, read with the Prometheus reference parser: the counters move by
// exactly the requests made, in issuer and in proxy mode; the public listener serves none of it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { GOOD, startFakeUpstream } from './support/fake_upstream.mjs';
import { scrape, value } from './support/metrics.mjs';
import { getToken, introspect, revoke } from './support/token_ops.mjs';
import { basic, cliJson, postToken, removeDir, startServer } from './support/tokengate.mjs';

describe('metrics in issuer mode', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('the exposition parses, and names the build, the process and the snapshot', async () => {
    const m = await scrape(server.adminBase);
    assert.equal(m.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(value(m, 'tokengate_build_info', { mode: 'issuer', version: '0.1.0' }), 1);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds',
      'process_max_fds', 'process_start_time_seconds']) {
      assert.ok(m.samples.some((s) => s.name === name), `${name} is missing`);
    }
    assert.ok(value(m, 'process_resident_memory_bytes') > 1e6);
    const started = value(m, 'process_start_time_seconds');
    assert.ok(Math.abs(started - Date.now() / 1000) < 120, `process_start_time_seconds ${started}`);
    assert.equal(value(m, 'tokengate_clients'), 1, 'the demo client');
    assert.equal(value(m, 'tokengate_signing_key_active'), 1);
    assert.equal(value(m, 'tokengate_signing_keys_published'), 1);
    assert.equal(value(m, 'tokengate_store_up'), 1);
    assert.ok(value(m, 'tokengate_snapshot_age_seconds') < 120);
  });

  test('counters move by exactly the requests made', async () => {
    const demo = { id: server.demo.id, secret: server.demo.secret };
    const m0 = await scrape(server.adminBase);
    for (let i = 0; i < 5; i++) await getToken(server.base, demo);
    for (let i = 0; i < 3; i++) {
      const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(demo.id, 'wrong') });
      assert.equal(r.status, 401);
    }
    const unsupported = await postToken(server.base, { form: { grant_type: 'password' }, auth: basic(demo.id, demo.secret) });
    assert.equal(unsupported.status, 400);
    const cells = await postToken(server.base, { path: '/v4.0/cells/connect/token',
      form: { grant_type: 'client_credentials', client_id: demo.id, client_secret: demo.secret } });
    assert.equal(cells.status, 200);
    const token = await getToken(server.base, demo);
    assert.equal((await introspect(server.base, demo, token)).status, 200);
    assert.equal((await introspect(server.base, demo, token)).status, 200);
    assert.equal((await revoke(server.base, demo, token)).status, 200);
    assert.equal((await fetch(`${server.base}/no/such/route`)).status, 404);
    const m1 = await scrape(server.adminBase);

    const delta = (name, labels) => value(m1, name, labels) - value(m0, name, labels);
    const route = '/connect/token';
    assert.equal(delta('tokengate_token_requests_total', { route, outcome: 'issued' }), 6);
    assert.equal(delta('tokengate_token_requests_total', { route, outcome: 'client_error', error: 'invalid_client' }), 3);
    assert.equal(delta('tokengate_token_requests_total', { route, outcome: 'client_error', error: 'unsupported_grant_type' }), 1);
    assert.equal(delta('tokengate_token_requests_total', { route: '/v4.0/cells/connect/token', outcome: 'issued' }), 1);
    assert.equal(delta('tokengate_token_requests_total', { outcome: 'server_error' }), 0);
    assert.equal(delta('tokengate_token_request_duration_seconds_count', { route }), 10);
    assert.equal(delta('tokengate_token_request_duration_seconds_bucket', { route, le: '+Inf' }), 10);
    assert.ok(delta('tokengate_token_request_duration_seconds_sum', { route }) > 0);
    assert.equal(delta('tokengate_introspection_requests_total', { outcome: 'answered' }), 2);
    assert.equal(delta('tokengate_revocations_total', { outcome: 'revoked' }), 1);
    assert.equal(delta('tokengate_http_requests_total', { route: '(unmatched)', outcome: 'client_error', error: 'not_found' }), 1);
    assert.equal(delta('tokengate_http_requests_total', { route: '/metrics', outcome: 'ok' }), 1, 'the first scrape');
    assert.equal(value(m1, 'tokengate_revocations'), 1, 'the revoked token is in the snapshot');
  });

  test('a client created with the CLI shows in the snapshot gauge', async () => {
    cliJson(['client', 'create', '--name', 'counted', '--data-dir', server.dataDir]);
    let clients = 0;
    for (let i = 0; i < 40 && clients !== 2; i++) {
      clients = value(await scrape(server.adminBase), 'tokengate_clients');
      if (clients !== 2) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(clients, 2);
  });

  test('the public listener serves neither /metrics nor /admin/ nor /console', async () => {
    for (const path of ['/metrics', '/admin/v1/clients', '/admin/v1/openapi.json', '/console']) {
      assert.equal((await fetch(`${server.base}${path}`)).status, 404, path);
    }
  });
});

describe('metrics in proxy mode', () => {
  let upstream;
  let proxy;
  before(async () => {
    upstream = await startFakeUpstream();
    proxy = await startServer({ args: ['--upstream-token-url', upstream.url, '--upstream-retries', '0'] });
  });
  after(async () => { await proxy.stop(); await upstream.close(); removeDir(proxy.dataDir); });

  test('cache hits and misses, upstream calls and their failures', async () => {
    const m0 = await scrape(proxy.adminBase);
    assert.equal(value(m0, 'tokengate_build_info', { mode: 'proxy' }), 1);
    assert.equal(value(m0, 'tokengate_upstream_circuit_state'), 0, 'closed');
    const form = { grant_type: 'client_credentials' };
    for (let i = 0; i < 3; i++) assert.equal((await postToken(proxy.base, { form, auth: basic(GOOD.id, GOOD.secret) })).status, 200);
    assert.equal((await postToken(proxy.base, { form, auth: basic(GOOD.id, 'wrong') })).status, 401);
    upstream.state.mode = '500';
    assert.equal((await postToken(proxy.base, { form: { ...form, scope: 'other' }, auth: basic(GOOD.id, GOOD.secret) })).status, 502);
    upstream.state.mode = 'ok';
    const m1 = await scrape(proxy.adminBase);
    const delta = (name, labels) => value(m1, name, labels) - value(m0, name, labels);
    assert.equal(delta('tokengate_token_cache_hits_total'), 2);
    assert.equal(delta('tokengate_token_cache_misses_total'), 3);
    assert.equal(delta('tokengate_upstream_requests_total', { outcome: 'answered' }), 3);
    assert.equal(delta('tokengate_upstream_request_duration_seconds_count'), 3);
    const route = '/connect/token';
    assert.equal(delta('tokengate_token_requests_total', { route, outcome: 'issued' }), 3);
    assert.equal(delta('tokengate_token_requests_total', { route, outcome: 'client_error', error: 'invalid_client' }), 1);
    assert.equal(delta('tokengate_token_requests_total', { route, outcome: 'upstream_error' }), 1);
    assert.equal(delta('tokengate_token_requests_total', { route, outcome: 'server_error' }), 0);
  });

  test('the admin API is not there in proxy mode, and says why', async () => {
    const r = await fetch(`${proxy.adminBase}/admin/v1/clients`);
    assert.equal(r.status, 404);
    assert.match((await r.json()).message, /Proxy mode has no admin API/);
  });
});
