// Token status lists (draft-ietf-oauth-status-list-17): a verifier that never calls the issuer's
// introspection endpoint can still tell a revoked token from a live one. The suite holds such an
// OFFLINE VERIFIER of its own (jose and node:zlib, nothing of ours): it checks the RFC 9068 access
// token against the JWKS, fetches the status list the token names, checks that statuslist+jwt
// against the same JWKS, and reads the token's bit; it caches each list for its ttl, as a verifier
// should. The lists themselves: media type, caching headers, ETag and 304, claims, the bit layout,
// and the aggregation endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import { clientReady, getToken, revoke, until } from './support/token_ops.mjs';
import { cli, cliJson, decodeJwt, removeDir, startServer } from './support/tokengate.mjs';

const LIST_ENTRIES = 1 << 16;  // what every list of ours holds (1 bit each)

// The verifier a resource server would run. `now()` is its clock (ms), which a test moves on to
// stand for the ttl running out instead of waiting 60 s.
class OfflineVerifier {
  constructor({ jwks, issuer, audience, now = () => Date.now() }) {
    this.keys = createLocalJWKSet(jwks);
    this.issuer = issuer;
    this.audience = audience;
    this.now = now;
    this.lists = new Map();  // uri -> { bytes, expiresAt }
    this.fetches = 0;
  }

  // Resolves with the token's claims, or rejects: a bad token, or one its status list says is revoked.
  async verify(token) {
    const currentDate = new Date(this.now());
    const { payload } = await jwtVerify(token, this.keys, { typ: 'at+jwt', issuer: this.issuer, audience: this.audience, currentDate });
    const ref = payload.status?.status_list;
    if (!ref || typeof ref.uri !== 'string' || !Number.isInteger(ref.idx)) throw new Error('the token names no status list entry');
    const bytes = await this.list(ref.uri, currentDate);
    if (ref.idx < 0 || ref.idx >= bytes.length * 8) throw new Error(`index ${ref.idx} is outside the list`);
    if (bit(bytes, ref.idx) !== 0) throw new Error(`revoked (status ${bit(bytes, ref.idx)} at ${ref.uri}#${ref.idx})`);
    return payload;
  }

  async list(uri, currentDate) {
    const cached = this.lists.get(uri);
    if (cached && this.now() < cached.expiresAt) return cached.bytes;
    this.fetches += 1;
    const res = await fetch(uri, { headers: { accept: 'application/statuslist+jwt' } });
    if (res.status !== 200) throw new Error(`status list ${uri}: HTTP ${res.status}`);
    if (res.headers.get('content-type') !== 'application/statuslist+jwt') throw new Error(`status list ${uri}: ${res.headers.get('content-type')}`);
    const { payload } = await jwtVerify(await res.text(), this.keys, { typ: 'statuslist+jwt', subject: uri, currentDate });
    const { bits, lst } = payload.status_list ?? {};
    if (bits !== 1) throw new Error(`status list ${uri}: bits ${bits}`);
    const bytes = inflateSync(Buffer.from(lst, 'base64url'));  // ZLIB (RFC 1950)
    const ttl = Number.isInteger(payload.ttl) ? payload.ttl : 0;
    this.lists.set(uri, { bytes, expiresAt: this.now() + ttl * 1000 });
    return bytes;
  }
}

// Entry i is bit i % 8 of byte floor(i / 8), least significant bit first.
function bit(bytes, i) {
  return (bytes[i >> 3] >> (i & 7)) & 1;
}

async function fetchJwks(base) {
  return (await fetch(`${base}/.well-known/jwks.json`)).json();
}

// The list a token names, fetched and decoded (signature unchecked: the verifier checks it).
async function listOf(token) {
  const { uri, idx } = decodeJwt(token).payload.status.status_list;
  const res = await fetch(uri);
  assert.equal(res.status, 200);
  const body = await res.text();
  const { header, payload } = decodeJwt(body);
  return { uri, idx, res, body, header, payload, bytes: inflateSync(Buffer.from(payload.status_list.lst, 'base64url')) };
}

