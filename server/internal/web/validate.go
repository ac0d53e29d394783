package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Validator collects zod-like issues, worded as zod v4 words them, so an invalid_body from the
// dev server reads like one from Nango.
type Validator struct {
	Errs []FieldError // every issue found, in the order of the checks
}

// Add records an issue at path.
func (v *Validator) Add(path []any, code, message string) {
	v.Errs = append(v.Errs, FieldError{Code: code, Message: message, Path: append([]any{}, path...)})
}

// At is path extended by key, a copy.
func At(path []any, key any) []any { return append(append([]any{}, path...), key) }

// jsonType is the JSON type of a decoded value, as zod names it.
func jsonType(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// Expected records that the value at path is not of the wanted type (absent, when !present).
func (v *Validator) Expected(path []any, want string, got any, present bool) {
	received := "undefined"
	if present {
		received = jsonType(got)
	}
	v.Add(path, "invalid_type", fmt.Sprintf("Invalid input: expected %s, received %s", want, received))
}

// Object reads m[key] as an object; ok is false when it is absent or invalid.
func (v *Validator) Object(m map[string]any, key string, path []any, required bool) (map[string]any, bool) {
	raw, present := m[key]
	if !present && !required {
		return nil, false
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		v.Expected(At(path, key), "object", raw, present)
		return nil, false
	}
	return obj, true
}

// StrictQuery rejects query keys outside allowed, as zod's .strict() on a query schema does.
func (v *Validator) StrictQuery(q url.Values, allowed ...string) {
	keys := make(map[string]any, len(q))
	for k := range q {
		keys[k] = true
	}
	v.Strict(keys, []any{}, allowed...)
}

// Strict rejects keys outside allowed, as zod's .strict() does.
func (v *Validator) Strict(obj map[string]any, path []any, allowed ...string) {
	var unknown []string
	for k := range obj {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, fmt.Sprintf("%q", k))
		}
	}
	if len(unknown) == 0 {
		return
	}
	sort.Strings(unknown)
	noun := "key"
	if len(unknown) > 1 {
		noun = "keys"
	}
	v.Add(path, "unrecognized_keys", fmt.Sprintf("Unrecognized %s: %s", noun, strings.Join(unknown, ", ")))
}

// StrRule is what a string field must be.
type StrRule struct {
	Required bool
	Min, Max int // Max 0: no limit
	Email    bool
	URL      bool
	Pattern  *regexp.Regexp
}

// Str reads m[key] as a string checked against rule; ok is false when absent or invalid.
func (v *Validator) Str(m map[string]any, key string, path []any, rule StrRule) (string, bool) {
	raw, present := m[key]
	if !present && !rule.Required {
		return "", false
	}
	return v.StrValue(raw, present, At(path, key), rule)
}

func (v *Validator) StrValue(raw any, present bool, path []any, rule StrRule) (string, bool) {
	s, ok := raw.(string)
	if !ok {
		v.Expected(path, "string", raw, present)
		return "", false
	}
	n := utf8.RuneCountInString(s)
	before := len(v.Errs)
	if n < rule.Min {
		v.Add(path, "too_small", fmt.Sprintf("Too small: expected string to have >=%d characters", rule.Min))
	}
	if rule.Max > 0 && n > rule.Max {
		v.Add(path, "too_big", fmt.Sprintf("Too big: expected string to have <=%d characters", rule.Max))
	}
	if rule.Email && !IsEmail(s) {
		v.Add(path, "invalid_format", "Invalid email address")
	}
	if rule.URL && s != "" && !IsHTTPURL(s) {
		v.Add(path, "invalid_format", "Invalid URL")
	}
	if rule.Pattern != nil && !rule.Pattern.MatchString(s) {
		v.Add(path, "invalid_format", "Invalid string: must match pattern /"+rule.Pattern.String()+"/")
	}
	return s, len(v.Errs) == before
}

// Record reads m[key] as an object whose keys match keyRule; each value is handed to check.
func (v *Validator) Record(m map[string]any, key string, path []any, keyRule StrRule, check func(k string, val any, path []any)) {
	obj, ok := v.Object(m, key, path, false)
	if !ok {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		var probe Validator
		if _, ok := probe.StrValue(k, true, nil, keyRule); !ok {
			v.Add(At(At(path, key), k), "invalid_key", "Invalid key in record")
			continue
		}
		check(k, obj[k], At(At(path, key), k))
	}
}

// IsEmail is zod's email check: one address, nothing around it, a dotted domain.
func IsEmail(s string) bool {
	if len(s) < 5 || strings.ContainsAny(s, " <>\"") || strings.HasPrefix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return false
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	return strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

// IsHTTPURL tells an absolute http(s) URL with a host.
func IsHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Number reads a z.coerce.number() query value within [lo, hi]; 0 when absent or invalid.
func (v *Validator) Number(q url.Values, key string, lo, hi float64) int {
	values := q[key]
	if len(values) != 1 {
		return 0
	}
	raw := strings.TrimSpace(values[0])
	n, err := strconv.ParseFloat(raw, 64)
	if raw == "" {
		n, err = 0, nil // JavaScript's Number('') is 0
	}
	if err != nil || math.IsNaN(n) {
		v.Add([]any{key}, "invalid_type", "Invalid input: expected number, received NaN")
		return 0
	}
	switch {
	case n < lo:
		v.Add([]any{key}, "too_small", "Too small: expected number to be >="+strconv.FormatFloat(lo, 'f', -1, 64))
	case n > hi:
		v.Add([]any{key}, "too_big", "Too big: expected number to be <="+strconv.FormatFloat(hi, 'f', -1, 64))
	default:
		return int(n)
	}
	return 0
}

// SafeURL is a URL for a log line or an error message: scheme, host and path, never a query
// (which may hold a token) or user info.
// What is not an absolute URL ("not a url") is quoted as it was written, up to any query or
// fragment, unless it could hold user info.
func SafeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		if strings.Contains(raw, "@") {
			return "(invalid url)"
		}
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i]
		}
		return raw
	}
	return u.Scheme + "://" + u.Host + u.Path
}
