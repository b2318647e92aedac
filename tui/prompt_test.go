package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"backprop/network"
)

// TestPromptReplacesOldValue: a prompt opens with the current value
// selected, so what is typed replaces it. It used to be appended: `w 2
// enter` on --preset xor reported `w1 of L2 n1: 0.8014 → 0.8014` and the
// weight became 0.8013582.
func TestPromptReplacesOldValue(t *testing.T) {
	m := xorModel(t)
	w := func() float64 { return m.tr.sess.st.Net().Layers[1].W[0] }
	before := w()
	press(m, "w")
	if p := promptOf(m); p == nil || p.Value() != "0.801358" {
		t.Fatalf("w: prompt %+v, want the old value 0.801358", p)
	}
	press(m, "enter") // enter on the untouched value keeps it, bit for bit
	if w() != before || !strings.Contains(m.app.flash, "unchanged") {
		t.Fatalf("enter: w = %v (was %v), flash %q", w(), before, m.app.flash)
	}
	press(m, "w", "2", "enter")
	if w() != 2 {
		t.Fatalf("w 2 enter: w = %v, want 2", w())
	}
	if want := "w1 of L2 n1: 0.8014 → 2"; !strings.Contains(m.app.flash, want) {
		t.Errorf("flash %q, want %q", m.app.flash, want)
	}
	// every numeric prompt: L, z, x (d takes a name)
	press(m, "L", "0", ".", "5", "enter")
	if eta := m.tr.sess.st.Hyper().Eta; eta != 0.5 || !strings.Contains(m.app.flash, "η: 2 → 0.5") {
		t.Errorf("L 0.5: η = %v, flash %q", eta, m.app.flash)
	}
	press(m, "d")
	typeText(m, "circle")
	press(m, "enter")
	if m.tr.sess.data.Name != "circle" || !strings.Contains(m.app.flash, "data set: xor → circle") {
		t.Fatalf("d circle: data %q, flash %q", m.tr.sess.data.Name, m.app.flash)
	}
	press(m, "z", "0", ".", "2", "enter")
	if n := m.tr.sess.setup.Data.Noise; n != 0.2 || !strings.Contains(m.app.flash, "noise: 0 → 0.2") {
		t.Errorf("z 0.2: noise %v, flash %q", n, m.app.flash)
	}
	press(m, "x", "0", ".", "8", "enter")
	if n := len(m.tr.sess.data.Train.X); n != 160 || !strings.Contains(m.app.flash, "train fraction: 0.5 → 0.8") {
		t.Errorf("x 0.5: %d train, flash %q", n, m.app.flash)
	}
	// S: the default name is selected; typing replaces it
	press(m, "S")
	typeText(m, "mine.json")
	press(m, "enter")
	if _, err := os.Stat(filepath.Join(m.app.opts.SaveDir, "mine.json")); err != nil {
		t.Errorf("S mine.json: %v (flash %q)", err, m.app.flash)
	}
}

// TestPromptErrorInline: a refused answer keeps the prompt open, with the
// reason and the keys on the line under it; the screen still shows what
// was typed.
func TestPromptErrorInline(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: t.TempDir()}, sz[0], sz[1])
		press(m, "L")
		scr := screen(t, m)
		if !strings.Contains(scr, "learning rate η: 2") || !strings.Contains(scr, "type to replace") || !strings.Contains(scr, "esc cancel") {
			t.Fatalf("%v: the prompt, its old value or its keys are not on screen:\n%s", sz, scr)
		}
		typeText(m, "abc")
		press(m, "enter")
		p := promptOf(m)
		if p == nil || !strings.Contains(p.Err(), "not a number") {
			t.Fatalf("%v: abc: prompt %v", sz, p)
		}
		scr = screen(t, m)
		if !strings.Contains(scr, "learning rate η: abc") || !strings.Contains(scr, `✗ "abc" is not a number · esc cancels`) {
			t.Fatalf("%v: the refused answer and its reason are not on screen:\n%s", sz, scr)
		}
		press(m, "backspace", "backspace", "backspace", "-", "1", "enter")
		if p := promptOf(m); p == nil || !strings.Contains(p.Err(), "η must be > 0") {
			t.Fatalf("%v: -1: prompt %v", sz, p)
		}
		press(m, "esc")
		if promptOf(m) != nil || m.tr.sess.st.Hyper().Eta != 2 {
			t.Fatalf("%v: esc: prompt %v, η %v", sz, promptOf(m), m.tr.sess.st.Hyper().Eta)
		}
	}
}

// TestOptimizerEta: cycling the optimizer gives each one the η the learner
// set for it, and its default only when none was set. Adam used to set
// 0.01 and cycling on to SGD kept 0.01 instead of the 5 set before.
func TestOptimizerEta(t *testing.T) {
	m := xorModel(t)
	h := func() network.Hyper { return m.tr.sess.st.Hyper() }
	press(m, "]") // SGD: 2 → 5
	steps := []struct {
		opt network.Optimizer
		eta float64
	}{
		{network.Momentum, 5}, // none set for momentum: it keeps η
		{network.Adam, 0.01},  // none set for Adam: its default
		{network.SGD, 5},      // the 5 set for SGD
		{network.Momentum, 5},
	}
	for i, s := range steps {
		press(m, "o")
		if got := h(); got.Opt != s.opt || got.Eta != s.eta {
			t.Fatalf("o #%d: %s η = %g, want %s η = %g", i+1, got.Opt, got.Eta, s.opt, s.eta)
		}
	}
	press(m, "o", "L")
	typeText(m, "0.003")
	press(m, "enter", "o") // Adam 0.003 set → SGD
	if got := h(); got.Opt != network.SGD || got.Eta != 5 {
		t.Fatalf("after Adam: %s η = %g, want SGD 5", got.Opt, got.Eta)
	}
	press(m, "o", "o")
	if got := h(); got.Opt != network.Adam || got.Eta != 0.003 {
		t.Fatalf("back to Adam: %s η = %g, want the 0.003 set for it", got.Opt, got.Eta)
	}
}
