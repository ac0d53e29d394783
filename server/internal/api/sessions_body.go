package api

import (
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// validateSessionBody checks a POST /connect/sessions body against the schema of Nango's
// postSessions.ts (strict objects, string limits, tag rules) and returns every issue at once.
func validateSessionBody(body map[string]any) []web.FieldError {
	var v web.Validator
	v.Strict(body, []any{}, "end_user", "organization", "allowed_integrations", "integrations_config_defaults", "overrides", "webhook_url_override", "tags", "nango_dev_faults")
	_, hasTags := body["tags"]
	checkSessionFields(&v, body, !hasTags)
	return v.Errs
}

// validateReconnectBody checks a POST /connect/sessions/reconnect body (Nango's
// postReconnect.ts): the pair to reconnect, then the session fields, with end_user optional and
// no allowed_integrations (the session allows the one integration).
func validateReconnectBody(body map[string]any) []web.FieldError {
	var v web.Validator
	root := []any{}
	v.Strict(body, root, "connection_id", "integration_id", "end_user", "organization", "integrations_config_defaults", "overrides", "webhook_url_override", "tags", "nango_dev_faults")
	v.Str(body, "connection_id", root, web.StrRule{Required: true, Max: 255, Pattern: connectionIDPattern})
	v.Str(body, "integration_id", root, web.StrRule{Required: true, Max: 255, Pattern: ProviderConfigKeyPattern})
	checkSessionFields(&v, body, false)
	return v.Errs
}

// checkSessionFields checks the fields a session and a reconnect session share.
func checkSessionFields(v *web.Validator, body map[string]any, endUserRequired bool) {
	root := []any{}
	if user, ok := v.Object(body, "end_user", root, endUserRequired); ok {
		path := []any{"end_user"}
		v.Strict(user, path, "id", "email", "display_name", "tags")
		v.Str(user, "id", path, web.StrRule{Required: true, Min: 1, Max: 255})
		v.Str(user, "email", path, web.StrRule{Min: 5, Email: true})
		v.Str(user, "display_name", path, web.StrRule{Max: 255})
		v.Record(user, "tags", path, web.StrRule{}, func(_ string, val any, p []any) {
			v.StrValue(val, true, p, web.StrRule{Max: 255})
		})
	}
	if org, ok := v.Object(body, "organization", root, false); ok {
		path := []any{"organization"}
		v.Strict(org, path, "id", "display_name")
		v.Str(org, "id", path, web.StrRule{Required: true, Max: 255})
		v.Str(org, "display_name", path, web.StrRule{Max: 255})
	}
	if raw, present := body["allowed_integrations"]; present {
		list, ok := raw.([]any)
		if !ok {
			v.Expected([]any{"allowed_integrations"}, "array", raw, true)
		}
		for i, item := range list {
			v.StrValue(item, true, []any{"allowed_integrations", i}, web.StrRule{Max: 255, Pattern: ProviderConfigKeyPattern})
		}
	}
	keyRule := web.StrRule{Max: 255, Pattern: ProviderConfigKeyPattern}
	v.Record(body, "integrations_config_defaults", root, keyRule, func(_ string, val any, p []any) {
		defaults, ok := val.(map[string]any)
		if !ok {
			v.Expected(p, "object", val, true)
			return
		}
		v.Strict(defaults, p, "user_scopes", "authorization_params", "connection_config")
		v.Str(defaults, "user_scopes", p, web.StrRule{})
		v.Record(defaults, "authorization_params", p, web.StrRule{}, func(_ string, val any, p []any) {
			v.StrValue(val, true, p, web.StrRule{})
		})
		if config, ok := v.Object(defaults, "connection_config", p, false); ok {
			v.Str(config, "oauth_scopes_override", web.At(p, "connection_config"), web.StrRule{})
			checkDeprecatedWebhookURL(v, config, web.At(p, "connection_config"))
		}
	})
	v.Record(body, "overrides", root, keyRule, func(_ string, val any, p []any) {
		override, ok := val.(map[string]any)
		if !ok {
			v.Expected(p, "object", val, true)
			return
		}
		v.Str(override, "docs_connect", p, web.StrRule{URL: true, Min: 1})
	})
	if hook, ok := v.Str(body, "webhook_url_override", root, web.StrRule{URL: true}); ok && pointsAtNango(hook) {
		v.Add([]any{"webhook_url_override"}, "custom", "Webhook URL override cannot point to nango.dev")
	}
	checkSessionFaults(v, body)
	if _, present := body["tags"]; present {
		v.Record(body, "tags", root, web.StrRule{}, func(_ string, val any, p []any) {
			v.StrValue(val, true, p, web.StrRule{})
		})
	}
}

// checkDeprecatedWebhookURL checks connection_config.webhook_url as Nango's
// mapDeprecatedConnectionConfigWebhookUrl does: a webhook_url_override in all but name, with a
// note on each issue.
func checkDeprecatedWebhookURL(v *web.Validator, config map[string]any, path []any) {
	if _, present := config["webhook_url"]; !present {
		return
	}
	var probe web.Validator
	if hook, ok := probe.Str(config, "webhook_url", path, web.StrRule{URL: true}); ok && pointsAtNango(hook) {
		probe.Add(web.At(path, "webhook_url"), "custom", "Webhook URL override cannot point to nango.dev")
	}
	for _, e := range probe.Errs {
		v.Add(e.Path, e.Code, e.Message+". Note: connection_config.webhook_url is deprecated; use top-level webhook_url_override instead.")
	}
}

func pointsAtNango(raw string) bool {
	host := strings.ToLower(raw)
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host, _, _ = strings.Cut(host, "/")
	return host == "nango.dev" || strings.HasSuffix(host, ".nango.dev")
}

// checkSessionFaults checks nango_dev_faults, the dev server's own session field (docs/wire.md §8): a list
// of fault names, each usable by a flow.
func checkSessionFaults(v *web.Validator, body map[string]any) {
	raw, present := body["nango_dev_faults"]
	if !present {
		return
	}
	list, ok := raw.([]any)
	if !ok {
		v.Expected([]any{"nango_dev_faults"}, "array", raw, true)
		return
	}
	for i, item := range list {
		spec, ok := v.StrValue(item, true, []any{"nango_dev_faults", i}, web.StrRule{Min: 1})
		if !ok {
			continue
		}
		set, err := catalog.ParseFaults(spec)
		if err == nil && len(set.SocketOnly()) > 0 {
			err = catalog.SocketFaultError("a session")
		}
		if err != nil {
			v.Add([]any{"nango_dev_faults", i}, "custom", err.Error())
		}
	}
}
