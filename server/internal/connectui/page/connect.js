// The dev server's Connect UI. Protocol with the page that embeds it (Nango's):
//   iframe → parent  {type:'ready'} once listening, {type:'connect', payload:{providerConfigKey, connectionId, isPending}},
//                    {type:'error', payload:{errorType, errorMessage}}, {type:'close'}
//   parent → iframe  {type:'session_token', sessionToken}
// Unlike Nango's, the token is taken only from the parent window, and connect/error go to the
// parent's exact origin (learnt from the token's message), never to '*'.
import { setLang, t } from './strings.js';

const query = new URLSearchParams(location.search);
// The API origins the server serves this page for; ?apiURL= must name one of them. Anyone can
// link to this page: an apiURL taken on trust would show another server's texts and send it
// what the user types (and the page's Content-Security-Policy would block it anyway).
const apiOrigins = (document.querySelector('meta[name="nango-api-origins"]')?.content || '').split(' ').filter(Boolean);
const apiURL = allowedAPI(query.get('apiURL'));
const detectClosedAuthWindow = query.get('detectClosedAuthWindow') === 'true';
const themeParam = query.get('theme');
const embedded = window.parent !== window;
const systemDark = matchMedia('(prefers-color-scheme: dark)');
let themeChosen = null; // applyTheme's last arguments, for when the OS scheme changes
systemDark.addEventListener('change', () => { if (themeChosen?.theme === 'system') applyTheme(themeChosen.theme, themeChosen.colors); });
const sdk = import('/sdk/nango.js');

const $ = (id) => document.getElementById(id);
const state = { token: null, session: null, integrations: [], nango: null, integration: null, provider: null, busy: false, parentOrigin: null, single: false };

setLang(query.get('lang') || navigator.language);
applyTheme(themeParam || 'system');
$('dialog-title').textContent = t('title');
$('close').setAttribute('aria-label', t('close'));
$('back').setAttribute('aria-label', t('back'));
$('back').textContent = '←';
$('watermark').textContent = t('poweredBy');
showLoading();

// ---- the parent ---------------------------------------------------------------------------------

function toParent(type, payload) {
  if (!embedded) return;
  const msg = payload === undefined ? { type } : { type, payload };
  if (type === 'connect' || type === 'error') {
    if (state.parentOrigin) window.parent.postMessage(msg, state.parentOrigin);
    return;
  }
  // ready and close carry nothing, and ready has to go out before the parent is known.
  window.parent.postMessage(msg, state.parentOrigin || '*');
}

window.addEventListener('message', (ev) => {
  const data = ev.data;
  if (ev.source !== window.parent || !data || data.type !== 'session_token' || typeof data.sessionToken !== 'string') return;
  state.parentOrigin = ev.origin;
  if (data.sessionToken !== state.token) start(data.sessionToken);
});

function requestClose() {
  if (embedded) toParent('close');
}
// A connect link opens the page on its own: nothing to close it into, so no ×.
$('close').hidden = !embedded;
$('close').addEventListener('click', requestClose);
$('backdrop').addEventListener('click', (ev) => {
  if (ev.target === $('backdrop')) requestClose();
});
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape') return;
  const search = $('search');
  if (ev.target === search && search.value !== '') { // the first Escape empties the search
    ev.preventDefault();
    search.value = '';
    filterList();
    return;
  }
  requestClose();
});
$('back').addEventListener('click', () => showList());

if (!apiURL) {
  showFatal(t('apiNotAllowed', { api: apiOrigins[0] || location.origin }));
} else {
  if (query.get('session_token')) start(query.get('session_token'));
  toParent('ready');
}

// allowedAPI is the API origin the page talks to: ?apiURL= when it is an origin the server
// named (with or without a trailing slash), the page's own origin or the first named one
// without it, and null for anything else.
function allowedAPI(param) {
  if (param === null) return apiOrigins.includes(location.origin) ? location.origin : apiOrigins[0] || null;
  let url;
  try { url = new URL(param); } catch { return null; }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
  return apiOrigins.includes(url.origin) ? url.origin : null;
}

// ---- data ---------------------------------------------------------------------------------------

