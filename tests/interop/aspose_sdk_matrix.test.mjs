// Every published release of the Aspose.Cells Cloud Node SDK (npm asposecellscloud 23.4.0, 25.9.1,
// 25.12.0, pinned under aliases), unchanged, at every API version it can be set to (v1.1, v3.0,
// v4.0), against tokengate in issuer mode and in proxy mode: its own authentication (/oauth2/token
// for v1.1, /connect/token otherwise), postAccessToken, the status calls and the deprecated
// oAuthPost (multipart/form-data to /{version}/connect/token) where the release has them, and the
// 401 path: once its token is revoked (issuer mode) or expired (proxy mode), a call fails with the
// message tokengate gives the SDK's bare refresh request, and its first call after its own refresh
// interval (86.3 s; the SDK process's clock is moved ahead) succeeds with a new token.
// The matrix is printed as a table; README.md keeps a copy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, test } from 'node:test';

import { clientReady } from '../integration/support/token_ops.mjs';
import { basic, cli, cliJson, postToken, removeDir, sleep, startServer, within } from '../integration/support/tokengate.mjs';

const RELEASES = [
  ['23.4.0', 'asposecellscloud-23.4.0'],
  ['25.9.1', 'asposecellscloud-25.9.1'],
  ['25.12.0', 'asposecellscloud'],
];
const VERSIONS = ['v1.1', 'v3.0', 'v4.0'];
const CALLS = ['postAccessToken', 'getAsposeCellsCloudStatus', 'checkCloudServiceHealth', 'oAuthPost'];
const DRIVER = path.join(import.meta.dirname, 'support', 'aspose_sdk_driver.cjs');
const REFRESH_MESSAGE = /no refresh tokens.*client_credentials/;

// One SDK instance in its own process; ask() sends a command and resolves with its answer.
function startSdk(pkg, version, base, client) {
  const child = spawn(process.execPath, [DRIVER, pkg, version, base, client.client_id, client.client_secret],
    { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = [];
  const waiting = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line);
    if (waiting.length) waiting.shift()(answer);
    else answers.push(answer);
  });
  return {
    ask(command) {
      child.stdin.write(JSON.stringify(command) + '\n');
      return answers.length ? Promise.resolve(answers.shift()) : new Promise((r) => waiting.push(r));
    },
    close() { child.stdin.end(); child.kill(); },
  };
}

// The 401 path's call: a status call where the release has one, else any Cells API call.
const probeCall = (has) => (has.getAsposeCellsCloudStatus ? 'getAsposeCellsCloudStatus' : 'cellsApi');

function cellFor(call, has, answer) {
  if (!has[call]) return '—';
  return answer.ok ? '✓' : `✗ ${answer.code ?? ''} ${answer.message}`.trim();
}

