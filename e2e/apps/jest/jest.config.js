// Jest with jsdom, in its ES module mode (node --experimental-vm-modules), which
// @nangohq/frontend needs as much as nango-wasm: both are ES modules only. The test file is
// written for Vitest; vitest-on-jest.js gives it the few vi functions it calls.
export default {
  testEnvironment: 'jsdom',
  transform: {},
  moduleNameMapper: { '^vitest$': '<rootDir>/vitest-on-jest.js' },
};
