//go:build js && wasm

package jsapi

import (
	"errors"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
)

// handles maps the integer handles the glue keeps on each JavaScript instance (a Nango, a
// ConnectUI) to the Go object behind it. The glue's FinalizationRegistry releases a handle when
// its instance is garbage-collected, so a long page does not keep dead instances.
type handles[T any] struct {
	what string
	m    map[int]T
}

var nextHandle = 1

var (
	clients    = &handles[*browser.Client]{what: "Nango instance", m: map[int]*browser.Client{}}
	connectUIs = &handles[*browser.ConnectUI]{what: "ConnectUI", m: map[int]*browser.ConnectUI{}}
)

func (h *handles[T]) add(v T) int {
	id := nextHandle
	nextHandle++
	h.m[id] = v
	return id
}

// get returns the object whose handle is the first argument.
func (h *handles[T]) get(args []safejs.Value) (T, error) {
	var zero T
	id, err := arg(args, 0).Int()
	if err != nil {
		return zero, errors.New("nango: not a " + h.what)
	}
	v, ok := h.m[id]
	if !ok {
		return zero, errors.New("nango: this " + h.what + " was released")
	}
	return v, nil
}

// release forgets the object whose handle is the first argument and returns it.
func (h *handles[T]) release(args []safejs.Value) (T, bool) {
	var zero T
	id, err := arg(args, 0).Int()
	if err != nil {
		return zero, false
	}
	v, ok := h.m[id]
	delete(h.m, id)
	return v, ok
}
