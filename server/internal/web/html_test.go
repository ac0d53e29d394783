package web

import (
	"bytes"
	"html/template"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/require"
)

// Each of HTML's escapers gives, for every hostile value, what html/template gives in the
// context it is for.
func TestHTMLEscapesAsHTMLTemplate(t *testing.T) {
	contexts := []struct {
		name, template string
		write          func(h *HTML, v string)
	}{
		{"text", `<p>{{.}}</p>`, func(h *HTML, v string) { h.Text(v) }},
		{"quoted attribute", `<input value="{{.}}">`, func(h *HTML, v string) { h.Text(v) }},
		{"nonce attribute", `<style nonce="{{.}}"></style>`, func(h *HTML, v string) { h.Text(v) }},
		{"title", `<title>{{.}}</title>`, func(h *HTML, v string) { h.Text(v) }},
		{"url attribute", `<form action="{{.}}">`, func(h *HTML, v string) { h.URL(v) }},
		{"script value", `<script>var x = {{.}};</script>`, func(h *HTML, v string) { require.NoError(t, h.JS(v)) }},
	}
	for _, c := range contexts {
		tmpl := template.Must(template.New(c.name).Parse(c.template))
		for _, v := range webtest.HostileStrings() {
			var want bytes.Buffer
			require.NoError(t, tmpl.Execute(&want, v))
			h := &HTML{}
			before, after, _ := bytes.Cut([]byte(c.template), []byte("{{.}}"))
			h.Raw(string(before))
			c.write(h, v)
			h.Raw(string(after))
			require.Equal(t, want.String(), string(h.b), "%s: %q", c.name, v)
		}
	}
}

// In a script, values that are not strings keep html/template's padding: null, numbers and
// booleans get a space either side, objects and maps none.
func TestHTMLScriptValuesAsHTMLTemplate(t *testing.T) {
	tmpl := template.Must(template.New("js").Parse(`<script>x={{.}};</script>`))
	for _, v := range []any{nil, 42, true, map[string]string{"message": "</script>", "errorType": "\u2028"}, []string{"a", "<b>"},
		struct {
			A string `json:"a"`
			B any    `json:"b,omitempty"`
		}{A: "<!--"}} {
		var want bytes.Buffer
		require.NoError(t, tmpl.Execute(&want, v))
		h := &HTML{}
		h.Raw("<script>x=")
		require.NoError(t, h.JS(v))
		h.Raw(";</script>")
		require.Equal(t, want.String(), string(h.b), "%#v", v)
	}
}
