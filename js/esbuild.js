// ---- esbuild entry (js/esbuild.js): import 'nango-wasm/esbuild', build with --loader:.wasm=file --
// esbuild does not emit what a module references with new URL(…, import.meta.url)
// (https://github.com/evanw/esbuild/issues/795); it emits what a module imports, and its file
// loader makes the import the emitted file's path relative to the bundle. An iife bundle has no
// import.meta.url: there the path is relative to the script.
import nangoWasmFile from './nango.wasm';

const nangoScriptURL = typeof document === 'object' ? document.currentScript?.src : undefined;
nangoStart(() => globalThis.NANGO_WASM_URL ?? new URL(nangoWasmFile, import.meta.url ?? nangoScriptURL));

export default Nango;
export { Nango, AuthError, ConnectUI, ready, debugStats };
