// ---- ES module entry (js/esm.js) ------------------------------------------------------------
// Top-level await: once the import resolves, Nango is ready, so a click handler can call
// auth() synchronously and the popup opens inside the click. Server-side rendering imports the
// module without loading anything.
if (nangoInBrowser) await nangoLoad(nangoWasmURL(import.meta.url));
else {
  nangoRestoreGlobals(['process', 'path']);
  nangoState.unavailable = 'nango-wasm runs in a browser; it was imported outside one (server-side rendering?)';
}

export default Nango;
export { Nango, AuthError, ConnectUI, debugStats };
