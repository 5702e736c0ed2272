// libtokengate as a user gets it: `cmake --install` into a fresh prefix, then examples/ built as
// separate CMake projects that know only that prefix (find_package(tokengate)), and a program built
// with pkg-config alone; then run against a real server: get_token calls tokengate's own status
// route with a token it got, and the Beast resource server accepts that token and refuses others.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BIN, removeDir, startServer } from './support/tokengate.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILD = path.dirname(BIN);

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 240000, ...options });
  assert.equal(r.status, 0, `${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('libtokengate installed, and its examples', { timeout: 600000 }, () => {
  let work;
  let prefix;
  let server;
  const built = {};

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'tokengate-examples-'));
    prefix = path.join(work, 'prefix');
    run('cmake', ['--install', BUILD, '--prefix', prefix]);
    for (const example of ['get_token', 'beast_resource_server']) {
      const dir = path.join(work, example);
      run('cmake', ['-S', path.join(ROOT, 'examples', example), '-B', dir, '-G', 'Ninja', `-DCMAKE_PREFIX_PATH=${prefix}`]);
      run('ninja', ['-C', dir, '-j2']);
      built[example] = path.join(dir, example);
    }
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
    if (work) removeDir(work);
  });

  test('the package holds the headers, the library, the CMake config and the pkg-config file', () => {
    const files = run('find', [prefix, '-type', 'f']).split('\n').map((f) => path.relative(prefix, f));
    for (const f of ['include/tokengate/token_source.hpp', 'include/tokengate/verifier.hpp', 'include/tokengate/error.hpp',
      'lib/libtokengate-client.a', 'lib/cmake/tokengate/tokengateConfig.cmake', 'lib/pkgconfig/tokengate-client.pc']) {
      assert.ok(files.includes(f), `${f} is not installed (${files.join(', ')})`);
    }
    const headers = files.filter((f) => f.startsWith('include/tokengate/')).map((f) => path.join(prefix, f));
    const includes = run('grep', ['-h', '#include', ...headers]);
    assert.ok(!/boost|openssl/i.test(includes), `a public header includes Boost or OpenSSL:\n${includes}`);
  });

  test('a program built with pkg-config alone', () => {
    const source = path.join(work, 'pc.cpp');
    writeFileSync(source, `#include "tokengate/verifier.hpp"
int main() {
  tokengate::Verifier v({.issuer = "https://issuer.test", .jwks_json = R"({"keys":[]})"});
  return v.verify("a.b.c").error() == tokengate::VerifyResult::Error::malformed ? 0 : 1;
}
`);
    const env = { ...process.env, PKG_CONFIG_PATH: path.join(prefix, 'lib/pkgconfig') };
    const flags = run('pkg-config', ['--cflags', '--libs', 'tokengate-client'], { env }).trim().split(/\s+/);
    const program = path.join(work, 'pc');
    run('g++', ['-std=c++20', source, '-o', program, ...flags]);
    run(program, []);
  });

  test('get_token gets a token and calls tokengate\'s own status route with it', () => {
    const env = { ...process.env, TOKEN_ISSUER: server.base, CLIENT_ID: server.demo.id, CLIENT_SECRET: server.demo.secret };
    const out = run(built.get_token, [`${server.base}/v4.0/cells`], { env });
    assert.match(out, /^200 \{/);
  });

  test('the Beast resource server accepts tokengate\'s tokens for it, and refuses others', async () => {
    const child = spawn(built.beast_resource_server, ['0', server.base, server.base], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await new Promise((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (d) => {
          err += d;
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const api = `http://127.0.0.1:${port}/hello`;
      const env = { ...process.env, TOKEN_ISSUER: server.base, CLIENT_ID: server.demo.id, CLIENT_SECRET: server.demo.secret };
      const out = spawnSync(built.get_token, [api], { env, encoding: 'utf8', timeout: 30000 });
      assert.equal(out.status, 0, out.stderr);
      assert.equal(out.stdout.trim(), `200 hello, ${server.demo.id}`);
      const none = await fetch(api);
      assert.equal(none.status, 401);
      const forged = await fetch(api, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } });
      assert.equal(forged.status, 401);
      assert.match(await forged.text(), /invalid token: .*alg/);
    } finally {
      child.kill();
    }
  });
});
