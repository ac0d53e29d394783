// The emulator page: it lists what the dev server holds and controls it through /emulator/*,
// with the secret key the developer pastes in. The key is kept in sessionStorage (this tab only)
// and sent in the Authorization header, never in a URL. Everything the server returns is shown
// with textContent: nothing it reflects is parsed as HTML.

const KEY_STORAGE = 'nango-dev-emulator-key';
const THEME_STORAGE = 'nango-dev-emulator-theme';
const $ = (sel) => document.querySelector(sel);

let secretKey = sessionStorage.getItem(KEY_STORAGE) || '';
let stream = null; // the AbortController of the events stream
let integrations = [];
let resetArmed = null;

// --- theme ---------------------------------------------------------------------------------

const darkQuery = matchMedia('(prefers-color-scheme: dark)');
function applyTheme() {
  const choice = localStorage.getItem(THEME_STORAGE) || 'system';
  $('#theme').value = choice;
  const dark = choice === 'dark' || (choice === 'system' && darkQuery.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}
$('#theme').addEventListener('change', (e) => {
  localStorage.setItem(THEME_STORAGE, e.target.value);
  applyTheme();
});
darkQuery.addEventListener('change', applyTheme);
applyTheme();

// --- talking to the server -------------------------------------------------------------------

class APIError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    const issues = (err.errors || []).map((i) => (i.path && i.path.length ? i.path.join('.') + ': ' : '') + i.message);
    super([err.message || err.code || 'HTTP ' + status, ...issues].join(' · '));
    this.status = status;
    this.code = err.code;
  }
}

async function call(method, path, body) {
  const init = { method, headers: { Authorization: 'Bearer ' + secretKey }, cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: the status says enough */ }
  if (!res.ok) throw new APIError(res.status, json);
  return json;
}

function setState(state, label) {
  document.body.dataset.state = state;
  $('#live').textContent = label;
  $('#live').dataset.live = state;
}

function notify(message, isError) {
  const n = $('#notice');
  n.textContent = message;
  n.classList.toggle('error', !!isError);
  n.hidden = false;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { n.hidden = true; }, isError ? 8000 : 3000);
}

// --- unlocking ---------------------------------------------------------------------------------

async function unlock(key) {
  secretKey = key.trim();
  $('#unlock-error').textContent = '';
  setState('connecting', 'connecting…');
  try {
    const list = await call('GET', '/integrations');
    integrations = (list.data || []).map((i) => i.unique_key);
  } catch (err) {
    secretKey = '';
    sessionStorage.removeItem(KEY_STORAGE);
    setState('locked', 'locked');
    $('#unlock-error').textContent = err.status === 401 ? 'That is not this server’s secret key (' + err.message + ')' : err.message;
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, secretKey);
  $('#secret-key').value = '';
  $('#unlock').hidden = true;
  $('#panels').hidden = false;
  fillIntegrations($('#seed-integration'));
  await Promise.all([loadConnections(), loadSessions(), loadWebhooks(), loadFaults()]).catch((err) => notify(err.message, true));
  listen();
}

function lock(message) {
  if (stream) stream.abort();
  stream = null;
  secretKey = '';
  sessionStorage.removeItem(KEY_STORAGE);
  $('#panels').hidden = true;
  $('#unlock').hidden = false;
  $('#unlock-error').textContent = message || '';
  setState('locked', 'locked');
}

$('#unlock').addEventListener('submit', (e) => {
  e.preventDefault();
  unlock($('#secret-key').value);
});
$('#forget').addEventListener('click', () => lock(''));

// --- live updates: GET /emulator/events, read with fetch so the key goes in a header ----------

const loaders = {};

async function listen() {
  if (stream) stream.abort();
  const controller = new AbortController();
  stream = controller;
  let retry = 500;
  while (stream === controller) {
    try {
      const res = await fetch('/emulator/events', { headers: { Authorization: 'Bearer ' + secretKey }, signal: controller.signal, cache: 'no-store' });
      if (res.status === 401) { lock('The server no longer accepts this key.'); return; }
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event.type === 'ready') {
            retry = 500;
            setState('live', 'live');
            // Anything may have changed while the stream was down.
            Object.values(loaders).forEach((load) => load().catch((err) => notify(err.message, true)));
          } else if (event.type === 'change' && loaders[event.data.topic]) {
            loaders[event.data.topic]().catch((err) => notify(err.message, true));
          }
        }
      }
    } catch (err) {
      if (controller.signal.aborted) return;
    }
    if (stream !== controller) return;
    setState('offline', 'offline, retrying…');
    await new Promise((r) => setTimeout(r, retry));
    retry = Math.min(retry * 2, 5000);
  }
}

