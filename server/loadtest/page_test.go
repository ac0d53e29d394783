package loadtest

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// The driver's scan reads the same connection id from a page as the regexp it replaced.
func TestConnectionIDInPageAsTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`"connectionId":"([^"\\]+)"`)
	for _, page := range []string{
		``, `"connectionId":""`, `"connectionId":"abc"`, `x "connectionId":"a\"b" y "connectionId":"c-1"`,
		`"connectionId":"`, `"connectionId":"abc`, `"connectionId":"" "connectionId":"z"`, `{"type":"x","payload":{"connectionId":"8f0e-aa","isPending":false}}`,
		`"connectionId":"a\\" "connectionId":"b"`,
	} {
		want, wantOK := "", false
		if m := re.FindStringSubmatch(page); m != nil {
			want, wantOK = m[1], true
		}
		got, ok := connectionIDInPage([]byte(page))
		require.Equal(t, wantOK, ok, page)
		require.Equal(t, want, got, page)
	}
}
