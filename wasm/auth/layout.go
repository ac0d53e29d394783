package auth

import (
	"math"
	"strings"
)

// Layout is the popup's position and size.
type Layout struct {
	Left, Top, Width, Height float64
}

// ComputeLayout centres a w×h popup on the screen (window.screen, not the browser window), as
// @nangohq/frontend's computeLayout does; the position may be fractional.
func ComputeLayout(screenW, screenH, w, h float64) Layout {
	return Layout{
		Left:   math.Max(screenW/2-w/2, 0),
		Top:    math.Max(screenH/2-h/2, 0),
		Width:  math.Min(w, screenW),
		Height: math.Min(h, screenH),
	}
}

// WindowFeatures is the window.open features string of @nangohq/frontend, in its order. It has
// no noopener on purpose: the callback page needs window.opener.
func WindowFeatures(l Layout) string {
	parts := []string{
		"left=" + FormatNumber(l.Left),
		"top=" + FormatNumber(l.Top),
		"width=" + FormatNumber(l.Width),
		"height=" + FormatNumber(l.Height),
		"scrollbars=yes", "resizable=yes", "status=no", "toolbar=no",
		"location=no", "copyhistory=no", "menubar=no", "directories=no",
	}
	return strings.Join(parts, ",")
}
