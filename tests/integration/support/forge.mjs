// Tokens the server cannot be made to issue, signed with one of its own keys read straight from its
// store: for tests of what the server must refuse (an expired token, a retired key's forgery).
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, calculateJwkThumbprint, exportJWK } from 'jose';

import { decodeJwt } from './tokengate.mjs';

// The signing key `kid` of the store in `dataDir`, read from the SQLite file itself (and its WAL):
// the tests sign tokens with it that the server cannot be made to issue, e.g. one that expired an
// hour ago (the 30 s leeway on exp makes waiting a real one out too slow).
export async function storeSigningKey(dataDir, kid) {
  let raw = '';
  for (const f of ['tokengate.db', 'tokengate.db-wal']) {
    const file = path.join(dataDir, f);
    if (existsSync(file)) raw += readFileSync(file).toString('latin1');
  }
  for (const pem of new Set(raw.match(/-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\s]+?-----END PRIVATE KEY-----/g) ?? [])) {
    const key = createPrivateKey(pem);
    if (await calculateJwkThumbprint(await exportJWK(createPublicKey(key))) === kid) return key;
  }
  throw new Error(`no private key with kid ${kid} in ${dataDir}`);
}

// A token like `model` (one of ours), with `claims` changed, signed with `key` under `kid`.
export function resign(model, claims, key, kid) {
  const { header, payload } = decodeJwt(model);
  return new SignJWT({ ...payload, ...claims }).setProtectedHeader({ ...header, kid }).sign(key);
}

