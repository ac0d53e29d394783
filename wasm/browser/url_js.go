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
func serializeURL(ref string) (string, error) { return editURL(ref, nil) }

// withQueryParam sets one query parameter as `url.searchParams.set(key, value)` does. Like the
// anchor, this re-serializes the whole query in application/x-www-form-urlencoded form
// (`params[x]` becomes `params%5Bx%5D`), which Nango servers accept.
func withQueryParam(href, key, value string) (string, error) {
	return editURL(href, func(u safejs.Value) error {
		sp, err := u.Get("searchParams")
		if err == nil {
			_, err = sp.Call("set", key, value)
		}
		return err
	})
}

// editURL parses ref with `new URL`, lets edit change it (when set) and returns its href.
func editURL(ref string, edit func(u safejs.Value) error) (string, error) {
	u, err := global("URL").New(ref)
	if err != nil {
		return "", err
	}
	if edit != nil {
		if err := edit(u); err != nil {
			return "", err
		}
	}
	h, err := u.Get("href")
	if err != nil {
		return "", err
	}
	return h.String()
}
