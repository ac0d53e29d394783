package catalog

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func configOf(pairs ...string) *OrderedMap {
	m := NewOrderedMap()
	for i := 0; i+1 < len(pairs); i += 2 {
		m.Set(pairs[i], pairs[i+1])
	}
	return m
}

func TestInterpolate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		template string
		config   *OrderedMap
		encode   bool
		want     string
		wantOK   bool
	}{
		{name: "value", template: "https://${connectionConfig.subdomain}.zendesk.com/x", config: configOf("subdomain", "acme"), encode: true, want: "https://acme.zendesk.com/x", wantOK: true},
		{name: "missing", template: "https://${connectionConfig.subdomain}.zendesk.com/x", config: configOf(), wantOK: false},
		{name: "empty counts as missing", template: "https://${connectionConfig.subdomain}.zendesk.com/x", config: configOf("subdomain", ""), wantOK: false},
		{name: "fallback", template: "https://${connectionConfig.hostname}/a || https://login.example.com/a", config: configOf(), want: "https://login.example.com/a", wantOK: true},
		{name: "first alternative wins", template: "https://${connectionConfig.hostname}/a || https://login.example.com/a", config: configOf("hostname", "h.example.com"), want: "https://h.example.com/a", wantOK: true},
		{name: "values are encoded, never decoded", template: "https://${connectionConfig.subdomain}.zendesk.com", config: configOf("subdomain", "evil.com#"), encode: true, want: "https://evil.com%23.zendesk.com", wantOK: true},
		{name: "no encoding for params", template: "${connectionConfig.a} b", config: configOf("a", "x y"), want: "x y b", wantOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Interpolate(tc.template, tc.config, tc.encode)
			assert.Equal(t, tc.wantOK, ok)
			if tc.wantOK {
				assert.Equal(t, tc.want, got)
			}
		})
	}
}

func TestEncodeURIComponent(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "a-_.!~*'()%20%23%2F%3F%40%25%C3%A9", auth.EncodeURIComponent("a-_.!~*'() #/?@%é"))
}

func TestParseProviderURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		raw     string
		want    string
		wantErr bool
	}{
		{name: "https", raw: "https://Acme.zendesk.com/oauth/tokens", want: "https://acme.zendesk.com/oauth/tokens"},
		{name: "port", raw: "http://localhost:8080/a", want: "http://localhost:8080/a"},
		{name: "encoded value in host", raw: "https://evil.com%23.zendesk.com/x", wantErr: true},
		{name: "userinfo", raw: "https://me@evil.com/x", wantErr: true},
		{name: "query", raw: "https://a.example.com/x?y=1", wantErr: true},
		{name: "scheme", raw: "javascript://a.example.com/x", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ParseProviderURL(tc.raw)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, u.String())
		})
	}
}

func TestTemplateMatcher(t *testing.T) {
	t.Parallel()
	m := NewTemplateMatcher("https://${connectionConfig.hostname}/services/oauth2/authorize || https://login.salesforce.com/services/oauth2/authorize")
	vals, ok := m.Match("https://acme.my.salesforce.com/services/oauth2/authorize")
	require.True(t, ok)
	host, _ := vals.String("hostname")
	assert.Equal(t, "acme.my.salesforce.com", host)
	vals, ok = m.Match("https://login.salesforce.com/services/oauth2/authorize")
	require.True(t, ok)
	host, _ = vals.String("hostname")
	assert.Equal(t, "login.salesforce.com", host, "the first alternative matches the fallback host too")
	_, ok = m.Match("https://evil.test/other")
	assert.False(t, ok)

	dashed := NewTemplateMatcher("https://${connectionConfig.accounts-server}/oauth")
	vals, ok = dashed.Match("https://accounts.zoho.eu/oauth")
	require.True(t, ok)
	server, _ := vals.String("accounts-server")
	assert.Equal(t, "accounts.zoho.eu", server)
}

// The scan that fills placeholders finds exactly what PlaceholderRE finds, on templates that
// are well formed and on templates that are not.
func TestFillPlaceholdersMatchesPlaceholderRE(t *testing.T) {
	config := NewOrderedMap()
	config.Set("a", "x/y")
	config.Set("sub", "acme")
	config.Set("", "empty-name")
	for _, tmpl := range []string{
		"", "plain", "${a}", "${connectionConfig.a}", "${ a }", "https://${sub}.example.com/${a}?q=${missing}&r=${a}",
		"${", "}", "${a", "$${a}}", "${${a}}", "${}", "x${a}y${", "${a}${sub}${a}", "${missing}${a}", "{a}$", "$ {a}", "${a}}", "${}}${a}",
	} {
		for _, encode := range []bool{false, true} {
			complete := true
			want := PlaceholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
				v, ok := config.String(strings.TrimPrefix(strings.TrimSpace(m[2:len(m)-1]), "connectionConfig."))
				if !ok {
					complete = false
					return m
				}
				if encode {
					return auth.EncodeURIComponent(v)
				}
				return v
			})
			got, ok := fillPlaceholders(tmpl, config, encode)
			require.Equal(t, want, got, "%q", tmpl)
			require.Equal(t, complete, ok, "%q", tmpl)
		}
	}
}

