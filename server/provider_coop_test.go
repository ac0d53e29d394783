package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCOOP(t *testing.T) {
	t.Parallel()
	srv, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", COOP: map[string]bool{"github": true, "slack": false}})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	token := createSession(t, srv, demoEndUser)
	tests := []struct {
		name, key, extra string
		want             string
	}{
		{name: "switched on in Config", key: "github", want: "same-origin"},
		{name: "switched off in Config", key: "slack"},
		{name: "not listed", key: "zendesk", extra: "params[subdomain]=acme"},
		{name: "asked for by the flow", key: "zendesk", extra: "params[subdomain]=acme&authorization_params[nango_dev_coop]=same-origin", want: "same-origin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := browser(t)
			connect := get(t, c, connectURL(srv, tc.key, token, tc.extra), popupHeaders)
			require.Equal(t, http.StatusFound, connect.status, connect.body)
			assert.Empty(t, connect.header.Get("Cross-Origin-Opener-Policy"), "the API host's own pages keep the opener")

			authorize := connect.header.Get("Location")
			page := get(t, c, authorize, nil)
			require.Equal(t, http.StatusOK, page.status, page.body)
			assert.Equal(t, tc.want, page.header.Get("Cross-Origin-Opener-Policy"), "the consent page")

			action := formActionRE.FindStringSubmatch(page.body)
			query := hiddenQueryRE.FindStringSubmatch(page.body)
			require.NotNil(t, action)
			require.NotNil(t, query)
			form := url.Values{"query": {htmlUnescape(query[1])}, "decision": {"approve"}}
			decided := do(t, c, http.MethodPost, srv.ProviderURL()+htmlUnescape(action[1]), strings.NewReader(form.Encode()),
				map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			require.Equal(t, http.StatusSeeOther, decided.status, decided.body)
			assert.Equal(t, tc.want, decided.header.Get("Cross-Origin-Opener-Policy"), "the consent form's redirect")
		})
	}
}
