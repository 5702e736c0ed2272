// A token endpoint of the tests' own that misbehaves on demand, for the proxy's fault tests.
import http from 'node:http';
import https from 'node:https';

export const GOOD = { id: 'upstream-client', secret: 'upstream-secret' };

// `mode` is read per request: ok, slow, hang, close-mid, 500, 502, 503, garbage-text,
// garbage-no-token, garbage-types, garbage-expires, scope-error.
export async function startFakeUpstream({ tls } = {}) {
  const state = { mode: 'ok', delayMs: 0, requests: 0, connections: 0, lastHeaders: null, lastBody: null, issued: 0 };
  const hanging = new Set();
  const handler = (req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      state.requests += 1;
      state.lastHeaders = req.headers;
      state.lastBody = body;
      const json = (status, obj, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(obj));
      };
      const reply = () => {
        switch (state.mode) {
          case 'hang': hanging.add(res); return;
          case 'close-mid':
            res.socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"access_tok');
            res.socket.destroy();
            return;
          case '500': return json(500, { error: 'server_error' });
          case '502': return json(502, { error: 'bad_gateway' });
          case '503': return json(503, { error: 'temporarily_unavailable' }, { 'retry-after': '7' });
          case 'garbage-text': res.writeHead(200, { 'content-type': 'text/plain' }); return res.end('hello');
          case 'garbage-no-token': return json(200, { token_type: 'Bearer', expires_in: 3600 });
          case 'garbage-types': return json(200, { access_token: 12345, token_type: 'Bearer' });
          case 'garbage-expires': return json(200, { access_token: 'x', token_type: 'Bearer', expires_in: '3600' });
          case 'garbage-huge-expires':
            res.writeHead(200, { 'content-type': 'application/json' });
            return res.end('{"access_token":"x","token_type":"Bearer","expires_in":9223372036854775808}');
          case '429': return json(429, { error: 'slow_down', error_description: 'too many' }, { 'retry-after': '42' });
          case 'scope-error': return json(400, { error: 'invalid_scope' });
          default: break;
        }
        const auth = req.headers.authorization ?? '';
        const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
        const params = new URLSearchParams(body);
        const ok = decoded === `${GOOD.id}:${GOOD.secret}` ||
          (params.get('client_id') === GOOD.id && params.get('client_secret') === GOOD.secret);
        if (!ok) return json(401, { error: 'invalid_client', error_description: 'upstream says: bad client credentials', upstream_trace: 'abc' });
        state.issued += 1;
        json(200, { access_token: `token-${state.issued}`, token_type: 'Bearer', expires_in: state.expiresIn ?? 3600,
          scope: params.get('scope') ?? 'default', issued_by: 'fake-upstream' });
      };
      if (state.delayMs > 0) setTimeout(reply, state.delayMs); else reply();
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  server.on('connection', () => { state.connections += 1; });
  server.keepAliveTimeout = 30000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    state,
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/oauth/token`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
