//go:build unix

package network

import (
	"io"
	"os"
	"os/exec"
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

// TestKilledSave kills a process in the middle of a save (SIGKILL, after
// its temporary file is written and locked) and checks that the next save
// of the same file removes what it left.
func TestKilledSave(t *testing.T) {
	if os.Getenv("BACKPROP_KILLED_SAVE") != "" {
		path := os.Getenv("BACKPROP_KILLED_SAVE")
		WriteAtomic(path, func(w io.Writer) error {
			w.Write([]byte("half a model"))
			os.WriteFile(path+".ready", nil, 0o644)
			time.Sleep(time.Hour) // until killed (select{} would die as a deadlock, freeing the lock)
			return nil
		})
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSave$")
	cmd.Env = append(os.Environ(), "BACKPROP_KILLED_SAVE="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path + ".ready"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper never started its save")
		}
	}
	temps, _ := filepath.Glob(filepath.Join(dir, ".m.json.tmp-*"))
	if len(temps) != 1 {
		t.Fatalf("temporary files %v", temps)
	}
	if abandoned(temps[0]) {
		t.Fatal("a save in progress does not hold its file locked")
	}
	cmd.Process.Kill()
	cmd.Wait()
	old := time.Now().Add(-time.Minute) // as if the next save came a minute later
	os.Chtimes(temps[0], old, old)
	if err := newConfig(t, configs[0], 10).Model().Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(temps[0]); !os.IsNotExist(err) {
		t.Fatalf("the killed save's %s is still there (%v)", temps[0], err)
	}
}
