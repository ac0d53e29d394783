package catalog

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A host the end user types (Salesforce's hostname) never names the machine, its network or a
// cloud's metadata service, in any spelling a URL parser reads as an address; a host the
// operator's template fixes is taken as it is.
func TestInterpolateURLRefusesPrivateConfigHosts(t *testing.T) {
	t.Parallel()
	const salesforce = "https://${connectionConfig.hostname}/services/oauth2/token || https://login.salesforce.com/services/oauth2/token"
	for _, host := range []string{
		"127.0.0.1", "169.254.169.254", "10.0.0.1", "192.168.1.1", "0.0.0.0", "127.1", "2130706433", "0x7f000001", "0x7F000001",
		"1.2.3.4.", "localhost", "LOCALHOST", "api.localhost", "metadata", "metadata.google.internal", "printer.local", "nas.home.arpa",
	} {
		t.Run(host, func(t *testing.T) {
			_, ok, err := InterpolateURL(salesforce, configOf("hostname", host))
			require.True(t, ok)
			assert.True(t, errors.Is(err, ErrHostNotAllowed), "%s: %v", host, err)
		})
	}
	for _, host := range []string{"[::1]", "::1", "127.0.0.1:22", "evil.com/x", "u@evil.com"} {
		_, _, err := InterpolateURL(salesforce, configOf("hostname", host))
		assert.Error(t, err, host)
	}

	u, ok, err := InterpolateURL(salesforce, configOf("hostname", "acme.my.salesforce.com"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, ProviderURL{Scheme: "https", Host: "acme.my.salesforce.com", Path: "/services/oauth2/token", HostFromConfig: true}, u)

	u, _, err = InterpolateURL(salesforce, configOf())
	require.NoError(t, err)
	assert.False(t, u.HostFromConfig, "the fallback's host is the template's")

	u, _, err = InterpolateURL("https://${connectionConfig.subdomain}.zendesk.com/oauth/tokens", configOf("subdomain", "127"))
	require.NoError(t, err, "a label under the provider's own domain stays in it")
	assert.Equal(t, "127.zendesk.com", u.Host)

	u, _, err = InterpolateURL("http://127.0.0.1:4000/oauth/token/https/${connectionConfig.subdomain}.zendesk.com/x", configOf("subdomain", "acme"))
	require.NoError(t, err, "the operator's own loopback endpoint")
	assert.False(t, u.HostFromConfig)
}
