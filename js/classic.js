// ---- classic <script> entry (js/classic.js) --------------------------------------------------
// Sets window.AuthError at once, and window.Nango plus the promise window.nangoReady (resolving
// to {Nango, AuthError}) once nango.wasm is ready.
globalThis.AuthError = AuthError;
globalThis.nangoReady = (nangoInBrowser
  ? nangoLoad(nangoWasmURL(document.currentScript?.src ?? location.href))
  : Promise.resolve(nangoRestoreGlobals(['process', 'path']))
).then(() => {
  globalThis.Nango = Nango;
  return { Nango, AuthError };
});
