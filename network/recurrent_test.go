package network

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// echoSet is n random bit sequences of T steps whose target at t is the
// input at t−delay (no target before).
func echoSet(n, T, delay int, seed uint64) Set {
	rng := rand.New(rand.NewPCG(seed, 7))
	s := Set{Seq: 1}
	for range n {
		x, y := make([]float64, T), make([]float64, T)
		for t := range T {
			x[t] = float64(rng.IntN(2))
			y[t] = math.NaN()
			if t >= delay {
				y[t] = x[t-delay]
			}
		}
		s.X, s.Y = append(s.X, x), append(s.Y, y)
	}
	return s
}

func rnn(t *testing.T, sizes []int, acts []Activation, rec []bool, cost Cost, seed uint64) *Network {
	t.Helper()
	net, err := New(Spec{Sizes: sizes, Acts: acts, Cost: cost, Recurrent: rec}, NewRand(seed))
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestGradCheckThroughTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	cases := []struct {
		name  string
		sizes []int
		acts  []Activation
		rec   []bool
		cost  Cost
	}{
		{"tanh,sigmoid ce", []int{2, 4, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy},
		{"two recurrent, softmax", []int{3, 5, 4, 3}, []Activation{Tanh, Sigmoid, Softmax}, []bool{true, true, false}, CrossEntropy},
		{"sigmoid, linear quadratic", []int{1, 3, 2}, []Activation{Sigmoid, Linear}, []bool{true, false}, Quadratic},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net := rnn(t, c.sizes, c.acts, c.rec, c.cost, 5)
			T, in, out := 6, c.sizes[0], c.sizes[len(c.sizes)-1]
			x, y := make([]float64, T*in), make([]float64, T*out)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			for s := range T {
				yt := y[s*out : (s+1)*out]
				switch {
				case s == 1:
					for k := range yt {
						yt[k] = math.NaN()
					}
				case c.acts[len(c.acts)-1] == Softmax:
					yt[rng.IntN(out)] = 1
				case c.cost == CrossEntropy:
					yt[0] = float64(rng.IntN(2))
				default:
					for k := range yt {
						yt[k] = rng.NormFloat64()
					}
				}
			}
			checks, err := GradChecksSeq(net, x, y, 0)
			if err != nil {
				t.Fatal(err)
			}
			worst, nwh := 0.0, 0
			for _, ch := range checks {
				worst = max(worst, ch.RelErr)
				if ch.Which == "wh" {
					nwh++
				}
			}
			if worst >= 1e-6 || math.IsNaN(worst) {
				t.Errorf("max relative error %g ≥ 1e-6", worst)
			}
			if nwh == 0 {
				t.Error("no W_h checked")
			}
		})
	}
}

