package auth

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The glue's encoding (js/values.js) of each kind of value decodes to the value model; that the
// glue writes these texts for the same JavaScript values is js/glue_js_test.go's part.
func TestDecodeValue(t *testing.T) {
	for text, want := range map[string]any{
		`u`: Undefined, `null`: nil, `true`: true, `false`: false,
		`0`: 0.0, `-1`: -1.0, `9007199254740991`: 9007199254740991.0, `-9007199254740991`: -9007199254740991.0,
		`#3fb999999999999a`: 0.1, `#fff0000000000000`: math.Inf(-1), `#8000000000000000`: math.Copysign(0, -1),
		`""`: "", `"acme"`: "acme", `"q\" b\\ s\/ \b\f\n\r\t \u0000 \u00e9"`: "q\" b\\ s/ \b\f\n\r\t \x00 é",
		`"日本 🎉"`: "日本 🎉", `"\ud83c\udf89"`: "🎉", `"\ud800 lone"`: "\uFFFD lone", `"\udc00"`: "\uFFFD", `"\ud800\u0041"`: "\uFFFDA",
		`!"function"`: Opaque{Kind: "function"},
		`[]`:          []any{}, `[1,"two",null,u,[true]]`: []any{1.0, "two", nil, Undefined, []any{true}},
	} {
		got, err := DecodeValue(text)
		require.NoError(t, err, text)
		if f, ok := want.(float64); ok {
			assert.Equal(t, math.Float64bits(f), math.Float64bits(got.(float64)), text)
			continue
		}
		assert.Equal(t, want, got, text)
	}
	nan, err := DecodeValue(`#7ff8000000000000`)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(nan.(float64)))

	v, err := DecodeValue(`{"b":1,"2":"two","a":{"deep":u},"":!"object"}`)
	require.NoError(t, err)
	o := v.(*Object)
	assert.Equal(t, []string{"b", "2", "a", ""}, o.Keys(), "keys keep the glue's order")
	deep, _ := o.Object("a")
	assert.True(t, deep.Has("deep"), "a key whose value is undefined is still there")

	frame, err := DecodeValue(`{"message_type":"success","provider_config_key":"zendesk","connection_id":"c-1","is_pending":false,"n":null}`)
	require.NoError(t, err, "a WebSocket frame as Nango sends it reads as JSON")
	pending, _ := frame.(*Object).Get("is_pending")
	assert.Equal(t, false, pending)
}

// A text the glue would never write is an error, never a panic or a partial value.
func TestDecodeValueRejectsMalformed(t *testing.T) {
	for _, text := range []string{
		``, `x`, `tt`, `n`, `t`, `nul`, `truex`, `01`, `-0`, `-01`, ` 1`, `[1, 2]`, `[1,]`, `[1 2]`, `[`, `{"a"}`, `{"a":1,}`, `{a:1}`, `{"a":1`, `"open`, "\"ctl\x01\"", `"\x"`, `"\u12"`,
		`#123`, `#zzzzzzzzzzzzzzzz`, `-`, `9007199254740992`, `12345678901234567`, `1.5`, `!function`, `[u]]`,
	} {
		_, err := DecodeValue(text)
		assert.Error(t, err, "%q", text)
	}
}
