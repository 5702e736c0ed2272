// Checks one token response before a case is measured, so that a benchmark never measures errors:
// the body (a file) must be a JSON token response whose access_token is a JWT signed with ALG.
//   node bench/lib/check_token.mjs BODY_FILE ALG
import { readFileSync } from 'node:fs';

const [file, alg] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
try {
  const body = JSON.parse(text);
  const parts = String(body.access_token ?? '').split('.');
  if (parts.length !== 3) throw new Error('access_token is not a compact JWS');
  const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
  if (header.alg !== alg) throw new Error(`alg is ${header.alg}, expected ${alg}`);
  console.log(`ok: ${header.alg} JWT (typ ${header.typ}), sub ${claims.sub}, aud ${claims.aud}, ` +
              `${parts[2].length} signature chars, token_type ${body.token_type}, expires_in ${body.expires_in}`);
} catch (e) {
  console.error(`not a ${alg} JWT token response (${e.message}): ${text.slice(0, 300)}`);
  process.exit(1);
}
