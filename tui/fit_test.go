package tui

import (
	"fmt"
	"strings"
	"testing"

	"backprop/cli/setup"
	"backprop/internal/numfmt"
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

// TestTabRowFits: the tab row drops its hint, then abbreviates, rather
// than cut (beside a lesson at 120×40 it ended "v: next p…"); a click maps
// to the tab drawn there.
func TestTabRowFits(t *testing.T) {
	for _, w := range []int{60, 61, 72, 80} {
		m := newTestModel(t, Options{Preset: "xor"}, w, 24)
		row := strings.Split(screen(t, m), "\n")[0]
		if strings.Contains(row, "…") {
			t.Errorf("w=%d: tab row cut: %q", w, row)
		}
		for i, k := range tabbedPanes() {
			x := strings.Index(row, fmt.Sprintf(" %d", i+1))
			if x < 0 {
				t.Fatalf("w=%d: no tab %d in %q", w, i+1, row)
			}
			if got, ok := tabAt(len([]rune(row[:x]))+1, w, m.tr.tab, m.tr.paneTitle); !ok || got != k {
				t.Errorf("w=%d: a click on tab %d gives %v %v", w, i+1, got, ok)
			}
		}
	}
}

// TestBenchNotCut: no line of the bench is cut, on any problem, at 80×24
// or 120×40 (beside the plot at 80 columns θ's note was
// "threshold, bias b …").
func TestBenchNotCut(t *testing.T) {
	for _, sz := range screenSizes {
		m := newTestModel(t, Options{Preset: "vacation"}, sz[0], sz[1])
		for p := 0; p < 6; p++ {
			press(m, "s", "s", "s", "s", "s")
			if scr := screen(t, m); strings.Contains(scr, "…") {
				t.Errorf("%dx%d problem %d: a line is cut:\n%s", sz[0], sz[1], p, scr)
			}
			press(m, "d")
		}
	}
}

// paneText is the text inside pane k's border on m's screen.
func paneText(t *testing.T, m *Model, k PaneKind) string {
	t.Helper()
	r, ok := m.tr.layout(m.w, m.h).Pane(k)
	if !ok {
		t.Fatalf("no %s pane", k)
	}
	rows := strings.Split(screen(t, m), "\n")
	var out []string
	for y := r.Y + 1; y < r.Y+r.H-1; y++ {
		row := []rune(rows[y])
		out = append(out, string(row[r.X+1:r.X+r.W-1]))
	}
	return strings.Join(out, "\n")
}

// TestPanesLaidOutAt120x40: the lines issue 18 found cut at 120×40 are
// whole: the Sample pane's position and cost, the Inspector's epoch line,
// the Loss legend with the test loss, Boundary's legend.
func TestPanesLaidOutAt120x40(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 120, 40)
	press(m, "s", "s", "space", "space", "space", "space", "space", "space", "space") // to accumulate
	sample := flat(paneText(t, m, PaneSample))
	tr := m.tr.sess.st.Trace()
	for _, want := range []string{"epoch 1 · batch 3/4 · sample 1/1", "cost " + numfmt.F(tr.Cost, 3) + " · batch mean"} {
		if !strings.Contains(sample, want) {
			t.Errorf("Sample lacks %q:\n%s", want, paneText(t, m, PaneSample))
		}
	}
	if b := flat(paneText(t, m, PaneBoundary)); !strings.Contains(b, "● 0 ● 1 ◉ sample") {
		t.Errorf("Boundary's legend is not whole:\n%s", paneText(t, m, PaneBoundary))
	}
	m = newTestModel(t, Options{Preset: "circle"}, 120, 40)
	press(m, "e", "e")
	ins := flat(paneText(t, m, PaneInspector))
	h := m.tr.sess.st.History()
	last := h[len(h)-1]
	want := "epoch 2: loss " + numfmt.F(last.TrainLoss, 3) + ", accuracy"
	if !strings.Contains(ins, want) || !strings.Contains(ins, "· test "+numfmt.F(last.TestLoss, 3)) {
		t.Errorf("Inspector's epoch line is not whole (want %q):\n%s", want, paneText(t, m, PaneInspector))
	}
	if l := flat(paneText(t, m, PaneLoss)); !strings.Contains(l, "━ test "+numfmt.F(last.TestLoss, 3)+" acc") {
		t.Errorf("Loss legend is not whole:\n%s", paneText(t, m, PaneLoss))
	}
	for _, k := range []PaneKind{PaneSample, PaneInspector, PaneLoss, PaneBoundary, PaneWeights, PaneActivations, PaneTopology} {
		if s := paneText(t, m, k); strings.Contains(s, "…\n") || strings.HasSuffix(s, "…") {
			t.Errorf("%s cuts a line:\n%s", k, s)
		}
	}
}

