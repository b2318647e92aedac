package network_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"backprop/network"
)

// separation finds the line w·x + b = 0 that separates the points of the
// two classes (y = 0 and y = 1) with the widest margin t, by linear
// programming:
//
//	maximise t  s.t.  s_i·(w·x_i + b) ≥ t,  −1 ≤ w₁, w₂, b ≤ 1,  t ≤ 1
//
// with s_i = ±1 the class's sign. The points are strictly linearly
// separable iff t > 0 (an independent check: it knows nothing of the
// network).
func separation(t *testing.T, pts [][]float64, ys []int) (w [2]float64, b, margin float64) {
	t.Helper()
	// variables (w₁, w₂, b, t), all free; G·v ≤ h
	var g []float64
	var h []float64
	for i, p := range pts {
		s := float64(2*ys[i] - 1)
		g = append(g, -s*p[0], -s*p[1], -s, 1) // t − s(w·x + b) ≤ 0
		h = append(h, 0)
	}
	for k := range 3 {
		row := make([]float64, 4)
		row[k] = 1
		g, h = append(g, row...), append(h, 1)
		row = make([]float64, 4)
		row[k] = -1
		g, h = append(g, row...), append(h, 1)
	}
	g, h = append(g, 0, 0, 0, 1), append(h, 1)
	c := []float64{0, 0, 0, -1}
	cNew, aNew, bNew := lp.Convert(c, mat.NewDense(len(h), 4, g), h, nil, nil)
	opt, x, err := lp.Simplex(cNew, aNew, bNew, 1e-10, nil)
	if err != nil {
		t.Fatalf("simplex: %v", err)
	}
	// Convert splits each free variable v into v⁺ − v⁻ (first the four
	// v⁺, then the four v⁻)
	v := func(k int) float64 { return x[k] - x[k+4] }
	return [2]float64{v(0), v(1)}, v(2), -opt
}

func TestSeparationChecker(t *testing.T) {
	// AND is separable, XOR is not: the checker itself can fail
	xs := [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}
	if _, _, m := separation(t, xs, []int{0, 0, 0, 1}); !(m > 0.1) {
		t.Errorf("AND: margin %v, want > 0.1", m)
	}
	if _, _, m := separation(t, xs, []int{0, 1, 1, 0}); m > 1e-9 {
		t.Errorf("XOR: margin %v, want ≤ 0", m)
	}
}

