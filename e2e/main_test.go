package e2e

import (
	"fmt"
	"os"
	"testing"
)

var env *Env

func TestMain(m *testing.M) {
	var err error
	env, err = Start(OptionsFromEnv())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	env.Close()
	os.Exit(code)
}
