package auth

// CustomRequest is a non-popup auth call: a POST of Body (nil: no body) to Path on the host.
type CustomRequest struct {
	// Path is the endpoint with its query, relative to the host.
	Path string
	// Body is the JSON body; undefined values are dropped when it is serialized, as
	// JSON.stringify does, but they still count for "is there a body".
	Body *Object
}

// ConvertCredentials is the anchor's convertCredentialsToConfig: it normalizes the credentials
// an app passes to auth() before they are routed. Its quirks are kept, because they decide the
// endpoint and the body the server receives; for example JWT credentials are passed on as given.
func ConvertCredentials(c *Object) *Object {
	typ, _ := c.Get("type")
	if c.Has("type") && c.Has("username") && c.Has("password") && typ == "SIGNATURE" {
		return pick(c, "type", "username", "password")
	}
	if c.Has("type") && typ == "AWS_SIGV4" {
		out := pickAll(c, "type", "role_arn")
		if region, _ := c.Get("region"); Truthy(region) {
			out.Set("region", region)
		}
		return out
	}
	params := NewObject()
	for _, k := range []string{"username", "password", "apiKey"} {
		if v, ok := c.Get(k); ok {
			if !Truthy(v) {
				v = ""
			}
			params.Set(k, v)
		}
	}
	if v, ok := c.Get("role_arn"); ok {
		params.Set("role_arn", v)
	}
	if v, _ := c.Get("region"); Truthy(v) {
		params.Set("region", v)
	}
	switch {
	case c.Has("privateKey") || typ == "JWT":
		return c
	case typ == "TWO_STEP":
		return c.Spread(NewObject())
	case c.Has("client_id") && (c.Has("client_secret") || c.Has("client_private_key")):
		return pickAll(c, "client_id", "client_secret", "client_certificate", "client_private_key")
	case c.Has("token_id") && c.Has("token_secret"):
		out := pickAll(c, "token_id", "token_secret")
		for _, k := range []string{"oauth_client_id_override", "oauth_client_secret_override"} {
			if v, ok := c.Get(k); ok {
				out.Set(k, v)
			}
		}
		return out
	case c.Has("username") && c.Has("password") && c.Has("organization_id") && c.Has("dev_key"):
		return pickAll(c, "username", "password", "organization_id", "dev_key")
	}
	return params
}

// RouteCustomAuth is the anchor's customAuth: it picks the first endpoint whose rule the
// normalized credentials match, in the anchor's order (§1.9 of the protocol notes). cfg is the
// options without `credentials`; installation is options.installation. Credentials that match
// no rule are missing_credentials (the anchor rejects with a plain Error there).
func RouteCustomAuth(key, connectionID string, o ClientOptions, creds, cfg *Object, installation string) (CustomRequest, *AuthError) {
	if creds == nil {
		return CustomRequest{}, NewError(MissingCredentials, "You must specify credentials.")
	}
	q := QueryString(connectionID, o, cfg)
	path := func(route string) string { return route + key + q }
	typ, _ := creds.Get("type")
	has := creds.Has
	switch {
	case has("type") && typ == "TWO_STEP":
		body := creds.Spread(NewObject())
		if ao, ok := cfg.Object("assertionOption"); ok && ao.Len() > 0 {
			body.Set("assertionOption", ao)
		}
		return CustomRequest{Path: path("/auth/two-step/"), Body: body}, nil
	case has("type") && typ == "SIGNATURE" && has("username") && has("password"):
		return CustomRequest{Path: path("/auth/signature/"), Body: creds}, nil
	case has("type") && typ == "AWS_SIGV4" && has("role_arn"):
		return CustomRequest{Path: path("/auth/aws-sigv4/"), Body: pickAll(creds, "role_arn", "region")}, nil
	case has("username") && has("password") && has("organization_id") && has("dev_key"):
		return CustomRequest{Path: path("/auth/bill/"), Body: creds}, nil
	case has("apiKey"):
		return CustomRequest{Path: path("/api-auth/api-key/"), Body: creds}, nil
	case has("username") || has("password"):
		return CustomRequest{Path: path("/api-auth/basic/"), Body: creds}, nil
	case has("privateKey") || (has("type") && typ == "JWT"):
		return CustomRequest{Path: path("/auth/jwt/"), Body: creds}, nil
	case has("token_id") && has("token_secret"):
		return CustomRequest{Path: path("/auth/tba/"), Body: creds}, nil
	case has("client_id") && (has("client_secret") || has("client_private_key")):
		return CustomRequest{Path: path("/oauth2/auth/"), Body: creds}, nil
	case installation == "outbound":
		return CustomRequest{Path: path("/auth/oauth-outbound/")}, nil
	}
	return CustomRequest{}, NewError(MissingCredentials, "Something went wrong with the authorization: the credentials match no Nango auth mode (expected apiKey, username/password, privateKey, token_id/token_secret, client_id/client_secret, or a type of TWO_STEP, SIGNATURE, AWS_SIGV4 or JWT)")
}

// CustomAuthRequest routes a parsed auth() call that IsCustomAuth. An outbound installation
// without credentials fails with missing_credentials, which the anchor throws synchronously.
func (c AuthCall) CustomAuthRequest(o ClientOptions) (CustomRequest, *AuthError) {
	creds, _ := c.Options.Object("credentials")
	if creds == nil {
		return CustomRequest{}, NewError(MissingCredentials, msgCredentialsMissing)
	}
	installation, _ := c.Options.String("installation")
	return RouteCustomAuth(c.ProviderConfigKey, c.ConnectionID, o, ConvertCredentials(creds), c.Options.Without("credentials"), installation)
}

// CreateRequest is create(providerConfigKey, connectionIdOrConfig?, moreConfig?): a POST without
// a body to /auth/unauthenticated/{key}. As in the anchor, a non-string second argument replaces
// the third rather than merging with it.
func CreateRequest(o ClientOptions, key, second, third any) (CustomRequest, *AuthError) {
	k, kerr := parseIntegrationKey(key)
	if kerr != nil {
		return CustomRequest{}, kerr
	}
	connectionID := ""
	cfgValue := third
	if id, isString := second.(string); isString {
		connectionID = id
	} else {
		cfgValue = second
	}
	cfg, err := optionalObject(cfgValue, "connection config")
	if err != nil {
		return CustomRequest{}, err
	}
	if err := checkOptionTypes(cfg); err != nil {
		return CustomRequest{}, err
	}
	return CustomRequest{Path: "/auth/unauthenticated/" + k + QueryString(connectionID, o, cfg)}, nil
}

func pick(c *Object, keys ...string) *Object {
	out := NewObject()
	for _, k := range keys {
		if v, ok := c.Get(k); ok {
			out.Set(k, v)
		}
	}
	return out
}

// pickAll copies keys that may be missing as undefined, like an object literal `{a: c.a}` does.
func pickAll(c *Object, keys ...string) *Object {
	out := NewObject()
	for _, k := range keys {
		v, ok := c.Get(k)
		if !ok {
			v = Undefined
		}
		out.Set(k, v)
	}
	return out
}
