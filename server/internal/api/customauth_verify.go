package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// providerGrant is what the mock provider hands back for accepted credentials: a token the
// modes that log in (two-step, Bill, AWS) keep, and its lifetime.
type providerGrant struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expires_in"`
}

// expiresAt is the grant's expiry as JS's toISOString writes it.
func (g providerGrant) expiresAt(now time.Time) string {
	return jsTime(now.Add(time.Duration(g.ExpiresIn) * time.Second))
}

// jsTime is t as JavaScript's Date.prototype.toISOString writes it, as Nango's JSON carries times.
func jsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// credentialsRejected is the provider refusing the credentials; status is its HTTP status.
type credentialsRejected struct{ status int }

// Error says which status the provider answered.
func (e *credentialsRejected) Error() string {
	return fmt.Sprintf("the provider refused the credentials with %d", e.status)
}

// testCredentials calls the provider's API over HTTP, as Nango's connection test does, and
// returns its grant, a *credentialsRejected, or a transport error. Credentials travel in the
// body only and are never logged.
func (a *API) testCredentials(ctx context.Context, in *Integration, creds map[string]any, config *catalog.OrderedMap) (providerGrant, error) {
	payload, err := json.Marshal(map[string]any{"credentials": creds, "connection_config": config})
	if err != nil {
		return providerGrant{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	target := a.providerURL + "/api/verify/" + url.PathEscape(in.Provider.Name)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return providerGrant{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return providerGrant{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return providerGrant{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return providerGrant{}, &credentialsRejected{status: resp.StatusCode}
	}
	var grant providerGrant
	if err := json.Unmarshal(data, &grant); err != nil {
		return providerGrant{}, fmt.Errorf("the provider's answer is not JSON: %w", err)
	}
	return grant, nil
}

// testFailure turns a failed test into the mode's error: rejected is built from the provider's
// status, anything else is the provider being unreachable.
func (a *API) testFailure(in *Integration, err error, rejected func(status int) *web.Error) *web.Error {
	if r, ok := err.(*credentialsRejected); ok {
		return rejected(r.status)
	}
	a.log.Warn("credentials test failed", "integration", in.UniqueKey, "err", err)
	return web.NewError(http.StatusBadGateway, "server_error", "The provider could not be reached to test the credentials.")
}

// errConnectionTestFailed is Nango's NangoError('connection_test_failed') with the status the
// test API call received.
func errConnectionTestFailed(status int) *web.Error {
	return web.NewError(http.StatusBadRequest, "connection_test_failed", fmt.Sprintf("The given credentials were found to be invalid and received a %d on a test API call. Please check the credentials and try again.", status))
}