function parseEvent(block) {
  const event = { type: 'message', data: null };
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event.type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trim());
  }
  try { event.data = data.length ? JSON.parse(data.join('\n')) : {}; } catch { event.data = {}; }
  return event;
}

// --- rendering helpers -------------------------------------------------------------------------

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const child of children) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function when(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  const today = d.toDateString() === new Date().toDateString();
  const shown = today ? d.toLocaleTimeString() : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  return el('time', { dateTime: iso, title: iso }, shown);
}

function endUser(u) {
  if (!u) return el('span', { class: 'muted' }, '—');
  const name = u.display_name || u.email || u.id;
  const detail = [u.display_name && u.email, u.organization && u.organization.id].filter(Boolean).join(' · ');
  return el('span', {}, name, detail ? el('small', { class: 'muted' }, detail) : null);
}

function renderRows(table, rows, emptyText, columns) {
  const body = $(table + ' tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    body.append(el('tr', { class: 'empty' }, el('td', { colSpan: columns }, emptyText)));
  }
  for (const row of rows) body.append(row);
  $(table + '-count').textContent = rows.length;
}

// --- connections -------------------------------------------------------------------------------

loaders.connections = async function loadConnections() {
  const { data } = await call('GET', '/emulator/connections');
  renderRows('#connections', data.map((c) => el('tr', { 'data-connection': c.provider_config_key + '/' + c.connection_id },
    el('td', {}, el('strong', {}, c.provider_config_key), c.provider !== c.provider_config_key ? el('small', { class: 'muted' }, c.provider) : null),
    el('td', { class: 'mono' }, c.connection_id),
    el('td', {}, endUser(c.end_user)),
    el('td', {}, when(c.created_at)),
    el('td', {}, when(c.last_fetched_at)),
    el('td', { class: 'actions' }, el('button', { type: 'button', class: 'quiet delete', onclick: () => deleteConnection(c) }, 'Delete')),
  )), 'No connections yet: connect an account in the app, or seed one below.', 6);
};
const loadConnections = loaders.connections;

async function deleteConnection(c) {
  try {
    await call('DELETE', '/connection/' + encodeURIComponent(c.connection_id) + '?provider_config_key=' + encodeURIComponent(c.provider_config_key));
    notify('Deleted ' + c.provider_config_key + ' / ' + c.connection_id);
  } catch (err) { notify(err.message, true); }
}

function fillIntegrations(select, selected) {
  select.replaceChildren(...integrations.map((key) => el('option', { value: key, selected: key === selected }, key)));
}

$('#seed-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#seed-error').textContent = '';
  const body = { provider_config_key: $('#seed-integration').value, connection_id: $('#seed-connection-id').value };
  const userID = $('#seed-end-user-id').value.trim();
  const email = $('#seed-end-user-email').value.trim();
  if (userID || email) body.end_user = { id: userID || email, ...(email ? { email } : {}) };
  const creds = $('#seed-credentials').value.trim();
  if (creds) {
    try { body.credentials = JSON.parse(creds); } catch { $('#seed-error').textContent = 'Credentials: not valid JSON.'; return; }
  }
  try {
    const c = await call('POST', '/emulator/connections', body);
    notify('Seeded ' + c.provider_config_key + ' / ' + c.connection_id);
    $('#seed-connection-id').value = '';
  } catch (err) { $('#seed-error').textContent = err.message; }
});

// --- sessions ------------------------------------------------------------------------------------

loaders.sessions = async function loadSessions() {
  const { data } = await call('GET', '/emulator/sessions');
  renderRows('#sessions', data.map((s) => el('tr', { 'data-session': s.id },
    el('td', { class: 'mono', title: s.id }, s.id.slice(0, 8)),
    el('td', {}, endUser(s.end_user)),
    el('td', {}, s.allowed_integrations ? s.allowed_integrations.join(', ') : el('span', { class: 'muted' }, 'all')),
    el('td', {}, s.nango_dev_faults && s.nango_dev_faults.length ? s.nango_dev_faults.join(', ') : el('span', { class: 'muted' }, '—')),
    el('td', {}, when(s.expires_at)),
  )), 'No connect sessions: your backend creates one with POST /connect/sessions.', 5);
};
const loadSessions = loaders.sessions;

// --- webhooks ------------------------------------------------------------------------------------

