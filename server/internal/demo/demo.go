package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// App is the demo web app and its backend, on their own origin: the backend holds the
// secret key and talks to the API host over HTTP, as a real app's backend does; the page only
// ever sees session tokens.
type App struct {
	apiURL    string
	secretKey string
	client    *http.Client
	pages     *web.Pages
	log       *slog.Logger
	sdk       web.SDKFiles
	hosts     []string // names, besides IP literals and localhost, the app answers to
}

// Config is what the demo app needs to know: where the API host is and its secret key, the
// client to reach it with, and the SDK it serves to its page.
type Config struct {
	APIURL    string
	SecretKey string
	Client    *http.Client
	Log       *slog.Logger
	SDK       web.SDKFiles
	// Hosts are the names, besides IP literals and localhost, that the app answers to (the
	// name of its listen address, when it has one).
	Hosts []string
}

// demoTemplate is the demo page.
//
//go:embed templates/demo.html
var demoTemplate embed.FS

// New is the demo app for the API host at cfg.APIURL.
func New(cfg Config) (*App, error) {
	pg, err := web.ParsePages(demoTemplate, "templates/demo.html")
	if err != nil {
		return nil, err
	}
	hosts := make([]string, len(cfg.Hosts))
	for i, h := range cfg.Hosts {
		hosts[i] = strings.TrimSuffix(strings.ToLower(h), ".")
	}
	return &App{apiURL: cfg.APIURL, secretKey: cfg.SecretKey, client: cfg.Client, pages: pg, log: cfg.Log, sdk: cfg.SDK, hosts: hosts}, nil
}

// The demo's end user: fixed, so a connection read back shows where its tags came from.
var demoSession = map[string]any{
	"end_user":     map[string]any{"id": "demo-user", "email": "demo.user@example.com", "display_name": "Demo User"},
	"organization": map[string]any{"id": "demo-org", "display_name": "Demo Org"},
	"tags":         map[string]any{"app": "nango-wasm-demo"},
}

type demoView struct {
	APIURL string `json:"apiURL"`
}

// page is GET /: the demo page. The API URL reaches the page's script as escaped JSON.
func (d *App) page(w http.ResponseWriter, r *http.Request) {
	d.pages.Render(w, http.StatusOK, "demo.html", demoView{APIURL: d.apiURL}, false)
}

