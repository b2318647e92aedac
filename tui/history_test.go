package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveLossHistory: H writes the charted per-epoch history as CSV, in
// the format of `backprop train --history`. Before any epoch it says there
// is nothing to save instead of asking for a file name (the prompt then
// stayed open and swallowed the next keys).
func TestSaveLossHistory(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: dir}, 80, 24)
	press(m, "H")
	if promptOf(m) != nil || !m.app.flashErr || !strings.Contains(m.app.flash, "no loss history yet") {
		t.Fatalf("before any epoch: prompt %v, flash %q", promptOf(m) != nil, m.app.flash)
	}
	if scr := screen(t, m); !strings.Contains(scr, "no loss history yet: it has a row per finished epoch (e steps one)") {
		t.Fatalf("the reason is not on screen:\n%s", scr)
	}
	press(m, "e", "e", "H", "enter")
	if promptOf(m) != nil {
		t.Fatalf("prompt still open: %+v", promptOf(m))
	}
	b, err := os.ReadFile(filepath.Join(dir, "xor-history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || lines[0] != "epoch,loss,accuracy,val_loss,val_accuracy" ||
		!strings.HasPrefix(lines[1], "1,") || !strings.HasPrefix(lines[2], "2,") {
		t.Fatalf("history file:\n%s", b)
	}
	if !strings.Contains(m.app.flash, "saved 2 epochs of loss history") {
		t.Fatalf("flash %q", m.app.flash)
	}
}
