package auth

// Trusted decides whether a message event may settle an auth() flow, or reach a ConnectUI from
// its iframe (fromFlowWindow is then whether it came from that iframe's window). Both checks are needed:
// the origin alone would trust any Nango-hosted page in any window (another tab of the same
// app, a stale popup), and the source alone would trust whatever page the popup was navigated
// to (a provider page, an attacker's redirect). It returns the reason for a refusal, for the
// debug log; refused messages are otherwise ignored silently.
func Trusted(origin, hostOrigin string, fromFlowWindow bool) (bool, string) {
	if origin != hostOrigin {
		return false, "ignored a message from origin " + origin + " (expected " + hostOrigin + ")"
	}
	if !fromFlowWindow {
		return false, "ignored a message from " + origin + " that did not come from the authorization window"
	}
	return true, ""
}
