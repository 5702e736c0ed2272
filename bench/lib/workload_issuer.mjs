// A Kubernetes-shaped workload issuer for the federated bench case (issue 18): serves OpenID
// discovery and its JWKS on 127.0.0.1 (fetched once by tokengate), writes its issuer URL and one
// projected service account token (ES256, an hour to live) to DIR/issuer and DIR/token, and N
// token request bodies each with a token of its own (as N pods would send) to DIR/fresh.bodies,
// then runs until killed:  node workload_issuer.mjs DIR [N]
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const dir = process.argv[2];
const fresh = Number(process.argv[3] ?? 0);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k8s-bench', use: 'sig', alg: 'ES256' };
const server = http.createServer((req, res) => {
  const json = (body) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (req.url === '/.well-known/openid-configuration') return json({ issuer, jwks_uri: `${issuer}/openid/v1/jwks` });
  if (req.url === '/openid/v1/jwks') return json({ keys: [jwk] });
  res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const issuer = `http://127.0.0.1:${server.address().port}`;
const b64 = (x) => Buffer.from(x).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const header = b64(JSON.stringify({ alg: 'ES256', kid: jwk.kid }));
const token = () => {
  const claims = b64(JSON.stringify({
    aud: ['tokengate'], exp: now + 3600, iat: now, iss: issuer, jti: randomUUID(), nbf: now,
    'kubernetes.io': { namespace: 'bench', serviceaccount: { name: 'load', uid: randomUUID() } },
    sub: 'system:serviceaccount:bench:load',
  }));
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${claims}.${b64(signature)}`;
};
const bodies = [];
for (let i = 0; i < fresh; i += 1) {
  bodies.push(new URLSearchParams({ grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: token() }).toString());
}
writeFileSync(path.join(dir, 'fresh.bodies'), `${bodies.join('\n')}\n`);
writeFileSync(path.join(dir, 'issuer'), issuer);
writeFileSync(path.join(dir, 'token'), token());
console.log(`workload issuer ${issuer}`);
