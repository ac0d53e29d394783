package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"
)

// HTML is a page whose markup is written in Go, for the pages every OAuth flow shows (the
// consent and callback pages): html/template's reflection was a tenth of a flow's CPU. Static
// markup goes in as it is; every reflected value goes through the method of its context, which
// escapes a string exactly as html/template does there (html_test.go holds each against
// html/template itself, on hostile input).
type HTML struct {
	b     []byte
	Nonce string // the response's CSP nonce
}

// Raw appends trusted markup: a constant of the page, never a value from a request.
func (h *HTML) Raw(s string) { h.b = append(h.b, s...) }

// Text appends s escaped for HTML text, a quoted attribute value or an RCDATA element
// (<title>): html/template's htmlEscaper, attrEscaper and rcdataEscaper, which agree on a
// plain string.
func (h *HTML) Text(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		// Every byte the table replaces is ASCII, so a byte loop finds the same ones as
		// html/template's rune loop: no byte of a multi-byte or invalid sequence is below 0x80.
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		h.b = append(append(h.b, s[last:i]...), repl...)
		last = i + 1
	}
	h.b = append(h.b, s[last:]...)
}

// URL appends s as the value of a quoted URL attribute (href, action): as html/template, a
// scheme other than http, https or mailto becomes "#ZgotmplZ", then the URL is normalized
// (bytes outside RFC 3986's sets percent-encoded, valid escapes kept) and escaped as an
// attribute.
func (h *HTML) URL(s string) {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") &&
		!strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
		s = "#ZgotmplZ"
	}
	var norm strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		norm.WriteString(s[last:i])
		norm.WriteByte('%')
		norm.WriteByte(lowerHex[c>>4])
		norm.WriteByte(lowerHex[c&15])
		last = i + 1
	}
	if last > 0 {
		norm.WriteString(s[last:])
		s = norm.String()
	}
	h.Text(s)
}

const lowerHex = "0123456789abcdef"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// JS appends v as a value in a script: html/template's jsValEscaper, i.e. its JSON (which
// escapes <, >, &, U+2028 and U+2029), with a space either side when it starts or ends like an
// identifier or a number (null, true, 42) so that it cannot run into a keyword.
func (h *HTML) JS(v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	first, _ := utf8.DecodeRune(j)
	last, _ := utf8.DecodeLastRune(j)
	pad := isJSIdentPart(first) || isJSIdentPart(last)
	if pad {
		h.b = append(h.b, ' ')
	}
	h.b = append(h.b, j...)
	if pad {
		h.b = append(h.b, ' ')
	}
	return nil
}

func isJSIdentPart(r rune) bool {
	return r == '$' || r == '_' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z'
}

// htmlBuffers keeps the pages' buffers: a page is a few KiB, written once and dropped.
var htmlBuffers = sync.Pool{New: func() any { return &HTML{b: make([]byte, 0, 8<<10)} }}

// RenderHTML answers with the page render writes, under a fresh CSP nonce, as Pages.Render
// does; an error from render is a clean 500, not half a page.
func RenderHTML(w http.ResponseWriter, status int, strictCSP bool, render func(*HTML) error) {
	h := htmlBuffers.Get().(*HTML)
	defer htmlBuffers.Put(h)
	h.b, h.Nonce = h.b[:0], RandomHex(16)
	if err := render(h); err != nil {
		WriteError(w, NewError(http.StatusInternalServerError, "server_error", "failed to render the page"))
		return
	}
	writePage(w, status, h.Nonce, strictCSP, h.b)
}

// String is the page written so far.
func (h *HTML) String() string { return string(h.b) }
