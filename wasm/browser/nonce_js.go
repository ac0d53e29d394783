//go:build js && wasm

package browser

import "github.com/hack-pad/safejs"

// newNonce draws the value that binds a popup flow's result to its auth() call: 128 bits from
// crypto.getRandomValues (which, unlike crypto.randomUUID, also works on plain-http origins), in
// hex. The provider never sees it, so a page inside the popup cannot learn it.
func newNonce() (string, error) {
	bytes, err := global("Uint8Array").New(16)
	if err != nil {
		return "", err
	}
	crypto := global("crypto")
	if _, err := crypto.Call("getRandomValues", bytes); err != nil {
		return "", err
	}
	raw := make([]byte, 16)
	if _, err := safejs.CopyBytesToGo(raw, bytes); err != nil {
		return "", err
	}
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(raw))
	for _, b := range raw {
		out = append(out, digits[b>>4], digits[b&15])
	}
	return string(out), nil
}
