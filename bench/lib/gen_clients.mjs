// Bench-only: writes SQL on stdout that registers COUNT clients straight into a tokengate SQLite
// store (one transaction), and writes the HTTP Basic header values of SPREAD of them, picked evenly
// across the table, to AUTH_FILE (one a line) for bench/wrk/token.lua. Secrets look like the
// server's (32 random bytes, base64url); the store keeps SHA-256(secret), as tokengate does.
//
//   node bench/lib/gen_clients.mjs COUNT SPREAD AUTH_FILE | sqlite3 DATA_DIR/tokengate.db
//   node bench/lib/gen_clients.mjs COUNT SPREAD AUTH_FILE postgres | psql ...   (PostgreSQL's syntax)
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [count, spread, authFile, dialect] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], process.argv[5]];
if (!(count > 0 && spread > 0 && spread <= count && authFile)) {
  console.error('usage: gen_clients.mjs COUNT SPREAD AUTH_FILE');
  process.exit(2);
}

const now = Math.floor(Date.now() / 1000);
const step = Math.floor(count / spread);
const headers = [];
const sql = ['BEGIN;'];
for (let i = 0; i < count; i++) {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  const digest = createHash('sha256').update(secret).digest('hex');
  const generation = randomBytes(8).toString('base64url');
  sql.push(`INSERT INTO clients(id,name,secret_sha256,scopes,audience,token_ttl,enabled,created_at,updated_at,generation) ` +
           `VALUES('${id}','bench-${i}',${dialect === 'postgres' ? `decode('${digest}','hex')` : `X'${digest}'`},'bench','',0,` +
           `${dialect === 'postgres' ? 'true' : '1'},${now},${now},'${generation}');`);
  if (i % step === 0 && headers.length < spread) {
    headers.push('Basic ' + Buffer.from(`${id}:${secret}`).toString('base64'));
  }
}
sql.push('COMMIT;');
process.stdout.write(sql.join('\n') + '\n');
writeFileSync(authFile, headers.join('\n') + '\n');
