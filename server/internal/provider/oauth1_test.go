package provider

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The mock provider's OAuth 1.0a, as a consumer meets it: the test signs with
// github.com/dghubble/oauth1, the library the API host uses, and the provider verifies with its
// own reading of RFC 5849.

var trelloClient = Client{
	ID: "trello-client", Secret: "trello secret/+&", RedirectURI: "http://app.test/oauth/callback",
	Integration: "trello", Provider: "trello", DisplayName: "Trello",
	RequestURL:       "https://trello.com/1/OAuthGetRequestToken",
	AuthorizationURL: "https://trello.com/1/OAuthAuthorizeToken",
	TokenURL:         "https://trello.com/1/OAuthGetAccessToken",
}

func trelloConsumer(base, secret string) *oauth1.Config {
	return &oauth1.Config{
		ConsumerKey: trelloClient.ID, ConsumerSecret: secret,
		CallbackURL: trelloClient.RedirectURI + "?state=state-1",
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: base + "/oauth/request-token/https/trello.com/1/OAuthGetRequestToken",
			AuthorizeURL:    base + "/oauth/authorize-token/https/trello.com/1/OAuthAuthorizeToken",
			AccessTokenURL:  base + "/oauth/access-token/https/trello.com/1/OAuthGetAccessToken",
		},
	}
}

// approveToken opens the authorize page for a request token and clicks a button; it returns
// the callback the provider sends the popup to.
func approveToken(t *testing.T, consumer *oauth1.Config, token, decision string) *url.URL {
	t.Helper()
	authorize := consumer.Endpoint.AuthorizeURL + "?" + url.Values{"oauth_token": {token}, "scope": {"read,write"}, "expiration": {"never"}}.Encode()
	back, err := url.Parse(webtest.DecideAtProvider(t, webtest.Browser(t), authorize, decision))
	require.NoError(t, err)
	assert.Equal(t, trelloClient.RedirectURI, back.Scheme+"://"+back.Host+back.Path)
	assert.Equal(t, "state-1", back.Query().Get("state"), "the callback registered with the token, state included")
	return back
}

func TestOAuth1Flow(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, trelloClient)
	consumer := trelloConsumer(base, trelloClient.Secret)

	token, secret, err := consumer.RequestToken()
	require.NoError(t, err)
	back := approveToken(t, consumer, token, "approve")
	assert.Equal(t, token, back.Query().Get("oauth_token"))
	verifier := back.Query().Get("oauth_verifier")
	require.NotEmpty(t, verifier)

	_, _, err = consumer.AccessToken(token, secret, "mock_verifier_wrong")
	require.ErrorContains(t, err, "verifier_invalid")
	_, _, err = consumer.AccessToken(token, secret, verifier)
	require.ErrorContains(t, err, "token_rejected", "a request token is spent by its first exchange, even a failed one")

	token, secret, err = consumer.RequestToken()
	require.NoError(t, err)
	verifier = approveToken(t, consumer, token, "approve").Query().Get("oauth_verifier")
	_, _, err = consumer.AccessToken(token, "another-secret", verifier)
	require.ErrorContains(t, err, "signature_invalid", "signed with another token secret")
	access, accessSecret, err := consumer.AccessToken(token, secret, verifier)
	require.NoError(t, err, "a forged exchange does not spend the token")
	assert.True(t, strings.HasPrefix(access, "mock_oauth1_token_"), access)
	assert.True(t, strings.HasPrefix(accessSecret, "mock_oauth1_secret_"), accessSecret)
}

func TestOAuth1Refusals(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, trelloClient)

	_, _, err := trelloConsumer(base, "not the secret").RequestToken()
	require.ErrorContains(t, err, "signature_invalid")

	elsewhere := trelloConsumer(base, trelloClient.Secret)
	elsewhere.CallbackURL = "https://evil.test/oauth/callback?state=state-1"
	_, _, err = elsewhere.RequestToken()
	require.ErrorContains(t, err, "oauth_callback+must+be+the+client%27s+registered+callback+URL")

	wrongHost := trelloConsumer(base, trelloClient.Secret)
	wrongHost.Endpoint.RequestTokenURL = base + "/oauth/request-token/https/evil.test/1/OAuthGetRequestToken"
	_, _, err = wrongHost.RequestToken()
	require.ErrorContains(t, err, "is+not+an+OAuth1+endpoint+of+Trello")

	// Deny: the popup goes back with access_denied, as from the OAuth2 consent page, and the
	// token can no longer be exchanged.
	consumer := trelloConsumer(base, trelloClient.Secret)
	token, secret, err := consumer.RequestToken()
	require.NoError(t, err)
	back := approveToken(t, consumer, token, "deny")
	assert.Equal(t, "access_denied", back.Query().Get("error"))
	assert.Empty(t, back.Query().Get("oauth_verifier"))
	_, _, err = consumer.AccessToken(token, secret, "any")
	require.ErrorContains(t, err, "token_rejected")

	page := webtest.Get(t, webtest.Browser(t), consumer.Endpoint.AuthorizeURL+"?oauth_token=mock_request_token_unknown", nil)
	assert.Equal(t, http.StatusBadRequest, page.Status)
	assert.Contains(t, page.Body, "The oauth_token is unknown or expired.")
}

// A signed request replayed as is (same nonce and timestamp) is refused.
func TestOAuth1NonceReplay(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, trelloClient)
	var sent *http.Request
	consumer := trelloConsumer(base, trelloClient.Secret)
	consumer.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = r.Clone(r.Context())
		return http.DefaultTransport.RoundTrip(r)
	})}
	_, _, err := consumer.RequestToken()
	require.NoError(t, err)
	replay := webtest.Do(t, http.DefaultClient, http.MethodPost, sent.URL.String(), nil, map[string]string{"Authorization": sent.Header.Get("Authorization")})
	assert.Equal(t, http.StatusUnauthorized, replay.Status)
	assert.Contains(t, replay.Body, "oauth_problem=nonce_used")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The reference vectors: the base string of RFC 5849 §3.4.1.1, and the request-token signature
// of Twitter's "Sign in with Twitter" walkthrough (which dghubble/oauth1 also tests against).
func TestOAuth1SignatureReference(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", strings.NewReader("c2&a3=2+q"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", `OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"`)
	sr, err := readSignedRequest(r, "http://example.com/request")
	require.NoError(t, err)
	assert.Equal(t, "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7", sr.base)

	r = httptest.NewRequest(http.MethodPost, "https://api.twitter.com/oauth/request_token", nil)
	r.Header.Set("Authorization", `OAuth oauth_callback="http%3A%2F%2Flocalhost%2Fsign-in-with-twitter%2F", oauth_consumer_key="cChZNFj6T5R0TigYB9yd1w", oauth_nonce="ea9ec8429b68d6b77cd5600adbbb0456", oauth_signature="F1Li3tvehgcraF8DMJ7OyxO4w9Y%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318467427", oauth_version="1.0"`)
	sr, err = readSignedRequest(r, "https://api.twitter.com/oauth/request_token")
	require.NoError(t, err)
	at := time.Unix(1318467427, 0)
	problem, _ := sr.verify("L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg", "", at)
	assert.Empty(t, problem)
	problem, _ = sr.verify("another secret", "", at)
	assert.Equal(t, "signature_invalid", problem)
	problem, _ = sr.verify("L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg", "", at.Add(6*time.Minute))
	assert.Equal(t, "timestamp_refused", problem)
}
