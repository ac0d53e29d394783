//go:build js && wasm

package browser

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/require"
)

// jsEval evaluates JavaScript source in Node, for building fakes of the browser APIs the SDK
// uses; what only a real browser can show (popup blocking, COOP) is tested in e2e/.
func jsEval(t *testing.T, src string) safejs.Value {
	t.Helper()
	fn, err := global("Function").New("return (" + src + ");")
	require.NoError(t, err)
	v, err := fn.Invoke()
	require.NoError(t, err)
	return v
}

// fakeBrowser installs a fake `window` (an EventTarget with screen and open) and returns it.
// window.openBehaviour selects what open() returns: "popup" (default), "null" or "closed".
func fakeBrowser(t *testing.T) safejs.Value {
	t.Helper()
	w := jsEval(t, `(() => {
		const w = new EventTarget();
		w.screen = { width: 1920, height: 1080 };
		w.openBehaviour = 'popup';
		w.opened = [];
		w.open = (url, target, features) => {
			if (w.openBehaviour === 'null') return null;
			const popup = {
				closed: w.openBehaviour === 'closed', location: url, openedWith: { url, target, features },
				received: [],
				postMessage(data, targetOrigin) { this.received.push({ data, targetOrigin }); },
				close() { this.closed = true; },
			};
			w.opened.push(popup);
			return popup;
		};
		w.deliver = (data, origin, source) => {
			const ev = new Event('message');
			Object.assign(ev, { data, origin, source });
			w.dispatchEvent(ev);
		};
		return w;
	})()`)
	require.NoError(t, safejs.Global().Set("window", w))
	t.Cleanup(func() { _ = safejs.Global().Delete("window") })
	return w
}

func get(t *testing.T, v safejs.Value, path ...any) safejs.Value {
	t.Helper()
	var err error
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v, err = v.Get(p)
		case int:
			v, err = v.Index(p)
		}
		require.NoError(t, err)
	}
	return v
}

func str(t *testing.T, v safejs.Value) string {
	t.Helper()
	s, err := v.String()
	require.NoError(t, err)
	return s
}
