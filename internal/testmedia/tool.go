package testmedia

import (
	"os"
	"os/exec"
	"testing"
)

// NeedTool skips t when the command name is not installed, except under
// CI (the CI variable set), where `make deps` installs every tool the
// tests use: there a missing tool is a failure, not a skip that hides a
// missing install step.
func NeedTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (make deps installs it): %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
}