async function api(path) {
  const res = await fetch(apiURL + path, {
    headers: { Authorization: 'Bearer ' + state.token, 'Accept-Language': document.documentElement.lang },
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(body?.error?.message || 'HTTP ' + res.status);
    err.code = body?.error?.code;
    err.status = res.status;
    throw err;
  }
  return body.data;
}

async function start(token) {
  if (!apiURL) return; // a refused apiURL gets no token and no request
  state.token = token;
  showLoading();
  try {
    const [session, integrations, mod] = await Promise.all([api('/connect/session'), api('/integrations'), sdk]);
    state.session = session;
    state.integrations = integrations;
    state.nango = new mod.default({ connectSessionToken: token, host: apiURL });
    state.AuthError = mod.AuthError;
    if (!themeParam) applyTheme(session.connectUISettings?.defaultTheme || 'system', session.connectUISettings?.theme);
    else applyTheme(themeParam, session.connectUISettings?.theme);
    $('watermark').hidden = session.connectUISettings?.showWatermark === false;
    const allowed = session.allowed_integrations;
    state.single = integrations.length === 1 && Array.isArray(allowed) && allowed.length === 1;
    if (state.single) await showIntegration(integrations[0]);
    else showList();
  } catch (err) {
    showFatal(err.status === 401 ? t('sessionInvalid') : err.message || t('unknownError'));
  }
}

// ---- views --------------------------------------------------------------------------------------

function setView(...nodes) {
  $('view').replaceChildren(...nodes);
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k in node && typeof node[k] !== 'function' && !k.startsWith('aria') && !k.startsWith('data')) node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function showLoading() {
  $('back').hidden = true;
  setView(el('div', { class: 'spinner', role: 'status', 'aria-label': t('loading') }));
}

function showFatal(message) {
  $('back').hidden = true;
  setView(el('p', { class: 'banner', id: 'fatal', role: 'alert', text: message }));
}

function showList() {
  document.body.dataset.view = 'list';
  state.integration = null;
  $('back').hidden = true;
  $('dialog-title').textContent = t('title');
  if (state.integrations.length === 0) {
    setView(el('p', { class: 'lead', id: 'empty', text: t('noIntegrations') }));
    return;
  }
  const items = state.integrations.map((it) =>
    el('li', { 'data-search': (it.display_name + ' ' + it.unique_key).toLowerCase() },
      el('button', { type: 'button', class: 'integration', 'data-integration': it.unique_key, onclick: () => showIntegration(it) },
        el('img', { src: it.logo, alt: '' }),
        el('span', {}, el('span', { class: 'name', text: it.display_name }), el('br'), el('span', { class: 'key', text: it.unique_key })))));
  const search = el('input', {
    type: 'search', id: 'search', class: 'search', placeholder: t('search'), 'aria-label': t('search'),
    'aria-controls': 'integrations', autocomplete: 'off', spellcheck: false, oninput: filterList, onkeydown: searchKeys,
  });
  setView(el('p', { class: 'lead', text: t('choose') }), search,
    el('ul', { class: 'integrations', id: 'integrations' }, ...items),
    el('p', { class: 'lead', id: 'no-match', role: 'status', hidden: true }));
  search.focus();
}

// filterList shows the integrations whose name or key holds every word typed in the search.
function filterList() {
  const words = $('search').value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const li of $('integrations').children) {
    li.hidden = !words.every((w) => li.dataset.search.includes(w));
    if (!li.hidden) shown++;
  }
  const none = $('no-match');
  none.hidden = shown > 0;
  none.textContent = shown > 0 ? '' : t('noMatch', { query: $('search').value.trim() });
}

// searchKeys: ↓ moves from the search to the first integration shown; Enter opens it when the
// search leaves one. In the list, ↑/↓ move between the integrations shown (Tab works too).
function searchKeys(ev) {
  const shown = [...$('integrations').querySelectorAll('li:not([hidden]) button')];
  if (ev.key === 'ArrowDown' && shown.length) {
    ev.preventDefault();
    shown[0].focus();
  } else if (ev.key === 'Enter' && shown.length === 1) {
    ev.preventDefault();
    shown[0].click();
  }
}

