package api

import (
	"context"
	"maps"
	"net/http"
	"slices"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// customAuthRoutes are the SDK's non-popup endpoints, each with the body schema of its Nango
// controller (packages/server/lib/controllers/auth/*.ts, oauth.controller.ts oauth2RequestCC).
var customAuthRoutes = []authRoute{
	{path: "/api-auth/api-key", authMode: "API_KEY", connect: connectAPIKey,
		check: strictBody(bodyKey{"apiKey", web.StrRule{Required: true, Min: 1, Max: 1024}})},
	{path: "/api-auth/basic", authMode: "BASIC", connect: connectBasic,
		check: strictBody(bodyKey{"username", web.StrRule{Required: true, Max: 1024}}, bodyKey{"password", web.StrRule{Required: true, Max: 1024}})},
	{path: "/auth/unauthenticated", authMode: "NONE", connect: connectNone, check: strictBody()},
	{path: "/auth/two-step", authMode: "TWO_STEP", connect: connectTwoStep, check: anyBody},
	{path: "/auth/jwt", authMode: "JWT", connect: connectJWT, check: anyBody},
	{path: "/auth/tba", authMode: "TBA", connect: connectTBA,
		check: strictBody(bodyKey{"token_id", web.StrRule{Required: true, Min: 1}}, bodyKey{"token_secret", web.StrRule{Required: true, Min: 1}},
			bodyKey{"oauth_client_id_override", web.StrRule{}}, bodyKey{"oauth_client_secret_override", web.StrRule{}})},
	{path: "/auth/bill", authMode: "BILL", connect: connectBill,
		check: strictBody(bodyKey{"username", web.StrRule{Required: true, Min: 1}}, bodyKey{"password", web.StrRule{Required: true, Min: 1}},
			bodyKey{"organization_id", web.StrRule{Required: true, Min: 1}}, bodyKey{"dev_key", web.StrRule{Required: true, Min: 1}})},
	{path: "/auth/signature", authMode: "SIGNATURE", connect: connectSignature,
		check: strictBody(bodyKey{"username", web.StrRule{Required: true, Min: 1}}, bodyKey{"password", web.StrRule{Required: true, Min: 1}}, bodyKey{"type", web.StrRule{Required: true, Min: 1}})},
	{path: "/auth/aws-sigv4", authMode: "AWS_SIGV4", connect: connectAWSSigV4,
		check: strictBody(bodyKey{"role_arn", web.StrRule{Required: true, Min: 1}}, bodyKey{"region", web.StrRule{Min: 1}})},
	{path: "/oauth2/auth", authMode: "OAUTH2_CC", ccStyle: true, connect: connectClientCredentials, check: checkClientCredentials},
	{path: "/auth/oauth-outbound", authMode: "OAUTH2", connect: connectOutbound, check: anyBody},
}

// bodyKey is one string field of a body schema.
type bodyKey struct {
	name string
	rule web.StrRule
}

// strictBody is a zod .strict() object of string fields.
func strictBody(keys ...bodyKey) func(map[string]any) *web.Error {
	return func(body map[string]any) *web.Error {
		var v web.Validator
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.name
			v.Str(body, k.name, []any{}, k.rule)
		}
		v.Strict(body, []any{}, names...)
		if len(v.Errs) > 0 {
			return web.InvalidBody(v.Errs)
		}
		return nil
	}
}

// anyBody is z.looseObject({}): any JSON object.
func anyBody(map[string]any) *web.Error { return nil }

// credentialsOf builds a stored credentials object, keys in the given order.
func credentialsOf(kv ...any) *catalog.OrderedMap {
	m := catalog.NewOrderedMap()
	for i := 0; i+1 < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}

// withBody copies the body's fields into m after its own, in sorted order (a decoded JSON
// object has lost its order); m's keys win.
func withBody(m *catalog.OrderedMap, body map[string]any) *catalog.OrderedMap {
	for _, k := range slices.Sorted(maps.Keys(body)) {
		if _, taken := m.Get(k); !taken {
			m.Set(k, body[k])
		}
	}
	return m
}

func bodyString(body map[string]any, key string) string {
	s, _ := body[key].(string)
	return s
}

// connectAPIKey stores {type:'API_KEY', apiKey} once the provider accepted the key.
func connectAPIKey(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	apiKey := bodyString(req.body, "apiKey")
	if _, err := a.testCredentials(ctx, req.in, map[string]any{"apiKey": apiKey}, req.config); err != nil {
		return nil, a.testFailure(req.in, err, errConnectionTestFailed)
	}
	return credentialsOf("type", "API_KEY", "apiKey", apiKey), nil
}

// connectBasic stores {type:'BASIC', username, password}; either may be empty (Ashby has no
// password, Affinity no username).
func connectBasic(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	username, password := bodyString(req.body, "username"), bodyString(req.body, "password")
	if _, err := a.testCredentials(ctx, req.in, map[string]any{"username": username, "password": password}, req.config); err != nil {
		return nil, a.testFailure(req.in, err, errConnectionTestFailed)
	}
	return credentialsOf("type", "BASIC", "username", username, "password", password), nil
}

// connectNone stores an unauthenticated connection: Nango keeps empty credentials.
func connectNone(context.Context, *API, *authRequest) (any, *web.Error) {
	return catalog.NewOrderedMap(), nil
}

// connectTBA stores NetSuite-style token-based auth. Like Nango, the connection_config gets the
// integration's client id and secret, which the request signer needs.
func connectTBA(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	tokenID, tokenSecret := bodyString(req.body, "token_id"), bodyString(req.body, "token_secret")
	if _, err := a.testCredentials(ctx, req.in, map[string]any{"token_id": tokenID, "token_secret": tokenSecret}, req.config); err != nil {
		// Nango answers this one 200 with the error body (a bug the SDK would take for success).
		return nil, a.testFailure(req.in, err, func(int) *web.Error {
			return web.NewError(http.StatusBadRequest, "invalid_credentials", "The provided credentials did not succeed in a test API call")
		})
	}
	override := catalog.NewOrderedMap()
	if id := bodyString(req.body, "oauth_client_id_override"); id != "" {
		override.Set("client_id", id)
	}
	if secret := bodyString(req.body, "oauth_client_secret_override"); secret != "" {
		override.Set("client_secret", secret)
	}
	req.config.Set("oauth_client_id", req.in.ClientID)
	req.config.Set("oauth_client_secret", req.in.ClientSecret)
	return credentialsOf("type", "TBA", "token_id", tokenID, "token_secret", tokenSecret, "config_override", override), nil
}

// connectOutbound records an installation that the provider will complete (Sentry's public
// integrations): a pending OAUTH2 connection, as Nango stores it.
func connectOutbound(_ context.Context, _ *API, req *authRequest) (any, *web.Error) {
	req.config.Set("pending", true)
	req.config.Set("pendingLog", web.NewUUID())
	return credentialsOf("type", "OAUTH2"), nil
}
