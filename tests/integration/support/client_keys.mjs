// A private_key_jwt client's side, for the suites: a key pair of each algorithm (the public half as
// a JWK with a kid, ready for a JWKS), and client assertions (RFC 7523 §2.2) signed with it, with
// any claim or header changed to make a bad one.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// { alg, kid, privateKey, publicJwk }: `publicJwk` carries kid (and alg for PS256, which an RSA
// key is for only when its JWK says so).
export async function clientKey(alg = 'ES256', kid = `key-${randomUUID().slice(0, 8)}`) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  if (alg === 'PS256') publicJwk.alg = 'PS256';
  return { alg, kid, privateKey, publicJwk };
}

export const jwksOf = (...keys) => ({ keys: keys.map((k) => k.publicJwk) });

// A client assertion of `clientId` for the server at `audience`: iss = sub = the client, a fresh
// jti, 60 s to live (what oauth4webapi signs). `claims` and `header` override or add members
// (undefined removes one).
export async function assertion(key, clientId, audience, { claims = {}, header = {} } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 60, ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const protectedHeader = { alg: key.alg, kid: key.kid, ...header };
  for (const [k, v] of Object.entries(protectedHeader)) if (v === undefined) delete protectedHeader[k];
  return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

// A DPoP proof (RFC 9449 §4.2) of `key` for `htm` `htu`: its public JWK (without kid or use) in
// the header; `claims` add or override (a nonce, say).
export async function dpopProof(key, htm, htu, claims = {}) {
  const { kid, use, alg, ...jwk } = key.publicJwk;
  const payload = { htm, htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...claims };
  return new SignJWT(payload).setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk }).sign(key.privateKey);
}

// The form fields that carry `signed` (client_id too, unless `withId` is false).
export function assertionForm(clientId, signed, { withId = true } = {}) {
  return { ...(withId ? { client_id: clientId } : {}), client_assertion_type: JWT_BEARER, client_assertion: signed };
}

// A JWS with `header` and `payload` and a signature of garbage: for alg none and HS256.
export function unsignedJws(header, payload, signature = '') {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64(header)}.${b64(payload)}.${signature}`;
}
