//go:build js && wasm

package browser

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// openWindow opens the authorization window: openPopup, except while Prewarm runs a flow
// against a stand-in, which must open no window.
var openWindow = openPopup

// openPopup opens the blank, centred authorization window. It must run synchronously inside
// the app's click handler, before any await, goroutine switch or fetch: Safari and Chromium's
// popup blocker only allow window.open during the click's transient user activation
// (https://developer.mozilla.org/docs/Glossary/Transient_activation). The window opens blank
// and is navigated once the URL is known. It reports false when the browser blocked it.
func openPopup(width, height float64) (safejs.Value, bool) {
	window := global("window")
	screen, _ := window.Get("screen")
	sw, _ := numberProp(screen, "width")
	sh, _ := numberProp(screen, "height")
	features := auth.WindowFeatures(auth.ComputeLayout(sw, sh, width, height))
	// No "noopener": the callback page needs window.opener to post its result back.
	popup, err := window.Call("open", "", "_blank", features)
	if err != nil {
		return safejs.Value{}, false
	}
	return popup, !popupClosed(popup)
}

// popupClosed is the anchor's blocked/closed test: no window, closed, or no `closed` at all.
// A provider page that sends Cross-Origin-Opener-Policy makes an open window read as closed.
func popupClosed(popup safejs.Value) bool {
	if popup.IsNull() || popup.IsUndefined() {
		return true
	}
	closed, err := popup.Get("closed")
	if err != nil || closed.IsUndefined() {
		return true
	}
	b, _ := closed.Truthy()
	return b
}

// navigatePopup sends the popup to href; setting location is allowed on a cross-origin window.
func navigatePopup(popup safejs.Value, href string) error {
	return popup.Set("location", href)
}

// closePopup closes the popup unless it already is.
func closePopup(popup safejs.Value) {
	if !popupClosed(popup) {
		_, _ = popup.Call("close")
	}
}

func numberProp(v safejs.Value, name string) (float64, bool) {
	p, err := v.Get(name)
	if err != nil || p.Type() != safejs.TypeNumber {
		return 0, false
	}
	f, _ := p.Float()
	return f, true
}
