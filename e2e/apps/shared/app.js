// The fixture app every bundler builds (e2e/apps/<bundler>, make apps): its src/index.js imports
// the SDK as an app does and hands it here. The page's ?host= and ?token= are the dev server's API
// and a connect session; ?args= (JSON) replaces what the Connect button passes to auth(). Every
// click is recorded in window.outcomes for the tests (e2e/bundlers_test.go) and make bench.
export function startApp({ Nango, AuthError, ready }) {
  const q = new URLSearchParams(location.search);
  const nango = new Nango({ host: q.get('host'), connectSessionToken: q.get('token') });
  const args = JSON.parse(q.get('args') || 'null') ?? ['zendesk', { params: { subdomain: 'acme' } }];
  window.nango = nango;
  window.outcomes = [];
  // Settles once nango.wasm runs; @nangohq/frontend has nothing to wait for.
  window.sdkReady = (ready ? ready() : Promise.resolve()).then(() => { window.sdkReadyAt = performance.now(); });
  document.getElementById('connect').addEventListener('click', (event) => {
    const run = { clickAt: event.timeStamp, trusted: event.isTrusted, readyAtClick: window.sdkReadyAt !== undefined };
    window.outcomes.push(run);
    const p = nango.auth(...args);
    const modal = nango.win?.modal;
    run.popupOpen = modal != null && typeof modal.closed === 'boolean' && !modal.closed; // still inside the click's task
    window.last = p.then(
      (value) => Object.assign(run, { settled: true, ok: true, value, settledAt: performance.now() }),
      (e) => Object.assign(run, {
        settled: true, ok: false, type: e?.type, message: e?.message, isAuthError: e instanceof AuthError, settledAt: performance.now(),
      }),
    );
  });
}
