// Every Aspose.Cells Cloud SDK language, as its published sources send its requests (read from the
// SDKs' repositories; nothing of theirs is copied here): the route each authenticates at for each
// API version it can be set to, its form body (percent-encoded or, for .NET, concatenated as it
// is), its headers (Accept, x-aspose-client*, PHP's Bearer header on the token request), its
// PostAccessToken (credentials in the query, Content-Type: application/json and no body), the
// status calls with the token it got, a wrong secret (the SDKs read `code` and `message`), and its
// renewal pattern (Go: a token before every call; .NET: a 401, a new token, the call again; the
// others: the same token until 86,300 s, which the token's lifetime must outlast). In issuer mode
// and in proxy mode (in front of a tokengate issuer's Cells route, whose expires_in is kept). The
// result is printed as a table; README.md keeps a copy.
//
// Node.js and C++ SDKs authenticate at /connect/token (aspose_sdk_matrix runs the real Node SDK).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { startProxyInFrontOfIssuer } from '../integration/support/proxy_fixture.mjs';
import { clientReady } from '../integration/support/token_ops.mjs';
import { cliJson, removeDir, startServer } from '../integration/support/tokengate.mjs';

const VERSIONS = ['v1.1', 'v3.0', 'v4.0'];
const encoded = (pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
const form = (id, secret) => [['grant_type', 'client_credentials'], ['client_id', id], ['client_secret', secret]];
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

// Each SDK: where it authenticates at `version`, the request it sends there, and its renewal.
const SDKS = [
  {
    sdk: 'Python 26.1.1', renewal: 'keep',
    authPath: (v) => (v === 'v1.1' ? '/oauth2/token' : '/v3.0/cells/connect/token'),
    auth: (id, secret) => ({ headers: { ...FORM, Accept: 'application/json', 'x-aspose-client': 'python sdk', 'x-aspose-client-version': '26.1.1' }, body: encoded(form(id, secret)) }),
  },
  {
    sdk: 'Go v26', renewal: 'every call',
    authPath: (v) => (v === 'v1.1' ? '/oauth2/token' : '/v3.0/cells/connect/token'),
    // http.PostForm: url.Values.Encode() sorts the keys.
    auth: (id, secret) => ({ headers: { ...FORM, 'User-Agent': 'Go-http-client/1.1', 'Accept-Encoding': 'gzip' },
      body: encoded([['client_id', id], ['client_secret', secret], ['grant_type', 'client_credentials']]) }),
  },
  {
    sdk: 'Java 25.12', renewal: 'keep', authPath: () => '/v3.0/cells/connect/token',
    auth: (id, secret) => ({ headers: { ...FORM, Accept: 'application/json', 'x-aspose-client': 'java sdk', 'x-aspose-client-version': '25.12' }, body: encoded(form(id, secret)) }),
  },
  {
    sdk: '.NET 26.x', renewal: 'on 401', authPath: () => '/v3.0/cells/connect/token',
    // The body is concatenated without percent-encoding.
    auth: (id, secret) => ({ headers: { ...FORM, 'x-aspose-client': '.net sdk', 'x-aspose-client-version': '26.1' },
      body: `grant_type=client_credentials&client_id=${id}&client_secret=${secret}` }),
  },
  {
    sdk: 'PHP (Guzzle 7)', renewal: 'keep', authPath: () => '/v3.0/cells/connect/token',
    // Guzzle sends the configured token, if any, on every request, this one included.
    auth: (id, secret, current) => ({ headers: { ...FORM, Accept: 'application/json', 'x-aspose-client': 'php sdk', 'x-aspose-client-version': '25.12',
      ...(current ? { Authorization: `Bearer ${current}` } : {}) }, body: encoded(form(id, secret)) }),
  },
  {
    sdk: 'Ruby (Faraday)', renewal: 'keep', authPath: () => '/v3.0/cells/connect/token',
    auth: (id, secret) => ({ headers: { ...FORM, Accept: 'application/json', 'x-aspose-client': 'ruby sdk', 'User-Agent': 'Faraday v2.9.0' }, body: encoded(form(id, secret)) }),
  },
  {
    sdk: 'Perl 26.2 (LWP)', renewal: 'keep', authPath: () => '/v3.0/cells/connect/token',
    auth: (id, secret) => ({ headers: { ...FORM, 'x-aspose-client': 'perl sdk', 'User-Agent': 'libwww-perl/6.68' }, body: encoded(form(id, secret)) }),
  },
];

// One request with exactly these headers and body (node adds Host, Connection and, for a body,
// Content-Length); the answer's status, headers and JSON.
function send(base, method, path, headers = {}, body = undefined) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, json, text });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const bearer = (token) => ({ Authorization: `Bearer ${token}`, Accept: 'application/json' });
// PostAccessToken: credentials in the query, application/json, no body (Go and .NET send none).
const postAccessToken = (base, id, secret, token) => send(base, 'POST',
  `/v4.0/cells/connect/token?ClientId=${encodeURIComponent(id)}&ClientSecret=${encodeURIComponent(secret)}`,
  { ...bearer(token), 'Content-Type': 'application/json' }, '');

