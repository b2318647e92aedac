package network

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// ringSet is a small 2-D two-class set (inside or outside a circle).
func ringSet(n int, seed uint64) Set {
	rng := rand.New(rand.NewPCG(seed, 3))
	var s Set
	for range n {
		x := []float64{rng.Float64()*4 - 2, rng.Float64()*4 - 2}
		y := 0.0
		if x[0]*x[0]+x[1]*x[1] < 1.5 {
			y = 1
		}
		s.X, s.Y = append(s.X, x), append(s.Y, []float64{y})
	}
	return s
}

// modelBytes is the stepper's whole state as a model file.
func modelBytes(t *testing.T, s *Stepper) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.Model().Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCostSurfaceCentre: the grid's value at the current point is the
// engine's cost (Evaluate's mean loss, bit for bit; plus the L2 term), and
// the stepper is bit-identical afterwards.
func TestCostSurfaceCentre(t *testing.T) {
	data := ringSet(150, 1)
	for _, l2 := range []float64{0, 0.5} {
		h := DefaultHyper()
		h.Eta, h.Batch, h.L2 = 0.5, 10, l2
		s := mustStepper(t, mustNet(t, []int{2, 5, 4, 1}, []Activation{Tanh, Sigmoid, Sigmoid}, Quadratic, 2), h, data, Set{})
		s.Run(37) // mid-epoch, mid-batch
		before := modelBytes(t, s)
		trace := slices.Clone(s.Trace().Z[0])
		for _, idx := range [][]int{nil, s.Batch()} {
			spec := SurfaceSpec{P: [2]Param{{Layer: 1, J: 2, K: 3}, {Layer: 0, J: 1, K: -1}}, Radius: [2]float64{1, 0.5}, Cols: 9, Rows: 7}
			sf, err := CostSurface(s.Net(), h, s.Train(), idx, spec)
			if err != nil {
				t.Fatal(err)
			}
			sub := Set{}
			for _, i := range idx {
				sub.X, sub.Y = append(sub.X, data.X[i]), append(sub.Y, data.Y[i])
			}
			if idx == nil {
				sub = data
			}
			want := s.Net().Evaluate(sub).Loss
			if l2 != 0 {
				want += regulariser{l2: l2 / float64(len(data.X))}.cost(s.Net())
			}
			if got := sf.At(4, 3); got != want || sf.Cost != want {
				t.Fatalf("λ2 %v, %d samples: C at the centre %v, cost %v; Evaluate gives %v", l2, len(sub.X), got, sf.Cost, want)
			}
			if sf.U(4) != spec.P[0].Value(s.Net()) || sf.V(3) != spec.P[1].Value(s.Net()) {
				t.Fatalf("centre (%v, %v), the weights (%v, %v)", sf.U(4), sf.V(3), spec.P[0].Value(s.Net()), spec.P[1].Value(s.Net()))
			}
			again, _ := CostSurface(s.Net(), h, s.Train(), idx, spec)
			if !slices.Equal(again.C, sf.C) {
				t.Fatal("two evaluations differ")
			}
		}
		if !bytes.Equal(before, modelBytes(t, s)) || !slices.Equal(trace, s.Trace().Z[0]) {
			t.Fatal("CostSurface changed the stepper")
		}
	}
}

