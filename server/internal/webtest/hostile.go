package webtest

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// HostileStrings are values a page reflects that try to break out of where they land: markup,
// attribute quotes, script and comment ends, JavaScript line terminators, URL schemes, invalid
// UTF-8, NUL and noncharacters, and every ASCII byte.
func HostileStrings() []string {
	var ascii strings.Builder
	for c := range 128 {
		ascii.WriteByte(byte(c))
	}
	return []string{
		"", "plain", "a b+c&d", `"'><img src=x onerror=alert(1)>`, "</script><script>alert(1)</script>",
		"<!-- -->", "]]>", "*/ alert(1) /*", "\u2028\u2029", "\x00nul", "\xff\xfe invalid", "\ufdd0\ufffe\uffff\ufffd",
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "data:text/html,<b>", "vbscript:x", "mailto:a@b.c",
		"https://evil.test/?q=\"&r='", "//evil.test/%zz%41%4", "/oauth/authorize/https/x.test/a(b)'c\"d%2F%",
		"&amp;&#39;&lt;", "${connectionConfig.x}", `\u003c\\`, "émoji 😀 ✕", "x\ny\r\tz", "`backtick`", "null", "42",
		ascii.String(),
	}
}

// ExecuteTemplate renders an html/template file with data: the reference that a page written
// in Go (web.HTML) must match byte for byte.
func ExecuteTemplate(t *testing.T, file string, data any) string {
	t.Helper()
	tmpl, err := template.ParseFiles(file)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, tmpl.Execute(&b, data))
	return b.String()
}
