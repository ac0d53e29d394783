package api

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Defaults an AWS_SIGV4 integration's integration_config would hold in Nango.
const (
	awsDefaultRegion = "us-east-1"
	awsService       = "s3"
)

// signatureTTL and jwtTTL are the `token.expires_in_ms` of the catalog's SIGNATURE and JWT
// providers (five minutes).
const (
	signatureTTL = 5 * time.Minute
	jwtTTL       = 5 * time.Minute
)

// connectTwoStep logs in at the provider with the end user's credentials and keeps the token,
// with the credentials, as Nango's TwoStepCredentials.
func connectTwoStep(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	p := req.in.Provider
	if _, ok := catalog.Interpolate(p.TokenURL, req.config, true); !ok {
		return nil, jsonErr(errMissingConnectionConfig(p.TokenURL, catalog.CompactJSON(req.config)))
	}
	grant, err := a.testCredentials(ctx, req.in, req.body, req.config)
	if err != nil {
		return nil, a.testFailure(req.in, err, func(int) *web.Error {
			return web.NewError(http.StatusBadRequest, "two_step_credentials_fetch_error", "Error fetching Two Step credentials")
		})
	}
	now := a.now()
	raw := map[string]any{"access_token": grant.Token, "expires_in": grant.ExpiresIn}
	creds := credentialsOf("type", "TWO_STEP", "token", grant.Token, "expires_at", grant.expiresAt(now), "raw", raw)
	return withBody(creds, req.body), nil
}

// connectJWT tests the key material and stores it with a (mock) signed token, as Nango's
// JwtCredentials.
func connectJWT(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	if _, err := a.testCredentials(ctx, req.in, req.body, req.config); err != nil {
		return nil, a.testFailure(req.in, err, errConnectionTestFailed)
	}
	creds := credentialsOf("type", "JWT", "token", "mock_jwt_"+web.RandomHex(20), "expires_at", jsTime(a.now().Add(jwtTTL)))
	return withBody(creds, req.body), nil
}

// connectBill logs in to Bill's Connect API (the provider's token_url) and keeps its session.
// Nango never answers when that login fails; the dev server says connection_test_failed.
func connectBill(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	b := req.body
	login := map[string]any{"username": b["username"], "password": b["password"], "organization_id": b["organization_id"], "dev_key": b["dev_key"]}
	grant, err := a.testCredentials(ctx, req.in, login, req.config)
	if err != nil {
		return nil, a.testFailure(req.in, err, errConnectionTestFailed)
	}
	return credentialsOf("type", "BILL",
		"username", b["username"], "password", b["password"], "organization_id", b["organization_id"], "dev_key", b["dev_key"],
		"session_id", grant.Token, "user_id", "mock_user_"+web.RandomHex(8), "expires_at", grant.expiresAt(a.now())), nil
}

// connectSignature tests a WSSE key pair and stores it with a WSSE token (Emarsys).
func connectSignature(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	username, password := bodyString(req.body, "username"), bodyString(req.body, "password")
	if _, err := a.testCredentials(ctx, req.in, map[string]any{"username": username, "password": password}, req.config); err != nil {
		return nil, a.testFailure(req.in, err, errConnectionTestFailed)
	}
	now := a.now()
	return credentialsOf("type", "SIGNATURE", "username", username, "password", password,
		"token", wsseToken(username, password, now), "expires_at", jsTime(now.Add(signatureTTL))), nil
}

// wsseToken is an X-WSSE UsernameToken: the digest proves the secret without carrying it.
func wsseToken(username, password string, now time.Time) string {
	nonce := web.RandomHex(16)
	created := now.UTC().Format(time.RFC3339)
	sum := sha1.Sum([]byte(nonce + created + password))
	digest := base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:])))
	return fmt.Sprintf(`UsernameToken Username="%s", PasswordDigest="%s", Nonce="%s", Created="%s"`, username, digest, nonce, created)
}

// connectAWSSigV4 assumes the customer's role (the provider stands in for STS) and stores the
// temporary credentials. The external id is generated once and kept across reconnects, as the
// customer's trust policy names it.
func connectAWSSigV4(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	roleARN := bodyString(req.body, "role_arn")
	region := bodyString(req.body, "region")
	if region == "" {
		region, _ = req.config.String("region")
	}
	if region == "" {
		region = awsDefaultRegion
	}
	externalID := web.NewUUID()
	if req.existing != nil {
		if id, ok := req.existing.ConnectionConfig.String("external_id"); ok {
			externalID = id
		}
	}
	grant, err := a.testCredentials(ctx, req.in, map[string]any{"role_arn": roleARN, "region": region}, req.config)
	if err != nil {
		return nil, a.testFailure(req.in, err, errConnectionTestFailed)
	}
	req.config.Set("external_id", externalID)
	req.config.Set("role_arn", roleARN)
	req.config.Set("region", region)
	req.config.Set("service", awsService)
	accessKey, secretKey, expiresAt := "ASIA"+web.RandomHex(8), web.RandomHex(20), grant.expiresAt(a.now())
	raw := credentialsOf("access_key_id", accessKey, "secret_access_key", secretKey, "session_token", grant.Token, "expires_at", expiresAt)
	return credentialsOf("type", "AWS_SIGV4", "raw", raw, "role_arn", roleARN, "region", region, "service", awsService,
		"access_key_id", accessKey, "secret_access_key", secretKey, "session_token", grant.Token, "expires_at", expiresAt,
		"external_id", externalID), nil
}

// jsonErr drops the WSErr mark: custom-auth failures are always JSON.
func jsonErr(e *web.Error) *web.Error {
	return &web.Error{Status: e.Status, Code: e.Code, Message: e.Message, Errors: e.Errors}
}
