// The issuers a platform team's workloads already hold tokens from, started locally, each minting
// tokens of exactly the shape the real one does (header and claims), for workload identity
// federation:
// - Kubernetes: projected service account tokens (RS256; `kubernetes.io` claims; subject
//   system:serviceaccount:NS:NAME), keys by OpenID discovery at the issuer, as a cluster's
//   service-account-issuer publishes them;
// - GitHub Actions: OIDC tokens (RS256 with x5t and kid; subject repo:ORG/REPO:ref:REF and the
//   repository, ref, workflow... claims) under GitHub's real issuer name, keys at a JWKS URL;
// - SPIFFE: JWT-SVIDs (ES256; a SPIFFE ID subject; no iss), keys in a SPIFFE bundle endpoint with
//   its x509-svid and jwt-svid keys.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

const now = () => Math.floor(Date.now() / 1000);

async function keyPair(alg, kid) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid } };
}

export async function startWorkloadIssuers() {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const k8sIssuer = `${base}/k8s`;
  const k8s = await keyPair('RS256', 'k8s-sa-key-1');
  const github = await keyPair('RS256', '1F2AB83404C08EC9EA0BB99DAED02186B091DBF4');
  const spiffe = await keyPair('ES256', 'spire-jwt-1');
  const spiffeX509 = await keyPair('ES256', 'spire-x509-1');
  const hits = { k8s: 0, github: 0, spiffe: 0 };

  server.on('request', (req, res) => {
    const json = (body) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.url === '/k8s/.well-known/openid-configuration') {
      return json({ issuer: k8sIssuer, jwks_uri: `${base}/k8s/openid/v1/jwks`, response_types_supported: ['id_token'],
        subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (req.url === '/k8s/openid/v1/jwks') { hits.k8s += 1; return json({ keys: [{ ...k8s.jwk, use: 'sig', alg: 'RS256' }] }); }
    if (req.url === '/github/.well-known/jwks') { hits.github += 1; return json({ keys: [{ ...github.jwk, use: 'sig', alg: 'RS256', x5t: 'Hyq4NATAjsnqC7mdrtAhhrCR2_Q' }] }); }
    if (req.url === '/spiffe/bundle') {
      hits.spiffe += 1;
      return json({ keys: [{ ...spiffeX509.jwk, use: 'x509-svid', x5c: ['MIIB'] }, { ...spiffe.jwk, use: 'jwt-svid' }],
        spiffe_sequence: 1, spiffe_refresh_hint: 300 });
    }
    res.writeHead(404).end();
  });

  return {
    base,
    hits,
    k8sIssuer,
    githubJwksUri: `${base}/github/.well-known/jwks`,
    spiffeBundle: `${base}/spiffe/bundle`,

    // A projected service account token (kubelet's TokenRequest), as `kubectl create token` makes it.
    async kubernetesToken({ namespace = 'prod', serviceAccount = 'reporter', audience = 'tokengate', claims = {}, key = k8s } = {}) {
      const t = now();
      const payload = {
        aud: [audience], exp: t + 3600, iat: t, iss: k8sIssuer, jti: randomUUID(), nbf: t,
        'kubernetes.io': {
          namespace,
          node: { name: 'node-1', uid: randomUUID() },
          pod: { name: `${serviceAccount}-7d9f8b6c5-x2x4z`, uid: randomUUID() },
          serviceaccount: { name: serviceAccount, uid: 'a1b2c3d4-0000-4000-8000-000000000001' },
        },
        sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
        ...claims,
      };
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: k8s.kid }).sign(key.privateKey);
    },

    // A GitHub Actions OIDC token for a workflow run on `ref` (the claims GitHub documents).
    async githubToken({ repository = 'octo-org/octo-repo', ref = 'refs/heads/main', audience = 'tokengate', subject, claims = {} } = {}) {
      const t = now();
      const [owner] = repository.split('/');
      const payload = {
        jti: randomUUID(), sub: subject ?? `repo:${repository}:ref:${ref}`, aud: audience, ref, sha: createHash('sha1').update(ref).digest('hex'),
        repository, repository_owner: owner, repository_owner_id: '65432', run_id: '1234567890', run_number: '42',
        run_attempt: '1', repository_visibility: 'private', repository_id: '123456', actor_id: '7654', actor: 'octocat',
        workflow: 'Deploy', head_ref: '', base_ref: '', event_name: 'push', ref_protected: 'true', ref_type: 'branch',
        workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`, workflow_sha: 'abc123',
        job_workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`, job_workflow_sha: 'abc123',
        runner_environment: 'github-hosted', iss: GITHUB_ISSUER, nbf: t - 5, exp: t + 300, iat: t,
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: 'Hyq4NATAjsnqC7mdrtAhhrCR2_Q', kid: github.kid })
        .sign(github.privateKey);
    },

    // A JWT-SVID as SPIRE mints it: no iss, the SPIFFE ID as sub.
    async spiffeSvid({ id = 'spiffe://example.org/ns/prod/sa/reporter', audience = 'tokengate' } = {}) {
      const t = now();
      return new SignJWT({ sub: id, aud: [audience], exp: t + 300, iat: t })
        .setProtectedHeader({ alg: 'ES256', kid: spiffe.kid, typ: 'JWT' })
        .sign(spiffe.privateKey);
    },

    // A key nobody trusts, to sign forgeries with.
    async forgerKey() { return keyPair('RS256', k8s.kid); },

    close() { server.closeAllConnections(); server.close(); },
  };
}
