// The tokengate admin console: signs in at this origin's /connect/token with an admin client
// (scope tokengate:admin) and calls the admin API (/admin/v1/) with the access token, which is
// kept in a variable of this script only: never in storage, a cookie or the URL. Everything the
// server sends is shown with textContent (client names and audit details are anyone's input).
'use strict';

(() => {
  const ADMIN_SCOPE = 'tokengate:admin';
  const PAGE = 50;
  const METRICS_EVERY_MS = 2000;

  const $ = (id) => document.getElementById(id);

  let session = null;  // { token, clientId } while signed in
  let metricsTimer = null;
  let previousScrape = null;
  const clientsView = { q: '', after: '', next: null, seq: 0 };
  const auditView = { client: '', before: null };

  // ---- Messages and actions ---------------------------------------------------------------------

  // Shows `text` in #error or #notice (`kind`), hiding the other; say(null) clears both.
  function say(kind, text) {
    for (const id of ['error', 'notice']) {
      $(id).hidden = id !== kind;
      if (id === kind) $(id).textContent = text;
    }
  }
  const showError = (text) => say('error', text);
  const showNotice = (text) => say('notice', text);

  // Thrown by api() once a 401 has sent the page back to the sign-in form.
  class SignedOut extends Error {}

  // Runs the action of a button or form: `button` disabled meanwhile, a failure shown in #error.
  async function run(button, action) {
    if (button) button.disabled = true;
    try {
      await action();
    } catch (e) {
      if (!(e instanceof SignedOut)) showError(e.message || String(e));
    } finally {
      if (button) button.disabled = false;
    }
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  // The JSON body of `res`, or null (empty, or not JSON).
  async function readJson(res) {
    try {
      return JSON.parse(await res.text());
    } catch {
      return null;
    }
  }

  // The server's own words for a failure: every error body has `message`.
  const failure = (res, data, what) =>
    new Error(`${what}: ${typeof data?.message === 'string' ? data.message : `HTTP ${res.status}`}`);

  // application/x-www-form-urlencoded, as RFC 6749 §2.3.1 wants the ID and secret encoded for Basic.
  const formEncode = (s) => new URLSearchParams([['', s]]).toString().slice(1);

  // A call to the admin API with the session's token. A 401 ends the session.
  async function api(method, path, body, what) {
    const current = session;
    if (!current) throw new SignedOut();
    const init = { method, headers: { Authorization: `Bearer ${current.token}` }, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    const data = await readJson(res);
    if (session !== current) throw new SignedOut();  // signed out meanwhile: drop the answer
    if (res.status === 401) {
      signOut(`You were signed out: the server no longer accepts the access token (${data?.message ?? 'HTTP 401'}). Sign in again.`);
      throw new SignedOut();
    }
    if (!res.ok) throw failure(res, data, what);
    return data;
  }

  // ---- Sign in and out --------------------------------------------------------------------------

  function showSignedIn(signedIn) {
    $('signin-section').hidden = signedIn;
    $('session').hidden = !signedIn;
    $('app').hidden = !signedIn;
  }

  async function signIn(clientId, secret) {
    const res = await fetch('/connect/token', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${btoa(`${formEncode(clientId)}:${formEncode(secret)}`)}`,
      },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(ADMIN_SCOPE)}`,
      cache: 'no-store',
      credentials: 'omit',
    });
    const data = await readJson(res);
    if (!res.ok || typeof data?.access_token !== 'string') throw failure(res, data, 'Sign-in failed');
    session = { token: data.access_token, clientId };
    $('client-secret').value = '';
    $('whoami').textContent = clientId;
    showSignedIn(true);
    Object.assign(clientsView, { q: $('client-search').value.trim(), after: '' });
    auditView.client = $('audit-client').value.trim();
    startMetrics();
    await Promise.all([loadClients(), loadKeys(), loadAudit(false)]);
  }

  function signOut(note) {
    session = null;
    stopMetrics();
    hideSecret();
    for (const id of ['clients', 'keys', 'audit']) $(id).tBodies[0].replaceChildren();
    $('clients-total').textContent = '';
    $('whoami').textContent = '';
    $('client-secret').value = '';
    showSignedIn(false);
    if (note) showError(note);
    else showNotice('Signed out.');
    $($('client-id').value ? 'client-secret' : 'client-id').focus();
  }

  // ---- Table helpers ----------------------------------------------------------------------------

  // An element with `text` as its text (never parsed as HTML) and `props` (className, type, ...).
  function el(tag, text, props = {}) {
    const e = Object.assign(document.createElement(tag), props);
    if (text != null) e.textContent = String(text);
    return e;
  }

  // A <td> with `content`: a string (as text) or a node.
  function cell(content, className = '') {
    const td = el('td', content instanceof Node ? null : content ?? '', { className });
    if (content instanceof Node) td.append(content);
    return td;
  }

  const code = (text) => el('code', text);
  const badge = (text, kind) => el('span', text, { className: `badge ${kind}` });

  function actionButton(action, label, className) {
    const b = el('button', label, { type: 'button', className });
    b.dataset.action = action;
    return b;
  }

  function emptyRow(tbody, columns, text) {
    const td = cell(text, 'empty');
    td.colSpan = columns;
    tbody.appendChild(el('tr')).append(td);
  }

  const utc = (unixSeconds) =>
    typeof unixSeconds === 'number' ? new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';

  // ---- Clients ----------------------------------------------------------------------------------

  async function loadClients() {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (clientsView.q) params.set('q', clientsView.q);
    if (clientsView.after) params.set('after', clientsView.after);
    const seq = ++clientsView.seq;
    let data;
    try {
      data = await api('GET', `/admin/v1/clients?${params}`, undefined, 'Listing the clients failed');
    } catch (e) {
      // The cursor (the last client of the page before) may be gone meanwhile: from the start.
      if (!clientsView.after || e instanceof SignedOut || seq !== clientsView.seq) throw e;
      clientsView.after = '';
      return loadClients();
    }
    if (seq !== clientsView.seq) return;  // a later listing (the search typed on) is under way
    const tbody = $('clients').tBodies[0];
    tbody.replaceChildren(...data.clients.map(clientRow));
    if (data.clients.length === 0) emptyRow(tbody, 5, clientsView.q ? 'No client matches.' : 'No clients.');
    clientsView.next = data.next;
    $('clients-next').hidden = !data.next;
    $('clients-first').hidden = !clientsView.after;
    $('clients-total').textContent = `${data.total} ${clientsView.q ? 'matching' : 'in all'}`;
  }

  function clientRow(c) {
    const tr = el('tr', null, { className: c.enabled ? '' : 'disabled' });
    tr.dataset.clientId = c.client_id;
    const actions = el('div', null, { className: 'actions' });
    actions.append(
      c.enabled ? actionButton('disable', 'Disable', 'secondary') : actionButton('enable', 'Enable', 'secondary'),
      ...(c.token_endpoint_auth_method === 'private_key_jwt' ? [] : [actionButton('rotate-secret', 'Rotate secret', 'secondary')]),
      actionButton('revoke-tokens', 'Revoke tokens', 'secondary'),
      actionButton('quota', c.quota ? 'Quota' : 'Set quota', 'secondary'),
      actionButton('delete', 'Delete', 'danger'),
    );
    const details = [c.quota && `quota ${c.quota}`, c.audience && `audience ${c.audience}`, c.token_ttl && `TTL ${c.token_ttl} s`,
      c.token_endpoint_auth_method === 'private_key_jwt' && `keys${c.jwks_uri ? ` at ${c.jwks_uri}` : ''}, no secret`,
      c.old_secret_until && `old secret until ${utc(c.old_secret_until)}`].filter(Boolean).join(', ');
    const name = cell(c.name);
    if (details) name.append(el('br'), el('small', details));
    const status = c.enabled ? badge('enabled', 'ok') : badge('disabled', 'off');
    tr.append(cell(code(c.client_id), 'id'), name, cell(c.scope || '—'), cell(status), cell(actions));
    return tr;
  }

  // The buttons of a client's row: [confirmation asked first, or null; what is done; what is said].
  const CLIENT_ACTIONS = {
    disable: [null, 'Disabling', 'Disabled'],
    enable: [null, 'Enabling', 'Enabled'],
    // After a leak the old secret must stop at once and the tokens bought with it end too; a planned
    // rotation keeps the old secret working for a grace period while the callers move over.
    'rotate-secret': [null, 'Rotating the secret of', 'New secret for'],
    'revoke-tokens': ['Revoke every token issued to %s?', 'Revoking the tokens of', 'Revoked the tokens of'],
    delete: ['Delete %s? Its tokens are revoked, and this cannot be undone.', 'Deleting', 'Deleted'],
    quota: [null, 'Setting the quota of', 'Set the quota of'],
  };

  // A client's use of its quota this period, then a new quota (or none) asked for.
  async function changeQuota(id) {
    const path = `/admin/v1/clients/${encodeURIComponent(id)}`;
    const c = await api('GET', path, undefined, `Reading client ${id} failed`);
    const use = c.quota_use;
    const now = use
      ? `Client ${id} has a quota of ${use.quota}: ${use.used} used this period, ${use.remaining} left`
        + `${use.exhausted ? ' (used up)' : ''}; it resets at ${use.resets_at}.`
      : `Client ${id} has no quota.`;
    const text = prompt(`${now}\n\nNew quota: N/min, N/h, N/day or N/month (counted across every node), or none.`,
      c.quota ?? '');
    if (text === null) return null;
    const quota = text.trim() === '' || text.trim() === 'none' ? null : text.trim();
    return api('PATCH', path, { quota }, `Setting the quota of client ${id} failed`);
  }

  async function clientAction(id, action) {
    const [question, doing, done] = CLIENT_ACTIONS[action] ?? [];
    if (!doing) return;
    const who = `client ${id}`;
    if (question && !confirm(question.replace('%s', who))) return;
    if (action === 'quota') {
      const changed = await changeQuota(id);
      if (!changed) return;
      showNotice(`${done} ${who}: ${changed.quota ?? 'none'}.`);
      return refreshAfterWrite();
    }
    let body = {};
    if (action === 'rotate-secret') {
      const grace = prompt(`Give ${who} a new secret.\n\nKeep the old one working beside it for how long (90s, 30m, 24h, 7d: `
        + 'a planned rotation)? Leave it empty after a leak: the old secret stops at once and every token issued '
        + 'to the client is revoked.', '');
      if (grace === null) return;
      body = grace.trim() ? { grace_seconds: graceSeconds(grace) } : { revoke_tokens: true };
    }
    const path = `/admin/v1/clients/${encodeURIComponent(id)}`;
    const data = action === 'delete'
      ? await api('DELETE', path, undefined, `${doing} ${who} failed`)
      : await api('POST', `${path}/${action}`, body, `${doing} ${who} failed`);
    if (action === 'rotate-secret') showSecret(data.client_id, data.client_secret);
    const after = action !== 'rotate-secret' ? ''
      : data.old_secret_until ? ` (the old one works until ${utc(data.old_secret_until)})` : ' (the old one stopped; every earlier token revoked)';
    showNotice(`${done} ${who}${after}.`);
    await refreshAfterWrite();
  }

  // "90s", "30m", "24h", "7d" (or plain seconds) → seconds.
  function graceSeconds(text) {
    const m = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(text);
    if (!m) throw new Error(`A grace period is a duration such as 90s, 30m, 24h or 7d, not "${text}".`);
    return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
  }

  async function createClient() {
    const body = { name: $('new-name').value.trim() };
    if ($('new-auth').value === 'private_key_jwt') {
      body.token_endpoint_auth_method = 'private_key_jwt';
      const jwks = $('new-jwks').value.trim();
      const uri = $('new-jwks-uri').value.trim();
      if (jwks) {
        try {
          body.jwks = JSON.parse(jwks);
        } catch {
          throw new Error('The public keys must be a JWKS: a JSON object with "keys".');
        }
      }
      if (uri) body.jwks_uri = uri;
    }
    const scope = $('new-scope').value.trim().split(/\s+/).filter(Boolean).join(' ');
    const audience = $('new-audience').value.trim();
    const ttl = $('new-ttl').value.trim();
    const quota = $('new-quota').value.trim();
    if (quota && quota !== 'none') body.quota = quota;
    if (scope) body.scope = scope;
    if (audience) body.audience = audience;
    if (ttl) {
      body.token_ttl = Number(ttl);
      if (!Number.isInteger(body.token_ttl) || body.token_ttl < 1) throw new Error('Token TTL must be a whole number of seconds.');
    }
    const data = await api('POST', '/admin/v1/clients', body, 'Creating the client failed');
    $('create-client').reset();
    showKeyFields();
    if (data.client_secret) showSecret(data.client_id, data.client_secret);
    showNotice(`Created client ${data.client_id} (${data.name})${data.client_secret ? '' : ': no secret, it signs its assertions with its keys'}.`);
    await refreshAfterWrite();
  }

  // The key fields of the create form, for a private_key_jwt client only.
  function showKeyFields() {
    const keys = $('new-auth').value === 'private_key_jwt';
    for (const label of document.querySelectorAll('#create-client .keys-only')) label.hidden = !keys;
  }

  // After a change to a client: its row, and the audit entry the change wrote.
  const refreshAfterWrite = () => Promise.all([loadClients(), loadAudit(false)]);

  // ---- The one-time secret ----------------------------------------------------------------------

  function showSecret(clientId, secret) {
    $('secret-client-id').textContent = clientId;
    $('secret-value').textContent = secret;
    $('copy-result').textContent = '';
    $('secret-once').hidden = false;
    $('secret-once').scrollIntoView({ block: 'nearest' });
  }

  function hideSecret() {
    for (const id of ['secret-value', 'secret-client-id', 'copy-result']) $(id).textContent = '';
    $('secret-once').hidden = true;
  }

  async function copySecret() {
    let copied = false;
    try {
      await navigator.clipboard.writeText($('secret-value').textContent);
      copied = true;
    } catch {
      // No clipboard API (plain HTTP to a host not this one) or no permission: select the text.
      const range = document.createRange();
      range.selectNodeContents($('secret-value'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      try {
        copied = document.execCommand('copy');
      } catch { /* selected: the user copies it */ }
    }
    $('copy-result').textContent = copied ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (⌘C) to copy it.';
  }

  // ---- Keys -------------------------------------------------------------------------------------

  const KEY_ORDER = { active: 0, pending: 1, retired: 2, withdrawn: 3 };

  async function loadKeys() {
    const data = await api('GET', '/admin/v1/keys', undefined, 'Listing the keys failed');
    const keys = [...data.keys].sort((a, b) => (KEY_ORDER[a.status] ?? 9) - (KEY_ORDER[b.status] ?? 9) || b.created_at - a.created_at);
    const tbody = $('keys').tBodies[0];
    tbody.replaceChildren();
    for (const k of keys) {
      const tr = tbody.appendChild(el('tr'));
      tr.dataset.kid = k.kid;
      const status = badge(k.status, k.status === 'active' ? 'ok' : k.status === 'pending' ? 'wait' : 'off');
      tr.append(cell(code(k.kid), 'id'), cell(k.alg), cell(status), cell(utc(k.created_at)), cell(utc(k.activates_at)));
    }
    if (keys.length === 0) emptyRow(tbody, 5, 'No keys.');
  }

  async function rotateKey(now) {
    if (now && !confirm('Sign with a new key at once? Verifiers that have not fetched the JWKS since it was published refuse its tokens until they do.')) return;
    const k = await api('POST', '/admin/v1/keys/rotate', { now }, 'Rotating the key failed');
    showNotice(now ? `New key ${k.kid} signs from now.` : `New key ${k.kid} is published; it signs from ${utc(k.activates_at)}.`);
    await Promise.all([loadKeys(), loadAudit(false)]);
  }

  // ---- Audit trail ------------------------------------------------------------------------------

  // `older`: appends the page before the last one shown; else starts again from the newest.
  async function loadAudit(older) {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (auditView.client) params.set('client', auditView.client);
    if (older && auditView.before != null) params.set('before', String(auditView.before));
    const data = await api('GET', `/admin/v1/audit?${params}`, undefined, 'Reading the audit trail failed');
    const tbody = $('audit').tBodies[0];
    if (!older) tbody.replaceChildren();
    for (const e of data.events) {
      const tr = tbody.appendChild(el('tr'));
      tr.dataset.auditId = String(e.id);
      tr.append(cell(utc(e.at), 'nowrap'), cell(e.action), cell(e.target ? code(e.target) : '', 'id'),
        cell(e.actor), cell(e.address), cell(describe(e.detail), 'detail'));
    }
    if (!older && data.events.length === 0) emptyRow(tbody, 6, auditView.client ? 'No entries for this client.' : 'No entries.');
    auditView.before = data.next_before;
    $('audit-older').hidden = data.next_before == null;
  }

  // An audit entry's detail object as "key: value, ..." (strings unquoted unless empty).
  const describe = (detail) =>
    Object.entries(detail && typeof detail === 'object' ? detail : {})
      .map(([k, v]) => `${k}: ${typeof v === 'string' && v !== '' ? v : JSON.stringify(v)}`)
      .join(', ');

  // ---- Live figures from /metrics ---------------------------------------------------------------

  // The Prometheus text format, tolerantly: "name{label="value",...} value [timestamp]" lines;
  // comments, blank and unreadable lines are skipped.
  function parseMetrics(text) {
    const samples = [];
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const m = /^([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
      const value = m ? sampleValue(m[3]) : null;
      if (value !== null) samples.push({ name: m[1], labels: parseLabels(m[2] || ''), value });
    }
    return samples;
  }

  // A sample value (or an le bound): a number, +Inf or -Inf; null if unreadable.
  function sampleValue(text) {
    if (/^[+-]?Inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    const v = Number(text);
    return text === '' || Number.isNaN(v) ? null : v;
  }

  function parseLabels(text) {
    const labels = {};
    const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
    for (let m; (m = re.exec(text)) !== null;) labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    return labels;
  }

  const ERROR_OUTCOMES = new Set(['client_error', 'server_error', 'upstream_error']);

  // The token family's totals, summed over routes: issued, errors, and the cumulative buckets by le.
  function tokenTotals(samples) {
    const totals = { issued: 0, errors: 0, buckets: new Map() };
    for (const s of samples) {
      if (s.name === 'tokengate_token_requests_total') {
        if (s.labels.outcome === 'issued') totals.issued += s.value;
        else if (ERROR_OUTCOMES.has(s.labels.outcome)) totals.errors += s.value;
      } else if (s.name === 'tokengate_token_request_duration_seconds_bucket' && s.labels.le !== undefined) {
        const le = sampleValue(s.labels.le);
        if (le !== null) totals.buckets.set(le, (totals.buckets.get(le) || 0) + s.value);
      }
    }
    return totals;
  }

  // histogram_quantile(q, ...) as Prometheus computes it from cumulative buckets [{le, count}]:
  // linear interpolation within the bucket the rank falls in (from 0 in the first one); the
  // largest finite bound if it falls in +Inf; NaN without observations.
  function histogramQuantile(q, buckets) {
    const b = [...buckets].sort((x, y) => x.le - y.le);
    if (b.length < 2 || b[b.length - 1].le !== Infinity) return NaN;
    for (let i = 1; i < b.length; i++) b[i].count = Math.max(b[i].count, b[i - 1].count);  // monotonic
    const total = b[b.length - 1].count;
    if (!(total > 0)) return NaN;
    const rank = q * total;
    const i = b.findIndex((x) => x.count >= rank);
    if (i === b.length - 1) return b[b.length - 2].le;
    if (i === 0 && b[0].le <= 0) return b[0].le;
    const start = i === 0 ? 0 : b[i - 1].le;
    const below = i === 0 ? 0 : b[i - 1].count;
    return start + (b[i].le - start) * ((rank - below) / (b[i].count - below));
  }

  // The figures over the interval between two scrapes; null if a counter went back (a restart).
  function figures(before, after) {
    const seconds = (after.at - before.at) / 1000;
    const issued = after.issued - before.issued;
    const errors = after.errors - before.errors;
    if (seconds <= 0 || issued < 0 || errors < 0) return null;
    const buckets = [];
    for (const [le, count] of after.buckets) {
      const delta = count - (before.buckets.get(le) || 0);
      if (delta < 0) return null;
      buckets.push({ le, count: delta });
    }
    return { seconds, grants: issued / seconds, errors: errors / seconds, p99: histogramQuantile(0.99, buckets) };
  }

  const rate = (v) => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
  const milliseconds = (s) => {
    const ms = s * 1000;
    return !Number.isFinite(ms) ? '–' : ms >= 100 ? String(Math.round(ms)) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
  };

  function showFigures(f, note) {
    $('grants-per-second').textContent = f ? rate(f.grants) : '–';
    $('errors-per-second').textContent = f ? rate(f.errors) : '–';
    $('p99-ms').textContent = f ? milliseconds(f.p99) : '–';
    $('figures-note').textContent = note ?? (f ? `token requests over the last ${f.seconds.toFixed(1)} s` : 'token requests, every 2 s');
  }

  // One scrape at a time, the next 2 s after the last one ended.
  async function scrape() {
    metricsTimer = null;
    try {
      const res = await fetch('/metrics', { cache: 'no-store', credentials: 'omit' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      if (!session) return;
      const current = { at: performance.now(), ...tokenTotals(parseMetrics(text)) };
      showFigures(previousScrape ? figures(previousScrape, current) : null);
      previousScrape = current;
    } catch (e) {
      previousScrape = null;
      showFigures(null, `/metrics could not be read (${e.message}); retrying`);
    }
    if (session && metricsTimer === null) metricsTimer = setTimeout(scrape, METRICS_EVERY_MS);
  }

  function startMetrics() {
    stopMetrics();
    showFigures(null);
    scrape();
  }

  function stopMetrics() {
    clearTimeout(metricsTimer);
    metricsTimer = null;
    previousScrape = null;
  }

  // ---- Wiring -----------------------------------------------------------------------------------

  function onSubmit(formId, handler) {
    $(formId).addEventListener('submit', (event) => {
      event.preventDefault();  // never a real submission: the fields have no names anyway
      handler();
    });
  }

  const onClick = (id, action) => $(id).addEventListener('click', (e) => run(e.currentTarget, action));

  function wire() {
    onSubmit('signin', () => {
      say(null);
      run($('signin-submit'), () => signIn($('client-id').value.trim(), $('client-secret').value));
    });
    $('signout').addEventListener('click', () => signOut());

    let searchTimer = null;
    $('client-search').addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        Object.assign(clientsView, { q: $('client-search').value.trim(), after: '' });
        run(null, loadClients);
      }, 250);
    });
    onClick('clients-next', () => {
      clientsView.after = clientsView.next || '';
      return loadClients();
    });
    onClick('clients-first', () => {
      clientsView.after = '';
      return loadClients();
    });
    onClick('clients-refresh', loadClients);
    $('clients').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      const row = button?.closest('tr[data-client-id]');
      if (row) run(button, () => clientAction(row.dataset.clientId, button.dataset.action));
    });
    onSubmit('create-client', () => run($('create-submit'), createClient));
    $('new-auth').addEventListener('change', showKeyFields);
    $('copy-secret').addEventListener('click', copySecret);
    $('secret-done').addEventListener('click', hideSecret);

    onClick('rotate-key', () => rotateKey(false));
    onClick('rotate-key-now', () => rotateKey(true));
    onClick('keys-refresh', loadKeys);

    onSubmit('audit-filter', () => {
      auditView.client = $('audit-client').value.trim();
      run($('audit-apply'), () => loadAudit(false));
    });
    onClick('audit-older', () => loadAudit(true));

    $('client-id').focus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
  else wire();
})();
