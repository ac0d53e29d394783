package api

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Connection tag rules of Nango's packages/shared/lib/services/tags/schema.ts.
const (
	tagMaxCount       = 10
	tagKeyMaxLength   = 64
	tagValueMaxLength = 255
)

var tagKeyPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_\-./]*$`)

// validateTags checks tags as Nango's connectionTagsSchema does and returns them with lowercased
// keys. Each issue is a message for the tags path.
func validateTags(tags map[string]string) (map[string]string, []web.FieldError) {
	var errs []web.FieldError
	keys := slices.Sorted(maps.Keys(tags))
	for _, k := range keys {
		path := []any{"tags", k}
		if !tagKeyPattern.MatchString(k) {
			errs = append(errs, web.FieldError{Code: "invalid_key", Message: "Tag keys must start with a letter and contain only alphanumerics, underscores, hyphens, periods, or slashes", Path: path})
		} else if utf8.RuneCountInString(k) > tagKeyMaxLength {
			errs = append(errs, web.FieldError{Code: "invalid_key", Message: fmt.Sprintf("Tag keys must be at most %d characters", tagKeyMaxLength), Path: path})
		}
		switch n := utf8.RuneCountInString(tags[k]); {
		case n < 1:
			errs = append(errs, web.FieldError{Code: "too_small", Message: "Too small: expected string to have >=1 characters", Path: path})
		case n > tagValueMaxLength:
			errs = append(errs, web.FieldError{Code: "too_big", Message: fmt.Sprintf("Tag values must be at most %d characters", tagValueMaxLength), Path: path})
		}
	}
	if len(tags) > tagMaxCount {
		return nil, append(errs, web.FieldError{Code: "custom", Message: fmt.Sprintf("Tags cannot contain more than %d keys", tagMaxCount), Path: []any{"tags"}})
	}
	normalized := make(map[string]string, len(tags))
	for _, k := range keys {
		lower := strings.ToLower(k)
		if _, dup := normalized[lower]; dup {
			errs = append(errs, web.FieldError{Code: "custom", Message: fmt.Sprintf("Duplicate tag key after case normalization: %q", lower), Path: []any{"tags"}})
		}
		if lower == "end_user_email" && !web.IsEmail(tags[k]) {
			errs = append(errs, web.FieldError{Code: "custom", Message: `Tag "end_user_email" must be a valid email`, Path: []any{"tags"}})
		}
		normalized[lower] = tags[k]
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return normalized, nil
}

// generatedTags derives tags from the end user and organization as Nango's
// buildTagsFromEndUser does: best effort, never an error. end_user.tags with a bad key are
// skipped, and all of them are dropped when they would take the total past the limit.
func generatedTags(user *endUserInput, org *organizationInput) map[string]string {
	base := map[string]string{}
	set := func(key string, value *string) {
		if value == nil || *value == "" {
			return
		}
		base[key] = truncateRunes(*value, tagValueMaxLength)
	}
	if user != nil {
		set("end_user_id", &user.ID)
		set("end_user_email", user.Email)
		set("end_user_display_name", user.DisplayName)
	}
	if org != nil {
		set("organization_id", &org.ID)
		set("organization_display_name", org.DisplayName)
	}
	if user == nil || len(user.Tags) == 0 {
		return base
	}
	merged := make(map[string]string, len(base)+len(user.Tags))
	for k, v := range base {
		merged[k] = v
	}
	for k, v := range user.Tags {
		key := truncateRunes(strings.ToLower(k), tagKeyMaxLength)
		if !tagKeyPattern.MatchString(key) || v == "" {
			continue
		}
		merged[key] = truncateRunes(v, tagValueMaxLength)
	}
	if len(merged) > tagMaxCount {
		return base
	}
	return merged
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
