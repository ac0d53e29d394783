// The part of Vitest's API that @nangohq/frontend's unit test uses, on Jest's.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const stubbed = new Map();
export const vi = {
  fn: (...args) => jest.fn(...args),
  stubGlobal(name, value) {
    if (!stubbed.has(name)) stubbed.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    globalThis[name] = value;
  },
  unstubAllGlobals() {
    for (const [name, descriptor] of stubbed) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete globalThis[name];
    }
    stubbed.clear();
  },
};
export { afterEach, beforeEach, describe, expect, it };
