package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Faults reproduce what real providers and networks do to an OAuth flow, so an app's tests can
// see what the SDK reports (docs/wire.md §8). They can be switched on for the whole server, for
// an integration (the config file), for a connect session (the body's nango_dev_faults) or for
// one flow (authorization_params[nango_dev_fault]); the sets add up.
const (
	FaultCOOP           = "coop"            // the provider's pages send Cross-Origin-Opener-Policy: same-origin
	FaultSlowConsent    = "slow_consent"    // the consent page answers after a delay
	FaultToken500       = "token_500"       // the token endpoint answers 500
	FaultTokenMalformed = "token_malformed" // the token endpoint answers 200 with broken JSON
	FaultAccessDenied   = "access_denied"   // the consent page denies by itself
	FaultAutoApprove    = "auto_approve"    // the consent page approves by itself (benchmarks)
	FaultWSRefuse       = "ws_refuse"       // WebSocket upgrades are answered 503
	FaultWSDrop         = "ws_drop"         // the flow's socket is cut when the popup heads for the provider
	FaultCallbackDelay  = "callback_delay"  // the callback page is served after a delay
)

// FaultParam is the authorize-query (and WebSocket-query) parameter that carries a flow's faults
// to the mock provider: `authorization_params: {nango_dev_fault: 'token_500,slow_consent:2s'}`.
const FaultParam = "nango_dev_fault"

// faultDefaults lists every fault with its default delay (0: the fault takes none).
var faultDefaults = map[string]time.Duration{
	FaultCOOP:           0,
	FaultSlowConsent:    5 * time.Second,
	FaultToken500:       0,
	FaultTokenMalformed: 0,
	FaultAccessDenied:   0,
	FaultAutoApprove:    0,
	FaultWSRefuse:       0,
	FaultWSDrop:         0,
	FaultCallbackDelay:  3 * time.Second,
}

// maxFaultDelay keeps a typo ("slow_consent:5h") from parking a request for hours.
const maxFaultDelay = 2 * time.Minute

// FaultSet maps a fault to its delay (0 for the faults that take none).
type FaultSet map[string]time.Duration

// parseFault reads "name" or "name:duration" (for slow_consent and callback_delay).
func parseFault(spec string) (string, time.Duration, error) {
	name, rawDelay, hasDelay := strings.Cut(strings.TrimSpace(spec), ":")
	def, known := faultDefaults[name]
	if !known {
		return "", 0, fmt.Errorf("unknown fault %q (known: %s)", name, strings.Join(faultNames(), ", "))
	}
	if !hasDelay {
		return name, def, nil
	}
	if def == 0 {
		return "", 0, fmt.Errorf("fault %q takes no delay", name)
	}
	d, err := time.ParseDuration(rawDelay)
	if err != nil || d < 0 || d > maxFaultDelay {
		return "", 0, fmt.Errorf("fault %q: the delay %q must be a duration between 0s and %s", name, rawDelay, maxFaultDelay)
	}
	return name, d, nil
}

// ParseFaults reads a list of fault specs; an item may itself be a comma-separated list.
func ParseFaults(specs ...string) (FaultSet, error) {
	set := FaultSet{}
	for _, spec := range specs {
		for _, item := range strings.Split(spec, ",") {
			if strings.TrimSpace(item) == "" {
				continue
			}
			name, d, err := parseFault(item)
			if err != nil {
				return nil, err
			}
			set[name] = d
		}
	}
	return set, nil
}

func faultNames() []string { return slices.Sorted(maps.Keys(faultDefaults)) }

// Has tells whether the set holds a fault.
func (f FaultSet) Has(name string) bool {
	_, ok := f[name]
	return ok
}

// Union returns a new set with the faults of both; other's delays win.
func (f FaultSet) Union(other FaultSet) FaultSet {
	out := make(FaultSet, len(f)+len(other))
	for k, v := range f {
		out[k] = v
	}
	for k, v := range other {
		out[k] = v
	}
	return out
}

// String is the canonical list, as carried in the authorize query: sorted, delays explicit.
func (f FaultSet) String() string {
	parts := make([]string, 0, len(f))
	for name, d := range f {
		if faultDefaults[name] != 0 {
			parts = append(parts, name+":"+d.String())
		} else {
			parts = append(parts, name)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// SocketOnly are the faults that act on the WebSocket before any flow exists, so they cannot
// belong to an integration, a session or a flow.
func (f FaultSet) SocketOnly() []string {
	var out []string
	if f.Has(FaultWSRefuse) {
		out = append(out, FaultWSRefuse)
	}
	return out
}

// SocketFaultError explains why ws_refuse is refused where a flow is named.
func SocketFaultError(where string) error {
	return fmt.Errorf("%s cannot hold %s: the SDK opens its WebSocket before it names a flow; set it server-wide (faults:) or per page with the SDK option websocketsPath: '/?%s=%s'", where, FaultWSRefuse, FaultParam, FaultWSRefuse)
}

// COOPParam is the older, COOP-only form of a flow fault: the SDK passes
// `authorization_params: {nango_dev_coop: 'same-origin'}`. It means the same as
// nango_dev_fault=coop.
const COOPParam = "nango_dev_coop"
