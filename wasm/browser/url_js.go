//go:build js && wasm

package browser

import "github.com/hack-pad/safejs"

// ResolveURL is auth.URLResolver on the browser's own URL parser: `new URL(ref, base)`.
func ResolveURL(ref, base string) (href, origin string, err error) {
	var u safejs.Value
	if base == "" {
		u, err = global("URL").New(ref)
	} else {
		u, err = global("URL").New(ref, base)
	}
	if err != nil {
		return "", "", err
	}
	h, _ := u.Get("href")
	o, _ := u.Get("origin")
	href, _ = h.String()
	origin, _ = o.String()
	return href, origin, nil
}

// serializeURL is `new URL(ref).href`: ResolveURL without the base and the origin, for the
// connect URL built inside the click, where each property read is a bridge call.
func serializeURL(ref string) (string, error) {
	u, err := global("URL").New(ref)
	if err != nil {
		return "", err
	}
	h, err := u.Get("href")
	if err != nil {
		return "", err
	}
	return h.String()
}

// withQueryParam sets one query parameter as `url.searchParams.set(key, value)` does. Like the
// anchor, this re-serializes the whole query in application/x-www-form-urlencoded form
// (`params[x]` becomes `params%5Bx%5D`), which Nango servers accept.
func withQueryParam(href, key, value string) (string, error) {
	u, err := global("URL").New(href)
	if err != nil {
		return "", err
	}
	sp, err := u.Get("searchParams")
	if err != nil {
		return "", err
	}
	if _, err := sp.Call("set", key, value); err != nil {
		return "", err
	}
	h, _ := u.Get("href")
	return h.String()
}
