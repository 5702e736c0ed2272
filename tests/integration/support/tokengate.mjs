// Starts the real tokengate binary and talks to it, for the integration tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BIN = process.env.TOKENGATE_BIN ?? path.resolve(import.meta.dirname, '../../../build/tokengate');
// Every server a suite starts (here or by hand) puts its admin listener on a free port: suites
// run in parallel, and the default 127.0.0.1:8081 may be taken.
process.env.TOKENGATE_ADMIN_LISTEN ??= '127.0.0.1:0';

export function tempDir(prefix = 'tokengate-it-') {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

// Runs a CLI command to completion: { status, stdout, stderr }.
export function cli(args, options = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 30000, ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliJson(args) {
  const r = cli([...args, '--json']);
  if (r.status !== 0) throw new Error(`tokengate ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Starts `tokengate serve` on an ephemeral loopback port with `dataDir`; resolves once it listens.
// `fdLimit`: run it under `ulimit -n fdLimit` (soft and hard). The suites poll many times a second
// for a change to reach the server (a new client, a rotated secret), which the brute-force lock-out
// would refuse after 10 failures: it is raised here unless `defaultLimits` (tests/integration/limits
// tests the defaults).
export async function startServer({ dataDir, args = [], env = {}, fdLimit, defaultLimits = false } = {}) {
  const dir = dataDir ?? tempDir();
  const limits = defaultLimits ? [] : ['--auth-failure-limit', '100000', '--auth-failure-address-limit', '100000'];
  const serveArgs = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, '--log-level', 'debug', '--access-log',
    ...limits, ...args];
  const [command, commandArgs] = fdLimit
    ? ['bash', ['-c', `ulimit -n ${Number(fdLimit)} && exec "$0" "$@"`, BIN, ...serveArgs]]
    : [BIN, serveArgs];
  const child = spawn(command, commandArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  // The admin listener says where it is right after the public one, unless it is off.
  const adminOff = (env.TOKENGATE_ADMIN_LISTEN ?? process.env.TOKENGATE_ADMIN_LISTEN) === 'none' ||
    args.some((a, i) => a === '--admin-listen' && args[i + 1] === 'none');
  let adminPort = null;
  const port = await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 15000);
    const check = () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      const admin = /admin listener on [^ ]*:(\d+)/.exec(stderr);
      if (m && (admin || adminOff)) {
        clearTimeout(deadline);
        adminPort = admin ? Number(admin[1]) : null;
        resolve(Number(m[1]));
      }
    };
    child.stderr.on('data', check);
    exited.then(({ code }) => { clearTimeout(deadline); reject(new Error(`server exited with ${code}:\n${stderr}`)); });
  });

  const demo = {
    id: /client_id:\s+(\S+)/.exec(stdout)?.[1],
    secret: /client_secret:\s+(\S+)/.exec(stdout)?.[1],
  };
  const base = `http://127.0.0.1:${port}`;
  return {
    dataDir: dir,
    port,
    base,
    adminPort,  // null when the admin listener is off
    adminBase: adminPort ? `http://127.0.0.1:${adminPort}` : null,
    demo,
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    // Sends `signal` and resolves with { code, signal } once the process is gone.
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function basic(id, secret) {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

// POST a form to the token endpoint; resolves with { status, headers, body (parsed JSON or text) }.
export async function postToken(base, { form = {}, auth, path: route = '/connect/token', query = '', headers = {} } = {}) {
  const h = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
  if (auth) h.authorization = auth;
  const res = await fetch(`${base}${route}${query}`, { method: 'POST', headers: h, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* not JSON: keep the text */ }
  return { status: res.status, headers: res.headers, body };
}

// Sends raw bytes over one TCP connection and reads one HTTP/1.1 response (for requests that
// fetch() will not send: repeated headers, broken encodings, oversize parts).
// `data` may be a Buffer (sent as it is); with `raw` the body comes back as a Buffer, undecoded.
export function rawRequest(port, data, { closeAfterWrite = false, headOnly = false, raw = false } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      const text = buf.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = text.slice(0, end).split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const headers = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = headOnly ? 0 : Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + length) return;
      done = true;
      const bodyBytes = buf.subarray(end + 4, headOnly ? buf.length : end + 4 + length);
      let body = raw ? bodyBytes : bodyBytes.toString('utf8');
      if (!raw) try { body = JSON.parse(body); } catch { /* keep text */ }
      socket.destroy();
      resolve({ status, headers, body });
    };
    socket.on('data', (d) => { buf = Buffer.concat([buf, d]); if (!headOnly) finish(); });
    socket.on('end', () => { finish(); if (!done) reject(new Error(`connection closed without a full response: ${buf}`)); });
    socket.on('error', (e) => { if (!done) reject(e); });
    socket.setTimeout(10000, () => { socket.destroy(); if (!done) reject(new Error('timed out')); });
    socket.write(data);
    if (closeAfterWrite) socket.end();
  });
}

export function decodeJwt(token) {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `check` (async, truthy when done) every 25 ms for up to `ms`; returns its last value
// (falsy if it never held: the caller asserts, with its own message).
export async function within(ms, check) {
  const started = Date.now();
  let last;
  while (Date.now() - started < ms) {
    last = await check();
    if (last) return last;
    await sleep(25);
  }
  return last;
}
