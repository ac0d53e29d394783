// Runs the real @nangohq/frontend (installed from npm as a dev dependency, never shipped) on a
// table of inputs and writes what it produced, so the Go core is tested against the anchor's own
// output rather than against our reading of it. Usage: node tools/anchor/golden.mjs OUT.json
import { writeFileSync } from 'node:fs';

globalThis.window = { screen: { width: 1920, height: 1080 } };
const { default: Nango } = await import('@nangohq/frontend');
const { computeLayout, windowFeaturesToString } = await import('@nangohq/frontend/dist/authModal.js');

const U = undefined;
const token = 'nango_connect_session_' + 'ab'.repeat(32);

// Each case: the Nango options, then toQueryString(connectionId, connectionConfig).
const queryCases = [
  ['no options', { connectSessionToken: token }, null, U],
  ['empty options', { connectSessionToken: token }, null, {}],
  ['connection id is raw', { connectSessionToken: token }, 'conn 1&x=y#z', {}],
  ['public key instead of a token', { publicKey: 'c6d5c5d4-5e5e-4e4e-9f9f-1a1a1a1a1a1a' }, 'my-conn', U],
  ['zendesk subdomain', { connectSessionToken: token }, null, { params: { subdomain: 'acme' } }],
  ['params are encoded', { connectSessionToken: token }, null, { params: { 'sub domain': 'a b+c&d=e#f/g?h', 'k[]': 'é✓', x: "!*'()~-_." } }],
  ['params skip non-strings', { connectSessionToken: token }, null, { params: { a: 1, b: null, c: U, d: true, e: 'kept' } }],
  ['params integer-like keys come first', { connectSessionToken: token }, null, { params: { b: '1', 2: 'two', a: '2', 1: 'one' } }],
  ['scopes override', { connectSessionToken: token }, null, { params: { oauth_scopes_override: 'read,write tickets' } }],
  ['hmac and user_scope are raw', { publicKey: 'pk' }, 'c1', { hmac: 'ab+cd/ef=', user_scope: ['chat:write', 'users:read', 'a b'] }],
  ['user_scope with odd items', { connectSessionToken: token }, null, { user_scope: ['a', null, U, 3, 'b'] }],
  ['empty user_scope array', { connectSessionToken: token }, null, { user_scope: [] }],
  ['oauth client overrides', { connectSessionToken: token }, null, { credentials: { oauth_client_id_override: 'id/1', oauth_client_secret_override: 's&s=s', oauth_refresh_token_override: 'r t' } }],
  ['overrides with undefined and numbers', { connectSessionToken: token }, null, { credentials: { oauth_client_id_override: U, oauth_client_secret_override: 42 } }],
  ['tba tokens are top-level', { connectSessionToken: token }, null, { credentials: { token_id: 'tid+1', token_secret: 'ts/2' } }],
  ['authorization params raw and undefined', { connectSessionToken: token }, null, { authorization_params: { prompt: 'consent', access_type: U, skip: null, n: 5, 'a b': 'c d' } }],
  ['everything in order', { connectSessionToken: token }, 'conn-9', {
    authorization_params: { audience: 'api' }, credentials: { token_id: 't' }, user_scope: ['u'], hmac: 'h',
    params: { subdomain: 'acme', region: 'eu' }, detectClosedAuthWindow: true, installation: 'outbound'
  }],
  ['falsy hmac is skipped', { connectSessionToken: token }, null, { hmac: '', user_scope: null }],
];

const layoutCases = [
  ['full hd default size', 1920, 1080, 500, 600],
  ['odd screen gives fractional position', 1367, 769, 500, 600],
  ['screen smaller than the popup', 400, 300, 500, 600],
  ['custom size', 2560, 1440, 800, 900],
  ['fractional size', 1280, 800, 333.5, 444.25],
];

function encode(v) {
  if (v === undefined) return { $undefined: true };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v)) out[k] = encode(v[k]);
    return out;
  }
  return v;
}

