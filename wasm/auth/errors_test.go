package auth

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPanicText(t *testing.T) {
	t.Parallel()
	var nilMap map[string]int
	runtimeErr := func() (r any) {
		defer func() { r = recover() }()
		nilMap["x"] = 1
		return nil
	}()
	assert.Equal(t, "boom", PanicText("boom"))
	assert.Equal(t, "cause", PanicText(errors.New("cause")))
	assert.Equal(t, "assignment to entry in nil map", PanicText(runtimeErr))
	assert.Equal(t, "a stringer", PanicText(stringer{}))
	assert.Equal(t, "a panic value that is not an error or a string", PanicText(42))
}

type stringer struct{}

func (stringer) String() string { return "a stringer" }
