// Private signing keys encrypted at rest (--key-encryption-key-file): none is in the store in
// clear, a store so encrypted cannot be used without the key-encryption key (or with another), and
// the error says so.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { BIN, cli, cliJson, postToken, basic, removeDir, startServer, tempDir } from './support/tokengate.mjs';

function storeBytes(dir) {
  let raw = '';
  for (const f of ['tokengate.db', 'tokengate.db-wal']) if (existsSync(path.join(dir, f))) raw += readFileSync(path.join(dir, f), 'latin1');
  return raw;
}

describe('keys at rest', () => {
  test('sealed with the KEK; refused without it or with another', async () => {
    const work = tempDir();
    const kek = path.join(work, 'kek');
    const other = path.join(work, 'other');
    writeFileSync(kek, randomBytes(32).toString('hex'));
    writeFileSync(other, randomBytes(32).toString('hex'));
    const data = path.join(work, 'data');
    const server = await startServer({ dataDir: data, args: ['--key-encryption-key-file', kek] });
    try {
      const r = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(server.demo.id, server.demo.secret) });
      assert.equal(r.status, 200);
      assert.equal(cli(['key', 'rotate', '--now', '--data-dir', data, '--key-encryption-key-file', kek]).status, 0);
    } finally {
      await server.stop();
    }
    const bytes = storeBytes(data);
    assert.ok(!bytes.includes('PRIVATE KEY'), 'a private key is in the store in clear');
    assert.ok(bytes.includes('tokengate-kek:v1:'));

    const without = cli(['serve', '--listen', '127.0.0.1:0', '--data-dir', data]);
    assert.equal(without.status, 1);
    assert.match(without.stderr, /signing keys in the store are encrypted: give the key-encryption key/);
    const wrong = cli(['serve', '--listen', '127.0.0.1:0', '--data-dir', data, '--key-encryption-key-file', other]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /cannot be decrypted with this key-encryption key/);
    const rotate = cli(['key', 'rotate', '--data-dir', data]);
    assert.equal(rotate.status, 1, 'no key in clear is added beside sealed ones');
    assert.match(rotate.stderr, /encrypted/);
    const badFile = cli(['serve', '--listen', '127.0.0.1:0', '--data-dir', data, '--key-encryption-key-file', path.join(work, 'none')]);
    assert.equal(badFile.status, 2);
    assert.match(badFile.stderr, /key_encryption_key_file .* cannot be read/);
    removeDir(work);
  });
});
