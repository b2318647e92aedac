package network

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// synth returns n samples with in inputs and a one-hot target over out
// classes (a single 0/1 column when out == 1), from seed.
func synth(n, in, out int, seed uint64) Set {
	rng := rand.New(rand.NewPCG(seed, 7))
	var s Set
	for range n {
		x := make([]float64, in)
		for k := range x {
			x[k] = rng.Float64()
		}
		y := make([]float64, out)
		c := int(x[0]*float64(max(out, 2))) % max(out, 2)
		if out == 1 {
			y[0] = float64(c)
		} else {
			y[c] = 1
		}
		s.X, s.Y = append(s.X, x), append(s.Y, y)
	}
	return s
}

func mustNet(t testing.TB, sizes []int, acts []Activation, c Cost, seed uint64) *Network {
	t.Helper()
	n, err := New(Spec{Sizes: sizes, Acts: acts, Cost: c, Init: InitXavier}, NewRand(seed))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func mustStepper(t testing.TB, net *Network, h Hyper, train, test Set) *Stepper {
	t.Helper()
	s, err := NewStepper(net, h, train, test)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sameWeights fails unless a and b have bit-identical weights and biases.
func sameWeights(t *testing.T, what string, a, b *Network) {
	t.Helper()
	for l := range a.Layers {
		for i, w := range a.Layers[l].W {
			if math.Float64bits(w) != math.Float64bits(b.Layers[l].W[i]) {
				t.Fatalf("%s: layer %d W[%d]: %v != %v", what, l, i, w, b.Layers[l].W[i])
			}
		}
		for i, v := range a.Layers[l].B {
			if math.Float64bits(v) != math.Float64bits(b.Layers[l].B[i]) {
				t.Fatalf("%s: layer %d B[%d]: %v != %v", what, l, i, v, b.Layers[l].B[i])
			}
		}
	}
}

type config struct {
	name  string
	sizes []int
	acts  []Activation
	cost  Cost
	h     func(*Hyper)
}

var configs = []config{
	{"sigmoid-quadratic-sgd", []int{5, 7, 3}, []Activation{Sigmoid, Sigmoid}, Quadratic, func(h *Hyper) { h.Batch = 4 }},
	{"relu-softmax-ce-momentum", []int{5, 6, 5, 3}, []Activation{ReLU, Tanh, Softmax}, CrossEntropy, func(h *Hyper) { h.Opt = Momentum; h.Batch = 3; h.L2 = 0.1 }},
	{"leaky-sigmoid-ce-adam", []int{5, 9, 1}, []Activation{LeakyReLU, Sigmoid}, CrossEntropy, func(h *Hyper) { h.Opt = Adam; h.Eta = 0.01; h.Batch = 5; h.L1 = 0.05 }},
	{"linear-softmax-quadratic", []int{5, 4, 3}, []Activation{Linear, Softmax}, Quadratic, func(h *Hyper) { h.Batch = 10 }},
	{"single-layer", []int{5, 3}, []Activation{Sigmoid}, Quadratic, func(h *Hyper) { h.Batch = 1 }},
}

func newConfig(t *testing.T, c config, n int) *Stepper {
	h := DefaultHyper()
	c.h(&h)
	h.Seed = 3
	out := c.sizes[len(c.sizes)-1]
	return mustStepper(t, mustNet(t, c.sizes, c.acts, c.cost, 11), h, synth(n, c.sizes[0], out, 1), synth(9, c.sizes[0], out, 2))
}

// TestStepEqualsRun checks that every granularity of Step, and mixes of Run
// and Step, leave bit-identical weights to one Run of the same samples.
func TestStepEqualsRun(t *testing.T) {
	const n = 23 // partial last mini-batch for every batch size above
	for _, c := range configs {
		for _, g := range []Granularity{ByNeuron, ByPhase, BySample} {
			t.Run(c.name+"/"+g.String(), func(t *testing.T) {
				const samples = 2*n + 5
				a, b := newConfig(t, c, n), newConfig(t, c, n)
				for a.Pos().Steps < samples || !a.sampleEnd() {
					if err := a.Step(g); err != nil {
						t.Fatal(err)
					}
				}
				if got, err := b.Run(samples); err != nil || got != samples {
					t.Fatalf("Run(%d) = %d, %v", samples, got, err)
				}
				sameWeights(t, "weights", a.Net(), b.Net())
				for l := range a.grad.w {
					if !slices.Equal(a.grad.w[l], b.grad.w[l]) || !slices.Equal(a.grad.b[l], b.grad.b[l]) {
						t.Fatalf("layer %d: batch sums differ", l)
					}
				}
				if a.Pos() != b.Pos() {
					t.Fatalf("Pos: stepped %+v, run %+v", a.Pos(), b.Pos())
				}
				if !slices.Equal(a.BatchLosses(), b.BatchLosses()) || len(a.History()) != 2 || !slices.Equal(a.History(), b.History()) {
					t.Fatalf("history differs: %v vs %v", a.History(), b.History())
				}
			})
		}
		t.Run(c.name+"/batch-epoch-mixed", func(t *testing.T) {
			a, b, m := newConfig(t, c, n), newConfig(t, c, n), newConfig(t, c, n)
			for range 3 {
				if err := a.Step(ByEpoch); err != nil {
					t.Fatal(err)
				}
			}
			for b.Pos().Epoch < 3 {
				if err := b.Step(ByBatch); err != nil {
					t.Fatal(err)
				}
			}
			// Mixed: neurons, a short run, phases, RunFor-free runs.
			for m.Pos().Epoch < 3 {
				for range 7 {
					m.Step(ByNeuron)
				}
				m.Run(5)
				m.Step(ByPhase)
				m.Step(BySample)
				if left := 3*n - m.Pos().Steps; left > 0 && left < 5 {
					m.Run(left)
				}
			}
			sameWeights(t, "epoch vs batch", a.Net(), b.Net())
			if m.Pos().Steps != 3*n || m.Pos().Phase != PhaseEpochEnd {
				t.Fatalf("mixed stepping ended at %+v", m.Pos())
			}
			sameWeights(t, "epoch vs mixed", a.Net(), m.Net())
		})
	}
}

// TestUndo undoes a random mix of operations and checks every restored
// state bit for bit.
func TestUndo(t *testing.T) {
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			s := newConfig(t, c, 17)
			rng := rand.New(rand.NewPCG(5, 5))
			var saved []*Network
			var pos []Pos
			var hist []int
			for range 60 {
				before, depth := s.Net().Clone(), s.UndoDepth()
				p, hl := s.Pos(), len(s.History())
				switch rng.IntN(9) {
				case 0, 1, 2:
					s.Step(Granularity(rng.IntN(5)))
				case 3:
					s.Run(1 + rng.IntN(30))
				case 4:
					s.SetWeight(0, 0, 1, rng.Float64())
				case 5:
					s.SetBias(0, 1, rng.Float64())
				case 6:
					h := s.Hyper()
					h.Eta *= 1.5
					h.Batch = 1 + rng.IntN(6)
					if err := s.SetHyper(h); err != nil {
						t.Fatal(err)
					}
				case 7:
					s.Reset()
				case 8:
					s.Reseed(rng.Uint64())
				}
				if s.UndoDepth() > depth { // recorded (nothing is, once diverged)
					saved, pos, hist = append(saved, before), append(pos, p), append(hist, hl)
				}
			}
			if s.UndoDepth() != len(saved) || len(saved) < 30 {
				t.Fatalf("UndoDepth = %d, %d recorded operations", s.UndoDepth(), len(saved))
			}
			for i := len(saved) - 1; i >= 0; i-- {
				if !s.Undo() {
					t.Fatalf("Undo %d failed", i)
				}
				sameWeights(t, "undo", saved[i], s.Net())
				if s.Pos() != pos[i] || len(s.History()) != hist[i] {
					t.Fatalf("undo %d: pos %+v want %+v", i, s.Pos(), pos[i])
				}
			}
			if s.Undo() {
				t.Fatal("Undo on an empty stack succeeded")
			}
			// After undoing everything, training again gives the same weights
			// as a fresh stepper.
			f := newConfig(t, c, 17)
			s.Run(40)
			f.Run(40)
			sameWeights(t, "retrain after undo", f.Net(), s.Net())
		})
	}
}

