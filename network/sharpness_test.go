package network

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// linearProblem is a net with no hidden layer, a linear output and the
// quadratic cost, on n random samples whose inputs have different scales
// (so XᵀX/n has a clear top eigenvalue).
func linearProblem(t *testing.T, in, out, n int, seed uint64) (*Network, Set) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var set Set
	for range n {
		x := make([]float64, in)
		for k := range x {
			x[k] = float64(k+1)*rng.NormFloat64() + 0.3
		}
		y := make([]float64, out)
		for j := range y {
			y[j] = rng.NormFloat64()
		}
		set.X, set.Y = append(set.X, x), append(set.Y, y)
	}
	return mustNet(t, []int{in, out}, []Activation{Linear}, Quadratic, seed), set
}

// gramTop is the largest eigenvalue of X̃ᵀX̃/n by gonum, X̃ = [X 1]: the
// Hessian of C = 1/2n Σ‖y − Wx − b‖² is I ⊗ X̃ᵀX̃/n (the bias is the
// weight of a constant input 1), so its λ_max is this one's.
func gramTop(t *testing.T, set Set) float64 {
	t.Helper()
	n, d := len(set.X), len(set.X[0])+1
	x := mat.NewDense(n, d, nil)
	for i, row := range set.X {
		for k, v := range row {
			x.Set(i, k, v)
		}
		x.Set(i, d-1, 1)
	}
	var g mat.SymDense
	g.SymOuterK(1/float64(n), x.T())
	var eig mat.EigenSym
	if !eig.Factorize(&g, false) {
		t.Fatal("EigenSym failed")
	}
	return slices.Max(eig.Values(nil))
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

func TestSharpnessLinearEqualsGramEigenvalue(t *testing.T) {
	for _, c := range []struct{ in, out, n int }{{1, 1, 20}, {3, 2, 50}, {5, 1, 200}} {
		net, set := linearProblem(t, c.in, c.out, c.n, uint64(c.in))
		o, err := NewObjective(net, DefaultHyper(), set, nil)
		if err != nil {
			t.Fatal(err)
		}
		sh, err := o.Sharpness(SharpnessOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := gramTop(t, set)
		if e := relErr(sh.LambdaMax, want); e > 1e-6 || !sh.Converged {
			t.Errorf("%d→%d, n=%d: λ_max = %.12g, eig(XᵀX/n) = %.12g: relative error %.2g (converged %v after %d products)",
				c.in, c.out, c.n, sh.LambdaMax, want, e, sh.Converged, sh.Iters)
		}
	}
}

// TestSharpnessLinearNumpy checks the same against numpy's eigvalsh.
func TestSharpnessLinearNumpy(t *testing.T) {
	py := python(t, "numpy")
	net, set := linearProblem(t, 4, 3, 80, 9)
	o, err := NewObjective(net, DefaultHyper(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := o.Sharpness(SharpnessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(set.X)
	out, err := runPy(t, py, in, "-c", `import json, sys, numpy as np
x = np.array(json.load(sys.stdin)); x = np.hstack([x, np.ones((len(x), 1))])
print(repr(float(np.linalg.eigvalsh(x.T @ x / len(x)).max())))`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := strconv.ParseFloat(string(bytes.TrimSpace(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(sh.LambdaMax, want); e > 1e-6 {
		t.Fatalf("λ_max = %.12g, numpy = %.12g: relative error %.2g", sh.LambdaMax, want, e)
	}
}

// TestSharpnessStabilityLimit: full-batch gradient descent on the linear
// problem converges at η = 0.95·2/λ_max and diverges at 1.05·2/λ_max.
func TestSharpnessStabilityLimit(t *testing.T) {
	net, set := linearProblem(t, 3, 2, 40, 3)
	o, err := NewObjective(net, DefaultHyper(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := o.Sharpness(SharpnessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c0, _ := o.Cost()
	for _, c := range []struct {
		f        float64
		converge bool
	}{{0.95, true}, {1.05, false}} {
		h := DefaultHyper()
		h.Batch, h.Eta = len(set.X), c.f*sh.Limit()
		s := mustStepper(t, net.Clone(), h, set, Set{})
		s.SetUndoBudget(0)
		_, err := s.Run(400 * len(set.X))
		hist := s.History()
		last := math.NaN()
		if len(hist) > 0 {
			last = hist[len(hist)-1].TrainLoss
		}
		if c.converge {
			g, _, _ := must(s.Objective(nil)).Gradient(nil)
			if err != nil || !(last < c0) || norm2(g) > 1e-3 {
				t.Errorf("η = %.2f·2/λ_max: loss %g → %g, ‖∇C‖ = %g, err %v; want convergence", c.f, c0, last, norm2(g), err)
			}
		} else if err == nil && !(last > 1e6*c0) {
			t.Errorf("η = %.2f·2/λ_max: loss %g → %g; want divergence", c.f, c0, last)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// fullHessian builds H column by column from centred differences of the
// objective's gradient, symmetrised, and returns its largest eigenvalue.
func fullHessianTop(t *testing.T, o *Objective) float64 {
	t.Helper()
	n := o.Len()
	h := mat.NewSymDense(n, nil)
	cols := make([][]float64, n)
	for i := range n {
		e := make([]float64, n)
		e[i] = 1
		gp, _, err := o.gradientAt(1e-5, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		gm, _, err := o.gradientAt(-1e-5, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		cols[i] = make([]float64, n)
		for k := range n {
			cols[i][k] = (gp[k] - gm[k]) / 2e-5
		}
	}
	for i := range n {
		for k := i; k < n; k++ {
			h.SetSym(i, k, (cols[i][k]+cols[k][i])/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		t.Fatal("EigenSym failed")
	}
	return slices.Max(eig.Values(nil))
}

func TestSharpnessNonlinearMatchesFullHessian(t *testing.T) {
	for _, c := range []struct {
		acts []Activation
		cost Cost
		l2   float64
	}{
		{[]Activation{Tanh, Sigmoid}, CrossEntropy, 0},
		{[]Activation{Sigmoid, Linear}, Quadratic, 0.5},
		{[]Activation{Tanh, Softmax}, CrossEntropy, 0},
	} {
		out := 1
		if c.acts[1] == Softmax {
			out = 2
		}
		net := mustNet(t, []int{2, 3, out}, c.acts, c.cost, 5)
		rng := rand.New(rand.NewPCG(2, 3))
		var set Set
		for range 30 {
			x := []float64{2*rng.Float64() - 1, 2*rng.Float64() - 1}
			y := []float64{0}
			if x[0]*x[1] > 0 {
				y[0] = 1
			}
			if out == 2 {
				y = []float64{y[0], 1 - y[0]}
			}
			set.X, set.Y = append(set.X, x), append(set.Y, y)
		}
		h := DefaultHyper()
		h.L2 = c.l2
		o, err := NewObjective(net, h, set, nil)
		if err != nil {
			t.Fatal(err)
		}
		sh, err := o.Sharpness(SharpnessOptions{Tol: 1e-7, MaxIter: 2000})
		if err != nil {
			t.Fatal(err)
		}
		want := fullHessianTop(t, o)
		if e := relErr(sh.LambdaMax, want); e > 1e-4 {
			t.Errorf("%v %v: λ_max = %.8g, full Hessian's = %.8g (relative error %.2g, %d products)", c.acts, c.cost, sh.LambdaMax, want, e, sh.Iters)
		}
		if s := sh.LayerShare[0] + sh.LayerShare[1]; math.Abs(s-1) > 1e-9 {
			t.Errorf("layer shares sum to %g", s)
		}
	}
}

// TestObjectiveGradientIsTraining: the objective's gradient over the whole
// set is what full-batch SGD steps by.
func TestObjectiveGradientIsTraining(t *testing.T) {
	net, set := linearProblem(t, 2, 1, 12, 4)
	h := DefaultHyper()
	h.Batch, h.Eta, h.L2 = len(set.X), 0.1, 0.3
	s := mustStepper(t, net, h, set, Set{})
	o := must(s.Objective(nil))
	g, _, err := o.Gradient(nil)
	if err != nil {
		t.Fatal(err)
	}
	w0 := o.Weights()
	if _, err := s.Run(len(set.X)); err != nil {
		t.Fatal(err)
	}
	w1 := must(s.Objective(nil)).Weights()
	for i := range w0 {
		if want := w0[i] - h.Eta*g[i]; math.Abs(w1[i]-want) > 1e-12 {
			t.Fatalf("param %d: stepped to %g, w − η∇C = %g", i, w1[i], want)
		}
	}
}

// TestSharpnessLeavesStepperAlone: computing λ_max changes nothing in the
// stepper; training on gives the same bits as never having looked.
func TestSharpnessLeavesStepperAlone(t *testing.T) {
	mk := func() *Stepper {
		net := mustNet(t, []int{2, 4, 1}, []Activation{Tanh, Sigmoid}, CrossEntropy, 3)
		_, set := linearProblem(t, 2, 1, 40, 8)
		for _, y := range set.Y {
			y[0] = math.Round(1 / (1 + math.Exp(-y[0])))
		}
		h := DefaultHyper()
		h.Batch = 8
		return mustStepper(t, net, h, set, Set{})
	}
	a, b := mk(), mk()
	for _, s := range []*Stepper{a, b} {
		if _, err := s.Run(50); err != nil {
			t.Fatal(err)
		}
	}
	pos := a.Pos()
	o := must(a.Objective(a.BatchIndices()))
	if _, err := o.Sharpness(SharpnessOptions{}); err != nil {
		t.Fatal(err)
	}
	if a.Pos() != pos {
		t.Fatalf("position moved: %+v → %+v", pos, a.Pos())
	}
	for _, s := range []*Stepper{a, b} {
		if _, err := s.Run(100); err != nil {
			t.Fatal(err)
		}
	}
	for l := range a.Net().Layers {
		if !slices.Equal(a.Net().Layers[l].W, b.Net().Layers[l].W) || !slices.Equal(a.Net().Layers[l].B, b.Net().Layers[l].B) {
			t.Fatalf("layer %d differs from a stepper that never computed λ_max", l)
		}
	}
}

func TestSharpnessDeterministicAndWarmStart(t *testing.T) {
	net, set := linearProblem(t, 3, 1, 30, 6)
	o := must(NewObjective(net, DefaultHyper(), set, nil))
	a := must(o.Sharpness(SharpnessOptions{Seed: 4}))
	b := must(o.Sharpness(SharpnessOptions{Seed: 4}))
	if a.LambdaMax != b.LambdaMax || a.Iters != b.Iters {
		t.Fatalf("two runs differ: %v/%d and %v/%d", a.LambdaMax, a.Iters, b.LambdaMax, b.Iters)
	}
	w := must(o.Sharpness(SharpnessOptions{Start: a.Vector}))
	if w.Iters > 2 || relErr(w.LambdaMax, a.LambdaMax) > 1e-6 {
		t.Fatalf("a warm start from the eigenvector took %d products (λ %g vs %g)", w.Iters, w.LambdaMax, a.LambdaMax)
	}
}

func TestObjectiveRefusesBadInput(t *testing.T) {
	net, set := linearProblem(t, 2, 1, 5, 1)
	for name, idx := range map[string][]int{"empty": {}, "out of range": {7}, "negative": {-1}} {
		if _, err := NewObjective(net, DefaultHyper(), set, idx); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := NewObjective(net, DefaultHyper(), Set{}, nil); err == nil {
		t.Error("no samples: no error")
	}
	step := mustNet(t, []int{2, 1}, []Activation{Step}, Quadratic, 1)
	if _, err := NewObjective(step, DefaultHyper(), set, nil); err == nil {
		t.Error("a step layer: no error")
	}
	o := must(NewObjective(net, DefaultHyper(), set, nil))
	l, j, k := o.Param(o.Len() - 1)
	if l != 0 || j != 0 || k != -1 {
		t.Errorf("Param(last) = %d,%d,%d, want the bias 0,0,−1", l, j, k)
	}
	if !strings.Contains(ErrNotFinite.Error(), "NaN") {
		t.Error(ErrNotFinite)
	}
}