async function runMatrix(mode, base, clientFor, makeTokensUnusable) {
  const rows = [];
  const sdks = [];
  try {
    // Phase 1: every call each release has, at every version; the first one authenticates.
    await Promise.all(RELEASES.flatMap(([release, pkg]) => VERSIONS.map(async (version) => {
      const sdk = startSdk(pkg, version, base, clientFor(release, version));
      const has = {};
      for (const call of [...CALLS, 'getWorksheetAutoFilter']) has[call] = (await sdk.ask({ has: call })).has;
      const row = { release, version, has, sdk, results: {} };
      for (const call of CALLS) if (has[call]) row.results[call] = await sdk.ask({ call });
      sdks.push(sdk);
      rows.push(row);
    })));

    // Phase 2: the SDKs' tokens stop being accepted; a call fails with tokengate's refresh message.
    await makeTokensUnusable();
    await Promise.all(rows.map(async (row) => { row.after401 = await row.sdk.ask({ call: probeCall(row.has) }); }));

    // Phase 3: after the SDK's own refresh interval its next call gets a new token and succeeds.
    await Promise.all(rows.map(async (row) => {
      await row.sdk.ask({ advance_clock_ms: 90_000 });
      const next = row.has.getAsposeCellsCloudStatus ? 'getAsposeCellsCloudStatus' : 'oAuthPost';
      row.recovered = await row.sdk.ask({ call: next });
    }));
  } finally {
    for (const s of sdks) s.close();
  }

  rows.sort((a, b) => RELEASES.findIndex((r) => r[0] === a.release) - RELEASES.findIndex((r) => r[0] === b.release) ||
    a.version.localeCompare(b.version));
  const header = ['SDK', 'apiVersion', 'mode', 'authentication', ...CALLS, '401 → message', 'next call after refresh interval'];
  const table = rows.map((r) => [r.release, r.version, mode,
    Object.values(r.results).some((a) => a.ok) ? '✓' : '✗',
    ...CALLS.map((c) => cellFor(c, r.has, r.results[c] ?? {})),
    r.after401.message?.match(REFRESH_MESSAGE) ? `✓ ${r.after401.unhandled ? '(unhandled rejection)' : r.after401.code}` : `✗ ${r.after401.message}`,
    r.recovered.ok ? '✓' : `✗ ${r.recovered.message}`]);
  console.log(['', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`,
    ...table.map((r) => `| ${r.join(' | ')} |`), ''].join('\n'));
  return rows;
}

function assertMatrix(rows) {
  assert.equal(rows.length, RELEASES.length * VERSIONS.length);
  for (const row of rows) {
    const where = `${row.release} ${row.version}`;
    for (const [call, answer] of Object.entries(row.results)) assert.ok(answer.ok, `${where} ${call}: ${JSON.stringify(answer)}`);
    if (row.has.postAccessToken) assert.match(row.results.postAccessToken.body.access_token, /^eyJ/, where);
    if (row.has.oAuthPost) assert.match(row.results.oAuthPost.body.access_token ?? row.results.oAuthPost.body.accessToken ?? '', /^eyJ/, where);
    assert.equal(row.after401.ok, false, `${where}: a call with a dead token succeeded`);
    assert.match(row.after401.message, REFRESH_MESSAGE, `${where}: the SDK reported ${JSON.stringify(row.after401)}`);
    assert.ok(row.recovered.ok, `${where}: the call after the refresh interval failed: ${JSON.stringify(row.recovered)}`);
  }
  // Every release has a way to a token at every version.
  for (const [release] of RELEASES) assert.ok(rows.some((r) => r.release === release && Object.keys(r.results).length > 0));
}

describe('every Aspose.Cells Cloud SDK release × apiVersion, issuer mode', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); removeDir(server.dataDir); });

  test('authenticates, calls, and recovers from a revoked token', async () => {
    const clients = {};
    for (const [release] of RELEASES) {
      for (const version of VERSIONS)
        clients[`${release} ${version}`] = cliJson(['client', 'create', '--name', `sdk ${release} ${version}`, '--data-dir', server.dataDir]);
    }
    for (const c of Object.values(clients)) await clientReady(server.base, c);
    const rows = await runMatrix('issuer', server.base, (r, v) => clients[`${r} ${v}`], async () => {
      // A witness token per client, issued after the SDK's: once the server refuses it, it refuses
      // the SDK's too (a loaded machine may take longer than the 1 s a change usually needs).
      const witnesses = [];
      for (const c of Object.values(clients)) {
        const got = await postToken(server.base, { form: { grant_type: 'client_credentials' }, auth: basic(c.client_id, c.client_secret) });
        assert.equal(got.status, 200);
        witnesses.push(got.body.access_token);
      }
      for (const c of Object.values(clients)) assert.equal(cli(['client', 'revoke-tokens', c.client_id, '--data-dir', server.dataDir]).status, 0);
      for (const token of witnesses) {
        const refused = await within(15_000, async () =>
          (await fetch(`${server.base}/v4.0/cells`, { headers: { authorization: `Bearer ${token}` } })).status === 401);
        assert.ok(refused, 'a revoked token was still accepted after 15 s');
      }
    });
    assertMatrix(rows);
  });
});

describe('every Aspose.Cells Cloud SDK release × apiVersion, proxy mode', () => {
  let upstream;
  let proxy;
  before(async () => {
    upstream = await startServer();
    proxy = await startServer({ args: ['--upstream-token-url', `${upstream.base}/connect/token`, '--audience', upstream.base] });
  });
  after(async () => {
    await proxy.stop();
    await upstream.stop();
    removeDir(proxy.dataDir);
    removeDir(upstream.dataDir);
  });

  test('authenticates, calls, and recovers from an expired token', async () => {
    // In proxy mode the status routes check tokens offline against the upstream's keys, so the dead
    // token is an expired one: a lifetime of 1 s, then the 30 s leeway the status routes allow.
    const clients = {};
    for (const [release] of RELEASES) {
      for (const version of VERSIONS)
        clients[`${release} ${version}`] = cliJson(['client', 'create', '--name', `sdk ${release} ${version}`, '--ttl', '1', '--data-dir', upstream.dataDir]);
    }
    for (const c of Object.values(clients)) await clientReady(upstream.base, c);
    // Every SDK token was issued by the time phase 1 ends (the hook runs then): 1 s of lifetime and
    // 30 s of leeway later none is accepted, however long phase 1 took on a loaded machine.
    const rows = await runMatrix('proxy', proxy.base, (r, v) => clients[`${r} ${v}`], async () => {
      await sleep(32_000);  // time: the tokens' 1 s lifetime and the 30 s leeway must pass
    });
    assertMatrix(rows);
  });
});