async function authenticate(base, entry, version, client, current) {
  const { headers, body } = entry.auth(client.id, client.secret, current);
  return send(base, 'POST', entry.authPath(version), headers, body);
}

// One SDK at one version: every step, each a cell of the table.
async function runSdk(base, entry, version, client, { minLifetime, unusable }) {
  const row = {};
  const auth = await authenticate(base, entry, version, client);
  assert.equal(auth.status, 200, `${entry.sdk} ${version}: ${auth.text}`);
  assert.equal(auth.json.token_type, 'Bearer');
  assert.ok(auth.json.expires_in >= minLifetime, `${entry.sdk} ${version}: expires_in ${auth.json.expires_in} < ${minLifetime}`);
  row.auth = `✓ ${entry.authPath(version)} (${auth.json.expires_in} s)`;
  let token = auth.json.access_token;

  const pat = await postAccessToken(base, client.id, client.secret, token);
  assert.equal(pat.status, 200, pat.text);
  assert.ok(pat.json.access_token);
  row.postAccessToken = '✓';

  for (const path of ['/v4.0/cells', '/v4.0/cells/status/check']) {
    const r = await send(base, 'GET', path, bearer(token));
    assert.equal(r.status, 200, `${path}: ${r.text}`);
  }
  row.status = '✓';

  const wrong = await authenticate(base, entry, version, { id: client.id, secret: `${client.secret}x` });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.code, 401);
  assert.match(wrong.json.message, /client/i);
  row.wrongSecret = `401 "${wrong.json.error}"`;

  if (entry.renewal === 'every call') {
    for (let i = 0; i < 3; i++) {
      const again = await authenticate(base, entry, version, client);
      assert.equal(again.status, 200);
      assert.equal((await send(base, 'GET', '/v4.0/cells', bearer(again.json.access_token))).status, 200);
    }
    row.renewal = '✓ a token before each call';
  } else if (entry.renewal === 'on 401') {
    const stale = await unusable(token, client);
    const refused = await send(base, 'GET', '/v4.0/cells', bearer(stale));
    assert.equal(refused.status, 401);
    const renewed = await authenticate(base, entry, version, client);
    assert.equal(renewed.status, 200);
    assert.equal((await send(base, 'GET', '/v4.0/cells', bearer(renewed.json.access_token))).status, 200);
    row.renewal = '✓ 401 → new token → call again';
  } else {
    // The same token, and PHP's next token request carries it as a Bearer header (ignored here).
    const next = await authenticate(base, entry, version, client, token);
    assert.equal(next.status, 200, next.text);
    assert.equal((await send(base, 'GET', '/v4.0/cells', bearer(token))).status, 200);
    row.renewal = `✓ kept ${auth.json.expires_in} s (renews at 86,300 s)`;
  }
  return row;
}

