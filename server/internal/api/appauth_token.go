package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// appJWTTTL is the lifetime of a GitHub App's JWT: GitHub accepts at most 10 minutes, and
// Nango asks for exactly that.
const appJWTTTL = 10 * time.Minute

// installationToken creates an installation access token as Nango's githubApp client does: a
// JWT signed (RS256) with the app's private key, iss the app id, posted as a Bearer token to the
// provider's APP token URL. It returns the APP credentials in Nango's shape and the JWT, which
// Nango also keeps in the connection config. A refusal is Nango's refresh_token_external_error,
// with axios's message.
func (a *API) installationToken(ctx context.Context, in *Integration, installationID string) (*catalog.OrderedMap, string, *web.Error) {
	key, err := in.App.Key()
	if err != nil {
		a.log.Error("github app key", "err", err)
		return nil, "", wsErr("unknown_err", "Unknown error during the Oauth flow. The dev server could not make the app's key.")
	}
	now := a.now()
	signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iat": now.Unix(), "exp": now.Add(appJWTTTL).Unix(), "iss": in.App.ID,
	}).SignedString(key)
	if err != nil {
		a.log.Error("github app jwt", "err", err)
		return nil, "", wsErr("unknown_err", "Unknown error during the Oauth flow. The dev server could not sign the app's JWT.")
	}
	values := catalog.NewOrderedMap()
	values.Set("installation_id", installationID)
	raw, ok := catalog.Interpolate(in.Provider.AppTokenURL, values, true)
	tokenURL, err := catalog.ParseProviderURL(raw)
	if !ok || err != nil {
		return nil, "", errMissingConnectionConfig(in.Provider.AppTokenURL, catalog.CompactJSON(values))
	}
	var token struct {
		Token     string `json:"token"`
		ExpiresAt string `json:"expires_at"`
	}
	body, status, err := a.postProvider(ctx, a.endpoint(in, "installation-token", tokenURL), "{}", map[string]string{
		"Authorization": "Bearer " + signed,
		"Accept":        "application/vnd.github.v3+json",
	})
	if err == nil && status/100 != 2 {
		a.log.Warn("installation token refused", "integration", in.UniqueKey, "status", status, "body", truncateRunes(string(body), 200))
		return nil, "", wsErr("refresh_token_external_error", fmt.Sprintf("Request failed with status code %d", status))
	}
	if err == nil {
		err = json.Unmarshal(body, &token)
	}
	if err != nil || token.Token == "" {
		a.log.Warn("installation token failed", "integration", in.UniqueKey, "err", err)
		return nil, "", wsErr("refresh_token_external_error", "The installation token request failed.")
	}
	var rawResponse map[string]any
	_ = json.Unmarshal(body, &rawResponse)
	creds := credentialsOf("type", "APP", "access_token", token.Token)
	if expires, err := time.Parse(time.RFC3339, token.ExpiresAt); err == nil {
		creds.Set("expires_at", jsTime(expires))
	}
	creds.Set("raw", rawResponse)
	creds.Set("jwtToken", signed)
	return creds, signed, nil
}

// postProvider posts body (JSON) to the (mock) provider and reads its answer, bounded in time
// and size.
func (a *API) postProvider(ctx context.Context, target, body string, headers map[string]string) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader([]byte(body)))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return out, resp.StatusCode, err
}
