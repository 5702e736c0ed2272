// What a request claims goes into the audit trail as valid UTF-8, and one bad entry loses nothing
// else (security round two, item 6): a failed authentication with client_id=%FF in the same second
// as eight others is stored with the eight, on SQLite and on PostgreSQL, and GET /admin/v1/audit
// answers valid JSON. Refused admin calls and lock-outs are audited too (item 10).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createDatabase, dropDatabase } from './support/postgres.mjs';
import { cliJson, removeDir, startServer, within } from './support/tokengate.mjs';
import { getToken } from './support/token_ops.mjs';

async function failWith(base, rawClientId) {
  const res = await fetch(`${base}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${rawClientId}&client_secret=wrong`,
  });
  assert.equal(res.status, 401);
}

for (const kind of ['sqlite', 'postgres']) {
  describe(`audit entries from hostile input (${kind})`, () => {
    let server;
    let db;
    let store;
    let admin;
    before(async () => {
      const args = [];
      if (kind === 'postgres') {
        db = createDatabase();
        args.push('--db', db.url, '--demo-client=false');
      }
      server = await startServer({ args });
      store = kind === 'postgres' ? ['--db', db.url] : ['--data-dir', server.dataDir];
      const ops = cliJson(['client', 'create', '--name', 'ops', '--scope', 'tokengate:admin', ...store]);
      admin = { id: ops.client_id, secret: ops.client_secret };
      await within(2000, async () => (await fetch(`${server.base}/connect/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${admin.id}&client_secret=${admin.secret}`,
      })).status === 200);
    });
    after(async () => {
      await server.stop();
      removeDir(server.dataDir);
      if (db) dropDatabase(db.name);
    });

    test('client_id=%FF and eight others in one second: all nine stored, the API answers JSON', async () => {
      const ids = ['%FF', ...Array.from({ length: 8 }, (_, i) => `probe-${i}`), `${'%C3%A9'.repeat(100)}`];
      await Promise.all(ids.map((id) => failWith(server.base, id)));
      const token = await getToken(server.base, admin, { scope: 'tokengate:admin' });
      const events = await within(5000, async () => {
        const res = await fetch(`${server.adminBase}/admin/v1/audit?limit=100`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
        const text = await res.text();
        const body = JSON.parse(text);  // throws on invalid JSON
        assert.equal(Buffer.from(text, 'utf8').toString('utf8'), text);
        const failures = body.events.filter((e) => e.action === 'auth.failure' && !e.detail.kind);
        return failures.length >= ids.length ? failures : null;
      });
      assert.ok(events, 'every failure is in the trail');
      const targets = events.map((e) => e.target);
      assert.ok(targets.includes('\uFFFD'), `the %FF client ID is stored as U+FFFD: ${JSON.stringify(targets)}`);
      for (let i = 0; i < 8; i++) assert.ok(targets.includes(`probe-${i}`));
      const long = targets.find((t) => t.startsWith('é'));
      assert.ok(long, 'the long ID is stored');
      assert.ok(Buffer.byteLength(long) <= 128 && /^é+$/.test(long), 'cut at a character boundary, at most 128 bytes');
    });

    test('a refused admin call is audited, with what was wrong', async () => {
      await fetch(`${server.adminBase}/admin/v1/clients`, { headers: { authorization: 'Bearer not-a-token' } });
      const token = await getToken(server.base, admin, { scope: 'tokengate:admin' });
      const seen = await within(5000, async () => {
        const res = await fetch(`${server.adminBase}/admin/v1/audit?limit=100`, { headers: { authorization: `Bearer ${token}` } });
        const body = await res.json();
        return body.events.find((e) => e.detail.kind === 'admin_invalid_token');
      });
      assert.ok(seen, 'admin_invalid_token entry');
      assert.equal(seen.address, '127.0.0.1');
    });
  });
}
