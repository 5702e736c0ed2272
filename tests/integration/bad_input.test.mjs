// Every kind of bad input gets its RFC 6749 §5.2 error (or the HTTP status docs/CONTRACT.md names), with
// the `code`/`message` members, and the server stays up and keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { basic, cliJson, postToken, rawRequest, removeDir, startServer } from './support/tokengate.mjs';

describe('bad input', () => {
  let server;
  let good;  // Basic header of a working client
  let disabled;
  before(async () => {
    server = await startServer();
    good = basic(server.demo.id, server.demo.secret);
    disabled = cliJson(['client', 'create', '--name', 'off', '--data-dir', server.dataDir]);
    cliJson(['client', 'disable', disabled.client_id, '--data-dir', server.dataDir]);
    await new Promise((r) => setTimeout(r, 1200));  // picked up within 1 s
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  function assertError(r, status, error) {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error, error);
    assert.equal(r.body.code, status);
    assert.equal(typeof r.body.message, 'string');
    assert.ok(r.body.message.length > 10);
    assert.equal(r.body.error_description, r.body.message);
  }

  async function raw(requestText) {
    return rawRequest(server.port, requestText);
  }

  function tokenRequest(body, headers = []) {
    return ['POST /connect/token HTTP/1.1', 'Host: x', 'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${Buffer.byteLength(body)}`, ...headers, 'Connection: close', '', body].join('\r\n');
  }

  test('missing grant_type', async () => {
    assertError(await postToken(server.base, { form: {}, auth: good }), 400, 'invalid_request');
  });

  test('repeated parameter (RFC 6749 §3.2)', async () => {
    const r = await raw(tokenRequest('grant_type=client_credentials&scope=demo&scope=demo', [`Authorization: ${good}`]));
    assertError(r, 400, 'invalid_request');
    assert.match(r.body.message, /repeated/);
  });

  test('malformed percent-encoding', async () => {
    const r = await raw(tokenRequest('grant_type=client_%credentials', [`Authorization: ${good}`]));
    assertError(r, 400, 'invalid_request');
    assert.match(r.body.message, /percent-encoding/);
  });

  test('malformed Basic header', async () => {
    for (const auth of ['Basic ***', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Basic']) {
      assertError(await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth }), 400, 'invalid_request');
    }
  });

  test('non-Basic Authorization header', async () => {
    const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: 'Bearer abc.def.ghi' });
    assertError(r, 401, 'invalid_client');
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="tokengate"');
  });

  test('two Authorization headers', async () => {
    const r = await raw(tokenRequest('grant_type=client_credentials', [`Authorization: ${good}`, `Authorization: ${good}`]));
    assertError(r, 400, 'invalid_request');
  });

  test('credentials both in Basic and in the body', async () => {
    const r = await postToken(server.base, { form: { grant_type: 'client_credentials', client_id: server.demo.id, client_secret: server.demo.secret }, auth: good });
    assertError(r, 400, 'invalid_request');
    assert.match(r.body.message, /more than one way/);
  });

  test('unknown grant_type', async () => {
    assertError(await postToken(server.base, { form: { grant_type: 'password' }, auth: good }), 400, 'unsupported_grant_type');
  });

  test('wrong Content-Type', async () => {
    const res = await fetch(`${server.base}/connect/token`, { method: 'POST', headers: { authorization: good, 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    const body = await res.json();
    assertError({ status: res.status, body }, 400, 'invalid_request');
    assert.match(body.message, /x-www-form-urlencoded/);
  });

  test('body over 16 KiB is 413', async () => {
    const big = 'grant_type=client_credentials&pad=' + 'a'.repeat(17 * 1024);
    const r = await raw(tokenRequest(big, [`Authorization: ${good}`]));
    assertError(r, 413, 'invalid_request');
  });

  test('headers over 8 KiB are 431', async () => {
    const r = await raw(['GET /healthz HTTP/1.1', 'Host: x', `X-Filler: ${'b'.repeat(9 * 1024)}`, '', ''].join('\r\n'));
    assertError(r, 431, 'invalid_request');
  });

  test('HEAD gets the head of the GET answer and no body', async () => {
    // With Connection: close, everything the server sends arrives before the end of the stream.
    const r = await rawRequest(server.port, 'HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { headOnly: true });
    assert.equal(r.status, 200);
    assert.ok(Number(r.headers['content-length']) > 0);
    assert.equal(r.body, '', 'no body bytes after the head');
    const wrong = await rawRequest(server.port, 'HEAD /connect/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { headOnly: true });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.body, '');
  });

  test('garbage instead of HTTP is 400', async () => {
    const r = await raw('HELLO\x01 there\r\n\r\n');
    assert.equal(r.status, 400);
  });

  test('unknown route is JSON 404; wrong method is 405 with Allow', async () => {
    const nf = await fetch(`${server.base}/no/such/thing`);
    assertError({ status: nf.status, body: await nf.json() }, 404, 'not_found');
    const wm = await fetch(`${server.base}/connect/token`);
    assertError({ status: wm.status, body: await wm.json() }, 405, 'method_not_allowed');
    assert.equal(wm.headers.get('allow'), 'POST');
    const wm2 = await fetch(`${server.base}/.well-known/jwks.json`, { method: 'DELETE' });
    assert.equal(wm2.status, 405);
    assert.equal(wm2.headers.get('allow'), 'GET, HEAD');
  });

  test('wrong secret, unknown client and disabled client answer the same', async () => {
    const form = { grant_type: 'client_credentials' };
    const wrong = await postToken(server.base, { form, auth: basic(server.demo.id, 'not-the-secret') });
    const unknown = await postToken(server.base, { form, auth: basic('00000000-0000-4000-8000-000000000000', server.demo.secret) });
    const off = await postToken(server.base, { form, auth: basic(disabled.client_id, disabled.client_secret) });
    for (const r of [wrong, unknown, off]) {
      assertError(r, 401, 'invalid_client');
      assert.equal(r.headers.get('www-authenticate'), 'Basic realm="tokengate"');
      assert.deepEqual(r.body, wrong.body);
    }
    const viaBody = await postToken(server.base, { form: { ...form, client_id: server.demo.id, client_secret: 'nope' } });
    assertError(viaBody, 401, 'invalid_client');
    assert.equal(viaBody.headers.get('www-authenticate'), null);
  });

  test('no credentials at all is invalid_client', async () => {
    assertError(await postToken(server.base, { form: { grant_type: 'client_credentials' } }), 401, 'invalid_client');
  });

  test('Cells route: malformed query and missing secret', async () => {
    const r1 = await fetch(`${server.base}/v4.0/cells/connect/token?ClientId=a&ClientSecret=%zz`, { method: 'POST' });
    assertError({ status: r1.status, body: await r1.json() }, 400, 'invalid_request');
    const r2 = await fetch(`${server.base}/v4.0/cells/connect/token?ClientId=${server.demo.id}`, { method: 'POST' });
    assertError({ status: r2.status, body: await r2.json() }, 401, 'invalid_client');
  });

  test('after all of that the server is still up and issuing', async () => {
    assert.equal(server.child.exitCode, null);
    const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: good });
    assert.equal(r.status, 200);
  });
});
