package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// fileConfig is the config file's schema (server/README.md). Every key is optional, and an
// unknown key is an error: a typo must not silently fall back to a default.
type fileConfig struct {
	SecretKey      string            `yaml:"secret_key"`
	PublicKey      string            `yaml:"public_key"`
	AccountCreated string            `yaml:"account_created_at"`
	HMACKey        string            `yaml:"hmac_key"`
	Environment    string            `yaml:"environment"`
	Listen         fileListen        `yaml:"listen"`
	WebsocketsPath string            `yaml:"websockets_path"`
	Dist           string            `yaml:"dist"`
	Data           string            `yaml:"data"`
	Providers      string            `yaml:"providers"`
	Faults         []string          `yaml:"faults"`
	Webhook        fileWebhook       `yaml:"webhook"`
	MockAll        *bool             `yaml:"mock_all_providers"`
	Integrations   []fileIntegration `yaml:"integrations"`
}

type fileListen struct {
	App      string `yaml:"app"`
	API      string `yaml:"api"`
	Provider string `yaml:"provider"`
	Connect  string `yaml:"connect"`
}

type fileWebhook struct {
	URL         string `yaml:"url"`
	SigningKey  string `yaml:"signing_key"`
	MaxAttempts int    `yaml:"max_attempts"`
	Backoff     string `yaml:"backoff"`
	Timeout     string `yaml:"timeout"`
}

type fileIntegration struct {
	UniqueKey        string   `yaml:"unique_key"`
	Provider         string   `yaml:"provider"`
	ClientID         string   `yaml:"client_id"`
	ClientSecret     string   `yaml:"client_secret"`
	Scopes           []string `yaml:"scopes"`
	Endpoints        string   `yaml:"endpoints"`
	AuthorizationURL string   `yaml:"authorization_url"`
	TokenURL         string   `yaml:"token_url"`
	Faults           []string `yaml:"faults"`
}

// ConfigFile is a loaded config file: the Config it sets, and where each of its fields is
// written, so that an error found later (by Start) can still name the line.
type ConfigFile struct {
	Path   string
	Config Config
	lines  map[string]int // "integrations[1].client_secret" → line
}

// envRef is a whole value of the form ${NAME}: secrets can stay out of a committed file.
var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// LoadConfigFile reads a YAML config file. Syntax errors, unknown keys, values of the wrong
// type, bad durations and unset ${ENV} references are reported as "file:line: field: message".
// Relative paths in it (data, providers, dist) are relative to the file's folder.
func LoadConfigFile(path string) (*ConfigFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // "no such file or directory", wrapped so that errors.Is still sees it
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cf := &ConfigFile{Path: path, lines: map[string]int{}}
	ast, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, cf.yamlError(err, nil)
	}
	index := newYAMLIndex(ast)
	cf.lines = index.lines
	var fc fileConfig
	if len(ast.Docs) > 0 && ast.Docs[0].Body != nil {
		if err := yaml.NodeToValue(ast.Docs[0].Body, &fc, yaml.Strict()); err != nil {
			return nil, cf.yamlError(err, index)
		}
	}
	cfg, err := fc.toConfig(filepath.Dir(path))
	if err != nil {
		return nil, cf.Explain(err)
	}
	cf.Config = cfg
	return cf, nil
}

