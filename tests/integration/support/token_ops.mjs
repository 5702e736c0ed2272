// The token lifecycle calls the suites make over and over: get a token, introspect it (RFC 7662),
// revoke it (RFC 7009), present it to a status route, and poll until something holds.
import assert from 'node:assert/strict';
import http from 'node:http';

import { gauge } from './metrics.mjs';
import { basic, cliJson, postToken, sleep } from './tokengate.mjs';

// A client credentials grant with HTTP Basic `auth` over node:http, where fetch() cannot go: from a
// chosen loopback address (`from`), or on a given `agent` (a kept-alive connection); `path` is the
// route. Resolves with { status, headers (lower-case names), body (parsed JSON) }.
export function grantOver(base, auth, { from, agent = false, path = '/connect/token' } = {}) {
  const url = new URL(path, base);
  const body = 'grant_type=client_credentials';
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, agent,
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Client authentication for a form POST: HTTP Basic, or client_id/client_secret in the body.
function authenticated(client, form, post) {
  if (!client) return { form };
  if (post) return { form: { ...form, client_id: client.id, client_secret: client.secret } };
  return { form, auth: basic(client.id, client.secret) };
}

// A client credentials token for `client` ({ id, secret }); fails the test unless 200.
export async function getToken(base, client, form = {}) {
  const r = await postToken(base, { form: { grant_type: 'client_credentials', ...form }, auth: basic(client.id, client.secret) });
  assert.equal(r.status, 200, `token request: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.access_token;
}

// POST /connect/introspect as `client`; { status, headers, body }.
export function introspect(base, client, token, { post = false, extra = {} } = {}) {
  const form = token === undefined ? { ...extra } : { token, ...extra };
  return postToken(base, { path: '/connect/introspect', ...authenticated(client, form, post) });
}

// POST /connect/revocation as `client`; { status, headers, body }.
export function revoke(base, client, token, { post = false, extra = {} } = {}) {
  const form = token === undefined ? { ...extra } : { token, ...extra };
  return postToken(base, { path: '/connect/revocation', ...authenticated(client, form, post) });
}

// GET /v4.0/cells with the token as a Bearer credential; { status, headers, body }.
export async function cells(base, token) {
  const res = await fetch(`${base}/v4.0/cells`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* keep the text */ }
  return { status: res.status, headers: res.headers, body };
}

// Whether `client` sees `token` as active through introspection.
export async function isActive(base, client, token) {
  const r = await introspect(base, client, token);
  assert.equal(r.status, 200, `introspection: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.active;
}

// Polls `check` (async, truthy when done) every 25 ms; fails with `what` after `limitMs`.
// Returns how long it took, in ms.
export async function until(check, what, limitMs = 1000) {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > limitMs) assert.fail(`${what}: not so after ${limitMs} ms`);
    await sleep(25);
  }
}

// Creates a client on the server's store with the CLI's --json output already parsed (`created`),
// and waits until the running server accepts it (the server honours store changes within 1 s).
export async function clientReady(base, created) {
  const client = { id: created.client_id, secret: created.client_secret };
  await until(async () => (await postToken(base, { form: { grant_type: 'client_credentials' }, auth: basic(client.id, client.secret) })).status === 200,
    `client ${client.id} accepted`, 1500);
  return client;
}

// Waits until the running server's snapshot holds every client in its store (`--data-dir`), as its
// admin /metrics counts them: for suites where a token request per poll would count against a rate
// limit or a lock-out.
export async function clientsLoaded(server, limitMs = 1500) {
  const inStore = cliJson(['client', 'list', '--data-dir', server.dataDir]).length;
  await until(async () => (await gauge(server.adminBase, 'tokengate_clients')) === inStore, `${inStore} clients loaded`, limitMs);
}
