//go:build js && wasm

package browser

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// maxDepth bounds the conversion of nested objects, so a cyclic object cannot loop forever.
const maxDepth = 32

// ToGo converts a JavaScript value into the core's value model: undefined, null (nil), bool,
// float64, string, []any and *auth.Object with its keys in JavaScript order. Functions, class
// instances and host objects (a Window, an AbortSignal) become auth.Opaque: options never need
// to look inside them, and walking a Window would be both slow and unsafe. It is for data the
// browser made (a message's, JSON.parse's), never for an object the app hands the SDK: a getter
// or a Proxy trap that throws in a property read stops the Go runtime, since syscall/js does not
// catch it there. The glue encodes those (js/values.js, auth.DecodeValue).
func ToGo(v safejs.Value) any { return toGo(v, 0) }

func toGo(v safejs.Value, depth int) any {
	switch v.Type() {
	case safejs.TypeUndefined:
		return auth.Undefined
	case safejs.TypeNull:
		return nil
	case safejs.TypeBoolean:
		b, _ := v.Bool()
		return b
	case safejs.TypeNumber:
		f, _ := v.Float()
		return f
	case safejs.TypeString:
		s, _ := v.String()
		return s
	case safejs.TypeObject:
		if depth >= maxDepth {
			return auth.Opaque{Kind: "object nested too deeply"}
		}
		if isArray(v) {
			n, _ := v.Length()
			arr := make([]any, n)
			for i := range arr {
				item, _ := v.Index(i)
				arr[i] = toGo(item, depth+1)
			}
			return arr
		}
		if !isPlainObject(v) {
			return auth.Opaque{Kind: "object"}
		}
		keys, err := global("Object").Call("keys", v)
		if err != nil {
			return auth.Opaque{Kind: "object"}
		}
		n, _ := keys.Length()
		obj := auth.NewObject()
		for i := 0; i < n; i++ {
			k, _ := keys.Index(i)
			key, _ := k.String()
			item, _ := v.Get(key)
			obj.Set(key, toGo(item, depth+1))
		}
		return obj
	default:
		return auth.Opaque{Kind: v.Type().String()}
	}
}

// ToJS converts the core's value model back into JavaScript.
func ToJS(v any) any {
	switch v := v.(type) {
	case *auth.Object:
		o, err := global("Object").New()
		if err != nil {
			return nil
		}
		for _, k := range v.Keys() {
			item, _ := v.Get(k)
			_ = o.Set(k, ToJS(item))
		}
		return o
	case []any:
		arr, err := global("Array").New(len(v))
		if err != nil {
			return nil
		}
		for i, item := range v {
			_ = arr.SetIndex(i, ToJS(item))
		}
		return arr
	case auth.Opaque:
		return safejs.Undefined()
	}
	if v == auth.Undefined {
		return safejs.Undefined()
	}
	return v
}

func isArray(v safejs.Value) bool {
	r, err := global("Array").Call("isArray", v)
	if err != nil {
		return false
	}
	b, _ := r.Bool()
	return b
}

// isPlainObject: an object literal, JSON or structured-clone data, or Object.create(null).
func isPlainObject(v safejs.Value) bool {
	proto, err := global("Object").Call("getPrototypeOf", v)
	if err != nil {
		return false
	}
	objectProto, _ := global("Object").Get("prototype")
	return proto.IsNull() || proto.Equal(objectProto)
}

// newObject builds a JavaScript object with its keys in the given order (a Go map would give
// them in random order, which shows in JSON.stringify and in console output).
func newObject(kv ...any) (safejs.Value, error) {
	o, err := global("Object").New()
	if err != nil {
		return safejs.Value{}, err
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if err := o.Set(kv[i].(string), kv[i+1]); err != nil {
			return safejs.Value{}, err
		}
	}
	return o, nil
}

// ResultValue is the JavaScript value auth() resolves with.
func ResultValue(r auth.Result) (safejs.Value, error) {
	return newObject("providerConfigKey", r.ProviderConfigKey, "connectionId", r.ConnectionID, "isPending", r.IsPending)
}

// ErrorValue is the data the glue turns into an AuthError: {type, message}. The glue, not Go,
// constructs the Error, so that its stack points at the app's call to auth().
func ErrorValue(err error) safejs.Value {
	ae := AsAuthError(err)
	v, nerr := newObject("type", string(ae.Type), "message", ae.Message)
	if nerr != nil {
		return safejs.Null()
	}
	return v
}

// AsAuthError returns err as the *auth.AuthError every failure of the SDK is: err itself when
// it is one, else an unknown_error that wraps it.
func AsAuthError(err error) *auth.AuthError {
	if ae, ok := err.(*auth.AuthError); ok {
		return ae
	}
	return &auth.AuthError{Type: auth.UnknownError, Message: err.Error(), Err: err}
}

// global reads a global when it is used, never at package init, because a page (or Node, in
// tests) may define it later. The language's own constructors (builtins) are looked up once:
// every lookup is a string crossing into JavaScript, and an auth() call makes dozens of them.
func global(name string) safejs.Value {
	if v, ok := builtins[name]; ok {
		return v
	}
	v, _ := safejs.Global().Get(name)
	if builtinNames[name] && v.Type() != safejs.TypeUndefined {
		builtins[name] = v
	}
	return v
}

var (
	builtins     = map[string]safejs.Value{}
	builtinNames = map[string]bool{"Object": true, "Array": true, "JSON": true, "Promise": true, "String": true, "URL": true, "Uint8Array": true}
)
