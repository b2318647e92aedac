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

// TestRunStartsWatchable: run mode starts slow enough to watch small data
// learn — about two weight updates a tick (it started at 20 samples a tick:
// XOR was solved in some 3 s) — and at full speed on big data; + and -
// still reach every speed.
func TestRunStartsWatchable(t *testing.T) {
	for _, tc := range []struct {
		preset string
		want   int // samples per tick; 0: full speed
	}{
		{"xor", 2}, {"and", 2}, {"circle", 20}, {"spiral", 20}, {"iris", 20}, {"digits", 0},
	} {
		m := newTestModel(t, Options{Preset: tc.preset}, 80, 24)
		if got := speedLevels()[m.tr.run.speed]; got != tc.want {
			t.Errorf("%s starts at %d samples a tick, want %d", tc.preset, got, tc.want)
		}
	}
	// xor: one tick trains two samples (two updates), so a 300-epoch
	// solution takes 600 ticks, 30 s at 20 Hz
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	press(m, "r")
	steps := m.tr.sess.st.Pos().Steps
	m.Update(runTickMsg{id: m.tr.run.id})
	if d := m.tr.sess.st.Pos().Steps - steps; d != 2 {
		t.Errorf("xor's first tick trained %d samples, want 2", d)
	}
}
