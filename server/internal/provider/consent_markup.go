package provider

import "github.com/nango-wasm/nango-wasm/server/internal/web"

// The mock provider's consent page (docs/wire.md §3), also its installation and error pages,
// written in Go rather than html/template (see web.HTML). consent_page_test.go checks it byte
// for byte against html/template's rendering of testdata/consent.html: change both together.

// writeConsentPage writes the page for v.
func writeConsentPage(h *web.HTML, v consentView) error {
	h.Raw(consentHead)
	switch {
	case v.Error != "":
		h.Raw("Authorization error")
	case v.Install:
		h.Raw("Install ")
		h.Text(v.DisplayName)
	default:
		h.Raw("Authorize ")
		h.Text(v.DisplayName)
	}
	h.Raw(` · Mock provider</title>
<style nonce="`)
	h.Text(h.Nonce)
	h.Raw(consentStyle)
	switch {
	case v.Error != "":
		h.Raw(`
  <h1>This authorization request is invalid</h1>
  <p id="error">`)
		h.Text(v.Error)
		h.Raw(`</p>`)
	case v.Install:
		h.Raw(`
  <h1>Install <span id="display-name">`)
		h.Text(v.DisplayName)
		h.Raw(`</span></h1>`)
		switch {
		case v.Plugin:
			h.Raw(`
  <p>on your website <strong>My Website</strong>: the plugin may read and write its conversations.</p>`)
		case v.WithOAuth:
			h.Raw(`
  <p>on your personal account, for <strong>all repositories</strong>, and authorize it to act on your behalf.</p>`)
		default:
			h.Raw(`
  <p>on your personal account, for <strong>all repositories</strong>.</p>`)
		}
		h.Raw(`
  <h2>Integration</h2>
  <code id="integration">`)
		h.Text(v.Integration)
		h.Raw(`</code>
  <h2>Real installation URL</h2>`)
		approve := "Install"
		if v.WithOAuth {
			approve = "Install &amp; Authorize"
		}
		writeConsentForm(h, v, "Cancel", approve)
	default:
		h.Raw(`
  <h1><span id="display-name">`)
		h.Text(v.DisplayName)
		h.Raw(`</span> wants access to your account</h1>
  <h2>Integration</h2>
  <code id="integration">`)
		h.Text(v.Integration)
		h.Raw(`</code>
  <h2>Requested scopes</h2>
  <code id="scopes">`)
		h.Text(v.Scope)
		h.Raw(`</code>
  <ul id="scope-list">`)
		for _, s := range v.Scopes {
			h.Raw("<li>")
			h.Text(s)
			h.Raw("</li>")
		}
		if len(v.Scopes) == 0 {
			h.Raw("<li>no scopes</li>")
		}
		h.Raw(`</ul>
  <h2>Real authorization URL</h2>`)
		writeConsentForm(h, v, "Deny", "Approve")
	}
	h.Raw(`

</main>
</body>
</html>
`)
	return nil
}

// writeConsentForm writes the real URL and the form that posts the decision back with the
// request's query; deny and approve are the buttons' markup.
func writeConsentForm(h *web.HTML, v consentView, deny, approve string) {
	h.Raw(`
  <code id="authorization-url">`)
	h.Text(v.AuthorizationURL)
	h.Raw(`</code>
  <form method="post" action="`)
	h.URL(v.Action)
	h.Raw(`" class="actions">
    <input type="hidden" name="query" value="`)
	h.Text(v.RawQuery)
	h.Raw(`">
    <button id="deny" type="submit" name="decision" value="deny">` + deny + `</button>
    <button id="approve" type="submit" name="decision" value="approve">` + approve + `</button>
  </form>`)
}

const consentHead = `<!doctype html>

<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>`

const consentStyle = `">
  body { margin: 0; background: #f5f6f8; color: #1d2330; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 30rem; margin: 3rem auto; background: #fff; border: 1px solid #dde1e7; border-radius: 10px; padding: 1.75rem; }
  .badge { display: inline-block; font-size: 12px; color: #5b6472; border: 1px solid #dde1e7; border-radius: 99px; padding: 0 .6rem; }
  h1 { font-size: 1.2rem; margin: .75rem 0 1rem; }
  h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #5b6472; margin: 1.25rem 0 .4rem; }
  code { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
  #authorization-url { display: block; word-break: break-all; background: #f5f6f8; border-radius: 6px; padding: .6rem; color: #384152; }
  ul { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .35rem; }
  li { background: #eef1f6; border-radius: 4px; padding: 0 .45rem; font-size: 13px; }
  .actions { display: flex; gap: .6rem; margin-top: 1.5rem; }
  button { flex: 1; font: inherit; padding: .55rem; border-radius: 6px; border: 1px solid #c7ccd4; background: #fff; cursor: pointer; }
  #approve { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
  #error { color: #b42318; background: #fef3f2; border: 1px solid #fecdca; border-radius: 6px; padding: .75rem; }
</style>
</head>
<body>
<main>

  <span class="badge">Mock OAuth provider · nango-wasm dev server</span>`