func echoStepper(t *testing.T, opt Optimizer, bptt int, clip float64) *Stepper {
	t.Helper()
	net := rnn(t, []int{1, 8, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy, 1)
	h := DefaultHyper()
	h.Opt, h.Eta, h.Batch, h.BPTT, h.Clip = opt, 0.01, 4, bptt, clip
	if opt == SGD {
		h.Eta = 0.3
	}
	s, err := NewStepper(net, h, echoSet(20, 12, 2, 1), echoSet(10, 12, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func weightsOf(s *Stepper) []float64 {
	var v []float64
	for _, l := range s.Net().Layers {
		v = append(append(append(v, l.W...), l.B...), l.WH...)
	}
	return v
}

// Stepping by neuron, phase, time step, sample and batch gives the bits of
// one fast run, for every optimizer, with truncation and clipping.
func TestRecurrentSteppingEqualsRunning(t *testing.T) {
	for _, opt := range []Optimizer{SGD, Momentum, Adam} {
		for _, g := range []Granularity{ByNeuron, ByPhase, ByTime, BySample, ByBatch} {
			a, b := echoStepper(t, opt, 5, 0.5), echoStepper(t, opt, 5, 0.5)
			a.SetUndoBudget(0)
			for a.Pos().Epoch < 2 {
				if err := a.Step(g); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := b.Run(40); err != nil {
				t.Fatal(err)
			}
			for b.Pos().Phase != PhaseEpochEnd {
				b.Step(ByPhase)
			}
			if !slices.Equal(weightsOf(a), weightsOf(b)) {
				t.Errorf("%v by %v: stepped weights differ from run", opt, g)
			}
			if !slices.Equal(a.History()[1:], b.History()[1:]) {
				t.Errorf("%v by %v: histories differ", opt, g)
			}
		}
	}
}

func TestRecurrentTimeSteps(t *testing.T) {
	s := echoStepper(t, Adam, 0, 0)
	s.Step(ByPhase) // load
	var ts []int
	for range 12 {
		s.Step(ByTime)
		if p := s.Pos(); p.Phase != PhaseForward || p.Layer != 1 {
			t.Fatalf("after a time step: %+v", p)
		}
		ts = append(ts, s.Pos().Time)
		if got := s.Trace().Seq.Time; got != s.Pos().Time {
			t.Fatalf("trace time %d, pos %d", got, s.Pos().Time)
		}
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}; !slices.Equal(ts, want) {
		t.Fatalf("forward steps %v", ts)
	}
	s.Step(ByTime) // cost
	if s.Pos().Phase != PhaseCost {
		t.Fatalf("%+v", s.Pos())
	}
	ts = ts[:0]
	for range 12 {
		s.Step(ByTime)
		ts = append(ts, s.Pos().Time)
	}
	if want := []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}; !slices.Equal(ts, want) {
		t.Fatalf("backward steps %v", ts)
	}
	if p := s.Pos(); p.Phase != PhaseBackward || p.Layer != 0 || p.Times != 12 {
		t.Fatalf("%+v", p)
	}
	// The recurrent term carried the error back: δ at t=0 is not zero
	// although step 0 has no target.
	tr := s.Trace()
	if tr.Seq.Y[0] != nil || slices.Max(tr.Seq.DH[0][0]) == 0 && slices.Min(tr.Seq.DH[0][0]) == 0 {
		t.Fatalf("step 0: y %v, ∂C/∂h %v", tr.Seq.Y[0], tr.Seq.DH[0][0])
	}
}

// Undo through time restores every step's numbers and the weights, bit for bit.
func TestRecurrentUndo(t *testing.T) {
	s := echoStepper(t, Adam, 0, 0)
	for range 3 {
		s.Step(BySample)
	}
	for range 20 {
		s.Step(ByTime)
	}
	w0, tr0 := weightsOf(s), copySeq(s.Trace().Seq)
	pos := s.Pos()
	for range 30 {
		s.Step(ByTime)
	}
	s.Step(ByBatch)
	for range 31 {
		if !s.Undo() {
			t.Fatal("nothing to undo")
		}
	}
	if !slices.Equal(weightsOf(s), w0) || s.Pos() != pos {
		t.Fatalf("undo: pos %+v, want %+v", s.Pos(), pos)
	}
	tr := copySeq(s.Trace().Seq)
	for i := range tr {
		if !slices.Equal(tr[i], tr0[i]) {
			t.Fatalf("undo: trace row %d differs", i)
		}
	}
}

func copySeq(q *SeqTrace) [][]float64 {
	var r [][]float64
	for _, v := range [][][][]float64{q.Z, q.A[1:], q.Delta, q.DH} {
		for _, l := range v {
			for _, x := range l {
				r = append(r, slices.Clone(x))
			}
		}
	}
	return append(r, slices.Clone(q.Costs))
}

func TestRecurrentLearnsEcho(t *testing.T) {
	net := rnn(t, []int{1, 8, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy, 1)
	h := DefaultHyper()
	h.Opt, h.Eta, h.Batch = Adam, 0.01, 10
	s, err := NewStepper(net, h, echoSet(200, 20, 2, 1), echoSet(100, 20, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	s.SetUndoBudget(0)
	for s.Pos().Epoch < 30 {
		if err := s.Step(ByEpoch); err != nil {
			t.Fatal(err)
		}
	}
	hist := s.History()
	if acc := hist[len(hist)-1].TestAcc; acc < 0.99 {
		t.Errorf("test accuracy %.3f after 30 epochs, want ≥ 0.99", acc)
	}
}

// A recurrent model file round-trips: training on after loading gives the
// bits of never having saved.
func TestRecurrentModelFile(t *testing.T) {
	for _, opt := range []Optimizer{SGD, Momentum, Adam} {
		a := echoStepper(t, opt, 3, 1)
		a.Run(9)
		var buf bytes.Buffer
		if err := a.Model().Write(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(buf.Bytes(), []byte(`"recurrent"`)) || !bytes.Contains(buf.Bytes(), []byte(`"bptt":3`)) {
			t.Fatalf("%v: no recurrent weights or bptt in the file", opt)
		}
		m, err := ParseModel(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Stepper(a.Train(), a.Test())
		if err != nil {
			t.Fatal(err)
		}
		a.Run(30)
		b.Run(30)
		if !slices.Equal(weightsOf(a), weightsOf(b)) {
			t.Errorf("%v: loaded model trains to other weights", opt)
		}
	}
	bad := []struct{ file, want string }{
		{`{"format":"backprop/model","version":1,"inputs":1,"cost":"quadratic","layers":[{"activation":"tanh","weights":[[1]],"biases":[0],"recurrent":[[1,2]]},{"activation":"sigmoid","weights":[[1]],"biases":[0]}]}`,
			"layers[0].recurrent[0]: expected 1 values, got 2"},
		{`{"format":"backprop/model","version":1,"inputs":1,"cost":"quadratic","layers":[{"activation":"sigmoid","weights":[[1]],"biases":[0],"recurrent":[[1]]}]}`,
			"layers[0].recurrent: the output layer cannot be recurrent"},
	}
	for _, c := range bad {
		_, err := ParseModel([]byte(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// TestOneUpdatePerBatch: every optimizer, on a net with a recurrent layer
// and without, updates once per mini-batch: one batch loss per batch (a
// second W_h step and loss once went unseen, as stepping and running shared
// it).
func TestOneUpdatePerBatch(t *testing.T) {
	for _, opt := range []Optimizer{SGD, Momentum, Adam} {
		for _, recurrent := range []bool{false, true} {
			h := DefaultHyper()
			h.Opt, h.Batch, h.Eta, h.Seed = opt, 4, 0.01, 1
			net := rnn(t, []int{1, 5, 1}, []Activation{Tanh, Sigmoid}, []bool{recurrent, false}, CrossEntropy, 2)
			s := mustStepper(t, net, h, echoSet(12, 6, 2, 3), echoSet(4, 6, 2, 4))
			if _, err := s.Run(3 * h.Batch); err != nil {
				t.Fatal(err)
			}
			if n := len(s.BatchLosses()); n != 3 {
				t.Fatalf("%v, recurrent %v: %d batch losses after 3 batches", opt, recurrent, n)
			}
		}
	}
}
