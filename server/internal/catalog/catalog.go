package catalog

import (
	_ "embed"
	"fmt"
	"sort"

	"github.com/goccy/go-yaml"
)

// ProvidersYAML is the provider catalog, in the format of Nango's providers.yaml.
//
//go:embed providers.yaml
var ProvidersYAML []byte

// Provider is one catalog entry, after its alias (if any) is merged in.
type Provider struct {
	Name                   string
	DisplayName            string
	AuthMode               string
	AuthorizationURL       string
	TokenURL               string
	AuthorizationParams    *OrderedMap // string values
	TokenParams            *OrderedMap // string values
	ScopeSeparator         string
	DefaultScopes          []string
	DisablePKCE            bool
	AuthorizationMethod    string
	TokenRequestAuthMethod string
	CodeParamInCallback    string
	TokenResponseMetadata  []string
	// RequestURL and SignatureMethod are OAUTH1's: where the request token (temporary
	// credentials) is fetched, and how requests are signed (HMAC-SHA1 unless said otherwise).
	RequestURL      string
	SignatureMethod string
	Docs            string
	Fields          []ConfigField
	// Raw is the whole merged entry, served as is by GET /providers/{provider}.
	Raw map[string]any
}

// ConfigField is one connection_config field (Nango's SimplifiedJSONSchema).
type ConfigField struct {
	Name         string   `json:"name"`
	Type         string   `json:"type,omitempty"`
	Title        string   `json:"title,omitempty"`
	Description  string   `json:"description,omitempty"`
	Example      string   `json:"example,omitempty"`
	Pattern      string   `json:"pattern,omitempty"`
	Format       string   `json:"format,omitempty"`
	Prefix       string   `json:"prefix,omitempty"`
	Suffix       string   `json:"suffix,omitempty"`
	DocSection   string   `json:"doc_section,omitempty"`
	DefaultValue string   `json:"default_value,omitempty"`
	Enum         []string `json:"enum,omitempty"`
	Optional     bool     `json:"optional,omitempty"`
	Hidden       bool     `json:"hidden,omitempty"`
	Automated    bool     `json:"automated,omitempty"`
	Secret       bool     `json:"secret,omitempty"`
	Order        int      `json:"order,omitempty"`

	Check *FieldPattern `json:"-"` // the pattern in Go's dialect; nil when it has none
}

// Catalog is a loaded providers.yaml: every provider by name.
type Catalog struct {
	Providers map[string]*Provider
	Names     []string // sorted
}

// Get finds a provider by name.
func (c *Catalog) Get(name string) (*Provider, bool) {
	p, ok := c.Providers[name]
	return p, ok
}

// Load parses a providers.yaml. Keys are kept in file order because the Connect UI
// builds its form in that order.
func Load(data []byte) (*Catalog, error) {
	var top yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(data, &top, yaml.UseOrderedMap()); err != nil {
		return nil, fmt.Errorf("nango: parse provider catalog: %w", err)
	}
	entries := map[string]yaml.MapSlice{}
	for _, item := range top {
		entry, ok := item.Value.(yaml.MapSlice)
		if !ok {
			return nil, fmt.Errorf("nango: provider %v: not a map", item.Key)
		}
		entries[fmt.Sprint(item.Key)] = entry
	}
	c := &Catalog{Providers: map[string]*Provider{}}
	for name := range entries {
		merged, err := mergeAlias(name, entries, 0)
		if err != nil {
			return nil, err
		}
		p, err := parseProvider(name, merged)
		if err != nil {
			return nil, err
		}
		c.Providers[name] = p
		c.Names = append(c.Names, name)
	}
	sort.Strings(c.Names)
	return c, nil
}

// mergeAlias applies Nango's `alias:` rule: the named entry, shallowly overridden by this one.
func mergeAlias(name string, entries map[string]yaml.MapSlice, depth int) (yaml.MapSlice, error) {
	entry := entries[name]
	var alias string
	for _, item := range entry {
		if fmt.Sprint(item.Key) == "alias" {
			alias = fmt.Sprint(item.Value)
		}
	}
	if alias == "" {
		return entry, nil
	}
	if _, ok := entries[alias]; !ok || depth > 8 {
		return nil, fmt.Errorf("nango: provider %s: alias %q is unknown or circular", name, alias)
	}
	base, err := mergeAlias(alias, entries, depth+1)
	if err != nil {
		return nil, err
	}
	merged := append(yaml.MapSlice(nil), base...)
	for _, item := range entry {
		key := fmt.Sprint(item.Key)
		if key == "alias" {
			continue
		}
		replaced := false
		for i := range merged {
			if fmt.Sprint(merged[i].Key) == key {
				merged[i].Value, replaced = item.Value, true
			}
		}
		if !replaced {
			merged = append(merged, item)
		}
	}
	return merged, nil
}

