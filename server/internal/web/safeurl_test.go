package web

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// SafeURL keeps what a log line or an error needs and drops what may be secret.
func TestSafeURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://hooks.example.com/nango?token=secret#x": "https://hooks.example.com/nango",
		"https://user:pass@hooks.example.com/nango":      "https://hooks.example.com/nango",
		"not a url":                 "not a url", // quoted as typed, not as "://not a url"
		"hooks.example.com?token=x": "hooks.example.com",
		"user:pass@hooks":           "(invalid url)",
		"http://a b@c/%zz":          "(invalid url)",
	} {
		assert.Equal(t, want, SafeURL(raw), raw)
	}
}
