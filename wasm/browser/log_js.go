//go:build js && wasm

package browser

// Debug log prefixes of @nangohq/frontend, so existing log filters keep working.
const (
	debugPrefix      = "NANGO DEBUG LOG: "
	modalDebugPrefix = "[nango]"
)

func logWith(method, prefix, msg string) {
	console := global("console")
	if console.IsUndefined() {
		return
	}
	_, _ = console.Call(method, prefix, msg)
}

func logError(msg string) { logWith("error", modalDebugPrefix, msg) }
