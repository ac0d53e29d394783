package demo

import "github.com/nango-wasm/nango-wasm/server/internal/catalog"

// credentialModes are the auth modes that take credentials instead of a popup, with the fields
// Nango's Connect UI asks for when the provider's entry declares none, and whether auth() needs
// the mode as the credentials' `type` to route them (wasm/auth's RouteCustomAuth).
var credentialModes = map[string]struct {
	fallback []string
	typed    bool
}{
	"API_KEY":   {fallback: []string{"apiKey"}},
	"BASIC":     {fallback: []string{"username", "password"}},
	"TWO_STEP":  {typed: true},
	"SIGNATURE": {fallback: []string{"username", "password"}, typed: true},
	"AWS_SIGV4": {fallback: []string{"role_arn"}, typed: true},
	"JWT":       {typed: true},
	"OAUTH2_CC": {fallback: []string{"client_id", "client_secret"}},
	"TBA":       {fallback: []string{"token_id", "token_secret"}},
	"BILL":      {fallback: []string{"username", "password", "organization_id", "dev_key"}},
}

// secretCredentials are the credentials typed into password fields, as in the Connect UI.
var secretCredentials = map[string]bool{"apiKey": true, "password": true, "client_secret": true, "token_secret": true, "dev_key": true}

// credentialFields are the credentials the demo's form asks for under mode, and the `type` to
// send with them ("" when the SDK routes them by their names). Hidden fields are kept: the form
// sends their default value (Ashby's empty password), as the Connect UI does.
func credentialFields(mode string, declared map[string]map[string]any) ([]catalog.ConfigField, string) {
	m, ok := credentialModes[mode]
	if !ok {
		return []catalog.ConfigField{}, ""
	}
	fields := orderedFields(declared, func(f catalog.ConfigField) bool { return !f.Automated })
	for i := range fields { // a key is a secret even where the provider's entry does not say so
		fields[i].Secret = fields[i].Secret || secretCredentials[fields[i].Name]
	}
	if len(fields) == 0 {
		for i, name := range m.fallback {
			fields = append(fields, catalog.ConfigField{Name: name, Type: "string", Title: name, Secret: secretCredentials[name], Order: i})
		}
	}
	if m.typed {
		return fields, mode
	}
	return fields, ""
}
