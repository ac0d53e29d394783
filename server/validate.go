package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// validator collects zod-like issues, worded as zod v4 words them, so an invalid_body from the
// dev server reads like one from Nango.
type validator struct {
	errs []fieldError
}

func (v *validator) add(path []any, code, message string) {
	v.errs = append(v.errs, fieldError{Code: code, Message: message, Path: append([]any{}, path...)})
}

func at(path []any, key any) []any { return append(append([]any{}, path...), key) }

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

func (v *validator) expected(path []any, want string, got any, present bool) {
	received := "undefined"
	if present {
		received = jsonType(got)
	}
	v.add(path, "invalid_type", fmt.Sprintf("Invalid input: expected %s, received %s", want, received))
}

// object reads m[key] as an object; ok is false when it is absent or invalid.
func (v *validator) object(m map[string]any, key string, path []any, required bool) (map[string]any, bool) {
	raw, present := m[key]
	if !present && !required {
		return nil, false
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		v.expected(at(path, key), "object", raw, present)
		return nil, false
	}
	return obj, true
}

// strictQuery rejects query keys outside allowed, as zod's .strict() on a query schema does.
func (v *validator) strictQuery(q url.Values, allowed ...string) {
	keys := make(map[string]any, len(q))
	for k := range q {
		keys[k] = true
	}
	v.strict(keys, []any{}, allowed...)
}

// strict rejects keys outside allowed, as zod's .strict() does.
func (v *validator) strict(obj map[string]any, path []any, allowed ...string) {
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
	v.add(path, "unrecognized_keys", fmt.Sprintf("Unrecognized %s: %s", noun, strings.Join(unknown, ", ")))
}

type strRule struct {
	required bool
	min, max int // max 0: no limit
	email    bool
	url      bool
	pattern  *regexp.Regexp
}

// str reads m[key] as a string checked against rule; ok is false when absent or invalid.
func (v *validator) str(m map[string]any, key string, path []any, rule strRule) (string, bool) {
	raw, present := m[key]
	if !present && !rule.required {
		return "", false
	}
	return v.strValue(raw, present, at(path, key), rule)
}

func (v *validator) strValue(raw any, present bool, path []any, rule strRule) (string, bool) {
	s, ok := raw.(string)
	if !ok {
		v.expected(path, "string", raw, present)
		return "", false
	}
	n := utf8.RuneCountInString(s)
	before := len(v.errs)
	if n < rule.min {
		v.add(path, "too_small", fmt.Sprintf("Too small: expected string to have >=%d characters", rule.min))
	}
	if rule.max > 0 && n > rule.max {
		v.add(path, "too_big", fmt.Sprintf("Too big: expected string to have <=%d characters", rule.max))
	}
	if rule.email && !isEmail(s) {
		v.add(path, "invalid_format", "Invalid email address")
	}
	if rule.url && s != "" && !isHTTPURL(s) {
		v.add(path, "invalid_format", "Invalid URL")
	}
	if rule.pattern != nil && !rule.pattern.MatchString(s) {
		v.add(path, "invalid_format", "Invalid string: must match pattern /"+rule.pattern.String()+"/")
	}
	return s, len(v.errs) == before
}

// record reads m[key] as an object whose keys match keyRule; each value is handed to check.
func (v *validator) record(m map[string]any, key string, path []any, keyRule strRule, check func(k string, val any, path []any)) {
	obj, ok := v.object(m, key, path, false)
	if !ok {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		var probe validator
		if _, ok := probe.strValue(k, true, nil, keyRule); !ok {
			v.add(at(at(path, key), k), "invalid_key", "Invalid key in record")
			continue
		}
		check(k, obj[k], at(at(path, key), k))
	}
}

func isEmail(s string) bool {
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

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
