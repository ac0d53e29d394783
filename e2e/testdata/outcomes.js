// The outcome recorder the fixture pages share. Each SDK call a page makes is recorded in
// window.outcomes, in order, as plain data a test reads back (steps_test.go's outcome): first
// { settled: false }, then how it settled. window.last is the latest call's settling, which a
// test awaits.
window.outcomes = [];

// recordOutcome records the promise p of one call; AuthError is the class the page's SDK
// exports, and sync says the call threw at once instead of returning a promise.
window.recordOutcome = function recordOutcome(p, AuthError, sync = false) {
  const i = window.outcomes.length;
  window.outcomes.push({ settled: false });
  window.last = p.then(
    (value) => (window.outcomes[i] = { settled: true, ok: true, value, sync }),
    (e) => (window.outcomes[i] = {
      settled: true, ok: false, sync, type: e?.type, message: e?.message, name: e?.name,
      isAuthError: e instanceof AuthError, isError: e instanceof Error, stack: String(e?.stack),
    }),
  );
  return window.last;
};