// TestStatusWhileRunning: at 80 columns the status bar leaves fields out
// rather than cut the last ("trai…").
func TestStatusWhileRunning(t *testing.T) {
	m := newTestModel(t, Options{Preset: "spiral"}, 80, 24)
	press(m, "r")
	m.tr.run.rate = 1.23e6
	press(m, "+", "+")
	rows := strings.Split(screen(t, m), "\n")
	status := strings.TrimRight(rows[len(rows)-2], " ")
	if strings.HasSuffix(status, "…") || !strings.Contains(status, "▶ 1.2M/s") {
		t.Errorf("status bar: %q", status)
	}
}

// TestShortHelpWhole: the one-line help under the trainer, the bench, a
// full-screen lesson and the launcher is whole at 80 columns and names ?.
func TestShortHelpWhole(t *testing.T) {
	for _, c := range []struct {
		name string
		opts Options
		keys []string
	}{
		{"trainer", Options{Preset: "xor"}, nil},
		{"bench", Options{Preset: "vacation"}, nil},
		{"launcher", Options{}, nil},
		{"lesson", Options{}, []string{"up", "up", "up", "enter"}},
	} {
		c.opts.StateDir = t.TempDir()
		m := newTestModel(t, c.opts, 80, 24)
		press(m, c.keys...)
		rows := strings.Split(screen(t, m), "\n")
		help := strings.TrimRight(rows[len(rows)-1], " ")
		if strings.HasSuffix(help, "…") || !strings.Contains(help, "? ") || !strings.HasSuffix(help, "q quit") {
			t.Errorf("%s: %q", c.name, help)
		}
	}
}

// TestPanesWithSomethingToSay: Boundary draws iris (4 inputs) instead of a
// clipped note; Weights shows every layer of xor; Topology draws digits'
// inputs as the picture and no tangle of edges.
func TestPanesWithSomethingToSay(t *testing.T) {
	m := newTestModel(t, Options{Preset: "iris"}, 120, 40)
	press(m, "s")
	b := paneText(t, m, PaneBoundary)
	if strings.Contains(b, "this data has") || !strings.Contains(b, "▀") || !strings.Contains(b, "petal length") {
		t.Errorf("iris Boundary:\n%s", b)
	}
	m = newTestModel(t, Options{Preset: "xor"}, 120, 40)
	if w := paneText(t, m, PaneWeights); !strings.Contains(w, "W of L1") || !strings.Contains(w, "W of L2") {
		t.Errorf("xor Weights:\n%s", w)
	}
	m = newTestModel(t, Options{Preset: "digits"}, 120, 40)
	press(m, "s", "s", "s", "space")
	topo := paneText(t, m, PaneTopology)
	braille := 0
	for _, r := range topo {
		if r >= 0x2801 && r <= 0x28ff {
			braille++
		}
	}
	if braille > 150 || !strings.Contains(topo, "▀▀▀▀▀▀▀▀") {
		t.Errorf("digits Topology: %d braille cells (a tangle), or no picture of the inputs:\n%s", braille, topo)
	}
}

// TestLongFlashKeepsStatus: a flash too long for one line wraps over the
// rows above the help line, whole, and the status bar stays on screen
// above it (it covered the status bar: a lesson's "η 50" was hidden by
// the divergence message).
func TestLongFlashKeepsStatus(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m := newTestModel(t, Options{Preset: "xor"}, sz[0], sz[1])
		msg := "network: training diverged: the cost is NaN or ±Inf (epoch 1, batch 3, sample 5, training row 41); lower the learning rate or normalise the inputs, or undo with u"
		m.tr.app.setFlash(msg, true)
		scr := screen(t, m)
		if !strings.Contains(flat(scr), msg) {
			t.Errorf("%v: the flash is not whole:\n%s", sz, scr)
		}
		lines := strings.Split(scr, "\n")
		status := -1
		for i, l := range lines {
			if strings.Contains(l, "η 2") && strings.Contains(l, "/4") {
				status = i
			}
		}
		if status < 0 {
			t.Fatalf("%v: no status bar:\n%s", sz, scr)
		}
		if !strings.Contains(lines[status+1], "network: training diverged") {
			t.Errorf("%v: the flash does not start under the status bar:\n%s", sz, scr)
		}
	}
}