// Non-popup calls: what the real SDK POSTs (path, headers, body) for each credential shape, and
// for create(). fetch is stubbed; window.open returns null so a popup-path call shows as such.
const routingCases = [
  ['api key', 'auth', ['stripe', { credentials: { apiKey: 'sk_test' } }]],
  ['api key empty', 'auth', ['stripe', { credentials: { apiKey: '' } }]],
  ['basic', 'auth', ['jira-basic', 'conn-1', { credentials: { username: 'ada', password: 'pw' }, params: { subdomain: 'acme' } }]],
  ['basic username only', 'auth', ['jira-basic', { credentials: { username: 'ada' } }]],
  ['basic with nulls', 'auth', ['jira-basic', { credentials: { username: null, password: undefined } }]],
  ['bill', 'auth', ['bill', { credentials: { username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' } }]],
  ['signature', 'auth', ['emarsys', { credentials: { type: 'SIGNATURE', username: 'u', password: 'p', extra: 'x' } }]],
  ['aws sigv4', 'auth', ['aws', { credentials: { type: 'AWS_SIGV4', role_arn: 'arn:aws:iam::1:role/x', region: 'eu-west-1', extra: 1 } }]],
  ['aws sigv4 without region', 'auth', ['aws', { credentials: { type: 'AWS_SIGV4', role_arn: 'arn' } }]],
  ['two step with assertion option', 'auth', ['two', { credentials: { type: 'TWO_STEP', a: 'b' }, assertionOption: { aud: 'x' } }]],
  ['two step without assertion option', 'auth', ['two', { credentials: { type: 'TWO_STEP', a: 'b' }, assertionOption: {} }]],
  ['jwt private key object', 'auth', ['ghost', { credentials: { privateKey: { id: 'i', secret: 's' }, other: 1 } }]],
  ['jwt type', 'auth', ['apple', { credentials: { type: 'JWT', issuer: 'x' } }]],
  ['tba', 'auth', ['netsuite', { credentials: { token_id: 't', token_secret: 's', oauth_client_id_override: 'ci', oauth_client_secret_override: 'cs' }, params: { accountId: '123' } }]],
  ['oauth2 client credentials', 'auth', ['cc', { credentials: { client_id: 'id', client_secret: 'sec' } }]],
  ['oauth2 client private key', 'auth', ['cc', { credentials: { client_id: 'id', client_private_key: 'pk', client_certificate: 'cert' } }]],
  ['outbound installation', 'auth', ['outbound', { installation: 'outbound', credentials: {} }]],
  ['outbound without credentials throws', 'auth', ['outbound', { installation: 'outbound' }]],
  ['one client override goes custom and matches nothing', 'auth', ['github', { credentials: { oauth_client_id_override: 'x' } }]],
  ['both client overrides take the popup', 'auth', ['github', { credentials: { oauth_client_id_override: 'x', oauth_client_secret_override: 'y' } }]],
  ['create without options', 'create', ['public-api']],
  ['create with a connection id and config', 'create', ['public-api', 'conn-2', { params: { a: 'b' } }]],
  ['create with config ignores the third argument', 'create', ['public-api', { params: { a: 'b' } }, { params: { ignored: 'yes' } }]],
];
const out = { anchor: '@nangohq/frontend@0.71.10', query: [], layout: [], routing: [] };
for (const [name, options, connectionId, config] of queryCases) {
  const nango = new Nango(options);
  out.query.push({ name, options: encode(options), connectionId, config: encode(config), want: nango.toQueryString(connectionId, config) });
}
for (const [name, sw, sh, w, h] of layoutCases) {
  globalThis.window.screen = { width: sw, height: sh };
  const layout = computeLayout({ expectedWidth: w, expectedHeight: h });
  out.layout.push({ name, screenWidth: sw, screenHeight: sh, width: w, height: h, want: windowFeaturesToString(layout) });
}
globalThis.window.open = () => null;
for (const [name, method, args] of routingCases) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, method: init.method, headers: init.headers, hasBody: 'body' in init, body: init.body ?? null });
    return { ok: true, json: async () => ({ connectionId: 'c', providerConfigKey: args[0] }) };
  };
  const nango = new Nango({ connectSessionToken: token, host: 'https://api.example' });
  let thrown = null;
  let rejected = null;
  try {
    await nango[method](...args).catch((e) => { rejected = { type: e?.type ?? null, message: e.message, isAuthError: e?.constructor?.name === 'AuthError' }; });
  } catch (e) {
    thrown = { type: e?.type ?? null, message: e.message };
  }
  out.routing.push({ name, method, args: encode(args), calls, thrown, rejected });
}
writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + '\n');