// TestCostSurfaceSlope: the gradient CostSurface reports is the slope of
// its own grid (centred differences of the slice and of the surface).
func TestCostSurfaceSlope(t *testing.T) {
	data := ringSet(60, 2)
	h := DefaultHyper()
	h.L2, h.L1 = 0.3, 0.1
	net := mustNet(t, []int{2, 4, 1}, []Activation{Sigmoid, Sigmoid}, CrossEntropy, 3)
	const r = 1e-4
	for _, spec := range []SurfaceSpec{
		{P: [2]Param{{Layer: 0, J: 1, K: 0}, {Layer: -1}}, Radius: [2]float64{r}, Cols: 3},
		{P: [2]Param{{Layer: 1, J: 0, K: 2}, {Layer: 0, J: 3, K: -1}}, Radius: [2]float64{r, r}, Cols: 3, Rows: 3},
	} {
		sf, err := CostSurface(net, h, data, nil, spec)
		if err != nil {
			t.Fatal(err)
		}
		if sf.Slice() && sf.Rows != 1 {
			t.Fatalf("a slice of %d rows", sf.Rows)
		}
		du := (sf.At(2, sf.Rows/2) - sf.At(0, sf.Rows/2)) / (sf.U(2) - sf.U(0))
		if math.Abs(du-sf.Grad[0]) > 1e-6*math.Max(1, math.Abs(du)) {
			t.Fatalf("∂C/∂p %v, the grid's slope %v", sf.Grad[0], du)
		}
		if !sf.Slice() {
			dv := (sf.At(1, 2) - sf.At(1, 0)) / (sf.V(2) - sf.V(0))
			if math.Abs(dv-sf.Grad[1]) > 1e-6*math.Max(1, math.Abs(dv)) {
				t.Fatalf("∂C/∂q %v, the grid's slope %v", sf.Grad[1], dv)
			}
		}
	}
}

