// ---- nango-wasm runtime (js/runtime.js) -------------------------------------------------------
// nangoInstallGo is Go's wasm_exec.js, which the build wraps in that function (Makefile). It runs
// at the load, not at the import, which an app's first line waits for (make bench, section 8). It
// throws where JavaScript lacks what Go needs (TextEncoder, crypto, performance): the load reports
// why. Jest's jsdom environment has no TextEncoder or TextDecoder; under Node, Node's stand in,
// global only while wasm_exec.js runs: it keeps the one encoder and decoder it makes.
let NangoGo = null;

function nangoGo() {
  if (NangoGo) return NangoGo;
  nangoSavedGlobals = ['Go', 'process', 'path', 'TextEncoder', 'TextDecoder'].map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]);
  const nodeUtil = globalThis.process?.getBuiltinModule?.('node:util');
  for (const name of ['TextEncoder', 'TextDecoder']) {
    if (!globalThis[name] && nodeUtil?.[name]) globalThis[name] = nodeUtil[name];
  }
  try {
    nangoInstallGo();
    NangoGo = globalThis.Go;
  } catch (e) {
    throw new Error(`Go's wasm_exec.js cannot run here: ${e?.message ?? e}`);
  } finally {
    nangoRestoreGlobals(['Go', 'TextEncoder', 'TextDecoder']);
  }
  return NangoGo;
}

// Puts back the globals wasm_exec.js replaced. `Go` can go at once (the SDK keeps NangoGo);
// `process` and `path` must live until Go's init has read them, which happens inside go.run().
function nangoRestoreGlobals(names) {
  for (const [name, descriptor] of nangoSavedGlobals ?? []) {
    if (!names.includes(name)) continue;
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete globalThis[name];
  }
}

/** AuthError is what every failure of auth(), create() and reconnect() is: an Error with a `type`. */
class AuthError extends Error {
  constructor(message, type, options) {
    super(message, options);
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

// The state of the Go side. Importing the SDK never waits for nango.wasm: what is called before it
// is ready waits in `waiting` (a popup call has opened its window already, js/popup.js) and runs,
// in call order, once it is; if it cannot start, each rejects with wasm_unavailable and the reason.
const nangoState = {
  binding: null, // nango.wasm's exports, once it is ready
  unavailable: '', // why nango.wasm cannot run, once that is known
  waiting: [], // {run, fail} of what was called before either
  pending: new Set(), // rejects of the promises nango.wasm has not settled yet
  memory: null,
};

// Runs run() once nango.wasm is ready (at once when it is), or fail(error) if it cannot start.
function nangoWhenReady(run, fail) {
  if (nangoState.binding) run();
  else if (nangoState.unavailable) fail(nangoUnavailable());
  else nangoState.waiting.push({ run, fail });
}

function nangoSettleWaiting() {
  const waiting = nangoState.waiting;
  nangoState.waiting = [];
  for (const { run, fail } of waiting) {
    if (nangoState.binding) run();
    else fail(nangoUnavailable());
  }
}

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

function nangoUnavailable(site) {
  return nangoAuthError({ type: 'wasm_unavailable', message: nangoState.unavailable }, site);
}

// Calls an export of nango.wasm. A {error} result is a failure the anchor throws synchronously.
function nangoCall(site, name, ...args) {
  const binding = nangoState.binding;
  if (!binding) throw nangoUnavailable(site);
  let r;
  try {
    r = binding[name](...args);
  } catch (e) {
    throw nangoAuthError({ type: 'unknown_error', message: `nango.wasm stopped: ${e?.message ?? e}` }, site);
  }
  if (r && typeof r === 'object' && !(r instanceof Promise) && 'error' in r) throw nangoAuthError(r.error, site);
  return r;
}

// Calls an export that settles a Promise: the glue makes it, and hands the export its resolve
// and reject as the last two arguments (one bridge crossing less than a Promise made in Go, whose
// executor calls back into Go). nango.wasm decides what is thrown synchronously (what the anchor
// throws synchronously, and invalid options); the rest rejects. The promise still settles if
// the Go runtime ever stops.
function nangoCallAsync(site, name, ...args) {
  let resolve, reject;
  const p = new Promise((ok, fail) => { resolve = ok; reject = fail; });
  const fail = (e) => { nangoState.pending.delete(fail); reject(e instanceof Error ? e : nangoAuthError(e, site)); };
  nangoState.pending.add(fail);
  try {
    nangoCall(site, name, ...args, (v) => { nangoState.pending.delete(fail); resolve(v); }, fail);
  } catch (e) {
    nangoState.pending.delete(fail);
    throw e;
  }
  return p;
}

const nangoInstances = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { try { nangoState.binding?.release(handle); } catch { /* runtime gone */ } })
  : null;

/** Nango is the drop-in for @nangohq/frontend's default export. */
class Nango {
  // Do not rename, part of the public api (as in @nangohq/frontend).
  win = null;
  #options;
  #encoded; // the options as nango.wasm reads them (js/values.js)
  #handle = 0;
  // What nango.wasm threw at options given before it was ready: the first call after it throws it.
  #invalid = null;