describe('status lists, issuer mode', () => {
  let server;
  let store;
  let a;
  let b;
  before(async () => {
    // One event-loop thread, so that a client's tokens share a list: neighbours in one list show
    // that a revocation sets one bit, not its neighbours'.
    server = await startServer({ args: ['--threads', '1'] });
    store = ['--data-dir', server.dataDir];
    a = await clientReady(server.base, cliJson(['client', 'create', '--name', 'a', '--scope', 'read', ...store]));
    b = await clientReady(server.base, cliJson(['client', 'create', '--name', 'b', '--scope', 'read', ...store]));
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  test('a list: statuslist+jwt, cacheable for its ttl, an ETag and 304, signed by a key of the JWKS', async () => {
    const token = await getToken(server.base, a);
    const { uri, idx, res, body, header, payload, bytes } = await listOf(token);
    assert.equal(res.headers.get('content-type'), 'application/statuslist+jwt');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
    const etag = res.headers.get('etag');
    assert.ok(etag, 'an ETag');
    const again = await fetch(uri, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal((await fetch(uri, { headers: { 'if-none-match': '"something-else"' } })).status, 200);

    assert.equal(header.typ, 'statuslist+jwt');
    const jwks = await fetchJwks(server.base);
    assert.ok(jwks.keys.some((k) => k.kid === header.kid), `kid ${header.kid} is in the JWKS`);
    await jwtVerify(body, createLocalJWKSet(jwks), { typ: 'statuslist+jwt', subject: uri });
    assert.equal(payload.sub, uri);
    assert.equal(payload.ttl, 60);
    assert.ok(Number.isInteger(payload.iat) && Math.abs(payload.iat - Date.now() / 1000) < 60);
    assert.ok(payload.exp > payload.iat);
    assert.equal(payload.status_list.bits, 1);
    assert.match(payload.status_list.lst, /^[A-Za-z0-9_-]+$/, 'base64url, no padding');
    assert.equal(bytes.length, LIST_ENTRIES / 8);
    assert.equal(bit(bytes, idx), 0, 'a live token: 0');
    assert.ok(bytes.every((x) => x === 0), 'nothing revoked yet');
  });

  test('names that are not lists of ours: 404', async () => {
    // The last: well-formed, but no client has that generation (it would cost a signature to make).
    for (const name of ['nope', 'a.b', '..', 'x.y.z.1', 'AAAAAAAAAAAAAAAA.T.0']) {
      const res = await fetch(`${server.base}/statuslists/${name}`);
      assert.equal(res.status, 404, name);
    }
  });

  test('the offline verifier: accepts a live token; after a revocation, refuses it once its cached list has expired', async () => {
    const jwks = await fetchJwks(server.base);
    let clock = Date.now();
    const verifier = new OfflineVerifier({ jwks, issuer: server.base, audience: server.base, now: () => clock });
    const token = await getToken(server.base, a);
    const neighbour = await getToken(server.base, a);
    const stranger = await getToken(server.base, b);
    const ref = decodeJwt(token).payload.status.status_list;
    assert.equal(decodeJwt(neighbour).payload.status.status_list.uri, ref.uri, 'one thread: the same list');

    assert.equal((await verifier.verify(token)).client_id, a.id);
    await verifier.verify(neighbour);
    await verifier.verify(stranger);
    const before = await fetch(ref.uri);
    const etagBefore = before.headers.get('etag');
    const aggregateBefore = (await (await fetch(`${server.base}/statuslists`)).json()).status_lists;
    assert.ok(aggregateBefore.includes(ref.uri), 'every list the server has issued tokens into is listed, revoked or not');

    const r = await revoke(server.base, a, token);
    assert.equal(r.status, 200);

    // Within the ttl the verifier trusts its copy: the revocation is not seen yet (as the draft allows).
    const fetches = verifier.fetches;
    await verifier.verify(token);
    assert.equal(verifier.fetches, fetches, 'served from its cache');

    // A fresh fetch right after the revocation has the bit set, and only that bit.
    const fresh = await listOf(token);
    assert.equal(bit(fresh.bytes, ref.idx), 1, 'the revoked token: 1');
    assert.equal(bit(fresh.bytes, decodeJwt(neighbour).payload.status.status_list.idx), 0, 'its neighbour: 0');
    assert.equal(fresh.bytes.reduce((n, x) => n + popcount(x), 0), 1, 'exactly one bit set');
    assert.notEqual(fresh.res.headers.get('etag'), etagBefore, 'a new ETag');
    assert.equal((await fetch(ref.uri, { headers: { 'if-none-match': etagBefore } })).status, 200, 'the old ETag no longer gets 304');
    const aggregate = (await (await fetch(`${server.base}/statuslists`)).json()).status_lists;
    assert.ok(aggregate.includes(ref.uri), 'the aggregation endpoint still lists it');

    // The ttl runs out (the verifier's clock moves past it): the verifier fetches again and refuses.
    clock += 61 * 1000;
    await assert.rejects(verifier.verify(token), /revoked/);
    assert.equal(verifier.fetches, fetches + 1, 'fetched again');
    await verifier.verify(neighbour);
    await verifier.verify(stranger);
    // A verifier with no cached copy refuses it at once.
    const newcomer = new OfflineVerifier({ jwks, issuer: server.base, audience: server.base });
    await assert.rejects(newcomer.verify(token), /revoked/);
  });

  test('token revoke --jti sets the bit of that token', async () => {
    const token = await getToken(server.base, b);
    const { idx } = decodeJwt(token).payload.status.status_list;
    assert.equal(cli(['token', 'revoke', '--jti', decodeJwt(token).payload.jti, ...store]).status, 0);
    await until(async () => bit((await listOf(token)).bytes, idx) === 1, 'the bit set');
  });

  test('client revoke-tokens: every bit of the lists of its tokens is set; its next token is in a clean list', async () => {
    const c = await clientReady(server.base, cliJson(['client', 'create', '--name', 'c', '--scope', 'read', ...store]));
    const token = await getToken(server.base, c);
    const verifier = new OfflineVerifier({ jwks: await fetchJwks(server.base), issuer: server.base, audience: server.base });
    await verifier.verify(token);
    cliJson(['client', 'revoke-tokens', c.id, ...store]);
    await until(async () => (await listOf(token)).bytes.every((x) => x === 0xff), 'every bit of the list set');
    const list = await listOf(token);
    assert.equal(list.bytes.length, LIST_ENTRIES / 8);
    await assert.rejects(new OfflineVerifier({ jwks: await fetchJwks(server.base), issuer: server.base, audience: server.base }).verify(token), /revoked/);

    const next = await getToken(server.base, c);
    const nextList = await listOf(next);
    assert.notEqual(nextList.uri, list.uri, 'a new generation, a new list');
    assert.equal(bit(nextList.bytes, nextList.idx), 0);
    await new OfflineVerifier({ jwks: await fetchJwks(server.base), issuer: server.base, audience: server.base }).verify(next);
    const aggregate = (await (await fetch(`${server.base}/statuslists`)).json()).status_lists;
    assert.ok(aggregate.includes(list.uri), `GET /statuslists lists the list that now holds revoked tokens: ${JSON.stringify(aggregate)} lacks ${list.uri}`);
  });
});

function popcount(x) {
  let n = 0;
  for (let v = x; v; v >>= 1) n += v & 1;
  return n;
}

// The verifier itself must refuse what it should, or the tests above prove nothing.
describe('the offline verifier refuses tampering', () => {
  test('a list under another uri, a token of another typ', async () => {
    const server = await startServer();
    try {
      const demo = { id: server.demo.id, secret: server.demo.secret };
      const jwks = await fetchJwks(server.base);
      const token = await getToken(server.base, demo);
      const verifier = new OfflineVerifier({ jwks, issuer: server.base, audience: server.base });
      await verifier.verify(token);
      // Another (real) list served in place of this one: its sub does not match.
      const { uri } = decodeJwt(token).payload.status.status_list;
      const otherClient = await clientReady(server.base, cliJson(['client', 'create', '--name', 'other', '--data-dir', server.dataDir]));
      const other = decodeJwt(await getToken(server.base, otherClient)).payload.status.status_list.uri;
      assert.notEqual(other, uri);
      const body = await (await fetch(other)).text();
      await assert.rejects(jwtVerify(body, createLocalJWKSet(jwks), { typ: 'statuslist+jwt', subject: uri }), /sub/);
      // The list is a JWT of ours but no access token.
      await assert.rejects(verifier.verify(body), /typ/);
      assert.equal(decodeProtectedHeader(body).typ, 'statuslist+jwt');
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
  });
});

// Security round two, item 9: this route is open to all and each new list costs a signature, so
// only lists a node of this deployment named are signed; made-up names under a real generation
// are 404, also after a restart and on a second process sharing the store.
describe('only lists that exist are signed', () => {
  let server;
  let client;
  before(async () => {
    server = await startServer({ args: ['--threads', '1'] });
    client = await clientReady(server.base, cliJson(['client', 'create', '--name', 'names', '--data-dir', server.dataDir]));
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('a tagged list is served; the same generation with another thread, segment or tag is not', async () => {
    const token = await getToken(server.base, client);
    const { uri } = decodeJwt(token).payload.status.status_list;
    const [gen, thread, segment, tag] = uri.split('/').pop().split('.');
    assert.ok(tag && tag.length === 16, `the list is tagged: ${uri}`);
    assert.equal((await fetch(uri)).status, 200);
    const base = `${server.base}/statuslists/`;
    for (const name of [`${gen}.${thread}.${Number(segment) + 1}.${tag}`, `${gen}.AAAAAAAAAAAA.${segment}.${tag}`,
      `${gen}.${thread}.${segment}.${'A'.repeat(16)}`, `${gen}.${thread}.${segment}`, `${gen}.made-up.0`]) {
      assert.equal((await fetch(base + name)).status, 404, name);
    }
    // After a restart (another process, the same store), the list is still served.
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, args: ['--threads', '1'] });
    const again = await fetch(uri.replace(/^http:\/\/127\.0\.0\.1:\d+/, server.base));
    assert.equal(again.status, 200, 'a list opened by an earlier process');
  });
});
