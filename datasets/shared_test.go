package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestSharedOneCopy: sessions that load the mnist preset through one
// Shared get the same bytes (one load, pointer identity), each its own
// Dataset value marked Shared; Samples is a view of the shared rows; a
// failed load is not kept; other sets are loaded per caller.
func TestSharedOneCopy(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, mkdir(t, dir, "mnist"), 12, 5, true, nil)
	c := NewShared()
	spec := Spec{Name: "mnist", DataDir: dir}
	var wg sync.WaitGroup
	got := make([]*Dataset, 8)
	for i := range got {
		wg.Go(func() {
			d, err := c.Load(spec)
			if err != nil {
				t.Error(err)
			}
			got[i] = d
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if c.Loads() != 1 {
		t.Fatalf("8 sessions made %d loads, want 1", c.Loads())
	}
	for _, d := range got[1:] {
		if d == got[0] || !d.Shared || &d.Train.U8.Bytes(0)[0] != &got[0].Train.U8.Bytes(0)[0] || &d.Test.Y[0][0] != &got[0].Test.Y[0][0] {
			t.Fatal("sessions do not share one copy of the rows, or share the Dataset value itself")
		}
	}
	few, err := c.Load(Spec{Name: "mnist", DataDir: dir, Samples: 4})
	if err != nil || few.Train.Len() != 4 || few.Test.Len() != 4 || &few.Train.U8.Bytes(0)[0] != &got[0].Train.U8.Bytes(0)[0] || c.Loads() != 1 {
		t.Fatalf("Samples 4: %v, %d/%d rows, %d loads", err, few.Train.Len(), few.Test.Len(), c.Loads())
	}
	if _, err := c.Load(Spec{Name: "mnist", DataDir: dir, MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a limit below the shared copy's size: %v", err)
	}
	missing := Spec{Name: "fashion-mnist", DataDir: t.TempDir()}
	if _, err := c.Load(missing); !errors.Is(err, ErrNoIDX) {
		t.Fatalf("missing files: %v", err)
	}
	writeIDX(t, mkdir(t, missing.DataDir, "fashion-mnist"), 3, 2, false, nil)
	if d, err := c.Load(missing); err != nil || d.Train.Len() != 3 || c.Loads() != 3 {
		t.Errorf("after the files appear: %v, %d loads", err, c.Loads())
	}
	a, _ := c.Load(Spec{Name: "digits", Seed: 1})
	b, _ := c.Load(Spec{Name: "digits", Seed: 1})
	if a.Shared || &a.Train.X[0][0] == &b.Train.X[0][0] || c.Loads() != 3 {
		t.Error("digits (split and normalised per session) went through the cache")
	}
}

func mkdir(t *testing.T, dir, name string) string {
	p := filepath.Join(dir, name)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