loaders.webhooks = async function loadWebhooks() {
  const { data } = await call('GET', '/emulator/webhooks');
  renderRows('#webhooks', data.map((d) => el('tr', { 'data-delivery': d.id },
    el('td', { class: 'mono' }, d.id),
    el('td', {}, [d.type, d.operation].filter(Boolean).join(' · '), d.success === false ? el('small', { class: 'error' }, 'failure') : null),
    el('td', {}, d.connection_id ? el('span', {}, d.provider_config_key + ' / ', el('span', { class: 'mono' }, d.connection_id)) : '—'),
    el('td', { class: 'mono url', title: d.url }, d.url),
    el('td', {}, el('span', { class: 'badge', 'data-status': d.status }, d.status)),
    el('td', { class: 'num' }, d.attempts),
    el('td', {}, when(d.next_retry_at)),
    el('td', { class: 'error' }, d.last_error || ''),
  )), 'No webhooks sent: set webhook.url (or a session’s webhook_url_override).', 8);
};
const loadWebhooks = loaders.webhooks;

// --- faults --------------------------------------------------------------------------------------

function splitFaults(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function addFaultRow(key, faults) {
  const row = $('#fault-row').content.firstElementChild.cloneNode(true);
  fillIntegrations(row.querySelector('.fault-integration'), key);
  row.querySelector('.fault-list').value = (faults || []).join(', ');
  row.querySelector('.fault-remove').addEventListener('click', () => row.remove());
  $('#fault-rows').append(row);
}

function showFaults(spec) {
  $('#faults-error').textContent = '';
  $('#faults-server').value = spec.faults.join(', ');
  $('#fault-rows').replaceChildren();
  for (const [key, faults] of Object.entries(spec.integrations)) addFaultRow(key, faults);
  const active = spec.faults.length + Object.keys(spec.integrations).length;
  $('#faults-panel').dataset.active = active > 0 ? 'true' : 'false';
}

loaders.faults = async function loadFaults() {
  // Someone typing in the form keeps what they typed; Apply or Clear reloads it.
  if ($('#faults-form').contains(document.activeElement) && document.activeElement.tagName !== 'BUTTON') return;
  showFaults(await call('GET', '/emulator/faults'));
};
const loadFaults = loaders.faults;

$('#fault-add').addEventListener('click', () => addFaultRow(integrations[0], []));

$('#faults-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#faults-error').textContent = '';
  const spec = { faults: splitFaults($('#faults-server').value), integrations: {} };
  for (const row of document.querySelectorAll('#fault-rows .fault-row')) {
    const list = splitFaults(row.querySelector('.fault-list').value);
    if (list.length) spec.integrations[row.querySelector('.fault-integration').value] = list;
  }
  try {
    showFaults(await call('PUT', '/emulator/faults', spec));
    notify('Faults applied');
  } catch (err) { $('#faults-error').textContent = err.message; }
});

$('#faults-clear').addEventListener('click', async () => {
  $('#faults-error').textContent = '';
  try {
    await call('DELETE', '/emulator/faults');
    showFaults({ faults: [], integrations: {} });
    notify('Faults cleared');
  } catch (err) { $('#faults-error').textContent = err.message; }
});

// --- reset, export, import -------------------------------------------------------------------------

$('#reset').addEventListener('click', async () => {
  const button = $('#reset');
  if (!resetArmed) {
    // A second click confirms: a reset cannot be undone (export first to keep a copy).
    button.textContent = 'Click again to reset';
    button.dataset.armed = 'true';
    resetArmed = setTimeout(() => { resetArmed = null; button.textContent = 'Reset'; delete button.dataset.armed; }, 4000);
    return;
  }
  clearTimeout(resetArmed);
  resetArmed = null;
  button.textContent = 'Reset';
  delete button.dataset.armed;
  try {
    await call('POST', '/emulator/reset');
    notify('Reset: no connections, sessions, deliveries or live faults');
  } catch (err) { notify(err.message, true); }
});

$('#export').addEventListener('click', async () => {
  try {
    const state = await call('GET', '/emulator/state');
    const blob = new Blob([JSON.stringify(state, null, 2) + '\n'], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: 'nango-dev-state.json' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (err) { notify(err.message, true); }
});

$('#import-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  try {
    await call('PUT', '/emulator/state', await file.text());
    notify('Imported ' + file.name);
  } catch (err) { notify('Import refused: ' + err.message, true); }
});

if (secretKey) unlock(secretKey);
