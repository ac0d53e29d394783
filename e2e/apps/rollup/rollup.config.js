import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

// Rollup's usual plugins: node-resolve finds packages, import-meta-assets emits the files modules
// reference with new URL('…', import.meta.url).
export default {
  input: 'src/index.js',
  output: { dir: 'out', format: 'es' },
  plugins: [nodeResolve({ browser: true }), importMetaAssets()],
};