func TestUndoBudget(t *testing.T) {
	s := newConfig(t, configs[0], 20)
	one := s.snapshotSize()
	s.SetUndoBudget(3 * one)
	for range 10 {
		s.Step(ByPhase)
	}
	if d := s.UndoDepth(); d < 2 || d > 3 {
		t.Fatalf("UndoDepth = %d with a budget of 3 snapshots", d)
	}
	s.SetUndoBudget(0)
	s.Step(ByPhase)
	if s.UndoDepth() != 0 || s.Undo() {
		t.Fatal("undo with a zero budget")
	}
}

func TestMazur(t *testing.T) {
	net := &Network{Sizes: []int{2, 2, 2}, Cost: Quadratic, Layers: []*Layer{
		{In: 2, Out: 2, Act: Sigmoid, W: []float64{.15, .20, .25, .30}, B: []float64{.35, .35}},
		{In: 2, Out: 2, Act: Sigmoid, W: []float64{.40, .45, .50, .55}, B: []float64{.60, .60}},
	}}
	out := net.Predict([]float64{.05, .10})
	if math.Abs(out[0]-0.75136507) > 1e-8 || math.Abs(out[1]-0.772928465) > 1e-9 {
		t.Fatalf("outputs %v, want 0.75136507 0.772928465", out)
	}
	h := DefaultHyper()
	h.Batch = 1
	s := mustStepper(t, net, h, Set{X: [][]float64{{.05, .10}}, Y: [][]float64{{.01, .99}}}, Set{})
	if err := s.Step(ByBatch); err != nil {
		t.Fatal(err)
	}
	if w5 := s.Net().Layers[1].W[0]; math.Abs(w5-0.35891648) > 1e-8 {
		t.Fatalf("w5 = %.10f, want 0.35891648", w5)
	}
	if c := s.BatchLosses()[0]; math.Abs(c-0.298371109) > 1e-9 {
		t.Fatalf("total error %v, want 0.298371109", c)
	}
}

