// ---- the app's objects, as strings for nango.wasm (js/values.js) ------------------------------
// nango.wasm never reads an object the app hands the SDK: syscall/js's property reads do not
// catch what JavaScript throws, so a getter or a Proxy trap that throws there would stop the Go
// runtime for the page. Every read from Go is also a bridge crossing. The glue writes options as
// one string instead, which auth.DecodeValue reads, by browser.ToGo's rules (js/glue_js_test.go
// holds them equal): plain objects (own enumerable keys, in order) and arrays, up to 32 levels
// deep; a class instance, a Window or an AbortSignal is opaque. A read that throws is an
// AuthError (invalid_options) naming the option, thrown where @nangohq/frontend's own read throws.

const nangoNumberBits = new DataView(new ArrayBuffer(8));

// what names the value in an error ('the Nango option'), path where it is inside it.
function nangoEncodeValue(v, what = 'the option', path = '', depth = 0) {
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
    case 'object': return v === null ? 'null' : nangoEncodeObject(v, what, path, depth);
    default: return `!${JSON.stringify(typeof v)}`;
  }
}

function nangoEncodeObject(v, what, path, depth) {
  if (depth >= 32) return '!"object nested too deeply"';
  let isArray, keys;
  try {
    isArray = Array.isArray(v);
    const proto = isArray ? null : Object.getPrototypeOf(v);
    if (proto !== null && proto !== Object.prototype) return '!"object"';
    keys = isArray ? Array.from({ length: v.length }, (_, i) => i) : Object.keys(v);
  } catch (e) {
    throw nangoInvalid(`${what}${path ? ` ${path}` : 's'}`, e);
  }
  const items = keys.map((key) => {
    const at = isArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const item = nangoEncodeValue(nangoRead(v, key, `${what} ${at}`), what, at, depth + 1);
    return isArray ? item : `${JSON.stringify(key)}:${item}`;
  });
  return isArray ? `[${items}]` : `{${items}}`;
}

function nangoRead(v, key, what) {
  try {
    return v[key];
  } catch (e) {
    throw nangoInvalid(what, e);
  }
}

function nangoInvalid(what, cause, problem = 'could not be read') {
  return new AuthError(`${what} ${problem}: ${nangoErrorText(() => cause)}`, 'invalid_options', { cause });
}

// The text of what read() returns (what JavaScript threw, an abort reason; itself maybe hostile),
// as Go's jsError reads an error.
function nangoErrorText(read) {
  try {
    const e = read();
    return typeof e?.message === 'string' ? e.message : String(e ?? '');
  } catch {
    return 'a value that cannot be read';
  }
}

// An app's options object as the glue keeps it (a shallow copy: each getter read once) and as
// nango.wasm reads it (encoded).
function nangoReadOptions(v, what) {
  let copy = v;
  if (v !== null && typeof v === 'object') {
    try {
      copy = { ...v };
    } catch (e) {
      nangoEncodeValue(v, what); // names the option, when it throws again
      throw nangoInvalid(`${what}s`, e);
    }
  }
  return [copy, nangoEncodeValue(copy, what)];
}

// The arguments of auth(), reconnect() or create() for nango.wasm: [key, options...] as one
// encoded array, and for the signal option (the options argument's first, as in their merge)
// an AbortSignal of the glue's that follows it, with its reason as text: nango.wasm never reads
// the app's, which may be any object. One per app signal, gone with it.
const nangoSignals = new WeakMap();

function nangoCallArgs(...args) {
  const encoded = `[${args.map((v) => nangoEncodeValue(v))}]`;
  let signal, own;
  for (const options of args.slice(1)) {
    if (signal == null && options !== null && typeof options === 'object') signal = nangoRead(options, 'signal', 'the option signal');
  }
  if (signal != null && !(own = nangoSignals.get(signal))) {
    const controller = new AbortController();
    const abort = () => controller.abort(nangoErrorText(() => signal.reason));
    try {
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    } catch (e) {
      throw nangoInvalid('the option signal', e, 'is not an AbortSignal');
    }
    nangoSignals.set(signal, own = controller.signal);
  }
  return [encoded, own];
}
