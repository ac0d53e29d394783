package engines

import (
	"fmt"
	"os"
	"testing"

	"github.com/nango-wasm/nango-wasm/e2e"
)

// env is the e2e harness: the dev server, the fixture app and its Chromium.
var env *e2e.Env

func TestMain(m *testing.M) {
	var err error
	env, err = e2e.Start(e2e.OptionsFromEnv())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	env.Close()
	os.Exit(code)
}
