package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWhyViewWraps: the explanation wraps to the width without cutting a
// word (a row broken at a space must not keep it and overflow by a cell).
func TestWhyViewWraps(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	tr := m.tr
	tr.why.lines = []string{
		"loss jump in epoch 169, batch 4: the batch cost 0.249 is 2.1× the recent mean 0.121",
		"layer 2 grew fastest (‖w‖ ×1.38 in 36 updates); its w[1,3] (neuron 1 ← 3) went -7.54 → -12.1",
		"η = 50.0 ≤ 2/λ_max = 69.2 over the training set, but > 2/λ_max = 17.3 over the mini-batch",
	}
	tr.why.version = tr.sess.version
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
