package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/nango-wasm/nango-wasm/internal/harness"
)

var env *Env

func TestMain(m *testing.M) {
	var err error
	env, err = Start(harness.OptionsFromEnv())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	env.Close()
	os.Exit(code)
}