// TestHiddenSpaceXOR is issue 19's acceptance test: on XOR with a 2-unit
// tanh hidden layer the training points, mapped to the hidden layer's
// activations, are not linearly separable before training and are after
// it; and the next layer's decision line (NextLines) is such a line.
func TestHiddenSpaceXOR(t *testing.T) {
	xor := network.Set{
		X: [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}},
		Y: [][]float64{{0}, {1}, {1}, {0}},
	}
	ys := []int{0, 1, 1, 0}
	net, err := network.New(network.Spec{Sizes: []int{2, 2, 1},
		Acts: []network.Activation{network.Tanh, network.Sigmoid}, Cost: network.CrossEntropy,
		Init: network.InitXavier}, network.NewRand(3)) // seeds 1 and 2 end in a local minimum
	if err != nil {
		t.Fatal(err)
	}
	mapped := func() [][]float64 {
		h, err := network.MapHidden(net, 1, xor.X, [2]float64{}, [2]float64{}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return h.Points
	}
	before := mapped()
	if _, _, m := separation(t, before, ys); m > 1e-9 {
		t.Fatalf("before training the mapped points %v are separable (margin %v)", before, m)
	}
	h := network.DefaultHyper()
	h.Eta, h.Batch = 1, 4
	s, err := network.NewStepper(net, h, xor, network.Set{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(4 * 2000); err != nil {
		t.Fatal(err)
	}
	net = s.Net()
	if acc := net.Evaluate(xor).Accuracy; acc != 1 {
		t.Fatalf("XOR not learnt: accuracy %v", acc)
	}
	after := mapped()
	w, b, m := separation(t, after, ys)
	if !(m > 1e-3) {
		t.Fatalf("after training the mapped points %v are not separable (margin %v)", after, m)
	}
	t.Logf("hidden points %v; separating line %.3g·a₁ + %.3g·a₂ + %.3g = 0, margin %.3g", after, w[0], w[1], b, m)
	lines, decision, err := network.NextLines(net, 1)
	if err != nil || !decision || len(lines) != 1 {
		t.Fatalf("NextLines = %v, %v, %v; want one decision line", lines, decision, err)
	}
	for i, a := range after {
		l := lines[0]
		side := l.W[0]*a[0]+l.W[1]*a[1] > l.C
		if side != (ys[i] == 1) {
			t.Errorf("point %d (%v) is on the wrong side of the decision line %+v", i, a, l)
		}
	}
}

// The mapped points and grid lines have the bits Forward gives, and the
// network is not written.
func TestMapHiddenIsForward(t *testing.T) {
	net, err := network.New(network.Spec{Sizes: []int{2, 3, 2, 1},
		Acts: []network.Activation{network.ReLU, network.Tanh, network.Sigmoid}, Cost: network.Quadratic,
		Init: network.InitXavier}, network.NewRand(7))
	if err != nil {
		t.Fatal(err)
	}
	orig := net.Clone()
	xs := make([][]float64, 100) // more than one batch of the kernels
	for i := range xs {
		xs[i] = []float64{float64(i%10)/3 - 1.5, float64(i/10)/4 - 1}
	}
	lo, hi := [2]float64{-2, -1}, [2]float64{2, 3}
	for l := 1; l <= 2; l++ {
		h, err := network.MapHidden(net, l, xs, lo, hi, 5, 8)
		if err != nil {
			t.Fatal(err)
		}
		// the first l layers alone: their output is a^l
		head := &network.Network{Sizes: net.Sizes[:l+1], Layers: net.Layers[:l], Cost: net.Cost}
		want := func(x []float64) []float64 { return head.Predict(x) }
		for p, x := range xs {
			if got := h.Points[p]; !slices.Equal(got, want(x)) {
				t.Fatalf("layer %d point %d: %v, want %v", l, p, got, want(x))
			}
		}
		if len(h.Lines) != 10 {
			t.Fatalf("%d lines, want 10", len(h.Lines))
		}
		for _, ln := range h.Lines {
			if len(ln.A) != 9 {
				t.Fatalf("line of %d points, want 9", len(ln.A))
			}
			for s, a := range ln.A {
				x := make([]float64, 2)
				x[ln.Axis] = lo[ln.Axis] + float64(s)*(hi[ln.Axis]-lo[ln.Axis])/8
				if s == 8 {
					x[ln.Axis] = hi[ln.Axis]
				}
				x[1-ln.Axis] = ln.At
				if !slices.Equal(a, want(x)) {
					t.Fatalf("layer %d line %+v step %d: %v, want %v", l, ln.At, s, a, want(x))
				}
			}
		}
	}
	for i, l := range net.Layers {
		if !slices.Equal(l.W, orig.Layers[i].W) || !slices.Equal(l.B, orig.Layers[i].B) {
			t.Fatal("MapHidden changed the network")
		}
	}
}

func TestMapHiddenErrors(t *testing.T) {
	net, _ := network.New(network.Spec{Sizes: []int{2, 4, 1},
		Acts: []network.Activation{network.Tanh, network.Sigmoid}}, network.NewRand(1))
	lo, hi := [2]float64{-1, -1}, [2]float64{1, 1}
	for _, tc := range []struct {
		name string
		l    int
		xs   [][]float64
		lo   [2]float64
		n, s int
		is   error
	}{
		{"input layer", 0, nil, lo, 3, 3, network.ErrHiddenLayer},
		{"output layer", 2, nil, lo, 3, 3, network.ErrHiddenLayer},
		{"short point", 1, [][]float64{{1}}, lo, 3, 3, nil},
		{"empty range", 1, nil, hi, 3, 3, nil},
		{"NaN range", 1, nil, [2]float64{math.NaN(), 0}, 3, 3, nil},
		{"one line", 1, nil, lo, 1, 3, nil},
		{"huge grid", 1, nil, lo, 1 << 20, 1 << 20, nil},
	} {
		_, err := network.MapHidden(net, tc.l, tc.xs, tc.lo, hi, tc.n, tc.s)
		if err == nil || tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
	if _, _, err := network.NextLines(net, 1); !errors.Is(err, network.ErrNotLinear) {
		t.Errorf("4 neurons: NextLines err = %v, want ErrNotLinear", err)
	}
}

// NextLines for a hidden next layer: each neuron's z = 0; for two outputs
// the line where they tie.
func TestNextLines(t *testing.T) {
	net := &network.Network{Sizes: []int{2, 2, 2, 2}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 2, Out: 2, Act: network.Tanh, W: []float64{1, 0, 0, 1}, B: []float64{0, 0}},
		{In: 2, Out: 2, Act: network.Tanh, W: []float64{1, 2, 3, 4}, B: []float64{5, 6}},
		{In: 2, Out: 2, Act: network.Softmax, W: []float64{1, 2, 4, 8}, B: []float64{1, 3}},
	}}
	lines, decision, err := network.NextLines(net, 1)
	want := []network.Line{{W: [2]float64{1, 2}, C: -5}, {W: [2]float64{3, 4}, C: -6}}
	if err != nil || decision || !slices.Equal(lines, want) {
		t.Errorf("layer 1: %v %v %v, want %v", lines, decision, err, want)
	}
	lines, decision, err = network.NextLines(net, 2)
	want = []network.Line{{W: [2]float64{-3, -6}, C: 2}}
	if err != nil || !decision || !slices.Equal(lines, want) {
		t.Errorf("layer 2: %v %v %v, want %v", lines, decision, err, want)
	}
}

// With input features MapHidden takes raw points (x₁, x₂) and maps φ(x):
// each value is the first l layers' output on Network.Input(x).
func TestMapHiddenFeatures(t *testing.T) {
	net, err := network.New(network.Spec{Sizes: []int{3, 2, 1},
		Acts: []network.Activation{network.Tanh, network.Sigmoid}, Cost: network.Quadratic,
		Features: network.Features{network.FeatX1Sq, network.FeatX2Sq, network.FeatX1X2}}, network.NewRand(2))
	if err != nil {
		t.Fatal(err)
	}
	xs := [][]float64{{0.5, -1}, {2, 3}, {-1, 0}}
	h, err := network.MapHidden(net, 1, xs, [2]float64{-1, -1}, [2]float64{1, 1}, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	head := &network.Network{Sizes: net.Sizes[:2], Layers: net.Layers[:1], Cost: net.Cost}
	for p, x := range xs {
		if want := head.Predict(net.Input(x)); !slices.Equal(h.Points[p], want) {
			t.Errorf("point %v: %v, want %v", x, h.Points[p], want)
		}
	}
}
