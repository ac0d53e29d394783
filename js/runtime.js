// ---- nango-wasm runtime (js/runtime.js) -------------------------------------------------------
const NangoGo = globalThis.Go;

// Puts back the globals wasm_exec.js replaced. `Go` can go at once (the SDK keeps NangoGo);
// `process` and `path` must live until Go's init has read them, which happens inside go.run().
function nangoRestoreGlobals(names) {
  for (const [name, descriptor] of nangoSavedGlobals) {
    if (!names.includes(name)) continue;
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete globalThis[name];
  }
}
nangoRestoreGlobals(['Go']);

/** AuthError is what every failure of auth(), create() and reconnect() is: an Error with a `type`. */
class AuthError extends Error {
  constructor(message, type) {
    super(message);
    this.name = 'AuthError';
    this.type = type;
  }
}

/** The value of `nango.win` while a popup flow is pending, as in @nangohq/frontend. */
class AuthorizationModal {
  constructor(modal) {
    this.modal = modal;
    this.isProcessingMessage = false;
  }
  close() {
    if (this.modal && !this.modal.closed) {
      this.modal.close();
      delete this.modal;
    }
  }
}

// The state of the Go side: the binding object once nango.wasm is ready, or why it is not.
const nangoState = { binding: null, unavailable: 'nango.wasm is still loading', pending: new Set() };

function nangoAuthError(data, site) {
  const err = new AuthError(String(data?.message ?? ''), String(data?.type ?? 'unknown_error'));
  // The error is built long after the call, from an event; its useful stack is the app's call
  // to auth(), captured when the call was made.
  if (site && typeof site.stack === 'string') {
    const frames = site.stack.split('\n');
    if (/^\w*Error\b/.test(frames[0])) frames.shift();
    err.stack = `AuthError: ${err.message}\n${frames.join('\n')}`;
  }
  return err;
}

function nangoUnavailable() {
  return new AuthError(nangoState.unavailable, 'wasm_unavailable');
}

// Calls an export of nango.wasm. A {error} result is a failure the anchor throws synchronously.
function nangoCall(site, name, ...args) {
  const binding = nangoState.binding;
  if (!binding) throw nangoUnavailable();
  let r;
  try {
    r = binding[name](...args);
  } catch (e) {
    throw nangoAuthError({ type: 'unknown_error', message: `nango.wasm stopped: ${e?.message ?? e}` }, site);
  }
  if (r && typeof r === 'object' && !(r instanceof Promise) && 'error' in r) throw nangoAuthError(r.error, site);
  return r;
}

// Calls an export that returns a Promise, which rejects with wasm_unavailable while there is no
// nango.wasm to call. nango.wasm decides what is thrown synchronously (what
// the anchor throws synchronously, and invalid options); the rest rejects. The promise still
// settles if the Go runtime ever stops.
function nangoCallAsync(site, name, ...args) {
  if (!nangoState.binding) return Promise.reject(nangoUnavailable());
  const p = nangoCall(site, name, ...args);
  return new Promise((resolve, reject) => {
    nangoState.pending.add(reject);
    p.then(
      (v) => { nangoState.pending.delete(reject); resolve(v); },
      (e) => { nangoState.pending.delete(reject); reject(e instanceof Error ? e : nangoAuthError(e, site)); }
    );
  });
}

const nangoInstances = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { try { nangoState.binding?.release(handle); } catch { /* runtime gone */ } })
  : null;

/** Nango is the drop-in for @nangohq/frontend's default export. */
class Nango {
  // Do not rename, part of the public api (as in @nangohq/frontend).
  win = null;
  #handle = 0;

