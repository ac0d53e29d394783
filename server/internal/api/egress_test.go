package api

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realSalesforce adds a Salesforce integration with Salesforce's own endpoints, whose host
// comes from the end user's connection config, and makes every outbound connection of the API
// host fail the test unless the test opts in: nothing here may leave loopback.
func realSalesforce(t *testing.T, h *apiHost) *bytes.Buffer {
	t.Helper()
	sf, _ := h.catalog.Get("salesforce")
	h.integrations.Add(&Integration{UniqueKey: "salesforce-real", Provider: sf, ClientID: "id", ClientSecret: "the-client-secret",
		Real: true, AuthorizationURL: sf.AuthorizationURL, TokenURL: sf.TokenURL, CreatedAt: time.Now()})
	h.client = &http.Client{Transport: &http.Transport{DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
		t.Errorf("the API host dialled %s with its own client", addr)
		return nil, net.UnknownNetworkError("refused by the test")
	}}}
	logs := &bytes.Buffer{}
	h.log = slog.New(slog.NewTextHandler(logs, nil))
	return logs
}

// A host typed by the end user that names the machine, its network or a metadata service is
// refused at /oauth/connect, before anything is resolved or dialled; the popup says so without
// naming it, and the log has the detail.
func TestConfigHostRefusedBeforeAnyConnection(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	logs := realSalesforce(t, h)
	h.configHosts = configHostClient(h.client, &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		t.Error("a refused host was resolved")
		return nil, net.UnknownNetworkError("refused by the test")
	}}, func(network, address string, _ syscall.RawConn) error {
		t.Errorf("a refused host was dialled: %s", address)
		return net.UnknownNetworkError("refused by the test")
	})
	for _, host := range []string{"127.0.0.1", "169.254.169.254", "10.1.2.3", "2130706433", "localhost", "metadata.google.internal"} {
		c := webtest.Browser(t)
		token := webtest.CreateSession(t, h, webtest.DemoEndUser)
		resp := webtest.Get(t, c, webtest.ConnectURL(h, "salesforce-real", token, "params[hostname]="+url.QueryEscape(host)), webtest.PopupHeaders)
		assert.Equal(t, http.StatusBadRequest, resp.Status, host)
		msg := webtest.PostedMessage(t, resp.Body)
		assert.Equal(t, "nango_oauth_callback_error", msg["type"], "the error page still reports to the opener")
		payload := msg["payload"].(map[string]any)
		assert.Equal(t, "invalid_connection_config", payload["errorType"], host)
		assert.NotContains(t, payload["message"], host, "the popup does not name the host")
		assert.NotContains(t, resp.Body, host)
		assert.Contains(t, logs.String(), host, "the log names it")
	}
}

// A public-looking name that resolves to a private address is refused where the token
// request dials, after resolution and before a connection is attempted: a DNS answer that
// changes between /oauth/connect and the callback (rebinding) cannot slip past. The resolver
// here is the test's own, answering 127.0.0.1 for every name.
func TestConfigHostResolvingToLoopbackRefusedAtDial(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	logs := realSalesforce(t, h)
	var mu sync.Mutex
	var dialled []string
	var refusals []error
	h.configHosts = configHostClient(h.client, loopbackDNS(t), func(network, address string, c syscall.RawConn) error {
		err := publicOnly(network, address, c)
		mu.Lock()
		defer mu.Unlock()
		dialled, refusals = append(dialled, address), append(refusals, err)
		if err == nil {
			t.Errorf("the dialer let %s through", address)
			return net.UnknownNetworkError("refused by the test")
		}
		return err
	})
	c := webtest.Browser(t)
	token := webtest.CreateSession(t, h, webtest.DemoEndUser)
	connect := webtest.Get(t, c, webtest.ConnectURL(h, "salesforce-real", token, "params[hostname]=rebind.example.com"), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, connect.Status, connect.Body)
	authorize, err := url.Parse(connect.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "rebind.example.com", authorize.Host, "the popup goes to the host the user named")

	page := webtest.Get(t, c, h.CallbackURL()+"?code=a-code&state="+authorize.Query().Get("state"), nil)
	msg := webtest.PostedMessage(t, page.Body)
	require.Equal(t, "nango_oauth_callback_error", msg["type"], page.Body)
	message := msg["payload"].(map[string]any)["message"].(string)
	assert.Equal(t, "Unknown error during the Oauth flow. The provider's token endpoint could not be reached.", message)
	assert.NotContains(t, page.Body, "127.0.0.1")
	mu.Lock()
	assert.Equal(t, []string{"127.0.0.1:443"}, dialled, "the only address tried is the resolved one, and it is refused")
	mu.Unlock()
	assert.Contains(t, logs.String(), "127.0.0.1", "the log has the detail")
}

// loopbackDNS is a resolver whose server is in the test: every A question is answered
// 127.0.0.1, every other question with no answer. It speaks DNS over a net.Pipe, so it sends
// nothing on any network.
func loopbackDNS(t *testing.T) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		client, server := net.Pipe()
		go func() {
			defer server.Close()
			for {
				var size uint16
				if binary.Read(server, binary.BigEndian, &size) != nil {
					return
				}
				query := make([]byte, size)
				if _, err := io.ReadFull(server, query); err != nil {
					return
				}
				answer := answerLoopback(query)
				binary.Write(server, binary.BigEndian, uint16(len(answer)))
				server.Write(answer)
			}
		}()
		return client, nil
	}}
}

// answerLoopback answers a DNS query (RFC 1035 §4.1): its id and question, and for an A
// question one record, 127.0.0.1.
func answerLoopback(query []byte) []byte {
	end := 12
	for end < len(query) && query[end] != 0 {
		end += int(query[end]) + 1
	}
	end += 5 // the root label, QTYPE, QCLASS
	question := query[12:end]
	isA := question[len(question)-4] == 0 && question[len(question)-3] == 1
	answers := uint16(0)
	if isA {
		answers = 1
	}
	out := append([]byte{}, query[0], query[1], 0x81, 0x80, 0, 1, byte(answers>>8), byte(answers), 0, 0, 0, 0)
	out = append(out, question...)
	if isA {
		out = append(out, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1)
	}
	return out
}
