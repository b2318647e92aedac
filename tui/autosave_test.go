package tui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"backprop/network"
)

// TestAutosave: with Options.Autosave the trainer's network is written to
// SaveDir when it changed since the last autosave, and only then; the file
// loads.
func TestAutosave(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: dir, Autosave: time.Hour}, 120, 40)
	if m.autosaveTick() == nil {
		t.Fatal("no autosave tick with Autosave set")
	}
	path := filepath.Join(dir, "autosave-xor.json")
	save := func() bool {
		cmd := m.autosave()
		if cmd == nil {
			return false
		}
		msg := cmd().(autosaveDoneMsg)
		if msg.err != nil {
			t.Fatal(msg.err)
		}
		m.Update(msg)
		return true
	}
	if !save() {
		t.Fatal("the first autosave wrote nothing")
	}
	if _, err := network.LoadModel(path); err != nil {
		t.Fatalf("the autosave does not load: %v", err)
	}
	if save() {
		t.Error("an unchanged network was saved again")
	}
	press(m, "s") // a step: the network changed
	before, _ := os.ReadFile(path)
	if !save() {
		t.Fatal("a changed network was not saved")
	}
	if after, _ := os.ReadFile(path); string(after) == string(before) {
		t.Error("the autosave file did not change")
	}
	off := newTestModel(t, Options{Preset: "xor", SaveDir: dir}, 120, 40)
	if off.autosaveTick() != nil {
		t.Error("autosave without Options.Autosave")
	}
}
