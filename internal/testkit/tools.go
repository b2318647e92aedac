package testkit

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"testing"
)

// NeedTools skips the test when one of the named programs is not on PATH,
// unless CI=true: CI installs them (.ci/run), so there it is a failure.
func NeedTools(tb testing.TB, tools ...string) {
	tb.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("%s is required under CI=true (.ci/run installs it): %v", tool, err)
			}
			tb.Skipf("%s not installed", tool)
		}
	}
}

// Build compiles the main package pkg (an import path such as "backprop",
// or a directory such as ".") into a temporary directory and returns the
// binary's path. It skips under -short.
func Build(tb testing.TB, pkg string) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("-short: builds the binary")
	}
	name := path.Base(pkg)
	if name == "." || name == "/" || name == ".." {
		name = "prog"
	}
	bin := filepath.Join(tb.TempDir(), name)
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}
