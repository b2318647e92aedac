//go:build unix

package network

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSaveRemovesStaleTemps: temporary files that a killed save left are
// removed by the next save of the same file; one that a save in progress
// holds (locked), other files' and fresh ones are not.
func TestSaveRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.json")
	old := time.Now().Add(-time.Minute)
	mk := func(name string, mod time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("half a model"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, mod, mod)
		return p
	}
	killed := mk(".m.json.tmp-123", old)
	killed2 := mk(".m.json.tmp-456", old)
	fresh := mk(".m.json.tmp-789", time.Now())
	other := mk(".n.json.tmp-123", old)
	busy := mk(".m.json.tmp-999", old)
	f, err := os.Open(busy) // a save in progress holds its file locked
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lockTemp(f)
	s := newConfig(t, configs[0], 10)
	if err := s.Model().Save(path); err != nil {
		t.Fatal(err)
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if exists(killed) || exists(killed2) {
		t.Error("a killed save's temporary file is still there")
	}
	if !exists(fresh) || !exists(other) {
		t.Error("removed a fresh temporary file or another file's")
	}
	if !exists(busy) {
		t.Error("removed the temporary file of a save in progress")
	}
	if _, err := LoadModel(path); err != nil {
		t.Fatal(err)
	}
}
