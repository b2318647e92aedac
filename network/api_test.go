package network

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestNames(t *testing.T) {
	for i, n := range activationNames {
		a, err := ParseActivation(n)
		if err != nil || int(a) != i || a.String() != n {
			t.Errorf("activation %q: %v %v", n, a, err)
		}
	}
	for _, c := range []struct {
		parse func(string) error
		bad   string
		want  string
	}{
		{func(s string) error { _, err := ParseActivation(s); return err }, "sigmod", "want one of step, linear, sigmoid, tanh, relu, leaky-relu, softmax"},
		{func(s string) error { _, err := ParseCost(s); return err }, "mse", "want one of quadratic, cross-entropy"},
		{func(s string) error { _, err := ParseOptimizer(s); return err }, "rmsprop", "want one of sgd, momentum, adam"},
		{func(s string) error { _, err := ParseInit(s); return err }, "glorot", "want one of xavier, he, uniform, zero"},
	} {
		if err := c.parse(c.bad); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.bad, err)
		}
	}
	if a, err := ParseActivation(" ReLU "); err != nil || a != ReLU {
		t.Errorf("case/space-insensitive parse: %v %v", a, err)
	}
	if Phase(99).String() != "invalid(99)" || PhaseOutputDelta.String() != "output-delta" {
		t.Error("Phase.String")
	}
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		spec Spec
		want string
	}{
		{Spec{Sizes: []int{2}, Acts: nil}, "at least 2 sizes"},
		{Spec{Sizes: []int{2, 0, 1}, Acts: []Activation{Sigmoid, Sigmoid}}, "sizes[1] = 0"},
		{Spec{Sizes: []int{2, 3, 1}, Acts: []Activation{Sigmoid}}, "1 activations for 2 layers"},
		{Spec{Sizes: []int{2, 3, 1}, Acts: []Activation{Softmax, Sigmoid}}, "softmax is only allowed on the output layer"},
	}
	for _, c := range cases {
		if _, err := New(c.spec, NewRand(1)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.spec, err, c.want)
		}
	}
}

func TestHyperValidation(t *testing.T) {
	s := newConfig(t, configs[0], 10)
	for _, c := range []struct {
		edit func(*Hyper)
		want string
	}{
		{func(h *Hyper) { h.Eta = -1 }, "learning rate η = -1"},
		{func(h *Hyper) { h.Eta = math.NaN() }, "learning rate"},
		{func(h *Hyper) { h.Batch = 0 }, "batch size = 0"},
		{func(h *Hyper) { h.Mu = 1 }, "momentum"},
		{func(h *Hyper) { h.L2 = -1 }, "L2"},
		{func(h *Hyper) { h.Rule = Perceptron }, "cannot switch the rule"},
	} {
		h := s.Hyper()
		c.edit(&h)
		if err := s.SetHyper(h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
	if s.UndoDepth() != 0 {
		t.Error("a rejected SetHyper left an undo snapshot")
	}
	h := DefaultHyper()
	h.Batch = 0
	if _, err := NewStepper(mustNet(t, []int{5, 3}, []Activation{Sigmoid}, Quadratic, 1), h, synth(4, 5, 3, 1), Set{}); err == nil {
		t.Error("NewStepper accepted batch 0")
	}
	if _, err := NewStepper(mustNet(t, []int{5, 3}, []Activation{Sigmoid}, Quadratic, 1), DefaultHyper(), synth(4, 4, 3, 1), Set{}); err == nil ||
		!strings.Contains(err.Error(), "train.X[0] has 4 values, the network takes 5 inputs") {
		t.Errorf("shape mismatch: %v", err)
	}
}

func TestReseed(t *testing.T) {
	c := configs[1]
	s := newConfig(t, c, 20)
	s.Run(30)
	s.Reseed(7)
	want, _ := New(Spec{Sizes: c.sizes, Acts: c.acts, Cost: c.cost, Init: InitXavier}, NewRand(7))
	sameWeights(t, "reseed", want, s.Net())
	if s.Hyper().Seed != 7 || s.Pos() != (Pos{}) || len(s.History()) != 0 {
		t.Fatalf("after Reseed: seed %d, pos %+v", s.Hyper().Seed, s.Pos())
	}
	s.Run(30)
	s.Reset()
	sameWeights(t, "reset after reseed", want, s.Net())
	if !s.Undo() || s.Pos().Steps != 30 {
		t.Fatal("Reset is not undoable")
	}
}

func TestRunFor(t *testing.T) {
	a, b := newConfig(t, configs[0], 50), newConfig(t, configs[0], 50)
	a.Step(ByNeuron)
	b.Step(ByNeuron)
	n, err := a.RunFor(2 * time.Millisecond)
	if err != nil || n < 1 || !a.sampleEnd() {
		t.Fatalf("RunFor: %d, %v, phase %v", n, err, a.Pos().Phase)
	}
	if m, _ := b.Run(n); m != n {
		t.Fatalf("Run(%d) = %d", n, m)
	}
	sameWeights(t, "RunFor vs Run", a.Net(), b.Net())
}

func TestNaNDivergence(t *testing.T) {
	s := newConfig(t, configs[1], 20) // relu, tanh, softmax
	for k := range 5 {
		if err := s.SetWeight(0, 0, k, 1.7e308); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	for range 40 {
		if err = s.Step(ByPhase); err != nil {
			break
		}
	}
	var d *Divergence
	if !errors.As(err, &d) || d.Layer != 0 || d.What != "z" || !strings.Contains(d.Error(), "z of layer 1 is NaN or ±Inf") {
		t.Fatalf("err %v", err)
	}
	if err := s.SetWeight(0, 0, 0, math.Inf(1)); err == nil {
		t.Fatal("SetWeight accepted +Inf")
	}
}

func TestEvaluate(t *testing.T) {
	// One linear output: a = x. Threshold 0.5.
	net := &Network{Sizes: []int{1, 1}, Cost: Quadratic, Layers: []*Layer{{In: 1, Out: 1, Act: Linear, W: []float64{1}, B: []float64{0}}}}
	m := net.Evaluate(Set{X: [][]float64{{0.9}, {0.2}, {0.7}}, Y: [][]float64{{1}, {0}, {0}}})
	if m.Accuracy != 2.0/3 || m.Confusion[0][1] != 1 || m.Confusion[1][1] != 1 || m.Confusion[0][0] != 1 {
		t.Fatalf("%+v", m)
	}
	if want := (0.01/2 + 0.04/2 + 0.49/2) / 3; math.Abs(m.Loss-want) > 1e-15 {
		t.Fatalf("loss %v, want %v", m.Loss, want)
	}
	r := net.Evaluate(Set{X: [][]float64{{0.9}}, Y: [][]float64{{3.5}}})
	if !math.IsNaN(r.Accuracy) || r.Confusion != nil {
		t.Fatalf("regression: %+v", r)
	}
	if e := net.Evaluate(Set{}); !math.IsNaN(e.Loss) {
		t.Fatalf("empty: %+v", e)
	}
}
