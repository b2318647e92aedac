package network

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// sigma is the textbook activation of one neuron, written out here so the
// test does not lean on the code under test.
func sigma(act Activation, z float64) float64 {
	switch act {
	case Sigmoid:
		return 1 / (1 + math.Exp(-z))
	case Tanh:
		return math.Tanh(z)
	case ReLU:
		return math.Max(0, z)
	case LeakyReLU:
		if z > 0 {
			return z
		}
		return 0.01 * z
	case Linear:
		return z
	case Step:
		if z > 0 {
			return 1
		}
		return 0
	}
	panic("sigma: " + act.String())
}

// TestGridIsTheActivation checks every neuron's grid value against its
// activation computed directly at the grid point: z = Σ_k w_jk a_k + b_j,
// a = σ(z) (softmax over the layer), and bit for bit against Forward's
// trace of the same point.
func TestGridIsTheActivation(t *testing.T) {
	for _, acts := range [][]Activation{
		{Tanh, Sigmoid},
		{ReLU, LeakyReLU, Softmax},
		{Sigmoid, Linear},
		{Step, Tanh},
	} {
		sizes := []int{2, 5, 3}
		if len(acts) == 3 {
			sizes = []int{2, 4, 6, 3}
		}
		net := mustNet(t, sizes, acts, Quadratic, 7)
		for _, l := range net.Layers {
			for j := range l.B {
				l.B[j] = 0.1 * float64(j-1)
			}
		}
		lo, hi := [2]float64{-6, -1}, [2]float64{6, 2}
		g, err := EvalGrid(net, lo, hi, 13, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.A) != len(sizes) || len(g.Output()) != sizes[len(sizes)-1] {
			t.Fatalf("%v: %d layers of values, output %d", acts, len(g.A), len(g.Output()))
		}
		for r := range g.Rows {
			for c := range g.Cols {
				x := []float64{lo[0] + (float64(c)+0.5)*12/13, lo[1] + (float64(r)+0.5)*3/7}
				if g.At(0, 0, c, r) != x[0] || g.At(0, 1, c, r) != x[1] {
					t.Fatalf("point (%d,%d) is (%v,%v), want %v", c, r, g.At(0, 0, c, r), g.At(0, 1, c, r), x)
				}
				a := x
				for l, layer := range net.Layers {
					z := make([]float64, layer.Out)
					next := make([]float64, layer.Out)
					for j := range z {
						z[j] = layer.B[j]
						for k, ak := range a {
							z[j] += layer.W[j*layer.In+k] * ak
						}
					}
					if layer.Act == Softmax {
						m := slices.Max(z)
						sum := 0.0
						for j := range z {
							next[j] = math.Exp(z[j] - m)
							sum += next[j]
						}
						for j := range next {
							next[j] /= sum
						}
					} else {
						for j := range z {
							next[j] = sigma(layer.Act, z[j])
						}
					}
					a = next
					for j, want := range a {
						if got := g.At(l+1, j, c, r); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
							t.Fatalf("%v: a^%d_%d at (%d,%d) = %v, computed directly %v", acts, l+1, j, c, r, got, want)
						}
					}
				}
				tr := net.ProbeTrace(x, make([]float64, sizes[len(sizes)-1]))
				for l := 1; l < len(sizes); l++ {
					for j := range sizes[l] {
						if got, want := g.At(l, j, c, r), tr.A[l][j]; math.Float64bits(got) != math.Float64bits(want) {
							t.Fatalf("%v: a^%d_%d at (%d,%d) = %v, Forward %v (not the same bits)", acts, l, j, c, r, got, want)
						}
					}
				}
			}
		}
	}
}

// TestGridLeavesStepperAlone: evaluating the stepper's network mid-sample
// changes nothing: the weights, the trace and the training that follows
// are bit-identical to a twin's that was never evaluated.
func TestGridLeavesStepperAlone(t *testing.T) {
	set := Set{X: [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}, Y: [][]float64{{0}, {1}, {1}, {0}}}
	h := DefaultHyper()
	h.Batch = 2
	mk := func() *Stepper {
		return mustStepper(t, mustNet(t, []int{2, 3, 1}, []Activation{Tanh, Sigmoid}, CrossEntropy, 3), h, set, Set{})
	}
	a, b := mk(), mk()
	for range 5 {
		for _, s := range []*Stepper{a, b} {
			if err := s.Step(ByPhase); err != nil {
				t.Fatal(err)
			}
		}
	}
	save := func(s *Stepper) []byte {
		var buf bytes.Buffer
		if err := s.Model().Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	before := save(a)
	if _, err := EvalGrid(a.Net(), [2]float64{-1, -1}, [2]float64{2, 2}, 40, 30); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, save(a)) || a.Pos() != b.Pos() {
		t.Fatal("EvalGrid changed the stepper's state")
	}
	for _, s := range []*Stepper{a, b} {
		if _, err := s.Run(37); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(save(a), save(b)) {
		t.Fatal("training after EvalGrid differs from a twin's")
	}
}

func TestGridErrors(t *testing.T) {
	net2 := mustNet(t, []int{2, 3, 1}, []Activation{Tanh, Sigmoid}, Quadratic, 1)
	net3 := mustNet(t, []int{3, 3, 1}, []Activation{Tanh, Sigmoid}, Quadratic, 1)
	ok := [2]float64{1, 1}
	for _, c := range []struct {
		name       string
		net        *Network
		lo, hi     [2]float64
		cols, rows int
		want       string
	}{
		{"3 inputs", net3, [2]float64{}, ok, 4, 4, "needs a network with 2 inputs (this one has 3)"},
		{"empty range", net2, [2]float64{0, 1}, ok, 4, 4, "grid range of x2 is 1..1"},
		{"NaN", net2, [2]float64{math.NaN(), 0}, ok, 4, 4, "range of x1"},
		{"infinite", net2, [2]float64{-math.MaxFloat64, 0}, [2]float64{math.MaxFloat64, 1}, 4, 4, "range of x1"},
		{"no points", net2, [2]float64{}, ok, 0, 4, "0 × 4 points"},
		{"too big", net2, [2]float64{}, ok, 1 << 20, 1 << 20, "more than"},
		{"nil", nil, [2]float64{}, ok, 4, 4, "nil network"},
	} {
		_, err := EvalGrid(c.net, c.lo, c.hi, c.cols, c.rows)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := EvalGrid(net3, [2]float64{}, ok, 2, 2); !errors.Is(err, ErrGridInputs) {
		t.Errorf("3 inputs: %v is not ErrGridInputs", err)
	}
}

func TestGridRange(t *testing.T) {
	net := mustNet(t, []int{2, 2, 1}, []Activation{ReLU, Sigmoid}, Quadratic, 1)
	net.Layers[0].W[0], net.Layers[0].W[1], net.Layers[0].B[0] = 0, 0, -1 // dead: a = 0 everywhere
	g, err := EvalGrid(net, [2]float64{-1, -1}, [2]float64{1, 1}, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := g.Range(1, 0); lo != 0 || hi != 0 {
		t.Errorf("dead ReLU ranges %v..%v", lo, hi)
	}
	if lo, hi := g.Range(0, 0); lo != g.X1(0) || hi != g.X1(7) || lo >= hi {
		t.Errorf("x1 ranges %v..%v", lo, hi)
	}
}
