// Hole 1 of the attack: under a file-descriptor limit of 256, 400 idle connections made the server
// retry accept() at once, forever: a core at 100% and millions of log lines. Now connections over
// the cap are refused with 503, a failing accept pauses, the log says so once a second, and the
// connections already open keep being served.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, test } from 'node:test';

import { until } from './support/token_ops.mjs';
import { basic, postToken, removeDir, sleep, startServer } from './support/tokengate.mjs';

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// Opens `n` connections that send nothing; resolves with the sockets and what came back on each.
async function idleFlood(port, n) {
  const sockets = [];
  const answers = [];
  await Promise.all(Array.from({ length: n }, (_, i) => new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    answers[i] = '';
    s.on('data', (d) => { answers[i] += d; });
    s.on('error', () => {});
    s.on('connect', resolve);
    setTimeout(resolve, 3000);
    sockets.push(s);
  })));
  return { sockets, answers };
}


for (const [name, args, expectRefusals] of [
  ['the default cap (the fd limit less 64): the excess is refused with 503', [], true],
  ['a cap above the fd limit: accept fails with EMFILE, pauses, and says so once a second', ['--max-connections', '100000'], false],
]) {
  describe(`400 idle connections under ulimit -n 256, ${name}`, () => {
    test('no spin, no log flood, open connections still served', async () => {
      const server = await startServer({ fdLimit: 256, args });
      const auth = basic(server.demo.id, server.demo.secret);
      let flood;
      try {
        // A connection opened before the flood, kept alive.
        const before = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth, headers: { connection: 'keep-alive' } });
        assert.equal(before.status, 200);
        const keepAlive = net.connect(server.port, '127.0.0.1');
        await new Promise((r) => keepAlive.on('connect', r));

        flood = await idleFlood(server.port, 400);
        // The server has reached its cap (it reports that at once, then at most once a second).
        await until(() => /refused \d+ connections|accept failed \d+ times/.test(server.stderr()), 'the server reaches its cap', 3000);
        const cpu0 = cpuSeconds(server.child.pid);
        const logLines0 = server.stderr().split('\n').length;
        await sleep(2000);  // time: the 2 s in which the server, at its cap, must neither spin nor log much
        const cpu = cpuSeconds(server.child.pid) - cpu0;
        const logLines = server.stderr().split('\n').length - logLines0;
        assert.ok(cpu < 0.5, `the server used ${cpu.toFixed(2)} s of CPU in 2 s while idle connections waited`);
        assert.ok(logLines < 10, `${logLines} log lines in 2 s`);

        // The connection opened before the flood is still served.
        const body = 'grant_type=client_credentials';
        const answer = await new Promise((resolve) => {
          let got = '';
          keepAlive.on('data', (d) => { got += d; if (got.includes('access_token')) resolve(got); });
          setTimeout(() => resolve(got), 5000);
          keepAlive.write(`POST /connect/token HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n` +
            `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        });
        assert.match(answer, /^HTTP\/1\.1 200 /);
        keepAlive.destroy();

        if (expectRefusals) {
          const refused = flood.answers.filter((a) => a.startsWith('HTTP/1.1 503')).length;
          assert.ok(refused > 100, `${refused} of 400 connections were refused with 503`);
          assert.match(server.stderr(), /refused \d+ connections/);
        } else {
          assert.match(server.stderr(), /accept failed \d+ times/);
        }
      } finally {
        for (const s of flood?.sockets ?? []) s.destroy();
        await server.stop();
        removeDir(server.dataDir);
      }
    });
  });
}
