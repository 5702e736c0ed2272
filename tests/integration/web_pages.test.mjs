// The web pages in a real browser (headless Chromium, driven by playwright-core): the public /docs
// (Swagger UI) gets a token from the running server, and the admin console (/console on the admin
// listener) signs in, creates a client, disables it and rotates a key through the real admin API.
// Every page must load and work with no console error and no request to another host.
// Screenshots go to build/screenshots/, or with UPDATE_SCREENSHOTS=1 to docs/images/ (the README's).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { assertion, assertionForm, clientKey, jwksOf } from './support/client_keys.mjs';
import { basic, cliJson, decodeJwt, postToken, removeDir, startServer, within } from './support/tokengate.mjs';

const CHROMIUM = '/usr/bin/chromium';
const IMAGES = path.resolve(import.meta.dirname, process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/images' : '../../build/screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;


// What a page does wrong: console errors, uncaught exceptions, requests to another origin.
function watch(page, origin) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && url.origin !== origin) problems.push(`request to another host: ${r.url()}`);
  });
  return problems;
}

describe('web pages in a browser', () => {
  let server;
  let browser;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup.sh (it installs chromium for the browser tests)`);
    mkdirSync(IMAGES, { recursive: true });
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  test('/docs: Swagger UI gets an access token from this server', { timeout: 60000 }, async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      const problems = watch(page, server.base);
      await page.goto(`${server.base}/docs`);

      const op = page.locator('#operations-token-postCellsAccessToken');
      await op.locator('.opblock-summary-path').click();
      await op.getByRole('button', { name: 'Try it out' }).click();
      const field = (name) =>
        op.locator('tr').filter({ has: page.locator('.parameter__name', { hasText: new RegExp(`^\\s*${name}\\b`) }) });
      await field('grant_type').locator('select').selectOption('client_credentials');
      await op.locator('input[placeholder="client_id"]').fill(server.demo.id);
      await op.locator('input[placeholder="client_secret"]').fill(server.demo.secret);
      await op.locator('button.execute').click();

      const response = op.locator('.live-responses-table tr.response');
      await response.waitFor();
      assert.equal((await response.locator('.response-col_status').textContent()).trim(), '200');
      const body = JSON.parse(await response.locator('.highlight-code pre').first().textContent());
      assert.match(body.access_token, JWT, 'the response shown holds a JWT access token');
      assert.equal(body.token_type, 'Bearer');
      assert.equal(decodeJwt(body.access_token).payload.client_id, server.demo.id);

      await response.evaluate((e) => { e.scrollIntoView({ block: 'start' }); window.scrollBy(0, -140); });
      await page.screenshot({ path: path.join(IMAGES, 'docs.png') });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('/console: sign in, create a client, disable it, rotate a key, live figures', { timeout: 90000 }, async () => {
    const created = cliJson(['client', 'create', '--name', 'ops', '--scope', 'tokengate:admin', '--data-dir', server.dataDir]);
    const ops = { id: created.client_id, secret: created.client_secret };
    // The server picks the new client up within a second; wait for it here, not in the browser
    // (whose refused attempts would be console errors).
    const ready = await within(3000, async () => (await postToken(server.adminBase, {
      form: { grant_type: 'client_credentials', scope: 'tokengate:admin' }, auth: basic(ops.id, ops.secret),
    })).status === 200);
    assert.ok(ready, 'the admin client made by the CLI gets a token from the admin listener');

    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      const problems = watch(page, server.adminBase);
      let promptAnswer = '';
      let promptAsked = '';
      page.on('dialog', (d) => {
        if (d.type() !== 'prompt') return d.accept();
        promptAsked = d.message();
        return d.accept(promptAnswer);
      });
      await page.goto(`${server.adminBase}/console`);

      // Sign in: the token stays in the page's memory; the secret field is emptied.
      await page.fill('#client-id', ops.id);
      await page.fill('#client-secret', ops.secret);
      await page.click('#signin-submit');
      await page.locator(`#clients tr[data-client-id="${ops.id}"]`).waitFor();
      await page.locator(`#clients tr[data-client-id="${server.demo.id}"]`).waitFor();
      assert.equal(await page.inputValue('#client-secret'), '');
      assert.ok(await page.isVisible('#signout'));
      const kept = await page.evaluate(() => ({
        local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href,
      }));
      assert.deepEqual(kept, { local: 0, session: 0, cookie: '', url: `${server.adminBase}/console` });
      assert.ok(await page.locator('#keys tbody tr').count() >= 1);
      assert.ok(await page.locator('#audit tbody tr').count() >= 1);

      // Create a client; its secret is shown once, and works.
      await page.fill('#new-name', 'billing <b>reports</b>');
      await page.fill('#new-scope', 'reports:read');
      await page.fill('#new-ttl', '900');
      await page.fill('#new-quota', '5/day');
      await page.click('#create-submit');
      await page.locator('#secret-once').waitFor();
      const secret = (await page.textContent('#secret-value')).trim();
      const id = (await page.textContent('#secret-client-id')).trim();
      assert.match(secret, /^[A-Za-z0-9_-]{20,}$/);
      const row = page.locator(`#clients tr[data-client-id="${id}"]`);
      await row.waitFor();
      assert.match(await row.textContent(), /billing <b>reports<\/b>/, 'a client name is shown as text, never as HTML');
      assert.equal(await row.locator('b').count(), 0);

      const token = async () => postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(id, secret) });
      const issued = await within(2000, async () => ((await token()).status === 200));
      assert.ok(issued, 'the new client gets a token with the secret the console showed');
      // Its quota: the row names it; the Quota button shows the use this period and changes it.
      assert.match(await row.textContent(), /quota 5\/day/);
      await within(3000, async () => {  // the node reports its use within a second
        promptAnswer = '5/day';
        await row.locator('button[data-action="quota"]').click();
        await page.waitForFunction(() => /Set the quota of/.test(document.body.textContent));
        return /quota of 5\/day: 1 used this period, 4 left; it resets at \S+T00:00:00Z/.test(promptAsked);
      });
      assert.match(promptAsked, /quota of 5\/day: 1 used this period, 4 left/);
      promptAnswer = '7/day';
      await row.locator('button[data-action="quota"]').click();
      await page.waitForFunction((cid) => document.querySelector(`#clients tr[data-client-id="${cid}"]`)?.textContent.includes('quota 7/day'), id);
      await page.click('#secret-done');
      assert.ok(await page.isHidden('#secret-once'));
      assert.equal(await page.textContent('#secret-value'), '');

      // Disable it: its next token request is refused.
      await row.locator('button[data-action="disable"]').click();
      await row.locator('button[data-action="enable"]').waitFor();
      assert.match(await row.textContent(), /disabled/);
      const refused = await within(2000, async () => ((await token()).status === 401));
      assert.ok(refused, 'a disabled client gets 401');

      // Rotate the demo client's secret with a grace period: both secrets work, the row says until when.
      const demoRow = page.locator(`#clients tr[data-client-id="${server.demo.id}"]`);
      promptAnswer = '1h';
      await demoRow.locator('button[data-action="rotate-secret"]').click();
      await page.locator('#secret-once').waitFor();
      const rotated = (await page.textContent('#secret-value')).trim();
      await page.click('#secret-done');
      await page.waitForFunction((cid) => document.querySelector(`#clients tr[data-client-id="${cid}"]`)?.textContent.includes('old secret until'), server.demo.id);
      const both = await within(2000, async () => {
        const statuses = await Promise.all([server.demo.secret, rotated].map(async (s) => (await postToken(server.base, {
          form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, s) })).status));
        return statuses.every((s) => s === 200);
      });
      assert.ok(both, 'the old and the new secret both work in the grace period');

      // A client without a secret: its public keys pasted as a JWKS; no secret is shown, an assertion works.
      const key = await clientKey('ES256');
      await page.fill('#new-name', 'keyed');
      await page.selectOption('#new-auth', 'private_key_jwt');
      await page.fill('#new-jwks', JSON.stringify(jwksOf(key)));
      await page.click('#create-submit');
      await page.waitForFunction(() => /no secret, it signs its assertions/.test(document.body.textContent));
      assert.ok(await page.isHidden('#secret-once'));
      const keyedId = /Created client (\S+) \(keyed\)/.exec(await page.textContent('body'))[1];
      const keyedRow = page.locator(`#clients tr[data-client-id="${keyedId}"]`);
      await keyedRow.waitFor();
      assert.equal(await keyedRow.locator('button[data-action="rotate-secret"]').count(), 0, 'no secret to rotate');
      const keyed = await within(2000, async () => (await postToken(server.base, {
        form: { grant_type: 'client_credentials', ...assertionForm(keyedId, await assertion(key, keyedId, server.base)) },
      })).status === 200);
      assert.ok(keyed, 'the client made in the console gets a token with an assertion');

      // Rotate a key: the JWKS then lists one more.
      const kids = async () => (await (await fetch(`${server.base}/.well-known/jwks.json`)).json()).keys.map((k) => k.kid);
      const kidsBefore = await kids();
      const rowsBefore = await page.locator('#keys tbody tr').count();
      await page.click('#rotate-key');
      await page.waitForFunction((n) => document.querySelectorAll('#keys tbody tr').length === n + 1, rowsBefore);
      const published = await within(2000, async () => (await kids()).length === kidsBefore.length + 1);
      assert.ok(published, 'the JWKS lists the new key');
      await page.waitForFunction(() => document.querySelector('#audit tbody').textContent.includes('key.rotate'));

      // The live figures: token requests meanwhile give grants/s and a p99.
      const figures = await within(10000, async () => {
        await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) });
        const values = await Promise.all(['#grants-per-second', '#errors-per-second', '#p99-ms'].map((s) => page.textContent(s)));
        return values.every((v) => /^\d+(\.\d+)?$/.test(v)) && Number(values[0]) > 0 ? values : null;
      });
      assert.ok(figures, 'grants/s, errors/s and p99 are shown');

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(IMAGES, 'console.png') });

      // Sign out: the token is forgotten and the sign-in form is back.
      await page.click('#signout');
      assert.ok(await page.isVisible('#signin'));
      assert.ok(await page.isHidden('#app'));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
