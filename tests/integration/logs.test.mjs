// No secret and no token ever appears in a log line, at the most verbose level, whatever the
// request (good, bad, Cells query credentials, CLI changes picked up by the server).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { GOOD, startFakeUpstream } from './support/fake_upstream.mjs';
import { clientReady, until } from './support/token_ops.mjs';
import { basic, cli, cliJson, postToken, rawRequest, removeDir, startServer } from './support/tokengate.mjs';

describe('logs', () => {
  test('carry no secret and no token', async () => {
    const server = await startServer({ args: ['--log-level', 'trace'] });
    const store = ['--data-dir', server.dataDir];
    const secrets = [server.demo.secret];
    const tokens = [];
    try {
      const c = cliJson(['client', 'create', '--name', 'logged', '--scope', 'x', ...store]);
      secrets.push(c.client_secret);
      await clientReady(server.base, c);
      const id = c.client_id;
      const form = { grant_type: 'client_credentials' };
      const responses = [
        await postToken(server.base, { form, auth: basic(id, c.client_secret) }),
        await postToken(server.base, { form: { ...form, client_id: id, client_secret: c.client_secret } }),
        await postToken(server.base, { path: '/v4.0/cells/connect/token', query: `?ClientId=${id}&ClientSecret=${c.client_secret}`, form: {} }),
        await postToken(server.base, { form, auth: basic(id, 'wrong-secret-value-1234567890') }),
        await postToken(server.base, { form: { ...form, scope: 'nope' }, auth: basic(id, c.client_secret) }),
        await postToken(server.base, { path: `/no/route/${c.client_secret}`, form }),
        await postToken(server.base, { path: `/v4.0/cells/${c.client_secret}`, form }),
      ];
      secrets.push('wrong-secret-value-1234567890');
      for (const r of responses) if (r.body.access_token) tokens.push(r.body.access_token);
      assert.equal(tokens.length, 3);
      await rawRequest(server.port, `GET /healthz?ClientSecret=${c.client_secret} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const rotated = cliJson(['client', 'rotate-secret', id, ...store]);
      secrets.push(rotated.client_secret);
      const keys = async () => (await (await fetch(`${server.base}/.well-known/jwks.json`)).json()).keys.length;
      const keysBefore = await keys();
      cli(['key', 'rotate', ...store]);
      // The server picks both changes up (and logs what it does about them) before it stops.
      await until(async () => (await postToken(server.base, { form, auth: basic(id, c.client_secret) })).status === 401 &&
        (await keys()) > keysBefore, 'the server picks up the new secret and the new key', 1500);
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
    const log = server.stderr();
    assert.match(log, /POST \/connect\/token 200/, 'the access log was on');
    assert.match(log, /POST \/v4\.0\/cells\/connect\/token 200/);
    assert.match(log, /POST - 404/, 'an unknown path is logged as "-"');
    assert.match(log, /POST \/v4\.0\/cells\/\* 401/);  // no token: refused before the 501
    for (const s of secrets) assert.ok(!log.includes(s), 'a client secret is in the log');
    for (const t of tokens) {
      for (const part of t.split('.')) assert.ok(!log.includes(part), 'a token (or part of one) is in the log');
    }
  });

  test('carry no secret and no token in proxy mode either', async () => {
    const upstream = await startFakeUpstream();
    const proxy = await startServer({ args: ['--upstream-token-url', upstream.url, '--log-level', 'trace'] });
    const tokens = [];
    try {
      const form = { grant_type: 'client_credentials' };
      tokens.push((await postToken(proxy.base, { form, auth: basic(GOOD.id, GOOD.secret) })).body.access_token);
      await postToken(proxy.base, { form, auth: basic(GOOD.id, 'wrong-upstream-secret') });
      await postToken(proxy.base, { path: '/v4.0/cells/connect/token', query: `?ClientId=${GOOD.id}&ClientSecret=${GOOD.secret}`, form: {} });
      upstream.state.mode = '503';
      await postToken(proxy.base, { form: { ...form, scope: 'z' }, auth: basic(GOOD.id, GOOD.secret) });
    } finally {
      await proxy.stop();
      await upstream.close();
      removeDir(proxy.dataDir);
    }
    const log = proxy.stderr();
    assert.match(log, /POST \/connect\/token 200/);
    for (const s of [GOOD.secret, 'wrong-upstream-secret', ...tokens]) assert.ok(!log.includes(s), `${s} is in the log`);
  });

  test('as JSON lines: every line an object; a request id per request, offered or made, in the answer and the log', async () => {
    const server = await startServer({ args: ['--log-format', 'json', '--log-level', 'trace'] });
    const demo = server.demo;
    let offered;
    let made;
    let wrong;
    try {
      offered = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(demo.id, demo.secret),
        headers: { 'x-request-id': 'trace-me-42' } });
      made = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(demo.id, demo.secret),
        headers: { 'x-request-id': 'not sane \u00e9' } });
      wrong = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(demo.id, 'wrong-secret-in-json') });
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
    assert.equal(offered.headers.get('x-request-id'), 'trace-me-42');
    assert.match(made.headers.get('x-request-id'), /^[0-9a-f]{16}$/, 'an insane id is replaced');
    assert.match(wrong.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
    const lines = server.stderr().trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line));  // throws on a line that is not JSON
    for (const e of entries) {
      assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(['trace', 'debug', 'info', 'warning', 'error', 'critical'].includes(e.level), e.level);
      assert.equal(typeof e.message, 'string');
    }
    const access = entries.filter((e) => e.route === '/connect/token' && e.status);
    assert.equal(access.length, 3);
    assert.deepEqual(access.map((e) => e.request_id),
      ['trace-me-42', made.headers.get('x-request-id'), wrong.headers.get('x-request-id')]);
    assert.deepEqual(access.map((e) => e.status), [200, 200, 401]);
    for (const e of access) {
      assert.equal(e.client_id, demo.id);
      assert.equal(e.method, 'POST');
      assert.equal(typeof e.duration_ms, 'number');
    }
    assert.ok(entries.some((e) => /listening on/.test(e.message)));
    const log = server.stderr();
    for (const secret of [demo.secret, 'wrong-secret-in-json', offered.body.access_token, made.body.access_token]) {
      assert.ok(!log.includes(secret), 'a secret or token is in the JSON log');
    }
  });
});
