package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// ErrHostNotAllowed marks a provider URL whose host, taken from the end user's connection
// config, is not a public DNS name. The server refuses it before any request: the token
// request carries the client secret, and the end user must not choose where it goes.
var ErrHostNotAllowed = errors.New("nango: a host from connection config must be a public DNS name")

// privateSuffixes are names that resolve, by convention or by RFC 6761/6762/8375, inside the
// machine or its network.
var privateSuffixes = []string{"localhost", "local", "internal", "localdomain", "home.arpa", "lan", "corp"}

// checkConfigHost refuses what cannot be a provider's public host before anything is resolved:
// IP literals (in every form a URL parser reads as IPv4: a last label that is a number, such
// as 127.1, 2130706433 or 0x7f000001), single-label names (a resolver's search list turns
// `metadata` into an internal name) and private suffixes. Names that resolve to a private
// address pass here and are refused where the token request dials (api's configHostClient),
// so a rebinding DNS answer cannot slip past a check made earlier.
func checkConfigHost(host string) error {
	name, _, _ := strings.Cut(host, ":")
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	labels := strings.Split(name, ".")
	last := labels[len(labels)-1]
	switch {
	case len(labels) < 2:
		return fmt.Errorf("%w: %q is a single-label name", ErrHostNotAllowed, host)
	case endsInNumber(last):
		return fmt.Errorf("%w: %q is an IP address", ErrHostNotAllowed, host)
	}
	for _, suffix := range privateSuffixes {
		if name == suffix || strings.HasSuffix(name, "."+suffix) {
			return fmt.Errorf("%w: %q is a local name", ErrHostNotAllowed, host)
		}
	}
	return nil
}

// endsInNumber is the WHATWG URL parser's test for an IPv4 host: a last label made of digits,
// or 0x and hex digits.
func endsInNumber(label string) bool {
	if hex, ok := strings.CutPrefix(label, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return label != "" && strings.Trim(label, "0123456789") == ""
}