  constructor(config = {}) {
    [this.#options, this.#encoded] = nangoReadOptions(config, 'the Nango option');
    const site = new Error();
    if (nangoState.binding) {
      this.#create(site); // throws what the anchor's constructor throws
      return;
    }
    nangoWhenReady(() => {
      try {
        this.#create(site);
      } catch (e) {
        this.#invalid = e;
      }
    }, () => {});
  }

  #create(site) {
    this.#handle = nangoCall(site, 'newClient', this, this.#encoded, AuthorizationModal);
    nangoInstances?.register(this, this.#handle);
  }

  auth(providerConfigKey, connectionIdOrOptions, moreOptions) {
    const site = new Error();
    const args = nangoCallArgs(providerConfigKey, connectionIdOrOptions, moreOptions); // throws before a window opens
    const popup = this.#openEarly(nangoOpensPopup(connectionIdOrOptions, moreOptions));
    return this.#call(site, 'auth', [...args, popup], popup);
  }

  create(providerConfigKey, connectionIdOrConnectionConfig, moreConnectionConfig) {
    let args;
    try {
      args = nangoCallArgs(providerConfigKey, connectionIdOrConnectionConfig, moreConnectionConfig).slice(0, 1);
    } catch (e) {
      return Promise.reject(e); // create() is async in the anchor: everything rejects
    }
    return this.#call(new Error(), 'create', args);
  }

  reconnect(providerConfigKey, options) {
    const site = new Error();
    const args = nangoCallArgs(providerConfigKey, options);
    const popup = this.#openEarly(nangoOpensPopup(options));
    return this.#call(site, 'reconnect', [...args, popup], popup);
  }

  clear() {
    const site = new Error();
    if (!nangoState.binding) this.win = null; // as the anchor, at once; the flow ends once nango.wasm runs
    nangoWhenReady(() => { if (this.#handle) nangoCall(site, 'clear', this.#handle); }, () => {});
  }

  /** Opens Nango's Connect UI in an iframe and returns it, as @nangohq/frontend does. */
  openConnectUI(params) {
    const [props] = nangoReadOptions(params, 'the ConnectUI option');
    const connect = new ConnectUI({ sessionToken: this.#options?.connectSessionToken || undefined, ...props });
    connect.open();
    return connect;
  }

  // Before nango.wasm is ready, a popup call opens its window now, inside the click, and the
  // window becomes `win` as the anchor's does. Undefined when nango.wasm will open it itself.
  #openEarly(wanted) {
    if (nangoState.binding || nangoState.unavailable || !wanted) return undefined;
    const popup = nangoOpenPopup(this.#options);
    if (popup) this.win = new AuthorizationModal(popup);
    return popup;
  }

  // Runs an export now, or once nango.wasm is ready. popup is the window opened early, if any
  // (args pass it on), for the glue to close when the call cannot run.
  #call(site, name, args, popup) {
    if (nangoState.binding) return nangoCallAsync(site, name, this.#client(site), ...args);
    return new Promise((resolve, reject) => {
      const dropWindow = () => {
        if (popup && this.win?.modal === popup) this.win = null;
        nangoClosePopup(popup);
      };
      nangoWhenReady(() => {
        try {
          nangoCallAsync(site, name, this.#client(site), ...args).then(resolve, reject);
        } catch (e) {
          dropWindow();
          reject(e);
        }
      }, () => {
        dropWindow();
        reject(nangoUnavailable(site));
      });
    });
  }

  #client(site) {
    if (this.#invalid) throw this.#invalid;
    if (!this.#handle) throw nangoUnavailable(site);
    return this.#handle;
  }
}

const nangoConnectUIs = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { try { nangoState.binding?.connectUIRelease(handle); } catch { /* runtime gone */ } })
  : null;

/**
 * ConnectUI is @nangohq/frontend's ConnectUI: Nango's Connect UI in a full-page iframe. Made
 * before nango.wasm is ready, it mounts once it is; what fails then goes to onEvent as an error
 * event (to the console without one), since there is no caller left to throw to.
 */
class ConnectUI {
  // The mounted iframe, or null (public, as in @nangohq/frontend).
  iframe = null;
  #handle = 0;
  #props;

  constructor(props = {}) {
    const [copy, encoded] = nangoReadOptions(props, 'the ConnectUI option');
    this.#props = copy;
    const site = new Error();
    if (nangoState.binding || nangoState.unavailable) {
      this.#create(site, encoded); // throws as the anchor's constructor, or wasm_unavailable
      return;
    }
    nangoWhenReady(() => this.#later(() => this.#create(site, encoded)), (e) => this.#report(e));
  }

  #create(site, encoded) {
    const onEvent = this.#props?.onEvent;
    // What it throws stays here: read from Go it could stop the runtime (js/values.js).
    const handler = typeof onEvent === 'function' ? (event) => {
      try {
        onEvent(event);
      } catch (e) {
        console.error('nango-wasm: onEvent threw:', e);
      }
    } : undefined;
    this.#handle = nangoCall(site, 'newConnectUI', this, encoded, handler);
    nangoConnectUIs?.register(this, this.#handle);
  }

  open() {
    this.#now(new Error(), 'connectUIOpen');
  }

  close() {
    if (this.#handle || !nangoState.binding) this.#now(new Error(), 'connectUIClose', true);
  }

  setSessionToken(sessionToken) {
    this.#now(new Error(), 'connectUISetSessionToken', false, sessionToken);
  }

  // Calls an export now (throwing as it throws), or once nango.wasm is ready. quiet: nothing to
  // do without nango.wasm (close).
  #now(site, name, quiet, ...args) {
    if (nangoState.binding) {
      nangoCall(site, name, this.#handle, ...args);
    } else if (nangoState.unavailable) {
      if (!quiet) throw nangoUnavailable(site);
    } else {
      nangoWhenReady(() => this.#later(() => { if (this.#handle) nangoCall(site, name, this.#handle, ...args); }), () => {});
    }
  }

  #later(fn) {
    try {
      fn();
    } catch (e) {
      this.#report(e);
    }
  }

  #report(e) {
    const onEvent = this.#props?.onEvent;
    if (typeof onEvent !== 'function') {
      console.error('nango-wasm: the Connect UI could not open:', e);
      return;
    }
    Promise.resolve()
      .then(() => onEvent({ type: 'error', payload: { errorType: e?.type ?? 'unknown_error', errorMessage: String(e?.message ?? e) } }))
      .catch((err) => console.error('nango-wasm: onEvent threw:', err));
  }
}

/**
 * ready resolves once nango.wasm runs, and rejects with an AuthError of type wasm_unavailable
 * when it cannot. Loading starts a microtask after the module is imported in a browser; an app
 * never has to wait for it (calls made before wait themselves), but may, to show its Connect
 * button only then.
 */
function ready() {
  return new Promise((resolve, reject) => nangoWhenReady(() => resolve(), reject));
}

// Starts nango.wasm in the background, from wasmURL() (the URL bundlers see, or NANGO_WASM_URL):
// fetched in a browser, read from disk under Node with a DOM (jsdom in Vitest or Jest). Outside a
// browser (server-side rendering) it loads nothing. The load starts a microtask later, once the
// importing module's top level (in a bundle, the app's first lines) has run.
function nangoStart(wasmURL) {
  if (typeof window !== 'object' || typeof document !== 'object') {
    nangoFail('nango-wasm runs in a browser; it was imported outside one (server-side rendering?)');
    return;
  }
  queueMicrotask(() => nangoLoad(wasmURL));
}

function nangoFail(reason) {
  nangoState.unavailable = reason;
  nangoSettleWaiting();
}

// Loads and starts nango.wasm. It never throws: when WebAssembly cannot run (no WebAssembly, a
// Content-Security-Policy without 'wasm-unsafe-eval', a failed download), the SDK still works
// and every call rejects with an AuthError of type wasm_unavailable saying why.
async function nangoLoad(wasmURL) {
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available in this browser');
    let go;
    let ready;
    const isReady = new Promise((resolve) => { ready = resolve; });
    const binding = { ready: () => ready() };
    const instance = await nangoInstantiate(nangoLocate(wasmURL), () => (go = new (nangoGo())()).importObject);
    // go.run() runs Go's init and main up to its first wait before it returns; main takes the
    // binding from this global first thing (wasm/cmd/nango), so it is set for no longer than that.
    globalThis.__nangoWasmBinding = binding;
    let exited;
    try { exited = go.run(instance); } finally { delete globalThis.__nangoWasmBinding; }
    nangoRestoreGlobals(['process', 'path']);
    await isReady;
    nangoState.binding = binding;
    nangoState.memory = instance.exports.mem;
    nangoSettleWaiting();
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
    const reason = `nango.wasm could not start: ${e?.message ?? e}${hint}`;
    console.warn(`nango-wasm: ${reason}`);
    nangoFail(reason);
  }
}

function nangoLocate(wasmURL) {
  try {
    return wasmURL();
  } catch (e) {
    throw new Error(`the SDK cannot tell where nango.wasm is (${e?.message ?? e}): it was bundled into a script without import.meta.url. Bundle it as an ES module, or set globalThis.NANGO_WASM_URL before importing it (README, Bundlers)`);
  }
}

// The browser compiles WebAssembly lazily, function by function, on first call; nango.wasm runs
// an auth() flow's code once against a stand-in when the page is idle after start-up, so the
// user's first click does not pay for it (~40 ms, make bench). It is one ~50 ms task, so it waits
// a moment first: right after ready() a page is often between tasks of its own (an app renders
// then), and a reload then waited for it (~40 ms, make bench section 2). No one clicks that soon.
const nangoPrewarmDelayMS = 200;

function nangoPrewarmWhenIdle(binding) {
  const run = () => { try { binding.prewarm(); } catch { /* best effort */ } };
  setTimeout(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
    else run();
  }, nangoPrewarmDelayMS);
}

// What the likely fix is when nango.wasm is not at the URL the SDK asked.
const nangoWasmMissing = 'nango.wasm is not at that URL. Either the bundler did not emit it (esbuild: import nango-wasm/esbuild and build with --loader:.wasm=file; '
  + 'Rollup: add @web/rollup-plugin-import-meta-assets) or the server does not serve it; globalThis.NANGO_WASM_URL can point elsewhere. See README, Bundlers';

// imports() makes the import object (Go's runtime) once the request is out.
async function nangoInstantiate(source, imports) {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports());
  const href = String(source);
  // Under Node (a unit test with jsdom) the module's URL is a file: URL; read it from disk, since
  // fetch does not read files and a test may have replaced it with a stub.
  const fs = href.startsWith('file:') ? globalThis.process?.getBuiltinModule?.('node:fs/promises') : null;
  if (fs) {
    const importObject = imports();
    return (await WebAssembly.instantiate(await fs.readFile(new URL(href)), importObject)).instance;
  }

  let response;
  const request = (async () => fetch(href))(); // what fetch throws, it rejects with
  let importObject;
  try {
    importObject = imports();
  } catch (e) {
    request.catch(() => {}); // the reason to report is Go's
    throw e;
  }
  try {
    response = await request;
  } catch (e) {
    throw new Error(`GET ${href} failed: ${e?.message ?? e} (offline, or refused by CORS or by a Content-Security-Policy connect-src)`);
  }
  const type = (response.headers.get('Content-Type') || '').split(';')[0].trim().toLowerCase();
  const answered = `GET ${response.url || href} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} ${type || 'without a Content-Type'}`;
  if (!response.ok) throw new Error(`${answered}: ${nangoWasmMissing}`);
  // Streaming compiles while downloading; it needs the application/wasm content type.
  if (type === 'application/wasm' && typeof WebAssembly.instantiateStreaming === 'function') {
    return (await WebAssembly.instantiateStreaming(response, importObject)).instance;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    const start = new TextDecoder().decode(bytes.subarray(0, 32)).replace(/\s+/g, ' ');
    const page = type === 'text/html' ? 'the server answered with a page, as dev servers and single-page app hosts do for a file they do not have: ' : '';
    throw new Error(`${answered}, not WebAssembly (it starts ${JSON.stringify(start)}): ${page}${nangoWasmMissing}`);
  }
  console.warn(`nango-wasm: ${answered}: nango.wasm loads, but only once downloaded; served as application/wasm it compiles while it downloads (README, Bundlers)`);
  return (await WebAssembly.instantiate(bytes, importObject)).instance;
}

/**
 * debugStats reports what benchmarks and leak tests watch: the js.Funcs nango.wasm holds and the
 * size of its linear memory. Null while nango.wasm is not running.
 */
function debugStats() {
  const b = nangoState.binding;
  if (!b) return null;
  return { liveFuncs: b.liveFuncs(), wasmMemoryBytes: nangoState.memory.buffer.byteLength };
}
