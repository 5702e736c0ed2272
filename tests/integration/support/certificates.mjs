// Test certificates made by the openssl command: a CA, a server certificate for localhost and
// 127.0.0.1, client certificates it signs (with the names RFC 8705 clients register), self-signed
// ones, and one that has expired. Thumbprints as RFC 8705 §3.1 computes them.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const run = (args) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

function keyArgs(keyType) {
  return keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
}

// A CA in `dir` named `name`; issue() signs certificates with it.
export function makeCa(dir, name = 'ca') {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  run(['req', '-x509', ...keyArgs('ec'), '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=tokengate test ${name}`]);
  let serial = 1;
  return {
    cert,
    key,
    // subject like "/CN=worker/O=Example"; san like "DNS:worker.example,URI:spiffe://example.org/w";
    // days 0: expired a second after it is made.
    issue(file, { subject = `/CN=${file}`, san, days = 2, keyType = 'ec', serverAuth = false } = {}) {
      const out = { cert: path.join(dir, `${file}.pem`), key: path.join(dir, `${file}.key`) };
      const csr = path.join(dir, `${file}.csr`);
      const ext = path.join(dir, `${file}.ext`);
      const lines = [`extendedKeyUsage=${serverAuth ? 'serverAuth' : 'clientAuth'}`];
      if (san) lines.push(`subjectAltName=${san}`);
      writeFileSync(ext, lines.join('\n') + '\n');
      run(['req', ...keyArgs(keyType), '-nodes', '-keyout', out.key, '-out', csr, '-subj', subject]);
      run(['x509', '-req', '-in', csr, '-CA', cert, '-CAkey', key, '-set_serial', String(serial++), '-out', out.cert,
        '-days', String(days), '-extfile', ext]);
      return { ...out, thumbprint: thumbprint(out.cert) };
    },
  };
}

// A self-signed client certificate.
export function selfSigned(dir, file, { subject = `/CN=${file}`, keyType = 'ec' } = {}) {
  const out = { cert: path.join(dir, `${file}.pem`), key: path.join(dir, `${file}.key`) };
  run(['req', '-x509', ...keyArgs(keyType), '-nodes', '-keyout', out.key, '-out', out.cert, '-days', '2', '-subj', subject]);
  return { ...out, thumbprint: thumbprint(out.cert) };
}

// base64url SHA-256 of the certificate's DER: the x5t#S256 of a token bound to it.
export function thumbprint(certFile) {
  return createHash('sha256').update(new X509Certificate(readFileSync(certFile)).raw).digest('base64url');
}

// curl over https, trusting `ca`, with the client certificate `cert` ({ cert, key }) when given;
// { status, body (parsed JSON, or the text) }.
export function curlTls(url, { ca, cert, form, headers = [], method } = {}) {
  const args = ['-s', '-o', '-', '-w', '\n%{http_code}', '--cacert', ca];
  if (cert) args.push('--cert', cert.cert, '--key', cert.key);
  if (method) args.push('-X', method);
  for (const h of headers) args.push('-H', h);
  if (form) args.push('--data', new URLSearchParams(form).toString());
  const out = execFileSync('curl', [...args, url], { encoding: 'utf8' });
  const nl = out.lastIndexOf('\n');
  const text = out.slice(0, nl);
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: Number(out.slice(nl + 1)), body };
}
