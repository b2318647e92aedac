package tui

import (
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
}
