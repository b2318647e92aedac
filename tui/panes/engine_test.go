package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// session builds a real engine session on a built-in data set.
func session(tb testing.TB, data string, sizes []int, acts []network.Activation, cost network.Cost) (*network.Stepper, *datasets.Dataset) {
	tb.Helper()
	d, err := datasets.Load(datasets.Spec{Name: data, Seed: 1})
	if err != nil {
		tb.Fatalf("load %s: %v", data, err)
	}
	net, err := network.New(network.Spec{Sizes: sizes, Acts: acts, Cost: cost}, network.NewRand(1))
	if err != nil {
		tb.Fatalf("new network: %v", err)
	}
	h := network.DefaultHyper()
	s, err := network.NewStepper(net, h, network.Set(d.Train), network.Set(d.Test))
	if err != nil {
		tb.Fatalf("stepper: %v", err)
	}
	return s, d
}

// frame fills an Input from the stepper's getters, as the core does.
func frame(s *network.Stepper, d *datasets.Dataset, f Focus, w, h int, c *Cache, st *themes.Styles) Input {
	return Input{
		Net: s.Net(), Trace: s.Trace(), Pos: s.Pos(), Hyper: s.Hyper(), History: s.History(),
		BatchLosses: s.BatchLosses(), Status: s.Status(), Div: s.Divergence(), Data: d,
		Focus: f, Styles: st, W: w, H: h, Cache: c,
	}
}

// dark builds the dark styles (once per test: themes.New costs about a
// millisecond, as it blends the ramps).
func dark() *themes.Styles {
	p, _ := themes.ByName(themes.Dark)
	return themes.New(p, true)
}

// TestEngineWalkthrough steps a real XOR session one neuron at a time
// through two mini-batches, focusing the neuron in progress as a user
// would, and checks that the inspector shows the engine's own numbers at
// every step and that every pane keeps its size.
func TestEngineWalkthrough(t *testing.T) {
	s, d := session(t, "xor", []int{2, 3, 1}, []network.Activation{network.Tanh, network.Sigmoid}, network.Quadratic)
	cache := &Cache{}
	st := dark()
	updates := 0
	for step := 0; step < 200 && updates < 2; step++ {
		if err := s.Step(network.ByNeuron); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		pos, tr := s.Pos(), s.Trace()
		f := Focus{Layer: 1, Neuron: 0, Weight: 0}
		if pos.Phase == network.PhaseForward || pos.Phase == network.PhaseBackward || pos.Phase == network.PhaseOutputDelta {
			f = Focus{Layer: pos.Layer + 1, Neuron: pos.Neuron, Weight: 0}
		}
		in := frame(s, d, f, 110, 14, cache, st)
		out := ansi.Strip(Inspector(in))
		must := func(what, s string) {
			t.Helper()
			if !strings.Contains(out, s) {
				t.Fatalf("step %d (%s): %s %q missing:\n%s", step, stepLabel(pos), what, s, out)
			}
		}
		must("done label", "done "+stepLabel(pos))
		li, j := f.Layer-1, f.Neuron
		switch pos.Phase {
		case network.PhaseForward:
			must("z", "= "+num(tr.Z[li][j]))
			must("a", "= "+num(tr.A[li+1][j]))
			must("mark", "▸ z = ")
		case network.PhaseCost:
			must("cost", num(tr.Cost))
		case network.PhaseBackward, network.PhaseOutputDelta:
			must("δ", num(tr.Delta[li][j]))
		case network.PhaseAccumulate:
			must("∂C/∂w", "∂C/∂w₁ = δ·x₁ = "+paren(tr.Delta[0][0])+"·"+paren(tr.X[0]))
		case network.PhaseUpdate:
			updates++
			u := tr.Last[0]
			must("update", num(u.OldW[0])+" → "+num(u.NewW[0]))
			if u.NewW[0] != s.Net().Layers[0].W[0] {
				t.Fatalf("Last.NewW is not the network's weight")
			}
		}
		for _, p := range allPanes() {
			for _, sz := range [][2]int{{80, 24}, {33, 7}} {
				in := frame(s, d, f, sz[0], sz[1], cache, st)
				checkSize(t, p.name+" "+stepLabel(pos), p.fn(in), sz[0], sz[1])
			}
		}
	}
	if updates < 2 {
		t.Fatalf("only %d updates in 200 steps", updates)
	}
}

// TestEnginePerceptron: the perceptron rule on the vacation data shows
// w ← w + η(y − ŷ)x with the engine's new weight.
func TestEnginePerceptron(t *testing.T) {
	d, err := datasets.Load(datasets.Spec{Name: "vacation", Seed: 1})
	if err != nil {
		t.Skipf("no vacation data: %v", err)
	}
	net, err := network.New(network.Spec{Sizes: []int{len(d.Features), 1}, Acts: []network.Activation{network.Step}, Init: network.InitZero}, network.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	h := network.DefaultHyper()
	h.Rule, h.Batch, h.Eta = network.Perceptron, 1, 0.1
	s, err := network.NewStepper(net, h, network.Set(d.Train), network.Set(d.Test))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		if err := s.Step(network.ByPhase); err != nil {
			t.Fatal(err)
		}
		if s.Pos().Phase != network.PhaseUpdate {
			continue
		}
		in := frame(s, d, Focus{Layer: 1, Neuron: 0, Weight: 0}, 100, 10, nil, dark())
		out := ansi.Strip(Inspector(in))
		want := "→ " + num(s.Net().Layers[0].W[0])
		if !strings.Contains(out, "w₁ ← w₁ + η(y − ŷ)x₁") || !strings.Contains(out, want) {
			t.Fatalf("perceptron line missing %q:\n%s", want, out)
		}
	}
}

// BenchmarkDigitsFrameEngine is BenchmarkDigitsFrame with the real digits
// data (1797 images) and a 64-30-10 network after some training.
func BenchmarkDigitsFrameEngine(b *testing.B) {
	s, d := session(b, "digits", []int{64, 30, 10}, []network.Activation{network.Sigmoid, network.Softmax}, network.CrossEntropy)
	if _, err := s.Run(2000); err != nil {
		b.Fatal(err)
	}
	if err := s.Step(network.ByNeuron); err != nil {
		b.Fatal(err)
	}
	sizes := []struct {
		fn   func(Input) string
		w, h int
	}{
		{Topology, 58, 18}, {Inspector, 58, 10}, {Activations, 58, 8}, {Weights, 58, 8},
		{Loss, 58, 10}, {Boundary, 58, 12}, {Sample, 58, 16},
	}
	cache := &Cache{}
	st := dark()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, sz := range sizes {
			_ = sz.fn(frame(s, d, Focus{Layer: 1, Neuron: 3, Weight: 10}, sz.w, sz.h, cache, st))
		}
	}
	report(b, cpu0)
}

// BenchmarkBoundaryRunning: the 2-D decision boundary while training runs
// (200 samples between frames), so the grid is recomputed every frame, at
// half resolution: circle data, 2-8-1 tanh network, 58×12 pane. The CPU
// metric includes the training between frames; the wall one does not.
func BenchmarkBoundaryRunning(b *testing.B) {
	s, d := session(b, "circle", []int{2, 8, 1}, []network.Activation{network.Tanh, network.Sigmoid}, network.CrossEntropy)
	cache := &Cache{}
	st := dark()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		b.StopTimer()
		if _, err := s.Run(200); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		_ = Boundary(frame(s, d, Focus{Layer: 1}, 58, 12, cache, st))
	}
	report(b, cpu0)
}
