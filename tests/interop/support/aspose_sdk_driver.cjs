// Drives one published Aspose.Cells Cloud SDK release, unchanged, in a process of its own, for
// tests/interop/aspose_sdk_matrix.test.mjs:
//   node aspose_sdk_driver.cjs PACKAGE API_VERSION BASE_URL CLIENT_ID CLIENT_SECRET
// It reads commands on stdin, one JSON object a line, and answers each with one JSON line:
//   {"call": "getAsposeCellsCloudStatus" | "checkCloudServiceHealth" | "postAccessToken" | "oAuthPost" | "cellsApi"}
//     -> {"ok": true, "status": N, "body": ...} or {"ok": false, "code": N, "message": "..."}
//   {"advance_clock_ms": N}  -> the process's clock moves N ms ahead (the SDK's refresh interval)
//   {"has": "methodName"}    -> {"has": true|false}
// A process of its own because the SDK, when its refresh after a 401 fails, rejects a promise nobody
// holds: the call never settles and the error surfaces as an unhandled rejection, which is what a
// user of the SDK sees. It is reported as {"ok": false, "unhandled": true, "message": "..."}.
'use strict';
const readline = require('node:readline');

const [pkg, apiVersion, base, clientId, clientSecret] = process.argv.slice(2);
const sdk = require(pkg);

// The clock the SDK reads (new Date().getTime()), movable ahead.
const RealDate = Date;
let offset = 0;
global.Date = class extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() { return RealDate.now() + offset; }
};

const api = new sdk.CellsApi(clientId, clientSecret, apiVersion, base);
let unhandled = null;
process.on('unhandledRejection', (e) => { unhandled = e; });

function request(name) {
  switch (name) {
    case 'getAsposeCellsCloudStatus': return api.getAsposeCellsCloudStatus(new sdk.GetAsposeCellsCloudStatusRequest());
    case 'checkCloudServiceHealth': return api.checkCloudServiceHealth(new sdk.CheckCloudServiceHealthRequest());
    case 'postAccessToken':
      return api.postAccessToken(new sdk.PostAccessTokenRequest({
        extendQueryParameterMap: { ClientId: clientId, ClientSecret: clientSecret } }));
    case 'oAuthPost': return api.oAuthPost({ grantType: 'client_credentials', clientId, clientSecret });
    // Any other Cells API call (tokengate answers 501 after checking the token).
    case 'cellsApi': return api.getWorksheetAutoFilter(new sdk.GetWorksheetAutoFilterRequest({ name: 'book1.xlsx', sheetName: 'Sheet1' }));
    default: throw new Error(`unknown call ${name}`);
  }
}

async function call(name) {
  unhandled = null;
  const outcome = request(name).then(
    (r) => ({ ok: true, status: r.response.statusCode, body: r.response.body ?? r.body }),
    (e) => ({ ok: false, code: e.code ?? e.statusCode ?? null, message: e.message ?? String(e) }));
  const started = RealDate.now();
  for (;;) {
    const done = await Promise.race([outcome, new Promise((r) => setTimeout(() => r(null), 25))]);
    if (done) return done;
    if (unhandled) return { ok: false, unhandled: true, code: unhandled.code ?? null, message: unhandled.message ?? String(unhandled) };
    if (RealDate.now() - started > 15000) return { ok: false, message: 'the call did not settle within 15 s' };
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const command = JSON.parse(line);
  let answer;
  if (command.advance_clock_ms) {
    offset += command.advance_clock_ms;
    answer = { clock_ms: offset };
  } else if (command.has) {
    answer = { has: typeof api[command.has] === 'function' };
  } else {
    answer = await call(command.call);
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
lines.on('close', () => process.exit(0));
