//go:build js && wasm

package nango

import (
	"strconv"

	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// Credentials are what AuthOptions.Credentials holds: one of the types below, each the
// credentials of one Nango auth mode. All but OAuthCredentialsOverride send them to Nango
// without a popup (Auth then needs no user gesture); Nango tests them with the provider and
// Wait returns the connection or why it was refused (ConnectionTestFailed, ...).
type Credentials interface {
	// value is the credentials object of nango.js, in the core's value model.
	value() *auth.Object
}

// OAuthCredentialsOverride makes a popup flow use another OAuth app's client than the one
// configured in Nango.
type OAuthCredentialsOverride struct {
	ClientID, ClientSecret string
	// RefreshToken, when set, is stored instead of running the OAuth flow's exchange.
	RefreshToken string
}

// APIKeyCredentials are an API key (auth mode API_KEY).
type APIKeyCredentials struct{ APIKey string }

// BasicCredentials are a user name and a password (auth mode BASIC).
type BasicCredentials struct{ Username, Password string }

// TBACredentials are NetSuite's token-based authentication tokens (auth mode TBA).
type TBACredentials struct {
	TokenID, TokenSecret                             string
	OAuthClientIDOverride, OAuthClientSecretOverride string
}

// JWTCredentials are the fields of a JWT integration (auth mode JWT), as the provider names
// them, for example {"privateKeyId": ..., "issuerId": ..., "privateKey": {"id": ..., "secret": ...}}.
// Values may be strings, numbers, booleans, nil, and maps and slices of those.
type JWTCredentials map[string]any

// TwoStepCredentials are the fields of a two-step integration (auth mode TWO_STEP); values as
// for JWTCredentials.
type TwoStepCredentials map[string]any

// OAuth2ClientCredentials are an OAuth 2 client (auth mode OAUTH2_CC), with a secret or a
// certificate and its private key.
type OAuth2ClientCredentials struct {
	ClientID, ClientSecret              string
	ClientCertificate, ClientPrivateKey string
}

// BillCredentials are Bill.com's (auth mode BILL).
type BillCredentials struct{ Username, Password, OrganizationID, DevKey string }

// SignatureCredentials are a user name and password from which Nango signs requests (auth
// mode SIGNATURE).
type SignatureCredentials struct{ Username, Password string }

// AWSSigV4Credentials are an IAM role for Nango to assume (auth mode AWS_SIGV4).
type AWSSigV4Credentials struct{ RoleARN, Region string }

func (c OAuthCredentialsOverride) value() *auth.Object {
	v := object("oauth_client_id_override", c.ClientID, "oauth_client_secret_override", c.ClientSecret)
	setString(v, "oauth_refresh_token_override", c.RefreshToken)
	return v
}

func (c APIKeyCredentials) value() *auth.Object { return object("apiKey", c.APIKey) }

func (c BasicCredentials) value() *auth.Object {
	return object("username", c.Username, "password", c.Password)
}

func (c TBACredentials) value() *auth.Object {
	v := object("token_id", c.TokenID, "token_secret", c.TokenSecret)
	setString(v, "oauth_client_id_override", c.OAuthClientIDOverride)
	setString(v, "oauth_client_secret_override", c.OAuthClientSecretOverride)
	return v
}

func (c JWTCredentials) value() *auth.Object { return fields("JWT", c) }

func (c TwoStepCredentials) value() *auth.Object { return fields("TWO_STEP", c) }

func (c OAuth2ClientCredentials) value() *auth.Object {
	v := object("client_id", c.ClientID)
	setString(v, "client_secret", c.ClientSecret)
	setString(v, "client_certificate", c.ClientCertificate)
	setString(v, "client_private_key", c.ClientPrivateKey)
	return v
}

func (c BillCredentials) value() *auth.Object {
	return object("username", c.Username, "password", c.Password, "organization_id", c.OrganizationID, "dev_key", c.DevKey)
}

func (c SignatureCredentials) value() *auth.Object {
	return object("type", "SIGNATURE", "username", c.Username, "password", c.Password)
}

func (c AWSSigV4Credentials) value() *auth.Object {
	v := object("type", "AWS_SIGV4", "role_arn", c.RoleARN)
	setString(v, "region", c.Region)
	return v
}

// object builds an object from key, value pairs, in their order.
func object(kv ...string) *auth.Object {
	o := auth.NewObject()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i], kv[i+1])
	}
	return o
}

// fields is {type, ...m} with m's keys sorted. A value of a type JSON cannot carry becomes
// auth.Opaque, which the options check rejects as invalid_options naming the key.
func fields(typ string, m map[string]any) *auth.Object {
	o := object("type", typ)
	for _, k := range sortedKeys(m) {
		if k != "type" {
			o.Set(k, jsonValue(m[k]))
		}
	}
	return o
}

// jsonValue converts a Go value into the core's value model: what JSON carries, with numbers
// as float64.
func jsonValue(v any) any {
	switch v := v.(type) {
	case nil, string, bool, float64:
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case float32:
		return float64(v)
	case map[string]string:
		return stringObject(v)
	case map[string]any:
		o := auth.NewObject()
		for _, k := range sortedKeys(v) {
			o.Set(k, jsonValue(v[k]))
		}
		return o
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = jsonValue(item)
		}
		return out
	}
	return unsupported{}
}

// unsupported marks a credentials value jsonValue could not convert.
type unsupported struct{}

// checkCredentials reports the first value of creds that jsonValue could not convert, as
// invalid_options: sending it as undefined would drop it without a word.
func checkCredentials(creds *auth.Object, path string) *AuthError {
	for _, k := range creds.Keys() {
		v, _ := creds.Get(k)
		if err := checkValue(v, path+"."+k); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(v any, path string) *AuthError {
	switch v := v.(type) {
	case unsupported:
		return auth.NewError(InvalidOptions, path+" must be a string, number, boolean, nil, or a map or slice of those")
	case *auth.Object:
		return checkCredentials(v, path)
	case []any:
		for i, item := range v {
			if err := checkValue(item, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}
