// Bench-only: writes SQL on stdout that records COUNT token revocations straight into a tokengate
// SQLite store, as if COUNT of ISSUED tokens of one client generation had been revoked, picked at
// random; the tokens are spread over status lists of 65,536 entries, as one issuing thread fills
// them. Prints the list IDs it used to LISTS_FILE (one a line), to fetch and measure the lists.
// The lists are named as a node names them, tagged with the store's status list key (KEY, as the
// store keeps it: base64url), so the server signs them.
//   node bench/lib/gen_revocations.mjs GENERATION ISSUED COUNT LISTS_FILE KEY | sqlite3 DATA_DIR/tokengate.db
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [generation, issued, count, listsFile, key] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5], process.argv[6]];
if (!(generation && issued > 0 && count > 0 && count <= issued && listsFile && key)) {
  console.error('usage: gen_revocations.mjs GENERATION ISSUED COUNT LISTS_FILE KEY');
  process.exit(2);
}
const LIST_SIZE = 65536;
const thread = randomBytes(9).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const picked = new Set();
while (picked.size < count) picked.add(Math.floor(Math.random() * issued));
const lists = new Set();
const sql = ['BEGIN;'];
for (const n of picked) {
  const untagged = `${generation}.${thread}.${Math.floor(n / LIST_SIZE)}`;
  const tag = createHmac('sha256', Buffer.from(key, 'base64url')).update(untagged).digest().subarray(0, 12).toString('base64url');
  const list = `${untagged}.${tag}`;
  lists.add(list);
  sql.push(`INSERT INTO revocations(kind,key,client_id,revoked_at,expires_at) VALUES('token','${list}.${n % LIST_SIZE}','bench',${now},${now + 86400});`);
}
sql.push('COMMIT;');
process.stdout.write(sql.join('\n') + '\n');
writeFileSync(listsFile, [...lists].join('\n') + '\n');