func parseProvider(name string, entry yaml.MapSlice) (*Provider, error) {
	p := &Provider{
		Name:                   name,
		DisplayName:            scalar(lookup(entry, "display_name")),
		AuthMode:               scalar(lookup(entry, "auth_mode")),
		AuthorizationURL:       scalar(lookup(entry, "authorization_url")),
		AuthorizationParams:    stringMap(lookup(entry, "authorization_params")),
		TokenParams:            stringMap(lookup(entry, "token_params")),
		ScopeSeparator:         scalar(lookup(entry, "scope_separator")),
		DefaultScopes:          stringList(lookup(entry, "default_scopes")),
		DisablePKCE:            scalar(lookup(entry, "disable_pkce")) == "true",
		AuthorizationMethod:    scalar(lookup(entry, "authorization_method")),
		TokenRequestAuthMethod: scalar(lookup(entry, "token_request_auth_method")),
		CodeParamInCallback:    scalar(lookup(entry, "authorization_code_param_in_callback")),
		TokenResponseMetadata:  stringList(lookup(entry, "token_response_metadata")),
		RequestURL:             scalar(lookup(entry, "request_url")),
		SignatureMethod:        scalar(lookup(entry, "signature_method")),
		Docs:                   scalar(lookup(entry, "docs")),
		Raw:                    toJSONValue(entry).(map[string]any),
	}
	// token_url is either a URL or a map keyed by auth mode (github-app-oauth).
	switch t := lookup(entry, "token_url").(type) {
	case yaml.MapSlice:
		p.TokenURL = scalar(lookup(t, "OAUTH2"))
	default:
		p.TokenURL = scalar(t)
	}
	if fields, ok := lookup(entry, "connection_config").(yaml.MapSlice); ok {
		for _, item := range fields {
			f, err := parseField(fmt.Sprint(item.Key), item.Value)
			if err != nil {
				return nil, fmt.Errorf("nango: provider %s: %w", name, err)
			}
			p.Fields = append(p.Fields, f)
		}
	}
	return p, nil
}

func parseField(name string, v any) (ConfigField, error) {
	m, _ := v.(yaml.MapSlice)
	f := ConfigField{
		Name:         name,
		Type:         scalar(lookup(m, "type")),
		Title:        scalar(lookup(m, "title")),
		Description:  scalar(lookup(m, "description")),
		Example:      scalar(lookup(m, "example")),
		Pattern:      scalar(lookup(m, "pattern")),
		Format:       scalar(lookup(m, "format")),
		Prefix:       scalar(lookup(m, "prefix")),
		Suffix:       scalar(lookup(m, "suffix")),
		DocSection:   scalar(lookup(m, "doc_section")),
		DefaultValue: scalar(lookup(m, "default_value")),
		Enum:         stringList(lookup(m, "enum")),
		Optional:     scalar(lookup(m, "optional")) == "true",
		Hidden:       scalar(lookup(m, "hidden")) == "true",
		Automated:    scalar(lookup(m, "automated")) == "true",
		Secret:       scalar(lookup(m, "secret")) == "true",
	}
	fmt.Sscan(scalar(lookup(m, "order")), &f.Order)
	if f.Pattern != "" {
		check, err := compileJSPattern(f.Pattern)
		if err != nil {
			return f, fmt.Errorf("field %s: %w", name, err)
		}
		f.Check = check
	}
	return f, nil
}

func lookup(m yaml.MapSlice, key string) any {
	for _, item := range m {
		if fmt.Sprint(item.Key) == key {
			return item.Value
		}
	}
	return nil
}

func scalar(v any) string {
	switch v.(type) {
	case nil, yaml.MapSlice, []any:
		return ""
	}
	return fmt.Sprint(v)
}

func stringList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		out = append(out, scalar(item))
	}
	return out
}

func stringMap(v any) *OrderedMap {
	m := NewOrderedMap()
	ms, _ := v.(yaml.MapSlice)
	for _, item := range ms {
		m.Set(fmt.Sprint(item.Key), scalar(item.Value))
	}
	return m
}

// toJSONValue turns the ordered YAML tree into values encoding/json can write.
func toJSONValue(v any) any {
	switch t := v.(type) {
	case yaml.MapSlice:
		out := make(map[string]any, len(t))
		for _, item := range t {
			out[fmt.Sprint(item.Key)] = toJSONValue(item.Value)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, item := range t {
			out[i] = toJSONValue(item)
		}
		return out
	default:
		return t
	}
}