function printTable(mode, rows) {
  const header = '| SDK | API version | mode | authentication | PostAccessToken | status calls | wrong secret | renewal |';
  console.log([header, '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.sdk} | ${r.version} | ${mode} | ${r.auth} | ${r.postAccessToken} | ${r.status} | ${r.wrongSecret} | ${r.renewal} |`), ''].join('\n'));
}

// A token that stopped being accepted: a signature that no longer matches.
const tampered = async (token) => `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;

describe('every Cells SDK language, issuer mode', () => {
  let server;
  let client;
  before(async () => {
    server = await startServer();
    client = await clientReady(server.base, cliJson(['client', 'create', '--name', 'sdk', '--data-dir', server.dataDir]));
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('each SDK, at each API version it can be set to', async () => {
    const rows = [];
    for (const entry of SDKS) {
      for (const version of VERSIONS) {
        const row = await runSdk(server.base, entry, version, client, {
          // Every route of the SDKs: 86,400 s (they keep a token 86,300 s).
          minLifetime: 86400,
          unusable: tampered,
        });
        rows.push({ sdk: entry.sdk, version, ...row });
      }
    }
    printTable('issuer', rows);
  });

  test('a token from an SDK route lives 86,400 s, a client\'s own lifetime wins, /connect/token keeps its default', async () => {
    const short = await clientReady(server.base, cliJson(['client', 'create', '--name', 'short', '--ttl', '600', '--data-dir', server.dataDir]));
    const viaCells = await authenticate(server.base, SDKS[0], 'v3.0', client);
    assert.equal(viaCells.json.expires_in, 86400);
    assert.equal((await authenticate(server.base, SDKS[0], 'v3.0', short)).json.expires_in, 600);
    const standard = await send(server.base, 'POST', '/connect/token', FORM, encoded(form(client.id, client.secret)));
    assert.equal(standard.json.expires_in, 3600);
    const pat = await postAccessToken(server.base, client.id, client.secret, viaCells.json.access_token);
    assert.equal(pat.json.expires_in, 86400);
    assert.equal((await authenticate(server.base, SDKS[0], 'v1.1', client)).json.expires_in, 86400, '/oauth2/token');
  });

  test('a version the Cells API does not have is 404 naming those it has', async () => {
    const r = await send(server.base, 'POST', '/v2.0/cells/connect/token', FORM, encoded(form(client.id, client.secret)));
    assert.equal(r.status, 404);
    assert.match(r.json.error_description, /v1\.1, v3\.0 and v4\.0/);
  });

  test('bad input on the new routes: the RFC 6749 error, never a 500', async () => {
    const path = '/v3.0/cells/connect/token';
    const cases = [
      ['a repeated parameter', path, `${encoded(form(client.id, client.secret))}&client_id=${client.id}`],
      ['a malformed percent-encoding', path, `grant_type=client_credentials&client_id=${client.id}&client_secret=%zz`],
      ['credentials in the query and the body that disagree', `${path}?ClientId=someone-else&ClientSecret=x`, encoded(form(client.id, client.secret))],
      ['an over-long query', `${path}?ClientId=${'a'.repeat(9000)}`, ''],
    ];
    for (const [what, target, body] of cases) {
      const r = await send(server.base, 'POST', target, FORM, body);
      assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${r.text}`);
      if (r.json) assert.ok(['invalid_request', 'invalid_client'].includes(r.json.error) || r.status === 431 || r.status === 414, `${what}: ${r.text}`);
    }
  });
});

describe('every Cells SDK language, proxy mode (in front of a tokengate issuer\'s Cells route)', () => {
  let fixture;
  before(async () => {
    fixture = await startProxyInFrontOfIssuer({ clients: [{ name: 'sdk' }], upstreamPath: '/v3.0/cells/connect/token',
      proxyArgs: ['--token-cache=false'] });
  });
  after(async () => { await fixture.stop(); });

  test('each SDK, at each API version it can be set to; the upstream\'s expires_in is kept', async () => {
    const rows = [];
    for (const entry of SDKS) {
      for (const version of VERSIONS) {
        // Every route forwards to the upstream's Cells route: its 86,400 s come back as they are.
        const row = await runSdk(fixture.proxy.base, entry, version, fixture.clients[0], { minLifetime: 86400, unusable: tampered });
        rows.push({ sdk: entry.sdk, version, ...row });
      }
    }
    printTable('proxy', rows);
  });
});
