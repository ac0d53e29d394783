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

const out = { anchor: '@nangohq/frontend@0.71.10', query: [], layout: [] };
for (const [name, options, connectionId, config] of queryCases) {
  const nango = new Nango(options);
  out.query.push({ name, options: encode(options), connectionId, config: encode(config), want: nango.toQueryString(connectionId, config) });
}
for (const [name, sw, sh, w, h] of layoutCases) {
  globalThis.window.screen = { width: sw, height: sh };
  const layout = computeLayout({ expectedWidth: w, expectedHeight: h });
  out.layout.push({ name, screenWidth: sw, screenHeight: sh, width: w, height: h, want: windowFeaturesToString(layout) });
}
writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + '\n');