func TestStepBackpropRefused(t *testing.T) {
	net := mustNet(t, []int{2, 3, 1}, []Activation{Step, Sigmoid}, Quadratic, 1)
	_, err := NewStepper(net, DefaultHyper(), synth(4, 2, 1, 1), Set{})
	if !errors.Is(err, ErrStepBackprop) {
		t.Fatalf("err = %v, want ErrStepBackprop", err)
	}
}

func TestDivergence(t *testing.T) {
	h := DefaultHyper()
	h.Eta = 1e6
	net := mustNet(t, []int{5, 8, 3}, []Activation{ReLU, Linear}, Quadratic, 1)
	s := mustStepper(t, net, h, synth(50, 5, 3, 1), Set{})
	_, err := s.Run(1000)
	var d *Divergence
	if !errors.As(err, &d) || !errors.Is(err, ErrDiverged) || s.Status() != Diverged {
		t.Fatalf("Run: err %v, status %v", err, s.Status())
	}
	t.Log(d)
	if err := s.Step(BySample); err != d {
		t.Fatalf("Step after divergence = %v", err)
	}
	if !s.Undo() || s.Status() != Training {
		t.Fatal("undo does not leave the diverged state")
	}
}

// TestKernelsMatch checks that the AVX SGD kernel gives the Go reference's
// bits (the batched kernels: TestGemmTilesMatch).
func TestKernelsMatch(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	vec := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(8)-4))
		}
		return v
	}
	for _, n := range []int{0, 8, 16, 64, 784} {
		x0 := vec(n)
		g1 := vec(n)
		g2 := slices.Clone(g1)
		o1, o2, n1, n2 := vec(n), vec(n), vec(n), vec(n)
		var sq1, sq2 [lanes]float64
		b1 := sgd(g1, x0, o1, n1, 0.3, 0.1, &sq1)
		b2 := sgdGo(g2, x0, o2, n2, 0.3, 0.1, &sq2)
		if !slices.Equal(g1, g2) || !slices.Equal(o1, o2) || !slices.Equal(n1, n2) || b1 != b2 || sq1 != sq2 {
			t.Fatalf("sgd n=%d differs", n)
		}
		// Writing the record around the caches (oldW aligned or not).
		for _, off := range []int{0, 1, 2, 3} {
			g5, o5, n5 := slices.Clone(g1), make([]float64, n+8), vec(n)
			for uintptr(unsafe.Pointer(&o5[0]))%32 != 0 {
				o5 = o5[1:]
			}
			o5 = o5[off : off+n]
			g6, o6, n6 := slices.Clone(g1), make([]float64, n), slices.Clone(n5)
			var sq5, sq6 [lanes]float64
			b5 := sgdFar(g5, x0, o5, n5, 0.3, 0.1, &sq5, true)
			b6 := sgdGo(g6, x0, o6, n6, 0.3, 0.1, &sq6)
			if !slices.Equal(g5, g6) || !slices.Equal(o5, o6) || !slices.Equal(n5, n6) || b5 != b6 || sq5 != sq6 {
				t.Fatalf("sgdFar n=%d offset %d differs", n, off)
			}
		}
		// The sums are the gradient norm's, as tileNorm adds them (one
		// tile: one row of n).
		if laneTree(&sq1) != tileNorm(x0, 0.1, n, 0, 1) {
			t.Fatalf("sgd n=%d: squares %v, tileNorm %v", n, laneTree(&sq1), tileNorm(x0, 0.1, n, 0, 1))
		}
		// Without newW: the same steps and sums.
		g3, g4 := slices.Clone(g2), slices.Clone(g2)
		var sq3, sq4 [lanes]float64
		b3 := sgd(g3, x0, o1, nil, 0.3, 0.1, &sq3)
		b4 := sgdGo(g4, x0, o2, nil, 0.3, 0.1, &sq4)
		if b3 != b4 || !slices.Equal(g3, g4) || !slices.Equal(o1, o2) || sq3 != sq4 {
			t.Fatalf("sgd n=%d without newW differs", n)
		}
		if n == 0 {
			continue
		}
		g1[0] = math.Inf(1)
		if !math.IsNaN(sgd(g1, x0, o1, n1, 0.3, 0.1, &sq1)) {
			t.Fatalf("sgd n=%d: Inf not reported", n)
		}
	}
}

