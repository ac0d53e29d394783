package auth

import "strings"

// NonceParam carries an auth() call's nonce to the Nango host in the popup's first navigation.
// The dev server keeps it with the flow and echoes it in every message it sends about the flow,
// which is how the SDK tells this call's result from another flow's (docs/wire.md §1); Nango
// ignores it.
const NonceParam = "nango_wasm_nonce"

// WithNonce puts the nonce in front of a query QueryString built. In front, because the anchor
// concatenates some values raw: a `#` in one of them starts the URL's fragment, and a parameter
// after it would never reach the server. The rest of the query stays the anchor's, byte for byte.
func WithNonce(query, nonce string) string {
	q := "?" + NonceParam + "=" + EncodeURIComponent(nonce)
	if rest, ok := strings.CutPrefix(query, "?"); ok {
		return q + "&" + rest
	}
	return q
}

// QueryString builds the query of /oauth/connect/{key} (and of the custom-auth endpoints) exactly
// as @nangohq/frontend's toQueryString does, byte for byte, including its quirks: connection_id,
// public_key, connect_session_token, hmac, user_scope and authorization_params are concatenated
// raw, while params and credentials are percent-encoded; a missing value becomes the literal
// "undefined"; TBA tokens are top-level keys. A Nango server parses exactly this, so fixing the
// encoding here would change what the server receives.
func QueryString(connectionID string, o ClientOptions, cfg *Object) string {
	var q []string
	if connectionID != "" {
		q = append(q, "connection_id="+connectionID)
	}
	if o.PublicKey != "" {
		q = append(q, "public_key="+o.PublicKey)
	}
	if o.ConnectSessionToken != "" {
		q = append(q, "connect_session_token="+o.ConnectSessionToken)
	}
	if cfg != nil {
		if params, ok := cfg.Object("params"); ok {
			for _, k := range params.Keys() {
				if v, isString := params.String(k); isString {
					q = append(q, "params["+EncodeURIComponent(k)+"]="+EncodeURIComponent(v))
				}
			}
		}
		if h, _ := cfg.Get("hmac"); Truthy(h) {
			q = append(q, "hmac="+ToString(h))
		}
		if us, _ := cfg.Get("user_scope"); Truthy(us) {
			if arr, ok := us.([]any); ok {
				q = append(q, "user_scope="+JoinArray(arr, ","))
			}
		}
		if creds, ok := cfg.Object("credentials"); ok {
			for _, k := range []string{"oauth_client_id_override", "oauth_client_secret_override", "oauth_refresh_token_override"} {
				if v, has := creds.Get(k); has {
					q = append(q, "credentials["+k+"]="+EncodeURIComponent(ToString(v)))
				}
			}
			for _, k := range []string{"token_id", "token_secret"} {
				if v, has := creds.Get(k); has {
					q = append(q, k+"="+EncodeURIComponent(ToString(v)))
				}
			}
		}
		if ap, ok := cfg.Object("authorization_params"); ok {
			for _, k := range ap.Keys() {
				v, _ := ap.Get(k)
				switch v := v.(type) {
				case string:
					q = append(q, "authorization_params["+k+"]="+v)
				case undefinedValue:
					q = append(q, "authorization_params["+k+"]=undefined")
				}
			}
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// EncodeURIComponent is JavaScript's encodeURIComponent for valid UTF-8 (every byte outside
// A–Z a–z 0–9 - _ . ! ~ * ' ( ) is percent-encoded with upper-case hex).
func EncodeURIComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-_.!~*'()", c) >= 0
}

// RedactQuery masks the values of the query keys that carry secrets (the session token, TBA
// tokens, OAuth client overrides, the HMAC, the flow's nonce) in a URL, for debug logs: the anchor logs the
// whole popup URL, session token included.
func RedactQuery(href string) string {
	base, query, found := strings.Cut(href, "?")
	if !found {
		return href
	}
	parts := strings.Split(query, "&")
	for i, p := range parts {
		key, _, hasValue := strings.Cut(p, "=")
		if hasValue && isSecretKey(key) {
			parts[i] = key + "=***"
		}
	}
	return base + "?" + strings.Join(parts, "&")
}

func isSecretKey(key string) bool {
	switch key {
	case "connect_session_token", "public_key", "token_id", "token_secret", "hmac", NonceParam:
		return true
	}
	return strings.HasPrefix(key, "credentials[") || strings.HasPrefix(key, "credentials%5B")
}
