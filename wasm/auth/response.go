package auth

// Response is what a Nango server answered to a non-popup auth call, as the browser layer read
// it: the status, and the body parsed as JSON when it is JSON.
type Response struct {
	Status     int
	StatusText string
	OK         bool
	// Body is the parsed JSON body; IsJSON is false when the body was empty or not JSON.
	Body   any
	IsJSON bool
	// Text is the start of a body that is not JSON, for the error message.
	Text string
}

// Check returns nil for a success (the caller resolves with Body, as the anchor resolves with
// res.json()), or the AuthError to reject with: the server's error envelope
// {"error":{"code","message"}} becomes AuthError(message, code), as in the anchor; anything that
// is not Nango's JSON (a proxy's HTML page, an empty body) gets a message that says what came back
// instead of the anchor's JSON parse exception.
func (r Response) Check() *AuthError {
	if r.OK && r.IsJSON {
		return nil
	}
	if !r.OK && r.IsJSON {
		if envelope, ok := r.Body.(*Object); ok {
			if e, ok := envelope.Object("error"); ok {
				code, _ := e.String("code")
				message, _ := e.String("message")
				if code != "" {
					return NewError(ErrorType(code), message)
				}
			}
		}
	}
	what := "a body that is not JSON"
	if r.IsJSON {
		what = "JSON without Nango's error envelope"
	} else if r.Text == "" {
		what = "an empty body"
	}
	msg := "The Nango server answered " + FormatNumber(float64(r.Status))
	if r.StatusText != "" {
		msg += " " + r.StatusText
	}
	msg += " with " + what
	if r.Text != "" {
		msg += ": " + truncate(r.Text, 200)
	}
	return NewError(InvalidResponse, msg)
}

// ReplyResult reads {providerConfigKey, connectionId, isPending?} as a Result: Nango's answer to
// a custom-auth or create() request, and the payload of the Connect UI's connect event.
// JavaScript callers get these objects as they came, as from the anchor; Go callers get this.
// Keys that are missing or not strings stay empty.
func ReplyResult(body any) Result {
	o, _ := body.(*Object)
	r, _ := resultFrom(o, "providerConfigKey", "connectionId", "isPending")
	return r
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
