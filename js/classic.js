// ---- classic <script> entry (js/classic.js) --------------------------------------------------
// Sets window.AuthError and the promise window.nangoReady at once, and window.Nango and
// window.ConnectUI once nango.wasm is ready (nangoReady resolves to {Nango, AuthError, ConnectUI}).
globalThis.AuthError = AuthError;
globalThis.nangoReady = (nangoInBrowser
  ? nangoLoad(nangoWasmURL(document.currentScript?.src ?? location.href))
  : Promise.resolve(nangoRestoreGlobals(['process', 'path']))
).then(() => {
  globalThis.Nango = Nango;
  globalThis.ConnectUI = ConnectUI;
  globalThis.nangoDebugStats = debugStats;
  return { Nango, AuthError, ConnectUI };
});
