package network

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestWriteStreams: the streaming encoder writes the state section with
// the same bytes as marshalling it whole (the format did not change).
func TestWriteStreams(t *testing.T) {
	for _, c := range configs {
		s := newConfig(t, c, 23)
		s.Run(60)
		s.Step(ByNeuron)
		var b bytes.Buffer
		if err := s.Model().Write(&b); err != nil {
			t.Fatal(err)
		}
		j, err := json.MarshalIndent(s.Model().f.State, "  ", " ")
		if err != nil {
			t.Fatal(err)
		}
		if want := `"state": ` + string(compactArrays(j)); !strings.Contains(b.String(), want) {
			t.Fatalf("%s: the state section differs from marshalling it whole:\n%s\nwant\n%s", c.name, b.String(), want)
		}
	}
}

// TestSaveMemory: saving allocates a small multiple of the file's size
// (the encoder streams one state field at a time).
func TestSaveMemory(t *testing.T) {
	h := DefaultHyper()
	h.Opt, h.Eta = Adam, 0.01
	s := mustStepper(t, mustNet(t, []int{64, 200, 10}, []Activation{Sigmoid, Softmax}, CrossEntropy, 1), h, synth(50, 64, 10, 1), Set{})
	s.SetUndoBudget(0)
	s.Run(120)
	path := filepath.Join(t.TempDir(), "m.json")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := s.Model().Save(path); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	ratio := float64(alloc) / float64(info.Size())
	t.Logf("saving a %d-byte model file allocated %d bytes (%.2f×)", info.Size(), alloc, ratio)
	if ratio > 1 {
		t.Errorf("saving allocated %.2f× the file's size, want at most 1×", ratio)
	}
}

// TestFailedSaveKeepsStepper: a save that fails (here: onto a folder, and
// into a missing one) reports it, leaves no temporary file, and the stepper
// trains on exactly as one that never saved.
func TestFailedSaveKeepsStepper(t *testing.T) {
	dir := t.TempDir()
	a, ref := newConfig(t, configs[2], 23), newConfig(t, configs[2], 23)
	a.Run(30)
	ref.Run(30)
	os.MkdirAll(filepath.Join(dir, "taken", "x"), 0o755)
	for _, path := range []string{filepath.Join(dir, "taken"), filepath.Join(dir, "missing", "m.json")} {
		if err := a.Model().Save(path); err == nil || !strings.Contains(err.Error(), "network: save "+path) {
			t.Fatalf("save to %s: %v", path, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	a.Run(40)
	ref.Run(40)
	sameWeights(t, "after a failed save", ref.Net(), a.Net())
	if a.Pos() != ref.Pos() || !slices.Equal(a.History(), ref.History()) || a.UndoDepth() != ref.UndoDepth() {
		t.Fatal("a failed save changed the stepper")
	}
}

// TestSaveMissingFolder: a save into a folder that does not exist says so,
// and does not name the temporary file the user never typed.
func TestSaveMissingFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nodir", "mine.json")
	err := WriteFileAtomic(path, []byte("{}"))
	want := "network: save " + path + ": folder " + filepath.Join(dir, "nodir") + " does not exist"
	if err == nil || err.Error() != want || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err %v, want %q", err, want)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err = WriteFileAtomic(filepath.Join(file, "mine.json"), []byte("{}"))
	if err == nil || !strings.HasSuffix(err.Error(), ": "+file+" is not a folder") || strings.Contains(err.Error(), tmpInfix) {
		t.Errorf("err %v", err)
	}
}
