package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"backprop/network"
)

// openFuncsBench opens the functions bench from the launcher.
func openFuncsBench(t *testing.T, w, h int) *Model {
	t.Helper()
	m := newTestModel(t, Options{}, w, h)
	cursorTo(t, m, "functions")
	press(m, "enter")
	if m.screen != screenBench || m.bench == nil || m.bench.fn == nil {
		t.Fatalf("enter on functions: screen %d, want the functions bench", m.screen)
	}
	return m
}

// sineByHand places two bumps on the sine, 0.6 high over (0, π) and 0.6
// deep over (−π, 0).
var sineByHand = strings.Fields("b up tab L L L l l l l down " +
	"b H H H H H H H H H H J down down down down down down tab H H H H H K up up up up up up")

// TestGoldenFuncsBench: the bench with two bumps on the sine, at 80×24
// and 120×40, and its help.
func TestGoldenFuncsBench(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := openFuncsBench(t, sz[0], sz[1])
			press(m, sineByHand...)
			golden.RequireEqual(t, screen(t, m))
		})
	}
	t.Run("help", func(t *testing.T) {
		m := openFuncsBench(t, 80, 24)
		press(m, "?")
		s := screen(t, m)
		for _, w := range []string{"add a bump", "fine-tune in the trainer", "steepness w", "quit"} {
			if !strings.Contains(s, w) {
				t.Errorf("%q missing from the help:\n%s", w, s)
			}
		}
		golden.RequireEqual(t, s)
	})
}

// TestFuncsBenchToTrainer: g hands the steps to the trainer as a [1,n,1]
// network with exactly the bench's weights, on the target's data; the
// trainer's gradient descent then lowers the MSE below the hand-made one.
func TestFuncsBenchToTrainer(t *testing.T) {
	m := openFuncsBench(t, 120, 40)
	press(m, sineByHand...)
	fn := m.bench.fn
	want := fn.Network()
	handMSE := fn.MSE()
	if !strings.Contains(screen(t, m), "MSE") {
		t.Fatal("no MSE on the bench")
	}
	_, cmd := m.Update(keyMsg("g"))
	if cmd == nil {
		t.Fatal("g returned no command")
	}
	m.Update(cmd())
	if m.screen != screenTrainer {
		t.Fatalf("g: screen %d, want the trainer (flash %q)", m.screen, m.app.flash)
	}
	net := m.tr.sess.st.Net()
	if !slices.Equal(net.Sizes, want.Sizes) {
		t.Fatalf("trainer network %v, want %v", net.Sizes, want.Sizes)
	}
	for l := range net.Layers {
		if !slices.Equal(net.Layers[l].W, want.Layers[l].W) || !slices.Equal(net.Layers[l].B, want.Layers[l].B) {
			t.Fatalf("layer %d: weights %v %v, want the bench's %v %v", l, net.Layers[l].W, net.Layers[l].B, want.Layers[l].W, want.Layers[l].B)
		}
	}
	if m.tr.sess.data.Name != "sine" {
		t.Errorf("data %q, want sine", m.tr.sess.data.Name)
	}
	st := m.tr.sess.st
	if _, err := st.Run(200 * st.Hyper().Batch * 10); err != nil {
		t.Fatal(err)
	}
	// the trainer's C = ½·MSE over its training half
	after := 2 * st.Net().Evaluate(network.Set(m.tr.sess.data.Train)).Loss
	if !(after < handMSE) || math.IsNaN(after) {
		t.Errorf("MSE by hand %v, after gradient descent %v: want lower", handMSE, after)
	}
	t.Logf("MSE by hand %.4f, after fine-tuning %.4f", handMSE, after)
	press(m, "R")
	if net := m.tr.sess.st.Net(); !slices.Equal(net.Layers[1].W, want.Layers[1].W) {
		t.Errorf("R (reset) goes to %v, want the bench's weights %v", net.Layers[1].W, want.Layers[1].W)
	}
}
