package tui

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// A terminal claiming 65535×65535 gets a MaxWidth×MaxHeight screen: what a
// frame costs never depends on the size a client claims.
func TestHugeWindowClamped(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 65535, 65535)
	for _, size := range [][2]int{{65535, 65535}, {-5, 1 << 40}, {1 << 40, 30}} {
		send(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(m.View().Content, "\n")
		if len(lines) > MaxHeight {
			t.Errorf("%v: %d lines, want at most %d", size, len(lines), MaxHeight)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > MaxWidth {
				t.Fatalf("%v: line %d is %d wide, want at most %d", size, i, w, MaxWidth)
			}
		}
	}
}

// In a sandbox a typed name may not lead out of the folder through a
// symlink, and must be a regular file if it exists.
func TestResolvePathSandbox(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(secret, []byte("a,b\n1,2\n"), 0o600))
	must(os.WriteFile(filepath.Join(dir, "mine.csv"), []byte("a,b\n1,2\n"), 0o600))
	must(os.Symlink(secret, filepath.Join(dir, "p.csv")))
	must(os.Symlink("../"+filepath.Base(outside)+"/secret.csv", filepath.Join(dir, "rel.csv")))
	must(os.Symlink("/nonexistent/x", filepath.Join(dir, "dangling.csv")))
	must(os.Symlink("mine.csv", filepath.Join(dir, "alias.csv")))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	for name, wantErr := range map[string]string{
		"mine.csv":     "",
		"new.json":     "",
		"alias.csv":    "", // a link that stays inside
		"p.csv":        "points outside your folder",
		"rel.csv":      "points outside your folder",
		"dangling.csv": "points outside your folder",
		"sub":          "not a regular file",
		"fifo":         "not a regular file",
	} {
		got, err := resolvePath(name, true, dir)
		switch {
		case wantErr == "" && (err != nil || got != filepath.Join(dir, name)):
			t.Errorf("%s: %q, %v; want %s", name, got, err, filepath.Join(dir, name))
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Errorf("%s: %q, %v; want an error saying %q", name, got, err, wantErr)
		}
	}
}
