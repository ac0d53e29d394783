package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
)

// Webhook operations (Nango's AuthOperationType).
const (
	operationCreation = "creation"
	operationOverride = "override"
)

// authWebhookBody is Nango's auth webhook (packages/webhooks/lib/auth.ts), as a map so that
// encoding/json writes its keys sorted, as Nango's stringifyStable does.
func authWebhookBody(environment, operation, authMode string, c *store.Connection, success bool, failure *webhookError) map[string]any {
	body := map[string]any{
		"from":              "nango",
		"type":              "auth",
		"operation":         operation,
		"connectionId":      c.ConnectionID,
		"providerConfigKey": c.ProviderConfigKey,
		"authMode":          authMode,
		"provider":          c.Provider,
		"environment":       environment,
		"success":           success,
	}
	if !success {
		// A failed creation is reported on a placeholder connection: no tags, no end user.
		body["error"] = failure
		return body
	}
	tags := c.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	body["tags"] = tags
	if u := c.EndUser; u != nil {
		endUser := map[string]any{"endUserId": u.ID, "endUserEmail": u.Email}
		if u.Organization != nil {
			endUser["organizationId"] = u.Organization.ID
		}
		userTags := u.Tags
		if userTags == nil {
			userTags = map[string]string{} // Nango sends `endUser.tags || {}`
		}
		endUser["tags"] = userTags
		body["endUser"] = endUser
	}
	return body
}

// webhookError is Nango's ErrorPayload.
type webhookError struct {
	Type        string `json:"type"`
	Description string `json:"description"`
}

// signWebhook sets Nango's two signature headers: the legacy SHA-256 of key+body and the HMAC.
func signWebhook(h http.Header, key string, body []byte) {
	legacy := sha256.Sum256(append([]byte(key), body...))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	h.Set("X-Nango-Signature", hex.EncodeToString(legacy[:]))
	h.Set("X-Nango-Hmac-Sha256", hex.EncodeToString(mac.Sum(nil)))
}

// webhookTarget is where a connection's webhooks go: its override, else the environment's URL.
func (a *API) webhookTarget(override *string) string {
	if override != nil && *override != "" {
		return *override
	}
	return a.webhooks.cfg.URL
}

// connectionWebhook reports a stored connection: creation for a new one, override for one that
// already existed (a reconnect included). It never blocks the flow.
func (a *API) connectionWebhook(c *store.Connection, created bool, authMode string) {
	operation := operationOverride
	if created {
		operation = operationCreation
	}
	a.queueWebhook(c.WebhookURLOverride, func() map[string]any {
		return authWebhookBody(a.environment, operation, authMode, c, true, nil)
	})
}

// failedConnection is the connection a failed flow would have made, as its failure webhook
// names it.
type failedConnection struct {
	ProviderConfigKey  string
	ConnectionID       string
	Provider           string
	AuthMode           string
	WebhookURLOverride *string // the session's, where the webhook goes instead of the environment's
}

// failureWebhook reports a connection that could not be created (Nango's
// connectionCreationFailed hook, which always says operation "creation").
func (a *API) failureWebhook(f failedConnection, failure webhookError) {
	c := &store.Connection{ConnectionID: f.ConnectionID, ProviderConfigKey: f.ProviderConfigKey, Provider: f.Provider}
	a.queueWebhook(f.WebhookURLOverride, func() map[string]any {
		return authWebhookBody(a.environment, operationCreation, f.AuthMode, c, false, &failure)
	})
}

// queueWebhook sends the body that body builds, when there is somewhere to send it: with no
// webhook URL (the usual dev setup) no flow pays for building one.
func (a *API) queueWebhook(override *string, body func() map[string]any) {
	target := a.webhookTarget(override)
	if target == "" {
		return
	}
	data, err := catalog.StableJSON(body())
	if err != nil {
		a.log.Error("webhook body", "err", err)
		return
	}
	a.webhooks.send(target, data)
}
