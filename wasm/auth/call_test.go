package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A rejected integration key is shown in quotes, with what would garble the message escaped.
func TestQuotedKey(t *testing.T) {
	for in, want := range map[string]string{
		`../../connect/sessions`: `"../../connect/sessions"`, `a"b\c`: `"a\"b\\c"`, "new\nline\x7f": `"new\u000aline\u007f"`, "日本": `"日本"`,
	} {
		assert.Equal(t, want, quoted(in))
	}
}
