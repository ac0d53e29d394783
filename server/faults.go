package server

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Faults reproduce what real providers and networks do to an OAuth flow, so an app's tests can
// see what the SDK reports (docs/wire.md §8). They can be switched on for the whole server, for
// an integration (the config file), for a connect session (the body's nango_dev_faults) or for
// one flow (authorization_params[nango_dev_fault]); the sets add up.
const (
	faultCOOP           = "coop"            // the provider's pages send Cross-Origin-Opener-Policy: same-origin
	faultSlowConsent    = "slow_consent"    // the consent page answers after a delay
	faultToken500       = "token_500"       // the token endpoint answers 500
	faultTokenMalformed = "token_malformed" // the token endpoint answers 200 with broken JSON
	faultAccessDenied   = "access_denied"   // the consent page denies by itself
	faultAutoApprove    = "auto_approve"    // the consent page approves by itself (benchmarks)
	faultWSRefuse       = "ws_refuse"       // WebSocket upgrades are answered 503
	faultWSDrop         = "ws_drop"         // the flow's socket is cut when the popup heads for the provider
	faultCallbackDelay  = "callback_delay"  // the callback page is served after a delay
)

// faultParam is the authorize-query (and WebSocket-query) parameter that carries a flow's faults
// to the mock provider: `authorization_params: {nango_dev_fault: 'token_500,slow_consent:2s'}`.
const faultParam = "nango_dev_fault"

// faultDefaults lists every fault with its default delay (0: the fault takes none).
var faultDefaults = map[string]time.Duration{
	faultCOOP:           0,
	faultSlowConsent:    5 * time.Second,
	faultToken500:       0,
	faultTokenMalformed: 0,
	faultAccessDenied:   0,
	faultAutoApprove:    0,
	faultWSRefuse:       0,
	faultWSDrop:         0,
	faultCallbackDelay:  3 * time.Second,
}

// maxFaultDelay keeps a typo ("slow_consent:5h") from parking a request for hours.
const maxFaultDelay = 2 * time.Minute

// faultSet maps a fault to its delay (0 for the faults that take none).
type faultSet map[string]time.Duration

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

// parseFaults reads a list of fault specs; an item may itself be a comma-separated list.
func parseFaults(specs ...string) (faultSet, error) {
	set := faultSet{}
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

func (f faultSet) has(name string) bool {
	_, ok := f[name]
	return ok
}

// union returns a new set with the faults of both; other's delays win.
func (f faultSet) union(other faultSet) faultSet {
	out := make(faultSet, len(f)+len(other))
	for k, v := range f {
		out[k] = v
	}
	for k, v := range other {
		out[k] = v
	}
	return out
}

// String is the canonical list, as carried in the authorize query: sorted, delays explicit.
func (f faultSet) String() string {
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

// socketOnly are the faults that act on the WebSocket before any flow exists, so they cannot
// belong to an integration, a session or a flow.
func (f faultSet) socketOnly() []string {
	var out []string
	if f.has(faultWSRefuse) {
		out = append(out, faultWSRefuse)
	}
	return out
}

// errSocketFault explains why ws_refuse is refused where a flow is named.
func errSocketFault(where string) error {
	return fmt.Errorf("%s cannot hold %s: the SDK opens its WebSocket before it names a flow; set it server-wide (faults:) or per page with the SDK option websocketsPath: '/?%s=%s'", where, faultWSRefuse, faultParam, faultWSRefuse)
}

// errInvalidFault answers a flow or session that names a fault the server does not know.
func errInvalidFault(err error) *apiError {
	return newError(http.StatusBadRequest, "invalid_fault", "nango_dev_fault: "+err.Error())
}

// sleepFault waits out a fault's delay, or until the request is gone (the user closed the
// popup), and lifts the listener's write timeout for as long as the wait needs.
func sleepFault(ctx context.Context, w http.ResponseWriter, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + writeTimeout))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// flowFaults is the fault set of one popup flow: the integration's (server-wide included), the
// session's nango_dev_faults, and the flow's own authorization_params[nango_dev_fault] (or the
// older nango_dev_coop=same-origin).
func (a *api) flowFaults(in *integration, sess *connectSession, authParams *orderedMap) (faultSet, *apiError) {
	set := in.Faults.union(nil)
	if sess != nil {
		fromSession, err := parseFaults(sess.Faults...)
		if err != nil {
			return nil, errInvalidFault(err)
		}
		set = set.union(fromSession)
	}
	if v, ok := authParams.String(faultParam); ok {
		fromFlow, err := parseFaults(v)
		if err != nil {
			return nil, errInvalidFault(err)
		}
		if len(fromFlow.socketOnly()) > 0 {
			return nil, errInvalidFault(errSocketFault("authorization_params[nango_dev_fault]"))
		}
		set = set.union(fromFlow)
	}
	if v, _ := authParams.String(coopParam); v == "same-origin" {
		set[faultCOOP] = 0
	}
	return set, nil
}
