// ---- the arguments of a call, as one string for nango.wasm (js/values.js) -----------------------
// Read from Go, every key and value of an options object is a call across the Go/JavaScript
// bridge (with safejs's recover and a finalized reference each): that was most of auth()'s own
// work. The glue writes them as one string instead, which auth.DecodeValue reads. The rules are
// browser.ToGo's, and js/glue_js_test.go holds the two equal: plain objects (own enumerable keys,
// in order) and arrays are copied up to 32 levels deep; a class instance, a Window or an
// AbortSignal is opaque; a getter that throws reads as undefined.

const nangoNumberBits = new DataView(new ArrayBuffer(8));

function nangoEncodeValue(v, depth = 0) {
  switch (typeof v) {
    case 'undefined': return 'u';
    case 'boolean': return String(v);
    case 'string': return JSON.stringify(v);
    case 'number': {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
      nangoNumberBits.setFloat64(0, v);
      const hex = (i) => nangoNumberBits.getUint32(i).toString(16).padStart(8, '0');
      return `#${hex(0)}${hex(4)}`;
    }
    case 'object': return v === null ? 'null' : nangoEncodeObject(v, depth);
    default: return `!${JSON.stringify(typeof v)}`;
  }
}

function nangoEncodeObject(v, depth) {
  if (depth >= 32) return '!"object nested too deeply"';
  const get = (key) => {
    try {
      return nangoEncodeValue(v[key], depth + 1);
    } catch {
      return 'u';
    }
  };
  try {
    if (Array.isArray(v)) return `[${Array.from({ length: v.length }, (_, i) => get(i)).join(',')}]`;
    const proto = Object.getPrototypeOf(v);
    if (proto !== null && proto !== Object.prototype) return '!"object"';
    return `{${Object.keys(v).map((key) => `${JSON.stringify(key)}:${get(key)}`).join(',')}}`;
  } catch {
    return '!"object"';
  }
}

// The arguments of auth() or reconnect() for nango.wasm: [key, options...] as one encoded array,
// and the AbortSignal among the options (a host object, passed as it is): the options argument's
// wins over moreOptions'.
function nangoCallArgs(...args) {
  let signal;
  for (const options of args.slice(1)) {
    try {
      if (signal === undefined && options !== null && typeof options === 'object' && options.signal !== null && typeof options.signal === 'object') signal = options.signal;
    } catch { /* a getter that throws: no signal */ }
  }
  return [`[${args.map((v) => nangoEncodeValue(v)).join(',')}]`, signal];
}