// TestCostSurfaceErrors: bad parameters, windows and step layers are
// refused with what is wrong.
func TestCostSurfaceErrors(t *testing.T) {
	data := ringSet(10, 1)
	net := mustNet(t, []int{2, 3, 1}, []Activation{ReLU, Sigmoid}, Quadratic, 1)
	ok := SurfaceSpec{P: [2]Param{{0, 0, 0}, {0, 0, -1}}, Radius: [2]float64{1, 1}, Cols: 3, Rows: 3}
	for name, spec := range map[string]SurfaceSpec{
		"layer":  {P: [2]Param{{2, 0, 0}, {0, 0, -1}}, Radius: ok.Radius, Cols: 3, Rows: 3},
		"neuron": {P: [2]Param{{0, 3, 0}, {0, 0, -1}}, Radius: ok.Radius, Cols: 3, Rows: 3},
		"input":  {P: [2]Param{{0, 0, 2}, {0, 0, -1}}, Radius: ok.Radius, Cols: 3, Rows: 3},
		"same":   {P: [2]Param{{0, 0, 0}, {0, 0, 0}}, Radius: ok.Radius, Cols: 3, Rows: 3},
		"radius": {P: ok.P, Radius: [2]float64{0, 1}, Cols: 3, Rows: 3},
		"nan":    {P: ok.P, Radius: [2]float64{1, math.NaN()}, Cols: 3, Rows: 3},
		"grid":   {P: ok.P, Radius: ok.Radius, Cols: 0, Rows: 3},
		"huge":   {P: ok.P, Radius: ok.Radius, Cols: 1 << 20, Rows: 1 << 20},
	} {
		if _, err := CostSurface(net, DefaultHyper(), data, nil, spec); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := CostSurface(net, DefaultHyper(), data, []int{}, ok); !errors.Is(err, ErrSurfaceSamples) {
		t.Errorf("no samples: %v", err)
	}
	if _, err := CostSurface(net, DefaultHyper(), data, []int{10}, ok); err == nil {
		t.Error("sample out of range: no error")
	}
	step := mustNet(t, []int{2, 1}, []Activation{Step}, Quadratic, 1)
	if _, err := CostSurface(step, DefaultHyper(), data, nil, ok); !errors.Is(err, ErrStepBackprop) {
		t.Errorf("step layer: %v", err)
	}
}

// TestGradientFlow: the mean gradient is the stepper's own over a whole
// batch; a deep sigmoid net's first layer gets far less of it than its
// last; dead ReLUs and saturated sigmoids are counted; the stepper is
// untouched.
func TestGradientFlow(t *testing.T) {
	data := ringSet(40, 4)
	h := DefaultHyper()
	h.Batch = 40
	sizes := []int{2, 8, 8, 8, 8, 1}
	acts := []Activation{Sigmoid, Sigmoid, Sigmoid, Sigmoid, Sigmoid}
	s := mustStepper(t, mustNet(t, sizes, acts, Quadratic, 1), h, data, Set{})
	before := modelBytes(t, s)
	flow, err := GradientFlow(s.Net(), data, s.Batch()) // in the stepper's order: the same sums
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, modelBytes(t, s)) {
		t.Fatal("GradientFlow changed the stepper")
	}
	s.Step(ByBatch) // the whole set is one batch: its sums are GradientFlow's
	tr := s.Trace()
	for l := range flow {
		if want := frobenius(tr.GradW[l], 1/float64(tr.Count)); flow[l].GradW != want {
			t.Fatalf("layer %d: ‖∂C/∂W‖ %v, the stepper's batch %v", l, flow[l].GradW, want)
		}
	}
	if r := flow[0].GradW / flow[4].GradW; !(r < 0.05) || flow[0].Delta >= flow[4].Delta {
		t.Fatalf("deep sigmoid: first/last gradient %.3g, δ %v vs %v", r, flow[0].Delta, flow[4].Delta)
	}
	relu := mustNet(t, []int{2, 4, 1}, []Activation{ReLU, Sigmoid}, Quadratic, 1)
	relu.Layers[0].B[1], relu.Layers[0].W[2], relu.Layers[0].W[3] = -100, 0, 0 // z = −100 always
	relu.Layers[1].W[0] = 50                                                   // a saturated output on some samples
	flow, err = GradientFlow(relu, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if flow[0].Dead != 0.25 || flow[1].Dead != 0 || flow[0].Saturated != 0 || !(flow[1].Saturated > 0) {
		t.Fatalf("dead %v %v, saturated %v %v", flow[0].Dead, flow[1].Dead, flow[0].Saturated, flow[1].Saturated)
	}
	if !Vanishing([]LayerFlow{{GradW: 1e-7}, {GradW: 1}}, 0) || Vanishing([]LayerFlow{{GradW: 0.01}, {GradW: 1}}, 0) {
		t.Fatal("Vanishing")
	}
}

// TestGradNorms: each epoch's grad norm is the mean over its mini-batches
// of ‖(1/m) Σ ∂C/∂W‖_F, the same stepped, run and resumed from a file.
func TestGradNorms(t *testing.T) {
	data := ringSet(30, 5)
	h := DefaultHyper()
	h.Batch, h.Eta = 7, 0.5
	mk := func() *Stepper {
		return mustStepper(t, mustNet(t, []int{2, 3, 2, 1}, []Activation{Tanh, Sigmoid, Sigmoid}, Quadratic, 7), h, data, Set{})
	}
	s := mk()
	sum := make([]float64, 3)
	batches := 0
	for s.Pos().Epoch == 0 {
		s.Step(ByBatch)
		if p := s.Pos(); p.Phase == PhaseUpdate || p.Phase == PhaseEpochEnd {
			tr := s.Trace()
			for l := range sum {
				sum[l] += frobenius(tr.GradW[l], 1/float64(tr.Count))
			}
			batches++
		}
	}
	g := s.GradNorms()
	if len(g) != 1 || batches != 5 {
		t.Fatalf("%d entries, %d batches", len(g), batches)
	}
	for l := range sum {
		if math.Abs(g[0][l]-sum[l]/5) > 1e-15 {
			t.Fatalf("layer %d: grad norm %v, by hand %v", l, g[0][l], sum[l]/5)
		}
	}
	r := mk()
	r.Run(30)
	if !slices.EqualFunc(r.GradNorms(), g, slices.Equal) {
		t.Fatal("run and step differ")
	}
	s.Run(47) // mid-epoch: the sums so far go into the file
	f := roundTrip(t, s, data, Set{})
	s.Run(100)
	f.Run(100)
	if !slices.EqualFunc(f.GradNorms(), s.GradNorms(), slices.Equal) || len(s.GradNorms()) != len(s.History()) {
		t.Fatal("resumed from a file, the grad norms differ")
	}
	if csv := string(HistoryCSV(s.History(), s.GradNorms()...)); !bytes.HasPrefix([]byte(csv), []byte("epoch,loss,accuracy,val_loss,val_accuracy,grad_norm_1,grad_norm_2,grad_norm_3\n")) {
		t.Fatalf("CSV:\n%s", csv)
	}
	s.Undo()
	if len(s.GradNorms()) != len(s.History()) {
		t.Fatal("undo: grad norms and history out of step")
	}
}
