// A client's secret rotated with a grace period (issue 18, "secret rotation with overlap"): the old
// secret keeps working beside the new one until the period ends, then stops; the CLI and the admin
// API both do it; `client show` and the API say until when; the audit trail records it without any
// secret. Callers move to the new secret without an outage.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { clientReady, until } from './support/token_ops.mjs';
import { basic, cli, cliJson, postToken, removeDir, sleep, startServer, within } from './support/tokengate.mjs';

const grant = { grant_type: 'client_credentials' };
const status = async (base, id, secret) => (await postToken(base, { form: grant, auth: basic(id, secret) })).status;

describe('secret rotation with a grace period', () => {
  let server;
  let store;
  before(async () => {
    server = await startServer();
    store = ['--data-dir', server.dataDir];
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('CLI: both secrets work until the grace ends, then only the new one', async () => {
    const c = await clientReady(server.base, cliJson(['client', 'create', '--name', 'ci-job', ...store]));
    const rotated = cliJson(['client', 'rotate-secret', c.id, '--grace', '3s', ...store]);
    assert.notEqual(rotated.client_secret, c.secret);
    const rotatedAt = Date.now();
    // The server picks the change up (within 1 s); from then on the new secret works too.
    await until(async () => (await status(server.base, c.id, rotated.client_secret)) === 200, 'the new secret works', 1500);
    assert.equal(await status(server.base, c.id, c.secret), 200, 'the old secret still works in the grace period');

    const shown = cli(['client', 'show', c.id, ...store]);
    assert.match(shown.stdout, /secrets: +two: the current one, and the previous one until \d{4}-\d\d-\d\dT/);
    const listed = cliJson(['client', 'list', '--json', ...store]).find((x) => x.client_id === c.id);
    assert.ok(listed.old_secret_until > rotatedAt / 1000, JSON.stringify(listed));
    assert.equal(JSON.stringify(listed).includes(c.secret), false);

    await sleep(Math.max(0, rotatedAt + 3100 - Date.now()));  // time itself: the 3 s grace period ends
    assert.equal(await status(server.base, c.id, c.secret), 401, 'the old secret stops when the grace ends');
    assert.equal(await status(server.base, c.id, rotated.client_secret), 200);
    assert.match(cli(['client', 'show', c.id, ...store]).stdout, /secrets: +one/);
  });

  test('a grace that is not a duration, or over 31 days, is refused and changes nothing', async () => {
    const c = await clientReady(server.base, cliJson(['client', 'create', '--name', 'strict', ...store]));
    const bad = cli(['client', 'rotate-secret', c.id, '--grace', 'a while', ...store]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--grace must be a duration/);
    const long = cli(['client', 'rotate-secret', c.id, '--grace', '32d', ...store]);
    assert.equal(long.status, 2);
    assert.match(long.stderr, /31 days/);
    assert.equal(await status(server.base, c.id, c.secret), 200, 'the secret is unchanged');
  });

  test('admin API: grace_seconds, and the audit entry says until when, never a secret', async () => {
    const ops = cliJson(['client', 'create', '--name', 'ops', '--scope', 'tokengate:admin', ...store]);
    const token = await within(2000, async () => {
      const t = await postToken(server.adminBase, { form: { ...grant, scope: 'tokengate:admin' }, auth: basic(ops.client_id, ops.client_secret) });
      return t.status === 200 ? t.body.access_token : null;
    });
    const c = await clientReady(server.base, cliJson(['client', 'create', '--name', 'api-rotated', ...store]));
    const res = await fetch(`${server.adminBase}/admin/v1/clients/${c.id}/rotate-secret`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grace_seconds: 600 }) });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.ok(body.old_secret_until >= Math.floor(Date.now() / 1000) + 590);
    // The admin API's write reaches this node at once.
    assert.equal(await status(server.base, c.id, body.client_secret), 200);
    assert.equal(await status(server.base, c.id, c.secret), 200);

    const refused = await fetch(`${server.adminBase}/admin/v1/clients/${c.id}/rotate-secret`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grace_seconds: 'soon' }) });
    assert.equal(refused.status, 400);

    // Who still uses the old secret: the trail says so (once per 10 minutes per client), never the secret.
    await until(() => cliJson(['audit', 'list', '--client', c.id, ...store]).some((e) => e.action === 'auth.old_secret'),
      'the use of the old secret is audited', 3000);
    const audit = cliJson(['audit', 'list', '--client', c.id, ...store]);
    const used = audit.find((e) => e.action === 'auth.old_secret');
    assert.equal(used.address, '127.0.0.1');
    assert.ok(used.detail.count >= 1);
    assert.equal(audit.some((e) => e.action === 'auth.old_secret' && e.at < Math.floor(Date.now() / 1000) - 60), false);
    const entry = audit.find((e) => e.action === 'client.rotate_secret');
    assert.ok(entry, JSON.stringify(audit));
    assert.equal(entry.detail.old_secret_until, body.old_secret_until);
    const text = JSON.stringify(audit);
    assert.equal(text.includes(body.client_secret) || text.includes(c.secret), false, 'no secret in the trail');
  });
});
