package auth

import (
	"math"
	"strconv"
	"strings"
)

// Object is a plain JavaScript object as the SDK sees it: its own enumerable keys in JavaScript's
// order, which matters because Nango's query strings list params in that order.
//
// Its accessors are marked go:noinline: each is a map lookup that the compiler would otherwise
// copy into every one of the many call sites that read options, which costs about 1 % of the
// compressed nango.wasm for no speed that matters here.
type Object struct {
	keys []string
	vals map[string]any
}

// NewObject returns an empty object.
func NewObject() *Object { return &Object{vals: map[string]any{}} }

// Set adds or replaces a key. A replaced key keeps its position, as in JavaScript.
//
//go:noinline
func (o *Object) Set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// Get returns the value of key and whether the key exists (JavaScript's `key in obj`).
//
//go:noinline
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.vals[key]
	return v, ok
}

// Has reports whether key exists, even with the value undefined.
//
//go:noinline
func (o *Object) Has(key string) bool {
	_, ok := o.Get(key)
	return ok
}

// Keys returns the keys in JavaScript order.
//
//go:noinline
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// Len is the number of keys.
//
//go:noinline
func (o *Object) Len() int { return len(o.Keys()) }

// String returns the value of key when it is a string.
//
//go:noinline
func (o *Object) String(key string) (string, bool) {
	v, _ := o.Get(key)
	s, ok := v.(string)
	return s, ok
}

// Object returns the value of key when it is a plain object.
//
//go:noinline
func (o *Object) Object(key string) (*Object, bool) {
	v, _ := o.Get(key)
	obj, ok := v.(*Object)
	return obj, ok
}

// Without returns a copy of o without the given keys (JavaScript's `const {k, ...rest} = o`).
func (o *Object) Without(keys ...string) *Object {
	out := NewObject()
	for _, k := range o.Keys() {
		skip := false
		for _, drop := range keys {
			skip = skip || k == drop
		}
		if !skip {
			out.Set(k, o.vals[k])
		}
	}
	return out
}

// Spread copies src's keys onto a copy of o, as `{...o, ...src}` does.
func (o *Object) Spread(src *Object) *Object {
	out := NewObject()
	for _, k := range o.Keys() {
		out.Set(k, o.vals[k])
	}
	for _, k := range src.Keys() {
		out.Set(k, src.vals[k])
	}
	return out
}

// undefinedValue is JavaScript's undefined, which Nango's query strings tell apart from a missing
// key (`authorization_params[k]=undefined`) and from null.
type undefinedValue struct{}

// Undefined is JavaScript's undefined; JavaScript's null is Go's nil.
var Undefined any = undefinedValue{}

// Opaque stands for a JavaScript value the core does not look into: a function, a Window, an
// AbortSignal, a class instance.
type Opaque struct{ Kind string }

// Truthy reports JavaScript truthiness.
//
//go:noinline
func Truthy(v any) bool {
	switch v := v.(type) {
	case nil, undefinedValue:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	default:
		return true
	}
}

// ToString converts a value as JavaScript's String(v) does, for the values options can hold.
func ToString(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case undefinedValue:
		return "undefined"
	case bool:
		if v {
			return "true"
		}
		return "false"
	case float64:
		return FormatNumber(v)
	case string:
		return v
	case []any:
		return JoinArray(v, ",")
	case *Object:
		return "[object Object]"
	default:
		return "[object Object]"
	}
}

// JoinArray is JavaScript's Array.prototype.join: null and undefined become empty strings.
func JoinArray(items []any, sep string) string {
	parts := make([]string, len(items))
	for i, it := range items {
		switch it.(type) {
		case nil, undefinedValue:
		default:
			parts[i] = ToString(it)
		}
	}
	return strings.Join(parts, sep)
}

// FormatNumber formats a float64 as JavaScript's Number.prototype.toString does.
func FormatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	abs := math.Abs(f)
	if abs < 1<<53 && f == math.Trunc(f) {
		// An integer (window sizes, timeouts): its digits, without the shortest-float search,
		// which is much more code to run (and, the first time, to compile) on a click.
		return strconv.FormatInt(int64(f), 10)
	}
	if abs >= 1e-6 && abs < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	// JavaScript writes exponents as e+21 / e-7, without zero padding.
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	return mant + "e" + string(sign) + exp
}
