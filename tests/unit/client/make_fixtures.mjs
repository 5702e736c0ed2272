// Tokens for tests/unit/client/verifier_test.cpp, made by a JOSE implementation that is not ours
// (the `jose` npm package): a JWKS with a key of each type tokengate signs with (and an HMAC key,
// which a verifier must never use), and tokens good and bad in every way the verifier must tell
// apart. Run by the build (tests/CMakeLists.txt): node make_fixtures.mjs OUT.json
import { writeFileSync } from 'node:fs';
import { createHmac, sign as rawSign } from 'node:crypto';

import { SignJWT, UnsecuredJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';

const out = process.argv[2];
const issuer = 'https://issuer.test';
const audience = 'https://api.test';
const now = Math.floor(Date.now() / 1000);
const day = 86400;

const keys = {};
for (const [alg, kid] of [['ES256', 'es-1'], ['EdDSA', 'ed-1'], ['RS256', 'rs-1']]) {
  const pair = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : { modulusLength: 2048 });
  keys[kid] = { alg, ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } };
}
const stranger = await generateKeyPair('ES256');  // a key the JWKS does not hold
const claims = { iss: issuer, aud: audience, sub: 'client-1', client_id: 'client-1', scope: 'read write', iat: now, exp: now + day, jti: 'j1' };

function sign(kid, extra = {}, header = {}, key = keys[kid]?.privateKey) {
  const alg = header.alg ?? keys[kid]?.alg ?? 'ES256';
  return new SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg, typ: 'at+jwt', kid, ...header }).sign(key);
}

const b64 = (s) => Buffer.from(s).toString('base64url');
const hs256WithPublicKey = async () => {
  // The classic confusion: HS256 "signed" with the RSA public key's PEM as the secret.
  const pem = await exportSPKI(keys['rs-1'].publicKey);
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: 'rs-1' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
};
// A header jose itself would refuse to make (crit naming an extension nobody implements), signed by hand.
const withCrit = () => {
  const input = `${b64(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'es-1', crit: ['urn:x-unknown'], 'urn:x-unknown': 1 }))}.${b64(JSON.stringify(claims))}`;
  const signature = rawSign('sha256', Buffer.from(input), { key: keys['es-1'].privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
};
const tampered = async () => {
  const [h, , s] = (await sign('es-1')).split('.');
  return `${h}.${b64(JSON.stringify({ ...claims, scope: 'admin' }))}.${s}`;
};

const tokens = {
  es256: await sign('es-1'),
  eddsa: await sign('ed-1'),
  rs256: await sign('rs-1'),
  application_typ: await sign('es-1', {}, { typ: 'application/at+jwt' }),
  expired: await sign('es-1', { iat: now - 2 * day, exp: now - day }),
  within_leeway: await sign('es-1', { exp: now - 10 }),
  fractional_dates: await sign('es-1', { iat: now - 0.75, nbf: now - 10.25, exp: now + day + 0.5 }),  // RFC 7519 §2
  expired_fraction: await sign('es-1', { iat: now - 2 * day, exp: now - day + 0.5 }),
  not_yet_valid: await sign('es-1', { nbf: now + day }),
  wrong_issuer: await sign('es-1', { iss: 'https://other.test' }),
  wrong_audience: await sign('es-1', { aud: 'https://other-api.test' }),
  audience_list: await sign('es-1', { aud: ['https://x.test', audience] }),
  wrong_type: await sign('es-1', {}, { typ: 'JWT' }),
  no_exp: await sign('es-1', { exp: undefined }),
  tampered: await tampered(),
  unknown_kid: await sign('es-1', {}, { kid: 'not-in-jwks' }, stranger.privateKey),
  signed_by_stranger: await sign('es-1', {}, {}, stranger.privateKey),
  alg_none: new UnsecuredJWT(claims).encode(),
  alg_none_with_kid: `${b64(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'es-1' }))}.${b64(JSON.stringify(claims))}.`,
  hs256_public_key: await hs256WithPublicKey(),
  alg_mismatch: await sign('es-1', {}, { alg: 'EdDSA', kid: 'es-1' }, keys['ed-1'].privateKey),
  kid_path: await sign('es-1', {}, { kid: '../../../../etc/passwd' }, stranger.privateKey),
  kid_huge: await sign('es-1', {}, { kid: 'k'.repeat(100000) }, stranger.privateKey),
  jku_header: await sign('es-1', {}, { jku: 'https://attacker.test/jwks.json', x5u: 'https://attacker.test/cert.pem' }),
  crit_header: withCrit(),
  // Bound tokens (RFC 7800 cnf): of the kinds the verifier checks, and of others it must not take
  // as bearer tokens.
  cnf_jkt: await sign('es-1', { cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' } }),
  cnf_x5t: await sign('es-1', { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } }),
  cnf_jwk: await sign('es-1', { cnf: { jwk: keys['es-1'].jwk } }),
  cnf_empty_jkt: await sign('es-1', { cnf: { jkt: '' } }),
  cnf_not_object: await sign('es-1', { cnf: 'bound' }),
  not_a_jwt: 'not-a-token',
  garbage_parts: 'a.b.c',
};

const jwks = { keys: [...Object.values(keys).map((k) => k.jwk), { kty: 'oct', k: b64('secret-secret-secret'), kid: 'hmac-1', alg: 'HS256' }] };
writeFileSync(out, JSON.stringify({ issuer, audience, generated_at: now, jwks, tokens }, null, 1));
