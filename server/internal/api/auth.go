package api

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// bearerToken reads the Authorization header as Nango does: the token is whatever follows the
// last "Bearer " (a header without that prefix is taken whole), and an empty one is malformed.
func bearerToken(r *http.Request) (string, *web.Error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return "", errMissingAuthHeader
	}
	parts := strings.Split(header, "Bearer ")
	token := parts[len(parts)-1]
	if token == "" {
		return "", errMalformedAuthHeader
	}
	return token, nil
}

func (a *API) checkSecretKey(token string) *web.Error {
	if !web.UUIDv4Pattern.MatchString(token) {
		return errInvalidSecretKeyFormat
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(a.secretKey)) != 1 {
		return errUnknownAccount
	}
	return nil
}

func (a *API) checkSessionToken(token string) (*store.Session, *web.Error) {
	if !sessionTokenPattern.MatchString(token) {
		return nil, errInvalidSessionFormat
	}
	sess, ok, err := a.store.Session(token, a.now())
	if err != nil {
		a.log.Error("store failed", "err", err)
		return nil, errStoreFailed
	}
	if !ok {
		return nil, errUnknownSessionToken
	}
	return sess, nil
}

// requireSecretKey authenticates a backend call; on failure it has answered already.
func (a *API) requireSecretKey(w http.ResponseWriter, r *http.Request) bool {
	token, err := bearerToken(r)
	if err == nil {
		err = a.checkSecretKey(token)
	}
	if err != nil {
		web.WriteError(w, err)
		return false
	}
	return true
}

// requireSession authenticates a browser call made with a connect session token.
func (a *API) requireSession(w http.ResponseWriter, r *http.Request) (*store.Session, string, bool) {
	token, err := bearerToken(r)
	if err != nil {
		web.WriteError(w, err)
		return nil, "", false
	}
	sess, err := a.checkSessionToken(token)
	if err != nil {
		web.WriteError(w, err)
		return nil, "", false
	}
	return sess, token, true
}

// requireSessionOrSecret accepts either credential, as Nango's connectSessionOrSecretKeyAuth:
// a token with the session prefix is never tried as a secret key. The session is nil when the
// caller used the secret key.
func (a *API) requireSessionOrSecret(w http.ResponseWriter, r *http.Request) (*store.Session, bool) {
	token, err := bearerToken(r)
	if err != nil {
		web.WriteError(w, err)
		return nil, false
	}
	if strings.HasPrefix(token, sessionTokenPrefix) {
		sess, err := a.checkSessionToken(token)
		if err != nil {
			web.WriteError(w, err)
			return nil, false
		}
		return sess, true
	}
	if err := a.checkSecretKey(token); err != nil {
		web.WriteError(w, err)
		return nil, false
	}
	return nil, true
}
