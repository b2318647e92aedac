package tui

import (
	"strings"
	"testing"

	"backprop/cli/setup"
)

// Screens laid out for their size (issue 18): text is wrapped, shortened
// on purpose or shown in full for the selected item, never cut where there
// is room for it.

// TestLauncherDescriptionsWhole: at 80×24 every description is whole (they
// were cut: "learns by w ←…", "(needs the MNIS…"); at the minimum size the
// selected one is shown in full, wrapped.
func TestLauncherDescriptionsWhole(t *testing.T) {
	m := newTestModel(t, Options{}, 80, 24)
	scr := screen(t, m)
	for _, p := range setup.Presets() {
		if !strings.Contains(scr, p.Teaches) {
			t.Errorf("80×24: %s's description %q is not whole:\n%s", p.Name, p.Teaches, scr)
		}
	}
	for _, l := range strings.Split(scr, "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " "), "…") && !strings.Contains(l, "…  ") {
			t.Errorf("80×24: a cut line: %q", l)
		}
	}
	m = newTestModel(t, Options{}, 60, 18)
	for i, p := range setup.Presets() {
		m.menu.cursor = i
		flat := strings.Join(strings.Fields(screen(t, m)), " ")
		if !strings.Contains(flat, strings.Join(strings.Fields(p.Teaches), " ")) {
			t.Errorf("60×18: the selected %s's description is not whole:\n%s", p.Name, screen(t, m))
		}
	}
}
