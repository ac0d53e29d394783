package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Dockerfile at the repository's root, read with BuildKit's own parser (no Docker daemon
// here to build it): a build stage on the Go version go.mod names that builds nango-dev with the
// SDK embedded, and a final stage that holds only that binary, runs as a non-root user, and
// listens on every interface on the ports it exposes.
func TestDockerfile(t *testing.T) {
	f, err := os.Open("../../../Dockerfile")
	require.NoError(t, err)
	defer f.Close()
	ast, err := parser.Parse(f)
	require.NoError(t, err)
	for _, w := range ast.Warnings {
		t.Errorf("Dockerfile:%d: %s", w.Location.Start.Line, w.Short)
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	require.NoError(t, err)
	require.Len(t, stages, 2, "a build stage and a run stage")
	build, run := stages[0], stages[1]

	goMod, err := os.ReadFile("../../../go.mod")
	require.NoError(t, err)
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(goMod)
	require.NotNil(t, goVersion)
	assert.True(t, strings.HasPrefix(build.BaseName, "golang:"+string(goVersion[1])+"-"),
		"the build stage uses go.mod's Go (%s), not %s", goVersion[1], build.BaseName)
	assert.Contains(t, commands[*instructions.RunCommand](build), "make dist/nango-dev",
		"the binary is make's: static, -trimpath, the SDK embedded")

	copies := instructionsOf[*instructions.CopyCommand](run)
	require.Len(t, copies, 1, "the run stage holds the binary only")
	copied := copies[0]
	assert.Equal(t, build.Name, copied.From)
	assert.Equal(t, []string{"/src/dist/nango-dev"}, copied.SourcePaths)

	users := instructionsOf[*instructions.UserCommand](run)
	require.NotEmpty(t, users, "the run stage sets a user")
	user := users[len(users)-1].User
	assert.NotContains(t, []string{"root", "0", "root:root", "0:0"}, user, "not root")

	entrypoints := instructionsOf[*instructions.EntrypointCommand](run)
	require.Len(t, entrypoints, 1)
	entry := entrypoints[0]
	assert.False(t, entry.PrependShell, "exec form: signals reach nango-dev, not a shell")
	assert.Equal(t, "/usr/local/bin/nango-dev", entry.CmdLine[0])
	var exposed []string
	for _, e := range instructionsOf[*instructions.ExposeCommand](run) {
		exposed = append(exposed, e.Ports...)
	}
	for _, flag := range []string{"-app", "-api", "-provider", "-connect"} {
		i := slices.Index(entry.CmdLine, flag)
		require.GreaterOrEqual(t, i, 0, "the entrypoint sets %s", flag)
		port, ok := strings.CutPrefix(entry.CmdLine[i+1], ":")
		assert.True(t, ok, "%s listens on every interface, not %q", flag, entry.CmdLine[i+1])
		assert.Contains(t, exposed, port, "%s's port is exposed", flag)
	}
}

func instructionsOf[T instructions.Command](stage instructions.Stage) []T {
	var out []T
	for _, cmd := range stage.Commands {
		if c, ok := cmd.(T); ok {
			out = append(out, c)
		}
	}
	return out
}

// commands is the source text of a stage's instructions of one kind, one per line.
func commands[T instructions.Command](stage instructions.Stage) string {
	var lines []string
	for _, c := range instructionsOf[T](stage) {
		lines = append(lines, fmt.Sprint(c))
	}
	return strings.Join(lines, "\n")
}
