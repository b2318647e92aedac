package tui

import (
	"strings"
	"testing"
)

// TestFeaturesKey: X edits the input features of 2-D data; the first layer
// resizes keeping the weights of the features it still has, a bad name is
// refused in the prompt, u undoes, and data that is not 2-D refuses it.
func TestFeaturesKey(t *testing.T) {
	m := newTestModel(t, Options{Preset: "circle"}, 120, 40)
	old := m.tr.sess.st.Net()
	w1 := old.Layers[0].W[1] // neuron 0's weight from x2
	press(m, "X")
	if promptOf(m) == nil || promptOf(m).Value() != "x1,x2" {
		t.Fatalf("X should open the features prompt with x1,x2, got %+v", promptOf(m))
	}
	promptOf(m).SetValue("")
	typeText(m, "x2,x9")
	press(m, "enter")
	if promptOf(m) == nil || !strings.Contains(promptOf(m).Err(), `unknown feature "x9"; want one of x1, x2, x1sq`) {
		t.Fatalf("a bad name should be refused, prompt %+v", promptOf(m))
	}
	promptOf(m).SetValue("")
	typeText(m, "x2,x1sq,x2sq")
	press(m, "enter")
	net := m.tr.sess.st.Net()
	if promptOf(m) != nil || net.Sizes[0] != 3 || net.Features.String() != "x2,x1sq,x2sq" {
		t.Fatalf("features %v, sizes %v", net.Features, net.Sizes)
	}
	if got := net.Layers[0].W[0]; got != w1 {
		t.Errorf("x2's weight %v, want the old one %v", got, w1)
	}
	if s := screen(t, m); !strings.Contains(s, "x₁²") || !strings.Contains(s, "φ(x) 3") {
		t.Errorf("Topology does not name the features:\n%s", s)
	}
	press(m, "e") // an epoch over the features, then undo it and the rebuild
	press(m, "u", "u")
	if net := m.tr.sess.st.Net(); net.Features != nil || net.Sizes[0] != 2 {
		t.Fatalf("u should restore x1,x2: %v %v", net.Features, net.Sizes)
	}
	m2 := newTestModel(t, Options{Preset: "iris"}, 120, 40)
	press(m2, "X")
	if promptOf(m2) != nil || !strings.Contains(m2.app.flash, "this data has 4 inputs") {
		t.Fatalf("iris: prompt %+v, flash %q", promptOf(m2), m2.app.flash)
	}
}
