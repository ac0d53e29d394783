// ---- ES module entry (js/esm.js) ------------------------------------------------------------
// No top-level await: the import resolves at once and nango.wasm loads in the background. The
// literal new URL('./nango.wasm', import.meta.url) is what Vite, webpack and Rollup (with
// @web/rollup-plugin-import-meta-assets) look for to emit nango.wasm with a hashed name and
// rewrite the URL; it is evaluated inside the load, so a bundle without import.meta.url still
// imports (and reports why nothing loads).
nangoStart(() => globalThis.NANGO_WASM_URL ?? new URL('./nango.wasm', import.meta.url));

export default Nango;
export { Nango, AuthError, ConnectUI, ready, debugStats };
