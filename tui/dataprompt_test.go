package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataPromptUnknownName: a mistyped data set name is refused in a
// line that fits 80 columns, with the prompt kept (tab completes).
func TestDataPromptUnknownName(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	press(m, "d")
	p := promptOf(m)
	if p == nil {
		t.Fatal("no prompt")
	}
	for range len([]rune(p.Value())) {
		press(m, "backspace")
	}
	typeText(m, "foo")
	press(m, "enter")
	scr := screen(t, m)
	want := `✗ no data set "foo": not a built-in name (tab completes them) and no such file`
	if promptOf(m) == nil || !strings.Contains(scr, want) {
		t.Errorf("want %q on screen:\n%s", want, scr)
	}
	// a folder of that name keeps the data package's own hint (idx:DIR)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "mnistdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for range len([]rune(promptOf(m).Value())) {
		press(m, "backspace")
	}
	typeText(m, "mnistdir")
	press(m, "enter")
	if scr := screen(t, m); !strings.Contains(scr, "idx:") {
		t.Errorf("a folder: want the idx: hint:\n%s", scr)
	}
}

// TestLoadPromptCompletes: O completes the model files of the saves
// folder with tab.
func TestLoadPromptCompletes(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"model.json", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: dir}, 80, 24)
	press(m, "O")
	typeText(m, "mo")
	press(m, "tab")
	if p := promptOf(m); p == nil || p.Value() != "model.json" {
		t.Fatalf("tab: prompt %+v:\n%s", p, screen(t, m))
	}
}