$('view').addEventListener('keydown', (ev) => {
  if ((ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') || !ev.target.matches('.integration')) return;
  const shown = [...$('integrations').querySelectorAll('li:not([hidden]) button')];
  const i = shown.indexOf(ev.target) + (ev.key === 'ArrowDown' ? 1 : -1);
  ev.preventDefault();
  (i < 0 ? $('search') : shown[Math.min(i, shown.length - 1)]).focus();
});

async function showIntegration(integration) {
  state.integration = integration;
  showLoading();
  try {
    state.provider = await api('/providers/' + encodeURIComponent(integration.provider));
  } catch (err) {
    showFatal(err.message);
    return;
  }
  renderForm();
}

// safeURL keeps http(s) links only, so a docs_connect override cannot run script.
function safeURL(u) {
  try {
    const parsed = new URL(u);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

// fields turns the provider's entry into the form's fields: credentials for API_KEY and BASIC
// integrations, then the connection_config (user-entered params), as Nango's Connect UI does.
function fields() {
  const provider = state.provider;
  const key = state.integration.unique_key;
  const preset = state.session.integrations_config_defaults?.[key]?.connection_config || {};
  const list = [];
  const creds = provider.credentials || {};
  if (provider.auth_mode === 'API_KEY') {
    list.push({ kind: 'credential', name: 'apiKey', title: creds.apiKey?.title || t('apiKey'), secret: true, ...strip(creds.apiKey) });
  } else if (provider.auth_mode === 'BASIC') {
    list.push({ kind: 'credential', name: 'username', title: creds.username?.title || t('username'), ...strip(creds.username) });
    list.push({ kind: 'credential', name: 'password', title: creds.password?.title || t('password'), secret: true, ...strip(creds.password) });
  }
  const config = Object.entries(provider.connection_config || {})
    .filter(([, f]) => !f.automated)
    .map(([name, f], i) => ({ kind: 'param', name, ...f, index: i }))
    .sort((a, b) => (a.order ?? 1e9) - (b.order ?? 1e9) || a.index - b.index);
  for (const f of config) {
    if (Object.prototype.hasOwnProperty.call(preset, f.name)) {
      list.push({ ...f, preset: String(preset[f.name]), hidden: true });
    } else {
      list.push(f);
    }
  }
  return list;
}

function strip(f) {
  if (!f) return {};
  const { title, ...rest } = f;
  return rest;
}

function docLink(field) {
  const key = state.integration.unique_key;
  const override = state.session.overrides?.[key]?.docs_connect;
  if (override) return safeURL(override); // an override replaces the link, section and all (as Nango)
  if (!state.provider.docs_connect || !field.doc_section) return null;
  return safeURL(state.provider.docs_connect + field.doc_section);
}

function renderForm() {
  document.body.dataset.view = 'form';
  const provider = state.provider;
  const name = provider.display_name || state.integration.display_name;
  const key = state.integration.unique_key;
  $('dialog-title').textContent = t('connectTo', { name });
  $('back').hidden = state.single;
  const guideURL = safeURL(state.session.overrides?.[key]?.docs_connect || provider.docs_connect || '');
  const form = el('form', { id: 'connect-form', novalidate: true });
  const all = fields();
  const visible = all.filter((f) => !f.hidden);
  const intro = state.session.isReconnecting ? t('reconnecting', { name }) : visible.length === 0 ? t('willConnect', { name }) : null;
  form.append(el('div', { class: 'provider-head' },
    el('img', { class: 'logo', src: provider.logo_url, alt: '' }),
    el('div', {}, el('h2', { text: name }), guideURL ? el('a', { class: 'guide', id: 'guide', href: guideURL, target: '_blank', rel: 'noopener noreferrer', text: t('guide', { name }) }) : null)));
  if (intro) form.append(el('p', { class: 'lead', id: 'intro', text: intro }));
  for (const f of all) form.append(renderField(f));
  form.append(el('p', { class: 'banner', id: 'form-error', role: 'alert', hidden: true }));
  form.append(el('button', { type: 'submit', class: 'primary', id: 'connect', text: t('connect') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(all);
  });
  setView(form);
  (form.querySelector('input:not([type=hidden]), select') || $('connect')).focus();
}

function renderField(f) {
  const id = (f.kind === 'credential' ? 'credential-' : 'field-') + f.name;
  if (f.hidden) {
    return el('input', { type: 'hidden', id, name: f.name, value: f.preset ?? f.default_value ?? '', 'data-kind': f.kind });
  }
  const title = f.title || f.name;
  const href = docLink(f);
  const errorId = 'error-' + f.name;
  let input;
  if (Array.isArray(f.enum) && f.enum.length) {
    input = el('select', { id, name: f.name, 'data-kind': f.kind, 'aria-describedby': errorId });
    if (f.optional) input.append(el('option', { value: '', text: '' }));
    for (const v of f.enum) input.append(el('option', { value: v, text: v }));
    if (f.default_value !== undefined) input.value = f.default_value;
  } else {
    input = el('input', {
      id, name: f.name, type: f.secret ? 'password' : 'text', autocomplete: 'off', spellcheck: false,
      placeholder: f.example || f.title || '', 'data-kind': f.kind, 'aria-describedby': errorId,
      'aria-required': f.optional ? null : 'true',
    });
    if (f.default_value !== undefined) input.value = f.default_value;
  }
  input.addEventListener('blur', () => { if (input.value !== '') validate(f, input); });
  input.addEventListener('input', () => { if (input.getAttribute('aria-invalid') === 'true') validate(f, input); });
  const label = el('label', { for: id }, el('span', { text: title }), f.optional ? el('span', { class: 'optional', text: '(' + t('optional') + ')' }) : null);
  if (href) {
    label.append(el('a', { class: 'doc-link', id: 'doc-' + f.name, href, target: '_blank', rel: 'noopener noreferrer', 'aria-label': t('docFor', { title }), title: t('docFor', { title }), text: 'i' }));
  }
  return el('div', { class: 'field', 'data-field': f.name },
    label,
    f.description ? el('p', { class: 'description', id: 'description-' + f.name, text: f.description }) : null,
    el('div', { class: 'input-row' },
      f.prefix ? el('span', { class: 'affix prefix', text: f.prefix }) : null,
      input,
      f.suffix ? el('span', { class: 'affix suffix', text: f.suffix }) : null),
    el('p', { class: 'field-error', id: errorId, hidden: true }));
}

// validate checks one field as Nango's form does (required unless optional or defaulted,
// pattern, enum) and shows the message under it.
function validate(f, input) {
  const title = f.title || f.name;
  const value = input.value;
  let message = '';
  if (value === '') {
    if (!f.optional && f.default_value === undefined) message = t('required', { title });
  } else if (Array.isArray(f.enum) && f.enum.length && !f.enum.includes(value)) {
    message = t('invalidChoice', { title });
  } else if (f.pattern) {
    let re = null;
    try { re = new RegExp(f.pattern); } catch { /* a pattern this browser cannot compile is not checked */ }
    if (re && !re.test(value)) message = f.example ? t('invalidExample', { title, example: f.example }) : t('invalid', { title });
  }
  const error = $('error-' + f.name);
  error.textContent = message;
  error.hidden = !message;
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return !message;
}

function submit(all) {
  if (state.busy) return;
  let firstInvalid = null;
  const params = {};
  const credentials = {};
  for (const f of all) {
    const input = $((f.kind === 'credential' ? 'credential-' : 'field-') + f.name);
    if (!f.hidden && !validate(f, input) && !firstInvalid) firstInvalid = input;
    const value = input.value;
    if (value === '') continue;
    (f.kind === 'credential' ? credentials : params)[f.name] = value;
  }
  if (firstInvalid) {
    firstInvalid.focus();
    return;
  }
  // No await before the SDK call: the popup must open inside this click.
  const nango = state.nango;
  const key = state.integration.unique_key;
  const mode = state.provider.auth_mode;
  let attempt;
  try {
    if (mode === 'NONE') attempt = nango.create(key, { params });
    else if (mode === 'API_KEY' || mode === 'BASIC') attempt = nango.auth(key, { params, credentials });
    else if (state.session.isReconnecting) attempt = nango.reconnect(key, { params, detectClosedAuthWindow });
    else attempt = nango.auth(key, { params, detectClosedAuthWindow });
  } catch (err) {
    attempt = Promise.reject(err);
  }
  setBusy(true);
  attempt.then(
    (result) => {
      setBusy(false);
      const payload = { providerConfigKey: result.providerConfigKey, connectionId: result.connectionId };
      if (result.isPending !== undefined) payload.isPending = result.isPending;
      toParent('connect', payload);
      showSuccess();
    },
    (err) => {
      setBusy(false);
      const errorType = err instanceof state.AuthError ? err.type : 'unknown_error';
      toParent('error', { errorType, errorMessage: err?.message || '' });
      showFormError(errorText(errorType, err));
    });
}

function errorText(type, err) {
  switch (type) {
    case 'blocked_by_browser': return t('popupBlocked');
    case 'window_closed': return t('popupClosed');
    case 'connection_test_failed': return t('invalidCredentials');
    case 'access_denied': return t('accessDenied');
    default: return err?.message || t('unknownError');
  }
}

function setBusy(busy) {
  state.busy = busy;
  const button = $('connect');
  if (!button) return;
  button.disabled = busy;
  button.textContent = busy ? t('connecting') : t('connect');
}

function showFormError(message) {
  const banner = $('form-error');
  banner.textContent = message;
  banner.hidden = false;
}

function showSuccess() {
  document.body.dataset.view = 'success';
  const name = state.provider.display_name || state.integration.display_name;
  $('back').hidden = true;
  $('dialog-title').textContent = t('success');
  const success = el('div', { class: 'center', id: 'success', tabindex: '-1' },
    el('div', { class: 'check', 'aria-hidden': 'true', text: '✓' }),
    el('p', { text: t('successText', { name }) }));
  if (!embedded) { // a connect link: nothing to finish into, the text says the page can be closed
    setView(success);
    success.focus();
    return;
  }
  const finish = el('button', { type: 'button', class: 'primary', id: 'finish', text: t('finish'), onclick: requestClose });
  setView(success, finish);
  finish.focus();
}

// applyTheme sets light or dark, following the OS for "system" (also when it changes while the
// page is open), with the session's primary colour.
function applyTheme(theme, colors) {
  themeChosen = { theme, colors };
  const dark = theme === 'dark' || (theme === 'system' && systemDark.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  const primary = colors?.[dark ? 'dark' : 'light']?.primary;
  if (primary && /^#[0-9a-f]{3,8}$/i.test(primary)) document.documentElement.style.setProperty('--primary', primary);
}
