package provider

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The mock provider checks OAuth 1.0a signatures (RFC 5849 §3.4) with its own reading of the
// RFC, independent of the signing library the API host uses, so a test where both agree proves
// the signature, not one implementation against itself.

// signatureMethodHMACSHA1 is the only method the mock provider accepts: every OAUTH1 provider in
// the catalog uses it (as Trello does).
const signatureMethodHMACSHA1 = "HMAC-SHA1"

// timestampSkew is how far an oauth_timestamp may be from the provider's clock.
const timestampSkew = 5 * time.Minute

// signedRequest is an OAuth 1.0a request as the provider reads it: the protocol parameters and
// every parameter the signature covers.
type signedRequest struct {
	oauth  map[string]string // the oauth_* parameters, oauth_signature included
	params [][2]string       // all signed parameters (query, form body, protocol), decoded
	base   string            // the signature base string
}

// readSignedRequest collects the request's parameters as RFC 5849 §3.4.1.3 lists them: the
// Authorization header's OAuth parameters (realm excluded), the query, and a form-encoded body.
// Protocol parameters given twice are refused (§3.5).
func readSignedRequest(r *http.Request, publicURL string) (*signedRequest, error) {
	sr := &signedRequest{oauth: map[string]string{}}
	header, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	if !ok {
		return nil, errors.New("the request has no OAuth Authorization header")
	}
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, fmt.Errorf("malformed Authorization parameter %q", part)
		}
		key, err1 := url.PathUnescape(k)
		value, err2 := url.PathUnescape(v[1 : len(v)-1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("malformed Authorization parameter %q", part)
		}
		if key == "realm" {
			continue
		}
		if _, dup := sr.oauth[key]; dup {
			return nil, fmt.Errorf("parameter %s is given twice", key)
		}
		sr.oauth[key] = value
		if key != "oauth_signature" {
			sr.params = append(sr.params, [2]string{key, value})
		}
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, errors.New("the query is not validly encoded")
	}
	addValues(sr, query)
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return nil, errors.New("the form body is not validly encoded")
		}
		addValues(sr, r.PostForm)
	}
	for key := range sr.oauth {
		if strings.HasPrefix(key, "oauth_") && (query.Has(key) || r.PostForm.Has(key)) {
			return nil, fmt.Errorf("parameter %s is given twice", key)
		}
	}
	sr.base = signatureBase(r.Method, publicURL, sr.params)
	return sr, nil
}

func addValues(sr *signedRequest, values url.Values) {
	for k, vs := range values {
		for _, v := range vs {
			sr.params = append(sr.params, [2]string{k, v})
		}
	}
}

// signatureBase is RFC 5849 §3.4.1.1: the method, the base string URI and the normalized
// parameters, each percent-encoded and joined with "&".
func signatureBase(method, baseURI string, params [][2]string) string {
	encoded := make([]string, len(params))
	sorted := slices.Clone(params)
	for i := range sorted {
		sorted[i] = [2]string{percentEncode(sorted[i][0]), percentEncode(sorted[i][1])}
	}
	slices.SortFunc(sorted, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	for i, p := range sorted {
		encoded[i] = p[0] + "=" + p[1]
	}
	return strings.ToUpper(method) + "&" + percentEncode(baseURI) + "&" + percentEncode(strings.Join(encoded, "&"))
}

// hmacSHA1Signature is RFC 5849 §3.4.2: the key is the encoded client secret and token secret.
func hmacSHA1Signature(base, clientSecret, tokenSecret string) string {
	mac := hmac.New(sha1.New, []byte(percentEncode(clientSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// verify checks the protocol parameters and the HMAC-SHA1 signature against the client secret
// and the token secret ("" when fetching a request token). It returns an oauth_problem name
// (the OAuth Problem Reporting extension) with a sentence, or "" when the request holds.
func (sr *signedRequest) verify(clientSecret, tokenSecret string, now time.Time) (problem, detail string) {
	if m := sr.oauth["oauth_signature_method"]; m != signatureMethodHMACSHA1 {
		return "signature_method_rejected", fmt.Sprintf("oauth_signature_method %q is not supported; use HMAC-SHA1.", m)
	}
	if v, ok := sr.oauth["oauth_version"]; ok && v != "1.0" {
		return "version_rejected", fmt.Sprintf("oauth_version %q is not 1.0.", v)
	}
	ts, err := strconv.ParseInt(sr.oauth["oauth_timestamp"], 10, 64)
	if err != nil {
		return "parameter_absent", "oauth_timestamp is missing or not a number."
	}
	if d := now.Sub(time.Unix(ts, 0)); d > timestampSkew || d < -timestampSkew {
		return "timestamp_refused", "oauth_timestamp is more than 5 minutes from the provider's clock."
	}
	if sr.oauth["oauth_nonce"] == "" {
		return "parameter_absent", "oauth_nonce is missing."
	}
	want := hmacSHA1Signature(sr.base, clientSecret, tokenSecret)
	if !secretsEqual(want, sr.oauth["oauth_signature"]) {
		return "signature_invalid", "The HMAC-SHA1 signature does not match the request."
	}
	return "", ""
}

// percentEncode is RFC 5849 §3.6: everything but the unreserved characters, as %XX in upper case.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
