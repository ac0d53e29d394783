// ---- classic <script> entry (js/classic.js) --------------------------------------------------
// Sets window.Nango, window.AuthError and window.ConnectUI at once (calls made before nango.wasm
// is ready wait for it), and window.nangoReady, a promise that resolves to
// {Nango, AuthError, ConnectUI} once nango.wasm runs or has failed (calls then reject with
// wasm_unavailable). nango.wasm is fetched next to this script unless NANGO_WASM_URL is set.
const nangoScriptURL = typeof document === 'object' ? document.currentScript?.src : undefined;
nangoStart(() => globalThis.NANGO_WASM_URL ?? new URL('nango.wasm', nangoScriptURL ?? location.href));
globalThis.Nango = Nango;
globalThis.AuthError = AuthError;
globalThis.ConnectUI = ConnectUI;
globalThis.nangoDebugStats = debugStats;
globalThis.nangoReady = new Promise((resolve) => nangoWhenReady(resolve, resolve)).then(() => ({ Nango, AuthError, ConnectUI }));
