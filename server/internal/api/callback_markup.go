package api

import "github.com/nango-wasm/nango-wasm/server/internal/web"

// The callback page (docs/wire.md §1), which reports to the page that opened it, written in Go
// rather than html/template (see web.HTML). callback_page_test.go checks it byte for byte
// against html/template's rendering of testdata/callback.html: change both together.

// writeCallbackPage writes the page for v.
func writeCallbackPage(h *web.HTML, v callbackView) error {
	h.Raw(callbackHead)
	h.Text(h.Nonce)
	h.Raw(callbackStyle)
	if v.Error != nil {
		h.Raw(`
<main id="content" data-status="error">
  <h1>Connection failed ✕</h1>
  <p>You can close this window.</p>
  <button id="toggle-details" type="button" aria-expanded="false" aria-controls="details">Show error details</button>
  <pre id="details" hidden><span id="error-type">`)
		h.Text(v.Error.Code)
		h.Raw(`</span>: <span id="error-message">`)
		h.Text(v.Error.Message)
		h.Raw(`</span></pre>`)
	} else {
		h.Raw(`
<main id="content" data-status="success">
  <h1>Successful connection ✅</h1>
  <p>You can close this window.</p>`)
	}
	h.Raw(`
</main>

<script nonce="`)
	h.Text(h.Nonce)
	h.Raw(callbackScriptStart)
	if err := h.JS(v.Message); err != nil {
		return err
	}
	h.Raw(`;
  var targetOrigin = `)
	if err := h.JS(v.TargetOrigin); err != nil {
		return err
	}
	h.Raw(`;
  window.__nangoOAuthError = `)
	if err := h.JS(v.LegacyError()); err != nil {
		return err
	}
	h.Raw(callbackScriptEnd)
	return nil
}

const callbackHead = `<!doctype html>

<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorization callback</title>
<style nonce="`

const callbackStyle = `">
  :root { color-scheme: dark; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         background: #0e1014; color: #e6e8eb; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 28rem; padding: 2rem; text-align: center; }
  h1 { font-size: 1.25rem; font-weight: 600; margin: 0 0 .5rem; }
  p { margin: 0 0 1rem; color: #9aa3ad; }
  button { background: none; border: 1px solid #3a3f47; border-radius: 6px; color: #c9ced4; padding: .35rem .8rem; cursor: pointer; font: inherit; font-size: 13px; }
  pre { text-align: left; white-space: pre-wrap; word-break: break-word; background: #171a20; border: 1px solid #2a2e35;
        border-radius: 6px; padding: .75rem; font-size: 12px; color: #f0a8a1; margin-top: 1rem; }
</style>
</head>
<body>
<noscript>JavaScript is required to proceed with the authentication.</noscript>
`

const callbackScriptStart = `">
(function () {
  'use strict';
  var message = `

// The script posts only to the opener's own origin: with none known, the result goes over the
// WebSocket alone.
const callbackScriptEnd = `;

  function closeWindow() {
    try { window.close(); } catch (e) {}
    try { window.open('', '_self').close(); } catch (e) {}
  }

  
  try { if (window.opener && targetOrigin) { window.opener.postMessage(message, targetOrigin); } } catch (e) {}
  try { var channel = new BroadcastChannel('nango-oauth-callback'); channel.postMessage(message); channel.close(); } catch (e) {}

  window.addEventListener('message', function (event) {
    if (!window.opener || event.source !== window.opener) { return; }
    if (!targetOrigin || event.origin !== targetOrigin) { return; }
    if (event.data && event.data.type === 'nango_oauth_callback_ack') { closeWindow(); }
  });

  if (message.type === 'nango_oauth_callback_success') { window.setTimeout(closeWindow, 500); }

  var toggle = document.getElementById('toggle-details');
  if (toggle) {
    toggle.addEventListener('click', function () {
      var details = document.getElementById('details');
      details.hidden = !details.hidden;
      toggle.setAttribute('aria-expanded', String(!details.hidden));
      toggle.textContent = details.hidden ? 'Show error details' : 'Hide error details';
    });
  }
})();
</script>
</body>
</html>
`