// TestNonFinite: the vector check finds a NaN or an infinity at every
// position of every length (the AVX body and the Go tail), and nothing in
// finite values, however large.
func TestNonFinite(t *testing.T) {
	for n := range 70 {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.MaxFloat64 * float64(1-2*(i%2))
		}
		if got := nonFinite(v); got != 0 {
			t.Fatalf("n=%d finite values: nonFinite = %v", n, got)
		}
		for i := range n {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				old := v[i]
				v[i] = bad
				if got := nonFinite(v); !math.IsNaN(got) {
					t.Fatalf("n=%d, %v at %d: nonFinite = %v", n, bad, i, got)
				}
				v[i] = old
			}
		}
	}
}

// TestSGDBad: the SGD kernel reports a non-finite new weight at every
// position (both halves of its vectors, both of its sums).
func TestSGDBad(t *testing.T) {
	const n = 48
	for i := range n {
		w, g, o := make([]float64, n), make([]float64, n), make([]float64, n)
		w[i] = math.Inf(1)
		var sq [lanes]float64
		if bad := sgd(w, g, o, nil, 0.1, 1, &sq); !math.IsNaN(bad) {
			t.Fatalf("+Inf at %d: bad = %v", i, bad)
		}
	}
}

// TestSigmoidDeriv: the vector kernel gives the Go loop's bits at every
// length (its body and the Go tail).
func TestSigmoidDeriv(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := range 40 {
		d1, a := make([]float64, n), make([]float64, n+3)
		for i := range d1 {
			d1[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(8)-4))
			a[i] = rng.Float64()
		}
		d2 := slices.Clone(d1)
		sigmoidDeriv(d1, a)
		sigmoidDerivGo(d2, a)
		for i := range d1 {
			if math.Float64bits(d1[i]) != math.Float64bits(d2[i]) {
				t.Fatalf("n=%d, k=%d: %v, Go %v", n, i, d1[i], d2[i])
			}
		}
	}
}

// TestRowsNonFinite: the one-pass check over a slab of rows finds a NaN or
// an infinity in every place of every row, and rows from two allocations
// (checked row by row) too.
func TestRowsNonFinite(t *testing.T) {
	for _, n := range []int{1, 7, 10, 30, 64} {
		one := alignedRows(6, n)
		two := append(alignedRows(3, n), alignedRows(3, n)...)
		back := [][]float64{one[4], one[2], one[0]}
		skip := [][]float64{one[0], one[2], one[4]}
		for _, rows := range [][][]float64{one, two, one[2:5], one[:1], back, skip} {
			if got := rowsNonFinite(rows); got != 0 {
				t.Fatalf("n=%d zeros: %v", n, got)
			}
			for i := range rows {
				for k := range n {
					for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
						rows[i][k] = bad
						if got := rowsNonFinite(rows); !math.IsNaN(got) {
							t.Fatalf("n=%d, %v in row %d at %d: %v", n, bad, i, k, got)
						}
						rows[i][k] = 0
					}
				}
			}
		}
	}
}
