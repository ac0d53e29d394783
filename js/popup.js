// ---- the window a call opens before nango.wasm is ready (js/popup.js) ---------------------------
// Importing the SDK does not wait for nango.wasm, so a click can come first. Its popup must still
// open inside the click (Safari allows window.open only within about a second of it): the glue
// opens it, blank, with the features nango.wasm would use, and hands it over once nango.wasm runs
// (browser.Client.StartIn). These two functions are the Go rules they stand in for, and
// js/glue_js_test.go holds each equal to its Go twin.

// The window.open features of auth.WindowFeatures(auth.ComputeLayout(screen, width, height)) for
// the Nango options' width and height (auth.ParseClientOptions: 500 × 600 unless a positive number
// is given; an invalid one fails the constructor once nango.wasm runs).
function nangoPopupFeatures(screen, options) {
  const screenSize = (key) => (typeof screen?.[key] === 'number' ? screen[key] : 0);
  const size = (key, fallback) => {
    const v = options?.[key];
    return typeof v === 'number' && v > 0 && Number.isFinite(v) ? v : fallback;
  };
  const [sw, sh, w, h] = [screenSize('width'), screenSize('height'), size('width', 500), size('height', 600)];
  return [
    `left=${Math.max(sw / 2 - w / 2, 0)}`, `top=${Math.max(sh / 2 - h / 2, 0)}`,
    `width=${Math.min(w, sw)}`, `height=${Math.min(h, sh)}`,
    'scrollbars=yes', 'resizable=yes', 'status=no', 'toolbar=no',
    'location=no', 'copyhistory=no', 'menubar=no', 'directories=no',
  ].join(',');
}

// Whether auth(key, connectionIdOrOptions, moreOptions) takes the popup path: the anchor's rule,
// auth.ParseAuthCall's merge of the options and AuthCall.IsCustomAuth.
function nangoOpensPopup(connectionIdOrOptions, moreOptions) {
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const options = typeof connectionIdOrOptions === 'string' ? moreOptions : { ...moreOptions, ...connectionIdOrOptions };
  if (!isObject(options)) return true;
  if (options.installation === 'outbound') return false;
  const credentials = options.credentials;
  if (!isObject(credentials)) return true;
  const keys = Object.keys(credentials);
  if (keys.length === 0) return true;
  const has = (key) => keys.includes(key);
  const tba = has('token_id') && has('token_secret');
  return !tba && has('oauth_client_id_override') && has('oauth_client_secret_override');
}

// Opens the blank window of a call made before nango.wasm is ready, inside the click. Null when
// the browser blocked it (no click, or too late after it).
function nangoOpenPopup(options) {
  try {
    // No "noopener": the callback page needs window.opener to post its result back.
    return window.open('', '_blank', nangoPopupFeatures(window.screen, options)) ?? null;
  } catch {
    return null;
  }
}

function nangoClosePopup(popup) {
  try {
    if (popup && !popup.closed) popup.close();
  } catch { /* already gone */ }
}
