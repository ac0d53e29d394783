// Writes @nangohq/frontend's own unit test file (dist/index.unit.test.js, shipped in its npm
// package: it stubs fetch and checks the custom-auth requests) twice into test/: once against
// @nangohq/frontend itself, the control that the environment is right, and once against
// nango-wasm, with only its import changed. Run by the vitest and jest fixtures' npm run build.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const source = readFileSync('node_modules/@nangohq/frontend/dist/index.unit.test.js', 'utf8');
const anchorImport = "import Nango from './index.js';";
if (source.split(anchorImport).length !== 2) throw new Error(`index.unit.test.js no longer imports Nango with: ${anchorImport}`);
mkdirSync('test', { recursive: true });
for (const [name, from] of [['anchor', '@nangohq/frontend'], ['nango-wasm', 'nango-wasm']]) {
  writeFileSync(`test/${name}.unit.test.js`, source.replace(anchorImport, `import Nango from '${from}';`).replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'));
}
