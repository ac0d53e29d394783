package catalog

// The mock provider's OAuth 1.0a endpoints, as MockPath kinds: the API host sends requests
// there, and the provider serves them (docs/wire.md §3).
const (
	MockOAuth1RequestToken   = "request-token"
	MockOAuth1AuthorizeToken = "authorize-token"
	MockOAuth1AccessToken    = "access-token"
)
