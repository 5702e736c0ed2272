// DPoP proofs for the bench cases of issue 19, each with its own jti (each is good once), signed
// with node:crypto (ES256, JOSE's raw r||s), not timed:
//   node gen_dpop.mjs key DIR                                → DIR/dpop.pem (P-256)
//   node gen_dpop.mjs token DIR TOKEN_URL AUTHORIZATION      → DIR/dpop.token: a token bound to the key
//   node gen_dpop.mjs proofs DIR METHOD URL N FILE [TOKEN]   → FILE: N proofs (with ath of TOKEN)
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [mode, dir, ...rest] = process.argv.slice(2);
const b64 = (x) => Buffer.from(x).toString('base64url');

function proofs(method, url, count, token) {
  const key = createPrivateKey(readFileSync(path.join(dir, 'dpop.pem')));
  const { kty, crv, x, y } = createPublicKey(key).export({ format: 'jwk' });
  const header = b64(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } }));
  const ath = token ? createHash('sha256').update(token).digest('base64url') : undefined;
  const now = Math.floor(Date.now() / 1000);
  const out = [];
  for (let i = 0; i < count; i += 1) {
    const claims = b64(JSON.stringify({ htm: method, htu: url, iat: now, jti: randomBytes(12).toString('base64url'), ...(ath ? { ath } : {}) }));
    const input = `${header}.${claims}`;
    out.push(`${input}.${b64(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`);
  }
  return out;
}

if (mode === 'key') {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path.join(dir, 'dpop.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
} else if (mode === 'token') {
  const [url, authorization] = rest;
  const res = await fetch(url, { method: 'POST', body: 'grant_type=client_credentials',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', dpop: proofs('POST', url, 1)[0] } });
  const body = await res.json();
  if (res.status !== 200 || body.token_type !== 'DPoP') throw new Error(`no DPoP token: ${res.status} ${JSON.stringify(body)}`);
  writeFileSync(path.join(dir, 'dpop.token'), body.access_token);
} else if (mode === 'proofs') {
  const [method, url, count, file, token] = rest;
  writeFileSync(file, proofs(method, url, Number(count), token).join('\n') + '\n');
} else {
  throw new Error(`unknown mode ${mode}`);
}
