package api

import (
	"net"
	"net/http"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// dialControl is a net.Dialer's Control hook: it sees each address after resolution and
// before the connection is attempted.
type dialControl func(network, address string, c syscall.RawConn) error

// configHostClient is the client for requests to a host the end user chose through connection
// config (catalog.ProviderURL.HostFromConfig). Its dialer refuses every address that is not
// public (loopback, link-local, private, CGNAT, …: IANA's special-purpose registries, with
// code.dny.dev/ssrf) and every port but 80 and 443, on each address the name resolves to,
// redirects included. The check runs in the dialer, after resolution, so a name that answers
// a public address first and 127.0.0.1 later cannot slip past. Hosts the operator configured
// (the mock provider, endpoints: real) keep using the API's own client.
func configHostClient(base *http.Client, resolver *net.Resolver, control dialControl) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	t := &http.Transport{}
	if bt, ok := base.Transport.(*http.Transport); ok {
		t = bt.Clone()
	}
	t.Proxy = nil // through a proxy the dialer would check the proxy's address, not the host's
	dialer := &net.Dialer{Timeout: 10 * time.Second, Resolver: resolver, Control: control}
	t.DialContext = dialer.DialContext
	t.DialTLSContext = nil
	return &http.Client{Transport: t, Timeout: base.Timeout}
}

// publicOnly is the Control hook of configHostClient.
var publicOnly dialControl = ssrf.New().Safe
