package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/datasets"
	"backprop/network"
)

// xorTanh2 is XOR with a 2-unit tanh hidden layer (issue 19's acceptance
// network; seed 3 learns it, as network's TestHiddenSpaceXOR shows).
func xorTanh2() Setup {
	h := network.DefaultHyper()
	h.Eta, h.Batch, h.Seed = 1, 4, 3
	return Setup{Data: datasets.Spec{Name: "xor", Seed: 3},
		Net: network.Spec{Sizes: []int{2, 2, 1}, Acts: []network.Activation{network.Tanh, network.Sigmoid},
			Cost: network.CrossEntropy, Init: network.InitXavier},
		Hyper: h}
}

// TestGoldenHidden: the Hidden space pane on the xor preset (4 sigmoid
// units: a pair, no line) as the compact layout's tab, and on XOR with 2
// tanh units after training at full size, where it takes Sample's place
// beside Boundary, with the decision line.
func TestGoldenHidden(t *testing.T) {
	t.Run("xor-preset/80x24", func(t *testing.T) {
		m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
		press(m, "9", "E")
		golden.RequireEqual(t, screen(t, m))
	})
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("xor-tanh2-trained/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			su := xorTanh2()
			m := newTestModel(t, Options{Custom: &su}, sz[0], sz[1])
			if _, err := m.tr.sess.st.Run(4 * 1000); err != nil {
				t.Fatal(err)
			}
			m.tr.sess.version++
			press(m, "9")
			s := screen(t, m)
			if !strings.Contains(s, "decision line") {
				t.Errorf("no decision line in the caption:\n%s", s)
			}
			golden.RequireEqual(t, s)
		})
	}
}

// TestHiddenKeys: 9 shows the pane (at full size in Sample's place), E
// cycles the pairs of the layer's neurons, I the hidden layers, a click on
// the pane the pair; a network without a hidden layer says so.
func TestHiddenKeys(t *testing.T) {
	su := Setup{Data: datasets.Spec{Name: "circle", Noise: 0.1, Seed: 1},
		Net: network.Spec{Sizes: []int{2, 3, 2, 1}, Acts: []network.Activation{network.Tanh, network.ReLU, network.Sigmoid},
			Cost: network.CrossEntropy, Init: network.InitXavier},
		Hyper: network.DefaultHyper()}
	m := newTestModel(t, Options{Custom: &su}, 120, 40)
	press(m, "9")
	scr := m.tr.layout(120, 40)
	if _, ok := scr.Pane(PaneHidden); !ok {
		t.Fatalf("9 at 120×40: no Hidden pane in %+v", scr.Panes)
	}
	if _, ok := scr.Pane(PaneSample); ok {
		t.Error("the Sample pane is shown beside Hidden space")
	}
	type view struct{ l, i, j int }
	got := func() view {
		v := m.tr.hiddenView()
		return view{v.Layer, v.I, v.J}
	}
	if v := got(); v != (view{2, 0, 1}) {
		t.Fatalf("first view %+v, want the last hidden layer's n1, n2", v)
	}
	press(m, "I")
	want := []view{{1, 0, 1}, {1, 0, 2}, {1, 1, 2}, {1, 0, 1}}
	for i, w := range want {
		if v := got(); v != w {
			t.Fatalf("after %d E: %+v, want %+v", i, v, w)
		}
		press(m, "E")
	}
	r, _ := m.tr.layout(120, 40).Pane(PaneHidden)
	send(m, tea.MouseClickMsg{X: r.X + r.W/2, Y: r.Y + r.H/2, Button: tea.MouseLeft})
	if v := got(); v != (view{1, 1, 2}) {
		t.Errorf("after a click: %+v, want L1 n2, n3", v)
	}
	s := screen(t, m)
	for _, w := range []string{"→ L1 n2  ↑ L1 n3", "no line: L2 reads all 3"} {
		if !strings.Contains(s, w) {
			t.Errorf("%q missing:\n%s", w, s)
		}
	}
	press(m, "I")
	if s := screen(t, m); !strings.Contains(s, "z = 0 of L3's 1 neurons") && !strings.Contains(s, "decision line") {
		t.Errorf("L2 (2 units feeding the output) shows no decision line:\n%s", s)
	}
	m = newTestModel(t, Options{Preset: "and"}, 80, 24) // no hidden layer
	press(m, "9")
	if s := screen(t, m); !strings.Contains(s, "to look through") {
		t.Errorf("without a hidden layer:\n%s", s)
	}
}