// connectSession is POST /api/connect-session: the page asks the backend for a session token,
// optionally narrowed with allowed_integrations and integrations_config_defaults.
func (d *App) connectSession(w http.ResponseWriter, r *http.Request) {
	if apiErr := sameOriginJSON(r); apiErr != nil {
		web.WriteError(w, apiErr)
		return
	}
	raw, _, apiErr := web.ReadJSONObject(w, r)
	if apiErr != nil {
		web.WriteError(w, apiErr)
		return
	}
	var v web.Validator
	v.Strict(raw, []any{}, "allowed_integrations", "integrations_config_defaults")
	if len(v.Errs) > 0 {
		web.WriteError(w, web.InvalidBody(v.Errs))
		return
	}
	body := map[string]any{}
	for k, val := range demoSession {
		body[k] = val
	}
	for k, val := range raw {
		body[k] = val
	}
	status, resp, err := d.callAPI(r.Context(), http.MethodPost, "/connect/sessions", body)
	if err != nil {
		web.WriteError(w, web.NewError(http.StatusBadGateway, "api_unreachable", "The demo backend could not reach the API host."))
		return
	}
	if status != http.StatusCreated {
		relay(w, status, resp)
		return
	}
	var created struct {
		Data struct {
			Token     string `json:"token"`
			ExpiresAt string `json:"expires_at"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp, &created); err != nil {
		web.WriteError(w, web.NewError(http.StatusBadGateway, "api_invalid_response", "The API host answered with an unexpected body."))
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"token": created.Data.Token, "expires_at": created.Data.ExpiresAt})
}

// demoIntegration is an integration with the fields the form asks for: its connection_config,
// and, for the auth modes without a popup, its credentials (credentials.go).
type demoIntegration struct {
	UniqueKey        string                `json:"unique_key"`
	Provider         string                `json:"provider"`
	DisplayName      string                `json:"display_name"`
	DocsConnect      string                `json:"docs_connect,omitempty"`
	AuthMode         string                `json:"auth_mode"`
	ConnectionConfig []catalog.ConfigField `json:"connection_config"`
	// Credentials are the fields of auth()'s credentials; empty for the popup modes and NONE.
	Credentials []catalog.ConfigField `json:"credentials"`
	// CredentialsType is the credentials' `type`, for the modes the SDK routes by it.
	CredentialsType string `json:"credentials_type,omitempty"`
}

// integrations is GET /api/integrations: GET /integrations, then GET /providers/{provider} for
// each, on the API host.
func (d *App) integrations(w http.ResponseWriter, r *http.Request) {
	status, resp, err := d.callAPI(r.Context(), http.MethodGet, "/integrations", nil)
	if err != nil || status != http.StatusOK {
		d.failUpstream(w, status, resp, err)
		return
	}
	var list struct {
		Data []demoIntegration `json:"data"`
	}
	if err := json.Unmarshal(resp, &list); err != nil {
		d.failUpstream(w, http.StatusBadGateway, nil, err)
		return
	}
	for i := range list.Data {
		in := &list.Data[i]
		status, resp, err := d.callAPI(r.Context(), http.MethodGet, "/providers/"+url.PathEscape(in.Provider), nil)
		if err != nil || status != http.StatusOK {
			d.failUpstream(w, status, resp, err)
			return
		}
		var p struct {
			Data struct {
				DocsConnect      string                    `json:"docs_connect"`
				AuthMode         string                    `json:"auth_mode"`
				ConnectionConfig map[string]map[string]any `json:"connection_config"`
				Credentials      map[string]map[string]any `json:"credentials"`
			} `json:"data"`
		}
		if err := json.Unmarshal(resp, &p); err != nil {
			d.failUpstream(w, http.StatusBadGateway, nil, err)
			return
		}
		in.DocsConnect = p.Data.DocsConnect
		in.AuthMode = p.Data.AuthMode
		in.ConnectionConfig = askedFields(p.Data.ConnectionConfig)
		in.Credentials, in.CredentialsType = credentialFields(p.Data.AuthMode, p.Data.Credentials)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": list.Data})
}

// connection is GET /api/connection: the backend reads the connection back. Tokens stay on
// the backend: the page gets the credentials' type and expiry only.
func (d *App) connection(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id, key := q.Get("connection_id"), q.Get("provider_config_key")
	if id == "" || key == "" {
		web.WriteError(w, web.InvalidQuery([]web.FieldError{{Code: "custom", Message: "connection_id and provider_config_key are required", Path: []any{}}}))
		return
	}
	path := "/connection/" + url.PathEscape(id) + "?provider_config_key=" + url.QueryEscape(key)
	status, resp, err := d.callAPI(r.Context(), http.MethodGet, path, nil)
	if err != nil || status != http.StatusOK {
		d.failUpstream(w, status, resp, err)
		return
	}
	var conn map[string]any
	if err := json.Unmarshal(resp, &conn); err != nil {
		d.failUpstream(w, http.StatusBadGateway, nil, err)
		return
	}
	if creds, ok := conn["credentials"].(map[string]any); ok {
		conn["credentials"] = map[string]any{"type": creds["type"], "expires_at": creds["expires_at"]}
	}
	web.WriteJSON(w, http.StatusOK, conn)
}

// askedFields are the fields of a provider's connection_config a form asks for, in the
// provider's order: automated and hidden ones are not asked for, as in the Connect UI.
func askedFields(raw map[string]map[string]any) []catalog.ConfigField {
	return orderedFields(raw, func(f catalog.ConfigField) bool { return !f.Automated && !f.Hidden })
}

// orderedFields are the fields keep accepts, by order, then by name.
func orderedFields(raw map[string]map[string]any, keep func(catalog.ConfigField) bool) []catalog.ConfigField {
	fields := []catalog.ConfigField{}
	for name, m := range raw {
		f := fieldFromJSON(name, m)
		if !keep(f) {
			continue
		}
		fields = append(fields, f)
	}
	sort.Slice(fields, func(a, b int) bool {
		fa, fb := fields[a], fields[b]
		if fa.Order != fb.Order {
			return fa.Order < fb.Order
		}
		return fa.Name < fb.Name
	})
	return fields
}

// fieldFromJSON reads a field of GET /providers/{provider} leniently: a YAML example or
// default may be a number.
func fieldFromJSON(name string, m map[string]any) catalog.ConfigField {
	text := func(k string) string {
		if v, ok := m[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	f := catalog.ConfigField{
		Name: name, Type: text("type"), Title: text("title"), Description: text("description"),
		Example: text("example"), Pattern: text("pattern"), Format: text("format"), Prefix: text("prefix"),
		Suffix: text("suffix"), DocSection: text("doc_section"), DefaultValue: text("default_value"),
		Optional: text("optional") == "true", Hidden: text("hidden") == "true",
		Automated: text("automated") == "true", Secret: text("secret") == "true",
	}
	if list, ok := m["enum"].([]any); ok {
		for _, v := range list {
			f.Enum = append(f.Enum, fmt.Sprint(v))
		}
	}
	if order, ok := m["order"].(float64); ok {
		f.Order = int(order)
	}
	return f
}

// callAPI calls the API host with the secret key, as an app's backend does.
func (d *App) callAPI(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		reader = bytes.NewReader(data)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, d.apiURL+path, reader)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+d.secretKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, data, err
}

// failUpstream relays the API host's error envelope, or reports that it could not be reached.
func (d *App) failUpstream(w http.ResponseWriter, status int, body []byte, err error) {
	if err != nil || status == 0 {
		d.log.Warn("demo backend: API call failed", "err", err)
		web.WriteError(w, web.NewError(http.StatusBadGateway, "api_unreachable", "The demo backend could not reach the API host."))
		return
	}
	relay(w, status, body)
}

// relay passes the API host's answer on as it came.
func relay(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Handler is the demo app: its page, its backend, and the SDK it loads.
func (d *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.page)
	mux.HandleFunc("POST /api/connect-session", d.connectSession)
	mux.HandleFunc("GET /api/integrations", d.integrations)
	mux.HandleFunc("GET /api/connection", d.connection)
	mux.HandleFunc("GET /sdk/{file}", d.sdk.Serve)
	mux.HandleFunc("GET /health", web.Health)
	mux.HandleFunc("/", web.NotFound)
	return d.withHostCheck(mux)
}