  constructor(config = {}) {
    if (!nangoState.binding) return; // methods report wasm_unavailable
    this.#handle = nangoCall(new Error(), 'newClient', this, config, AuthorizationModal);
    nangoInstances?.register(this, this.#handle);
  }

  auth(providerConfigKey, connectionIdOrOptions, moreOptions) {
    return nangoCallAsync(new Error(), 'auth', this.#handle, providerConfigKey, connectionIdOrOptions, moreOptions);
  }

  create(providerConfigKey, connectionIdOrConnectionConfig, moreConnectionConfig) {
    return nangoCallAsync(new Error(), 'create', this.#handle, providerConfigKey, connectionIdOrConnectionConfig, moreConnectionConfig);
  }

  reconnect(providerConfigKey, options) {
    return nangoCallAsync(new Error(), 'reconnect', this.#handle, providerConfigKey, options);
  }

  clear() {
    if (nangoState.binding) nangoCall(new Error(), 'clear', this.#handle);
  }

  /** Opens Nango's Connect UI in an iframe and returns it, as @nangohq/frontend does. */
  openConnectUI(params) {
    const site = new Error();
    const sessionToken = nangoState.binding ? nangoCall(site, 'sessionToken', this.#handle) : undefined;
    const connect = new ConnectUI({ sessionToken, ...params });
    connect.open();
    return connect;
  }
}

const nangoConnectUIs = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { try { nangoState.binding?.connectUIRelease(handle); } catch { /* runtime gone */ } })
  : null;

/** ConnectUI is @nangohq/frontend's ConnectUI: Nango's Connect UI in a full-page iframe. */
class ConnectUI {
  // The mounted iframe, or null (public, as in @nangohq/frontend).
  iframe = null;
  #handle = 0;

  constructor(props = {}) {
    this.#handle = nangoCall(new Error(), 'newConnectUI', this, props);
    nangoConnectUIs?.register(this, this.#handle);
  }

  open() {
    nangoCall(new Error(), 'connectUIOpen', this.#handle);
  }

  close() {
    if (nangoState.binding) nangoCall(new Error(), 'connectUIClose', this.#handle);
  }

  setSessionToken(sessionToken) {
    nangoCall(new Error(), 'connectUISetSessionToken', this.#handle, sessionToken);
  }
}

// Loads and starts nango.wasm. It never throws: when WebAssembly cannot run (no WebAssembly, a
// Content-Security-Policy without 'wasm-unsafe-eval', a failed download), the SDK still loads
// and every call rejects with an AuthError of type wasm_unavailable saying why.
async function nangoLoad(source) {
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available in this browser');
    const go = new NangoGo();
    let ready;
    const isReady = new Promise((resolve) => { ready = resolve; });
    const binding = { ready: () => ready() };
    const instance = await nangoInstantiate(source, go.importObject);
    // go.run() runs Go's init and main up to its first wait before it returns; main takes the
    // binding from this global first thing (wasm/cmd/nango), so it is set for no longer than that.
    globalThis.__nangoWasmBinding = binding;
    let exited;
    try { exited = go.run(instance); } finally { delete globalThis.__nangoWasmBinding; }
    nangoRestoreGlobals(['process', 'path']);
    await isReady;
    nangoState.binding = binding;
    nangoState.memory = instance.exports.mem;
    nangoState.unavailable = '';
    nangoPrewarmWhenIdle(binding);
    exited.then(() => {
      nangoState.binding = null;
      nangoState.unavailable = 'nango.wasm stopped';
      for (const reject of nangoState.pending) reject(nangoUnavailable());
      nangoState.pending.clear();
    });
  } catch (e) {
    nangoRestoreGlobals(['process', 'path']);
    const hint = /unsafe-eval|Content Security Policy|CSP/i.test(String(e?.message)) ? " (add 'wasm-unsafe-eval' to the script-src of your Content-Security-Policy)" : '';
    nangoState.unavailable = `nango.wasm could not start: ${e?.message ?? e}${hint}`;
  }
}

// The browser compiles WebAssembly lazily, function by function, on first call; nango.wasm runs
// an auth() flow's code once against a stand-in when the page is idle after start-up, so the
// user's first click does not pay for it (~40 ms, make bench).
function nangoPrewarmWhenIdle(binding) {
  const run = () => { try { binding.prewarm(); } catch { /* best effort */ } };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 200);
}

async function nangoInstantiate(source, importObject) {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, importObject);
  const response = await fetch(source);
  if (!response.ok) throw new Error(`GET ${response.url} answered ${response.status}`);
  const type = response.headers.get('Content-Type') || '';
  // Streaming compiles while downloading; it needs the application/wasm content type.
  if (typeof WebAssembly.instantiateStreaming === 'function' && type.startsWith('application/wasm')) {
    return (await WebAssembly.instantiateStreaming(response, importObject)).instance;
  }
  return (await WebAssembly.instantiate(await response.arrayBuffer(), importObject)).instance;
}

// The wasm URL: globalThis.NANGO_WASM_URL when the page sets it before loading the SDK, else
// nango.wasm next to this script.
function nangoWasmURL(base) {
  return globalThis.NANGO_WASM_URL ?? new URL('nango.wasm', base);
}

const nangoInBrowser = typeof window === 'object' && typeof document === 'object';

/**
 * debugStats reports what benchmarks and leak tests watch: the js.Funcs nango.wasm holds and the
 * size of its linear memory. Null while nango.wasm is not running.
 */
function debugStats() {
  const b = nangoState.binding;
  if (!b) return null;
  return { liveFuncs: b.liveFuncs(), wasmMemoryBytes: nangoState.memory.buffer.byteLength };
}
