package network

import (
	"math"
	"testing"
)

// With a small W_h the error of the last step fades on its way back: each
// step back multiplies ∂C_T/∂h_t by W_hᵀ diag σ'(z), whose norm is below
// ‖W_h‖ < 1 for tanh.
func TestFlowThroughTimeFades(t *testing.T) {
	net := rnn(t, []int{1, 8, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy, 2)
	for i := range net.Layers[0].WH {
		net.Layers[0].WH[i] *= 0.3 // ‖W_h‖₂ well below 1
	}
	const T = 12
	set := echoSet(20, T, 2, 4)
	flow, tf, err := FlowThroughTime(net, set, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(flow) != 2 || len(tf) != 1 || !tf[0].Recurrent || len(tf[0].Last) != T {
		t.Fatalf("flow %d layers, time flow %+v", len(flow), tf)
	}
	last := tf[0].Last
	for k := 1; k < T; k++ {
		if !(last[k-1] < last[k]) {
			t.Errorf("‖∂C_T/∂h_%d‖ = %g is not below ‖∂C_T/∂h_%d‖ = %g: no fading", k-1, last[k-1], k, last[k])
		}
	}
	if r := last[0] / last[T-1]; !(r < 1e-3) {
		t.Errorf("‖∂C_T/∂h_0‖/‖∂C_T/∂h_T‖ = %g over %d steps, want < 1e-3", r, T-1)
	}
	for k, v := range tf[0].Total {
		if !(v > 0) {
			t.Errorf("Total[%d] = %g, want > 0 (every step from 2 on has a target)", k, v)
		}
	}
	// truncation: nothing reaches beyond the window of the last step
	_, tf4, err := FlowThroughTime(net, set, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range tf4[0].Last {
		if in := k >= 8; in != (v > 0) {
			t.Errorf("--bptt 4: Last[%d] = %g (window 8..11)", k, v)
		}
	}
	// GradientFlow on a sequence set is FlowThroughTime's
	g, err := GradientFlow(net, set, nil)
	if err != nil || g[0] != flow[0] || g[1] != flow[1] {
		t.Errorf("GradientFlow = %v, %v; want %v", g, err, flow)
	}
}

// The surface of a recurrent net on a sequence set: the centre is
// Evaluate's mean loss, bit for bit, and the gradient (through time, W_h
// included in the flow) matches the slice's slope.
func TestCostSurfaceSequence(t *testing.T) {
	net := rnn(t, []int{1, 4, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy, 3)
	set := echoSet(8, 7, 2, 5)
	h := Hyper{Rule: Backprop, Eta: 0.1, Batch: 4}
	p := Param{Layer: 0, J: 1, K: 0}
	const r = 1e-4
	s, err := CostSurface(net, h, set, nil, SurfaceSpec{P: [2]Param{p, {Layer: -1}}, Radius: [2]float64{r, r}, Cols: 3, Rows: 1})
	if err != nil {
		t.Fatal(err)
	}
	e := net.NewEvaluator(set)
	for !e.Step(3) {
	}
	ev := e.Metrics()
	if s.At(1, 0) != ev.Loss || s.Cost != ev.Loss {
		t.Errorf("surface centre %v, cost %v; Evaluate's loss %v", s.At(1, 0), s.Cost, ev.Loss)
	}
	slope := (s.At(2, 0) - s.At(0, 0)) / (2 * r)
	if d := math.Abs(slope - s.Grad[0]); d > 1e-6*max(1, math.Abs(slope)) {
		t.Errorf("∂C/∂w = %v by backprop through time, %v by the slice", s.Grad[0], slope)
	}
	// a recurrent net on a set of single samples says what it needs
	if _, err := CostSurface(net, h, Set{X: [][]float64{{1}}, Y: [][]float64{{1}}}, nil, s.SurfaceSpec); err != ErrSequence {
		t.Errorf("a flat set: %v, want ErrSequence", err)
	}
}

// The Objective on a sequence set: its flat vector holds W, b and W_h, its
// gradient (through time) matches centred differences of its cost, and
// Sharpness converges.
func TestObjectiveSequence(t *testing.T) {
	net := rnn(t, []int{1, 3, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy, 6)
	set := echoSet(6, 6, 2, 8)
	o, err := NewObjective(net, Hyper{Rule: Backprop, Eta: 0.1, Batch: 2, L2: 0.5}, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 + 3 + 9 + 3 + 1; o.Len() != want {
		t.Fatalf("Len %d, want %d (W, b, W_h of L1; W, b of L2)", o.Len(), want)
	}
	if l, j, k := o.Param(3 + 3 + 5); l != 0 || j != 1 || k != 1+2 {
		t.Errorf("Param(W_h[1][2]) = %d, %d, %d; want 0, 1, 3 (In + 2)", l, j, k)
	}
	g, _, err := o.Gradient(nil)
	if err != nil {
		t.Fatal(err)
	}
	const eps = 1e-5
	for i := range o.Len() {
		dir := make([]float64, o.Len())
		dir[i] = 1
		_, cp, _ := o.gradientAt(eps, dir, nil)
		_, cm, _ := o.gradientAt(-eps, dir, nil)
		fd := (cp - cm) / (2 * eps)
		if d := math.Abs(fd - g[i]); d > 1e-6*max(1, math.Abs(fd)) {
			l, j, k := o.Param(i)
			t.Errorf("∂C/∂θ_%d (layer %d, %d, %d): backprop %v, difference %v", i, l, j, k, g[i], fd)
		}
	}
	s, err := o.Sharpness(SharpnessOptions{Seed: 1})
	if err != nil || !s.Converged || !(s.LambdaMax > 0) {
		t.Errorf("Sharpness: %+v, %v", s, err)
	}
}

// The trainer's one-parameter check works through time.
func TestGradCheckParamSeq(t *testing.T) {
	net := rnn(t, []int{1, 4, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy, 9)
	set := echoSet(1, 8, 2, 3)
	for _, p := range []Param{{0, 2, 0}, {0, 1, -1}, {1, 0, 3}} {
		c, err := GradCheckParamSeq(net, set.X[0], set.Y[0], p, 1e-5)
		if err != nil || !(c.RelErr < 1e-6) || c.Backprop == 0 {
			t.Errorf("%v: %+v, %v", p, c, err)
		}
	}
	if _, err := GradCheckParamSeq(net, []float64{1, 0, 1}, []float64{1}, Param{0, 0, 0}, 0); err == nil {
		t.Error("3 steps with 1 target: no error")
	}
}
