// Workload identity federation (issue 18): a workload that holds a token from an issuer the
// operator trusts (Kubernetes, GitHub Actions, SPIFFE) uses it as its client assertion, and no
// secret exists anywhere. `tokengate federation add|list|remove`; exact subjects and claim
// conditions; the issued token says who the workload was (`act`); every refusal a 401 that says why.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { JWT_BEARER } from './support/client_keys.mjs';
import { until } from './support/token_ops.mjs';
import { cli, cliJson, decodeJwt, postToken, removeDir, sleep, startServer } from './support/tokengate.mjs';
import { GITHUB_ISSUER, startWorkloadIssuers } from './support/workload_issuers.mjs';

const grant = { grant_type: 'client_credentials' };

describe('workload identity federation', () => {
  let server;
  let store;
  let issuers;
  let client;
  const federated = (assertion, extra = {}) => postToken(server.base, {
    form: { ...grant, client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra },
  });

  before(async () => {
    issuers = await startWorkloadIssuers();
    server = await startServer();
    store = ['--data-dir', server.dataDir];
    client = cliJson(['client', 'create', '--name', 'reports', '--scope', 'reports.read', '--auth', 'private_key_jwt',
      '--jwks-uri', 'https://unused.example/jwks', ...store]);
  });
  after(async () => { await server.stop(); removeDir(server.dataDir); issuers.close(); });

  test('Kubernetes: a projected service account token gets a token for the mapped client, which says who it was', async () => {
    const fed = cliJson(['federation', 'add', '--issuer', issuers.k8sIssuer, '--audience', 'tokengate',
      '--subject', 'system:serviceaccount:prod:reporter', '--claim', 'kubernetes.io.namespace=prod',
      '--claim', 'kubernetes.io.serviceaccount.uid=a1b2c3d4-0000-4000-8000-000000000001', '--client', client.client_id, ...store]);
    assert.match(fed.id, /^fed-/);
    assert.equal(fed.keys, 'discovery');
    const sa = await issuers.kubernetesToken();
    let r;
    await until(async () => { r = await federated(sa); return r.status === 200; }, 'the federation is picked up', 3000);
    const claims = decodeJwt(r.body.access_token).payload;
    assert.equal(claims.client_id, client.client_id);
    assert.equal(claims.scope, 'reports.read');
    assert.deepEqual(claims.act, { sub: 'system:serviceaccount:prod:reporter', iss: issuers.k8sIssuer });
    // The same token again: a projected token is the workload's credential until kubelet renews it.
    assert.equal((await federated(sa)).status, 200);
    // client_id may be named; another client's is refused.
    assert.equal((await federated(sa, { client_id: client.client_id })).status, 200);
    const other = await federated(sa, { client_id: 'someone-else' });
    assert.equal(other.status, 401);
    assert.match(other.body.error_description, /maps the subject 'system:serviceaccount:prod:reporter' \(with its claims and this client_id\)/);
  });

  test('a federated grant then refused (a scope the client lacks) is not audited as an authentication', async () => {
    const fed = cliJson(['federation', 'add', '--issuer', issuers.k8sIssuer, '--audience', 'tokengate',
      '--subject', 'system:serviceaccount:prod:scoper', '--client', client.client_id, ...store]);
    const sa = await issuers.kubernetesToken({ serviceAccount: 'scoper' });
    let r;
    await until(async () => { r = await federated(sa, { scope: 'reports.write' }); return r.status !== 401; }, 'the federation is picked up', 3000);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error, 'invalid_scope');
    await sleep(1500);  // the trail is written once a second
    const audit = cliJson(['audit', 'list', ...store]);
    assert.ok(!audit.some((e) => e.action === 'auth.federated' && e.detail.subject === 'system:serviceaccount:prod:scoper'),
      'no auth.federated for a grant that was refused');
    assert.equal(cli(['federation', 'remove', fed.id, ...store]).status, 0);
  });

  test('Kubernetes: another service account, namespace, audience, or a forged, expired token: 401 saying why', async () => {
    const t = Math.floor(Date.now() / 1000);
    const forger = await issuers.forgerKey();
    const cases = [
      ['another service account', await issuers.kubernetesToken({ serviceAccount: 'intruder' }), /No federation of .* maps the subject 'system:serviceaccount:prod:intruder'/],
      ['the right sub, another service account uid', await issuers.kubernetesToken({ claims: { 'kubernetes.io': { namespace: 'prod', serviceaccount: { name: 'reporter', uid: 'recreated' } } } }), /maps the subject/],
      ['another audience', await issuers.kubernetesToken({ audience: 'vault' }), /aud is not an audience a federation/],
      ['expired', await issuers.kubernetesToken({ claims: { iat: t - 7200, nbf: t - 7200, exp: t - 3600 } }), /has expired/],
      ['signed by a key the issuer never published', await issuers.kubernetesToken({ key: forger }), /not signed by a key of the trusted issuer/],
    ];
    for (const [what, token, message] of cases) {
      const r = await federated(token);
      assert.equal(r.status, 401, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_client');
      assert.match(r.body.error_description, message, what);
    }
  });

  test('Kubernetes: tokengate token --assertion-file reads the projected token anew at each request', async () => {
    const file = path.join(server.dataDir, 'sa-token');
    writeFileSync(file, await issuers.kubernetesToken());
    const url = `${server.base}/connect/token`;
    const first = cli(['token', '--url', url, '--assertion-file', file, '--json']);
    assert.equal(first.status, 0, first.stderr);
    writeFileSync(file, await issuers.kubernetesToken({ serviceAccount: 'intruder' }));  // kubelet writes another
    const second = cli(['token', '--url', url, '--assertion-file', file]);
    assert.equal(second.status, 1, 'the new file is read');
    assert.match(second.stderr, /maps the subject 'system:serviceaccount:prod:intruder'/);
  });

  test('GitHub Actions: the repository and branch, exactly; a pull request run is refused', async () => {
    cliJson(['federation', 'add', '--issuer', GITHUB_ISSUER, '--jwks-uri', issuers.githubJwksUri, '--audience', 'tokengate',
      '--subject', 'repo:octo-org/octo-repo:ref:refs/heads/main', '--claim', 'repository=octo-org/octo-repo',
      '--claim', 'ref=refs/heads/main', '--claim', 'runner_environment=github-hosted', '--client', client.client_id, ...store]);
    const run = await issuers.githubToken();
    let r;
    await until(async () => { r = await federated(run); return r.status === 200; }, 'the GitHub federation', 3000);
    assert.deepEqual(decodeJwt(r.body.access_token).payload.act, { sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', iss: GITHUB_ISSUER });
    for (const [what, token] of [
      ['a pull request', await issuers.githubToken({ subject: 'repo:octo-org/octo-repo:pull_request', ref: 'refs/pull/7/merge' })],
      ['another branch', await issuers.githubToken({ ref: 'refs/heads/feature' })],
      ['a fork with the same sub', await issuers.githubToken({ claims: { repository: 'evil/octo-repo' } })],
      ['a self-hosted runner', await issuers.githubToken({ claims: { runner_environment: 'self-hosted' } })],
    ]) {
      const refused = await federated(token);
      assert.equal(refused.status, 401, what);
      assert.match(refused.body.error_description, /maps the subject/, what);
    }
  });

  test('SPIFFE: a JWT-SVID (no iss) checked with the bundle endpoint\'s jwt-svid keys', async () => {
    cliJson(['federation', 'add', '--issuer', 'spiffe://example.org', '--spiffe-bundle', issuers.spiffeBundle,
      '--audience', 'tokengate', '--subject', 'spiffe://example.org/ns/prod/sa/reporter', '--client', client.client_id, ...store]);
    const svid = await issuers.spiffeSvid();
    let r;
    await until(async () => { r = await federated(svid); return r.status === 200; }, 'the SPIFFE federation', 3000);
    assert.deepEqual(decodeJwt(r.body.access_token).payload.act, { sub: 'spiffe://example.org/ns/prod/sa/reporter', iss: 'spiffe://example.org' });
    const elsewhere = await federated(await issuers.spiffeSvid({ id: 'spiffe://other.org/ns/prod/sa/reporter' }));
    assert.equal(elsewhere.status, 401);
    const sibling = await federated(await issuers.spiffeSvid({ id: 'spiffe://example.org/ns/prod/sa/other' }));
    assert.equal(sibling.status, 401);
    assert.match(sibling.body.error_description, /maps the subject 'spiffe:\/\/example.org\/ns\/prod\/sa\/other'/);
  });

  test('through a proxy: the token goes upstream unchanged, without a client_id it did not carry', async () => {
    const proxy = await startServer({ args: ['--upstream-token-url', `${server.base}/connect/token`, '--audience', server.base] });
    try {
      const sa = await issuers.kubernetesToken();
      const via = (extra = {}) => postToken(proxy.base, { form: { ...grant, client_assertion_type: JWT_BEARER, client_assertion: sa, ...extra } });
      const r = await via();
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(decodeJwt(r.body.access_token).payload.act.sub, 'system:serviceaccount:prod:reporter');
      assert.equal((await via({ client_id: client.client_id })).status, 200);
    } finally {
      await proxy.stop();
      removeDir(proxy.dataDir);
    }
  });

  test('an untrusted issuer is named as such', async () => {
    const stranger = await startWorkloadIssuers();
    try {
      const r = await federated(await stranger.kubernetesToken());
      assert.equal(r.status, 401);
      assert.match(r.body.error_description, /issuer .* is not trusted here/);
      assert.equal(stranger.hits.k8s, 0, 'nothing is fetched from a URL taken from the request');
    } finally {
      stranger.close();
    }
  });

  test('federation list, bad input, remove: the workload gets no more tokens', async () => {
    const listed = cliJson(['federation', 'list', ...store]);
    assert.equal(listed.length, 3);
    const bad = [
      [['--issuer', 'ftp://x', '--audience', 'a', '--subject', 's'], /must be an https URL/],
      [['--issuer', 'http://k8s.example', '--audience', 'a', '--subject', 's'], /must be https \(plain http only to a loopback address\)/],
      [['--issuer', issuers.k8sIssuer, '--jwks-uri', issuers.githubJwksUri, '--audience', 'a', '--subject', 's'], /already takes its keys from its discovery document/],
      [['--issuer', issuers.k8sIssuer, '--audience', 'a', '--subject', 's', '--claim', 'ref=a', '--claim', 'ref=b'], /named twice/],
      [['--issuer', issuers.k8sIssuer, '--audience', 'a', '--subject', 'system:serviceaccount:prod:*'], /'\*' is no wildcard/],
      [['--issuer', 'spiffe://example.org', '--audience', 'a', '--subject', 's'], /bundle endpoint/],
      [['--issuer', issuers.k8sIssuer, '--audience', 'a', '--subject', 's', '--claim', 'novalue'], /NAME=VALUE/],
    ];
    for (const [args, message] of bad) {
      const r = cli(['federation', 'add', ...args, '--client', client.client_id, ...store]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    }
    const noClient = cli(['federation', 'add', '--issuer', issuers.k8sIssuer, '--audience', 'a', '--subject', 's', '--client', 'nobody', ...store]);
    assert.equal(noClient.status, 2);
    assert.match(noClient.stderr, /no client 'nobody'/);

    const k8s = listed.find((f) => f.issuer === issuers.k8sIssuer);
    assert.equal(cli(['federation', 'remove', k8s.id, ...store]).status, 0);
    const sa = await issuers.kubernetesToken();
    await until(async () => (await federated(sa)).status === 401, 'the removed federation stops', 1500);
    assert.equal(cli(['federation', 'remove', k8s.id, ...store]).status, 1);
    // The trail is written once a second.
    let audit;
    await until(() => {
      audit = cliJson(['audit', 'list', ...store]);
      return audit.filter((e) => e.action === 'auth.federated').length >= 3;
    }, 'the federated authentications are audited', 3000);
    const actions = audit.map((e) => e.action);
    assert.ok(actions.includes('federation.add') && actions.includes('federation.remove'), actions.join());
    // Each workload that got a token: its issuer and subject, for the client it authenticated as.
    const seen = audit.filter((e) => e.action === 'auth.federated' && e.target === client.client_id).map((e) => e.detail);
    for (const [iss, sub] of [[issuers.k8sIssuer, 'system:serviceaccount:prod:reporter'],
      [GITHUB_ISSUER, 'repo:octo-org/octo-repo:ref:refs/heads/main'], ['spiffe://example.org', 'spiffe://example.org/ns/prod/sa/reporter']]) {
      assert.ok(seen.some((d) => d.issuer === iss && d.subject === sub && d.count >= 1), `${iss} ${sub}: ${JSON.stringify(seen)}`);
    }
  });
});