// toConfig turns the file's values into a Config, expanding ${ENV} references and parsing the
// durations; the rest is checked by Start.
func (fc *fileConfig) toConfig(dir string) (Config, error) {
	cfg := Config{
		AppAddr: fc.Listen.App, APIAddr: fc.Listen.API, ProviderAddr: fc.Listen.Provider, ConnectAddr: fc.Listen.Connect,
		Environment: fc.Environment, WebsocketsPath: fc.WebsocketsPath,
		DistDir: relativeTo(dir, fc.Dist), DataFile: relativeTo(dir, fc.Data), ProvidersFile: relativeTo(dir, fc.Providers),
		Faults:  fc.Faults,
		Webhook: WebhookConfig{URL: fc.Webhook.URL, MaxAttempts: fc.Webhook.MaxAttempts},
	}
	var err error
	expand := func(field, v string) string {
		if m := envRef.FindStringSubmatch(v); m != nil && err == nil {
			value, ok := os.LookupEnv(m[1])
			if !ok {
				err = configErr(field, "the environment variable %s is not set", m[1])
			}
			return value
		}
		return v
	}
	cfg.SecretKey = expand("secret_key", fc.SecretKey)
	cfg.PublicKey = expand("public_key", fc.PublicKey)
	cfg.HMACKey = expand("hmac_key", fc.HMACKey)
	if fc.AccountCreated != "" {
		created, perr := time.Parse(time.DateOnly, fc.AccountCreated)
		if perr != nil {
			return cfg, configErr("account_created_at", "%q is not a date (YYYY-MM-DD)", fc.AccountCreated)
		}
		cfg.AccountCreatedAt = created
	}
	cfg.Webhook.SigningKey = expand("webhook.signing_key", fc.Webhook.SigningKey)
	for field, d := range map[string]struct {
		raw string
		dst *time.Duration
	}{"webhook.backoff": {fc.Webhook.Backoff, &cfg.Webhook.Backoff}, "webhook.timeout": {fc.Webhook.Timeout, &cfg.Webhook.Timeout}} {
		if d.raw == "" {
			continue
		}
		parsed, perr := time.ParseDuration(d.raw)
		if perr != nil || parsed <= 0 {
			return cfg, configErr(field, "%q is not a positive duration (such as 500ms or 10s)", d.raw)
		}
		*d.dst = parsed
	}
	for i, in := range fc.Integrations {
		field := fmt.Sprintf("integrations[%d]", i)
		cfg.Integrations = append(cfg.Integrations, IntegrationConfig{
			UniqueKey: in.UniqueKey, Provider: in.Provider,
			ClientID:     expand(field+".client_id", in.ClientID),
			ClientSecret: expand(field+".client_secret", in.ClientSecret),
			Scopes:       in.Scopes, Endpoints: in.Endpoints,
			AuthorizationURL: in.AuthorizationURL, TokenURL: in.TokenURL, Faults: in.Faults,
		})
	}
	cfg.MockAllProviders = fc.MockAll != nil && *fc.MockAll
	return cfg, err
}

func relativeTo(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// Sets reports whether the file writes field (a path as a ConfigError names it: "listen.api").
func (cf *ConfigFile) Sets(field string) bool { return cf != nil && cf.lines[field] > 0 }

// Explain turns a *ConfigError (from LoadConfigFile or Start) into "file:line: field: message",
// with the line of the field, or of the nearest enclosing one the file has. Other errors pass.
func (cf *ConfigFile) Explain(err error) error {
	var ce *ConfigError
	if cf == nil || !errors.As(err, &ce) {
		return err
	}
	line := 0
	for path := ce.Field; path != "" && line == 0; path = parentPath(path) {
		line = cf.lines[path]
	}
	if line == 0 {
		return fmt.Errorf("%s: %s: %s", cf.Path, ce.Field, ce.Message)
	}
	return fmt.Errorf("%s:%d: %s: %s", cf.Path, line, ce.Field, ce.Message)
}

// yamlError rewrites goccy/go-yaml's errors (which carry a token) in the same form.
func (cf *ConfigFile) yamlError(err error, index *yamlIndex) error {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return fmt.Errorf("%s: %v", cf.Path, err)
	}
	tk := ye.GetToken()
	field := index.fieldOf(tk)
	msg := ye.GetMessage()
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = "expected " + describeKind(te.DstType.Kind().String()) + ", not " + te.SrcType.String()
	}
	var ue *yaml.UnknownFieldError
	if errors.As(err, &ue) {
		msg = "unknown key (see server/README.md for the keys)" // its token is the key: its field is the key's path
	}
	if field == "" {
		return fmt.Errorf("%s:%d: %s", cf.Path, tk.Position.Line, msg)
	}
	return fmt.Errorf("%s:%d: %s: %s", cf.Path, tk.Position.Line, field, msg)
}

func describeKind(kind string) string {
	switch kind {
	case "slice":
		return "a list"
	case "struct", "map", "ptr":
		return "a map"
	case "int", "int64":
		return "a whole number"
	case "bool":
		return "true or false"
	}
	return "a " + kind
}
