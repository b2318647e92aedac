package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// showWhy puts an explanation of lines on the trainer, as if just computed
// for its current network.
func showWhy(tr *trainer, lines ...string) {
	tr.why.lines = lines
	tr.why.version = tr.sess.version
}

// TestWhyViewWraps: the explanation wraps to the width without cutting a
// word (a row broken at a space must not keep it and overflow by a cell).
func TestWhyViewWraps(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	tr := m.tr
	showWhy(tr,
		"loss jump in epoch 169, batch 4: the latest mini-batches' mean cost 0.249 is 2.1× the mean before them, 0.121",
		"layer 2 grew fastest (‖w‖ ×1.38 in 36 updates); its w[1,3] (neuron 1 ← 3) went -7.54 → -12.1",
		"η = 50.0 ≤ 2/λ_max = 69.2 over the training set, but > 2/λ_max = 17.3 over the mini-batch",
	)
	rows := tr.whyView(80, 10)
	text := ansi.Strip(strings.Join(rows, "\n"))
	if strings.Contains(text, "…") || !strings.Contains(text, "went") || !strings.Contains(text, "(esc hides this)") {
		t.Fatalf("cut:\n%s", text)
	}
	for _, r := range rows {
		if w := ansi.StringWidth(r); w != 80 {
			t.Errorf("row of %d cells: %q", w, ansi.Strip(r))
		}
	}
}

// TestWhyAboveLongFlash: the divergence message wraps to two rows under the
// status bar; the explanation above it keeps all its rows (its η line and
// "(esc hides this)" were cut by the flash's second row).
func TestWhyAboveLongFlash(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m := newTestModel(t, Options{Preset: "xor"}, sz[0], sz[1])
		showWhy(m.tr,
			"diverged in epoch 1, batch 3: the cost became NaN or ±Inf (the 2 updates since epoch 1, batch 1 are explained)",
			"layer 1 grew fastest (‖w‖ ×46.6 in 2 updates); its bias b[5] went 0 → 65",
			"η = 40.0 > 2/λ_max = 2.6: each step overshoots the valley along its steepest direction; try η < 2.6",
		)
		m.tr.app.setFlash("network: training diverged: the cost is NaN or ±Inf (epoch 1, batch 3, sample 5, training row 41); lower the learning rate or normalise the inputs, or undo with u", true)
		scr := screen(t, m)
		f := flat(scr)
		for _, want := range []string{"2/λ_max = 2.6", "try η < 2.6 (esc hides this)", "layer 1 grew fastest", "or undo with u"} {
			if !strings.Contains(f, want) {
				t.Errorf("%v: %q is not on screen:\n%s", sz, want, scr)
			}
		}
		if !strings.Contains(scr, "η 2") {
			t.Errorf("%v: no status bar:\n%s", sz, scr)
		}
	}
}

// TestDivergedAt80x24: a divergence at 80×24 keeps η in the status bar
// (the divergence words shorten instead), numbers its layer as the app
// does everywhere (L1 is the first layer of weights), and the Inspector
// wraps its "diverged in L1: max |w| grew from … to …" whole.
func TestDivergedAt80x24(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	divergeWith(m, "1e9")
	d := m.tr.sess.st.Divergence()
	if d == nil || d.Layer != 0 || d.Detail == "" {
		t.Fatalf("η = 1e9 did not blow up layer L1's weights: %v", d)
	}
	scr := screen(t, m) // the explanation (a tea.Cmd) is not run here
	var status string
	var left []string // the Inspector's column
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "ep 1 ") {
			status = l
		}
		left = append(left, ansi.Cut(l, 0, 48))
	}
	if !strings.Contains(status, "η 1e+09") || !strings.Contains(status, "diverged: L1 weights") {
		t.Errorf("status bar %q: want η and the divergence", status)
	}
	if f := flat(strings.Join(left, "\n")); !strings.Contains(f, "diverged in L1: "+d.Detail) || !strings.Contains(f, "undo, or lower η") {
		t.Errorf("the Inspector cuts the divergence (%s):\n%s", d.Detail, scr)
	}
	if !strings.Contains(m.app.flash, "weights of layer 1 exploded") {
		t.Errorf("the message numbers the layer otherwise: %s", m.app.flash)
	}
}