// The matcher's scan recovers what its regexp recovered (the first matching alternative, the
// regexp's choice of values), on URLs that fit a template and URLs that try not to.
func TestTemplateMatcherScansAsItsRegexp(t *testing.T) {
	templates := []string{
		"https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new",
		"https://${connectionConfig.hostname}/services/oauth2/authorize || https://login.salesforce.com/services/oauth2/authorize",
		"https://${connectionConfig.accounts-server}/oauth", "https://${a}.${b}.example.com/${c}/x", "https://${a}${b}/t",
		"https://fixed.example.com/token", "https://${a}.x.com/${a}", "https://${bad name}/x || https://${ok}/y", "${a}",
	}
	urls := []string{
		"https://acme.zendesk.com/oauth/authorizations/new", "https://acme.zendesk.com.zendesk.com/oauth/authorizations/new",
		"https://.zendesk.com/oauth/authorizations/new", "https://a/b.zendesk.com/oauth/authorizations/new", "https://a?.zendesk.com/oauth/authorizations/new",
		"https://acme.my.salesforce.com/services/oauth2/authorize", "https://login.salesforce.com/services/oauth2/authorize",
		"https://evil.test/other", "https://accounts.zoho.eu/oauth", "https://p.q.r.example.com/s/x", "https://p.q.example.com/s/x",
		"https://abc/t", "https://a/t", "https://fixed.example.com/token", "https://fixed.example.com/token/", "https://q.x.com/q",
		"https://q.x.com/r", "https://z/y", "https://z/x", "", "x", "a#b", "HTTPS://ACME.zendesk.com/oauth/authorizations/new",
	}
	for _, tmpl := range templates {
		m := NewTemplateMatcher(tmpl)
		var res []*regexp.Regexp
		for _, alt := range strings.Split(tmpl, "||") {
			alt = strings.TrimSpace(alt)
			expr, last := "^", 0
			for _, loc := range PlaceholderRE.FindAllStringSubmatchIndex(alt, -1) {
				name := strings.TrimPrefix(strings.TrimSpace(alt[loc[2]:loc[3]]), "connectionConfig.")
				expr += regexp.QuoteMeta(alt[last:loc[0]]) + "(?P<" + sanitizeGroupName(name) + ">[^/?#]+)"
				last = loc[1]
			}
			if re, err := regexp.Compile(expr + regexp.QuoteMeta(alt[last:]) + "$"); err == nil {
				res = append(res, re)
			}
		}
		for _, u := range urls {
			var want *OrderedMap
			for _, re := range res {
				if sub := re.FindStringSubmatch(u); sub != nil {
					want = NewOrderedMap()
					for i, name := range re.SubexpNames() {
						if name != "" {
							want.Set(restoreGroupName(name), sub[i])
						}
					}
					break
				}
			}
			got, ok := m.Match(u)
			require.Equal(t, want != nil, ok, "%s ~ %s", tmpl, u)
			if ok {
				require.Equal(t, want.Keys(), got.Keys(), "%s ~ %s", tmpl, u)
				for _, k := range want.Keys() {
					w, _ := want.Get(k)
					g, _ := got.Get(k)
					require.Equal(t, w, g, "%s ~ %s: %s", tmpl, u, k)
				}
			}
		}
	}
}

// validAuthority accepts exactly what ^[A-Za-z0-9.-]+(:[0-9]{1,5})?$ accepts.
func TestValidAuthorityAsItsRegexp(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]{1,5})?$`)
	for _, s := range []string{
		"", "a", "acme.zendesk.com", "127.0.0.1:3009", "a:", ":1", "a:123456", "a:12345", "a:1:2", "a:x", "evil.com#", "evil.com/",
		"user@evil.com", "a%2Fb", "ex ample", "[::1]:80", "a\n", "a:1\n", "é.com", "A-B.c-d", "a..b", "-", ".", "a:0",
	} {
		require.Equal(t, re.MatchString(s), validAuthority(s), "%q", s)
	}
}
