// The OpenAPI documents: valid OpenAPI 3.1 (checked by @apidevtools/swagger-parser), served as
// the files in web/openapi/ with ETags, next to pages that may load nothing from another host.
// (tests/unit/web/openapi_coverage_test.cpp checks that they name every route and only those.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import SwaggerParser from '@apidevtools/swagger-parser';

import { removeDir, startServer } from './support/tokengate.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('OpenAPI documents', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  for (const [name, file, listener, route] of [
    ['public', 'web/openapi/public.json', 'base', '/openapi.json'],
    ['admin', 'web/openapi/admin.json', 'adminBase', '/admin/v1/openapi.json'],
  ]) {
    test(`the ${name} document validates, and is served as it is in the repository`, async () => {
      const onDisk = readFileSync(path.join(ROOT, file), 'utf8');
      const res = await fetch(`${server[listener]}${route}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(await res.text(), onDisk);
      const api = await SwaggerParser.validate(JSON.parse(onDisk));
      assert.equal(api.openapi, '3.1.0');
      assert.ok(Object.keys(api.paths).length > 10);

      const etag = res.headers.get('etag');
      assert.match(etag, /^"[0-9a-f]{16}"$/);
      const again = await fetch(`${server[listener]}${route}`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.headers.get('content-length'), null, 'RFC 9110 §8.6: no Content-Length on a 304');
    });
  }

  test('the pages may load and call nothing but this server', async () => {
    for (const [listener, route] of [['base', '/docs'], ['adminBase', '/docs'], ['adminBase', '/console']]) {
      const res = await fetch(`${server[listener]}${route}`);
      assert.equal(res.status, 200, route);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      const policy = res.headers.get('content-security-policy');
      assert.match(policy, /default-src 'self'/);
      assert.match(policy, /script-src 'self';/);
      assert.match(policy, /connect-src 'self'/);
      assert.match(policy, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const html = await res.text();
      assert.ok(!/(src|href)="(https?:)?\/\//.test(html), `${route} refers to another host`);
    }
    const bundle = await fetch(`${server.base}/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type'), /^text\/javascript/);
    assert.ok((await bundle.arrayBuffer()).byteLength > 500000, 'Swagger UI from swagger-ui-dist is built in');
  });
});
