// Client assertions for the private_key_jwt bench case (issue 18), each with its own jti (each is
// good once):
//   node gen_assertions.mjs key DIR                         → DIR/client.pem, DIR/jwks.json (ES256)
//   node gen_assertions.mjs bodies DIR CLIENT_ID AUD N FILE → FILE: N token request bodies
// Signed with node:crypto (ES256, JOSE's raw r||s), not timed.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [mode, dir, ...rest] = process.argv.slice(2);
const b64 = (x) => Buffer.from(x).toString('base64url');

if (mode === 'key') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path.join(dir, 'client.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig' }] }));
} else if (mode === 'bodies') {
  const [clientId, audience, count, file] = rest;
  const key = createPrivateKey(readFileSync(path.join(dir, 'client.pem')));
  createPublicKey(key);  // a usable key, or throw here
  const header = b64(JSON.stringify({ alg: 'ES256', kid: 'bench', typ: 'JWT' }));
  const now = Math.floor(Date.now() / 1000);
  const lines = [];
  for (let i = 0; i < Number(count); i += 1) {
    const claims = b64(JSON.stringify({ iss: clientId, sub: clientId, aud: audience, jti: randomBytes(12).toString('base64url'), iat: now, exp: now + 300 }));
    const input = `${header}.${claims}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    lines.push(new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: `${input}.${b64(signature)}` }).toString());
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
} else {
  console.error('usage: gen_assertions.mjs key DIR | bodies DIR CLIENT_ID AUD N FILE');
  process.exit(2);
}
