package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
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
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
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
			c := webtest.Browser(t)
			connect := webtest.Get(t, c, webtest.ConnectURL(srv, tc.key, token, tc.extra), webtest.PopupHeaders)
			require.Equal(t, http.StatusFound, connect.Status, connect.Body)
			assert.Empty(t, connect.Header.Get("Cross-Origin-Opener-Policy"), "the API host's own pages keep the opener")

			authorize := connect.Header.Get("Location")
			page := webtest.Get(t, c, authorize, nil)
			require.Equal(t, http.StatusOK, page.Status, page.Body)
			assert.Equal(t, tc.want, page.Header.Get("Cross-Origin-Opener-Policy"), "the consent page")

			decided := webtest.Decide(t, c, authorize, page, "approve")
			require.Equal(t, http.StatusSeeOther, decided.Status, decided.Body)
			assert.Equal(t, tc.want, decided.Header.Get("Cross-Origin-Opener-Policy"), "the consent form's redirect")
		})
	}
}
