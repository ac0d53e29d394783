//go:build js && wasm

package jsapi

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
)

// NewConnectUI is `new ConnectUI(props)`: (instance, props, onEvent) → handle. props are
// encoded as Nango's options (NewClient); onEvent is the glue's function that calls the page's
// handler and never throws, or undefined.
func NewConnectUI(args []safejs.Value) (any, error) {
	props, err := decoded(args, 1)
	if err != nil {
		return nil, err
	}
	u, err := browser.NewConnectUI(props, arg(args, 0), arg(args, 2), nil)
	if err != nil {
		return nil, err
	}
	return connectUIs.add(u), nil
}

// ConnectUIOpen is open().
func ConnectUIOpen(args []safejs.Value) (any, error) {
	u, err := connectUI(args)
	if err != nil {
		return nil, err
	}
	return nil, u.Open()
}

// ConnectUIClose is close().
func ConnectUIClose(args []safejs.Value) (any, error) {
	u, err := connectUI(args)
	if err != nil {
		return nil, err
	}
	u.Close()
	return nil, nil
}

// ConnectUISetSessionToken is setSessionToken(token).
func ConnectUISetSessionToken(args []safejs.Value) (any, error) {
	u, err := connectUI(args)
	if err != nil {
		return nil, err
	}
	token, _ := arg(args, 1).String()
	u.SetSessionToken(token)
	return nil, nil
}

// ConnectUIRelease forgets a garbage-collected ConnectUI, closing it first.
func ConnectUIRelease(args []safejs.Value) (any, error) {
	if u, ok := connectUIs.release(args); ok {
		u.Close()
	}
	return nil, nil
}

func connectUI(args []safejs.Value) (*browser.ConnectUI, error) { return connectUIs.get(args) }
