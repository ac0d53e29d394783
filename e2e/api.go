package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/nango-wasm/nango-wasm/server"
)

// APIJSON calls a dev server's API with its secret key, as an app's backend does, and decodes the
// JSON answer into out.
func APIJSON(srv *server.Server, method, path string, body, out any) (status int, err error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.APIURL()+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+srv.SecretKey())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: %w; body: %s", method, path, err, raw)
		}
	}
	return res.StatusCode, nil
}

// NewSession creates a connect session, with a default end user when body names none, and
// returns its token.
func NewSession(srv *server.Server, body map[string]any) (string, error) {
	if body == nil {
		body = map[string]any{}
	}
	if _, ok := body["end_user"]; !ok {
		body["end_user"] = map[string]any{"id": "user-42", "email": "ada@example.com", "display_name": "Ada"}
	}
	var out struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	status, err := APIJSON(srv, http.MethodPost, "/connect/sessions", body, &out)
	if err != nil {
		return "", err
	}
	if status != http.StatusCreated || !strings.HasPrefix(out.Data.Token, "nango_connect_session_") {
		return "", fmt.Errorf("POST /connect/sessions: %d, token %q", status, out.Data.Token)
	}
	return out.Data.Token, nil
}
