package network

import (
	"fmt"
	"math"
	"testing"
)

// ruleNet is a 2→1 linear unit with w = (1/2, −1/4), b = 1/8, and
// ruleSet its two samples, chosen so that the batch gradient is exact in
// binary. With C_x = ½(a − y)² the error is δ = a − y:
//
//	x₁ = (1, 2),    y₁ = 1:  a₁ = 1/2 − 1/2 + 1/8 = 1/8,   δ₁ = −7/8
//	x₂ = (−1, 1/2), y₂ = 0:  a₂ = −1/2 − 1/8 + 1/8 = −1/2, δ₂ = −1/2
//
// so over the batch of both (m = n = 2)
//
//	g_w = (δ₁x₁ + δ₂x₂)/2 = ((−7/8 + 1/2)/2, (−7/4 − 1/4)/2) = (−3/16, −1)
//	g_b = (δ₁ + δ₂)/2 = −11/16
func ruleNet() *Network {
	return &Network{Sizes: []int{2, 1}, Cost: Quadratic, Layers: []*Layer{
		{In: 2, Out: 1, Act: Linear, W: []float64{0.5, -0.25}, B: []float64{0.125}}}}
}

var ruleSet = Set{X: [][]float64{{1, 2}, {-1, 0.5}}, Y: [][]float64{{1}, {0}}}

// TestUpdateRulesByHand checks one or two updates of every rule against
// values worked out by hand from the formulas in update.go. (The
// regularisation terms are λ/n·w and λ/n·sgn(w) with n = 2, on weights only.)
func TestUpdateRulesByHand(t *testing.T) {
	const gw0, gw1, gb = -3.0 / 16, -1.0, -11.0 / 16
	adam1 := func(w, g float64) float64 { return w - 0.01*g/(math.Abs(g)+1e-8) } // t = 1: m̂ = g, v̂ = g²
	cases := []struct {
		name  string
		h     func(*Hyper)
		steps int
		w     [2]float64
		b     float64
	}{
		{"sgd", func(h *Hyper) {}, 1,
			[2]float64{0.5 - 0.5*gw0, -0.25 - 0.5*gw1}, 0.125 - 0.5*gb}, // (0.59375, 0.25), 0.46875
		// L2 λ = 0.4: g_w += 0.2·w = (0.1, −0.05); the bias is not decayed.
		{"sgd+l2", func(h *Hyper) { h.L2 = 0.4 }, 1,
			[2]float64{0.5 - 0.5*(gw0+0.1), -0.25 - 0.5*(gw1-0.05)}, 0.46875}, // (0.54375, 0.275)
		// L1 λ = 0.4: g_w += 0.2·sgn(w) = (0.2, −0.2).
		{"sgd+l1", func(h *Hyper) { h.L1 = 0.4 }, 1,
			[2]float64{0.5 - 0.5*(gw0+0.2), -0.25 - 0.5*(gw1-0.2)}, 0.46875}, // (0.49375, 0.35)
		{"sgd+l1+l2", func(h *Hyper) { h.L1, h.L2 = 0.4, 0.4 }, 1,
			[2]float64{0.44375, 0.375}, 0.46875},
		// Momentum's first step is SGD's: v = −η·g.
		{"momentum", func(h *Hyper) { h.Opt = Momentum }, 1,
			[2]float64{0.59375, 0.25}, 0.46875},
		// Second step at w = (0.59375, 0.25), b = 0.46875: a₁ = 1.5625,
		// δ₁ = 0.5625; a₂ = 0, δ₂ = 0; so g_w = (0.28125, 0.5625), g_b =
		// 0.28125. v ← 0.9·(0.09375, 0.5) − 0.5·g_w = (−0.05625, 0.16875);
		// v_b ← 0.9·0.34375 − 0.5·0.28125 = 0.16875.
		{"momentum-2", func(h *Hyper) { h.Opt = Momentum }, 2,
			[2]float64{0.59375 - 0.05625, 0.25 + 0.16875}, 0.46875 + 0.16875},
		{"momentum-2-mu0.5", func(h *Hyper) { h.Opt, h.Mu = Momentum, 0.5 }, 2,
			[2]float64{0.59375 + 0.5*0.09375 - 0.140625, 0.25 + 0.5*0.5 - 0.28125}, 0.46875 + 0.5*0.34375 - 0.140625},
		// Adam, η = 0.01, t = 1: w ← w − η·g/(|g| + ε).
		{"adam", func(h *Hyper) { h.Opt, h.Eta = Adam, 0.01 }, 1,
			[2]float64{adam1(0.5, gw0), adam1(-0.25, gw1)}, adam1(0.125, gb)},
		{"adam+l2", func(h *Hyper) { h.Opt, h.Eta, h.L2 = Adam, 0.01, 0.4 }, 1,
			[2]float64{adam1(0.5, gw0+0.1), adam1(-0.25, gw1-0.05)}, adam1(0.125, gb)},
		{"adam+l1", func(h *Hyper) { h.Opt, h.Eta, h.L1 = Adam, 0.01, 0.4 }, 1,
			[2]float64{adam1(0.5, gw0+0.2), adam1(-0.25, gw1-0.2)}, adam1(0.125, gb)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := DefaultHyper()
			h.Batch = 2
			c.h(&h)
			s := mustStepper(t, ruleNet(), h, ruleSet, Set{})
			for range c.steps {
				if err := s.Step(ByBatch); err != nil {
					t.Fatal(err)
				}
			}
			l := s.Net().Layers[0]
			got := [3]float64{l.W[0], l.W[1], l.B[0]}
			want := [3]float64{c.w[0], c.w[1], c.b}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-15 {
					t.Errorf("after %d updates: w, b = %v, want %v", c.steps, got, want)
					break
				}
			}
		})
	}
}

// TestAdamSecondStep checks Adam's bias corrections where they matter: at
// t = 2 with β1 = 0.5 and β2 = 0.75, against the formulas written out.
func TestAdamSecondStep(t *testing.T) {
	h := DefaultHyper()
	h.Batch, h.Opt, h.Eta, h.Beta1, h.Beta2, h.Epsilon = 2, Adam, 0.1, 0.5, 0.75, 1e-3
	s := mustStepper(t, ruleNet(), h, ruleSet, Set{})
	w, b := []float64{0.5, -0.25}, 0.125
	var m, v [3]float64
	for step := 1; step <= 2; step++ {
		// the batch gradient at the current weights, by hand
		var g [3]float64
		for i, x := range ruleSet.X {
			d := w[0]*x[0] + w[1]*x[1] + b - ruleSet.Y[i][0]
			g[0] += d * x[0] / 2
			g[1] += d * x[1] / 2
			g[2] += d / 2
		}
		p := []*float64{&w[0], &w[1], &b}
		for k := range g {
			m[k] = 0.5*m[k] + 0.5*g[k]
			v[k] = 0.75*v[k] + 0.25*g[k]*g[k]
			mHat := m[k] / (1 - math.Pow(0.5, float64(step)))
			vHat := v[k] / (1 - math.Pow(0.75, float64(step)))
			*p[k] -= 0.1 * mHat / (math.Sqrt(vHat) + 1e-3)
		}
		if err := s.Step(ByBatch); err != nil {
			t.Fatal(err)
		}
		l := s.Net().Layers[0]
		for k, want := range []float64{w[0], w[1], b} {
			if got := []float64{l.W[0], l.W[1], l.B[0]}[k]; math.Abs(got-want) > 1e-14 {
				t.Fatalf("step %d parameter %d: %v, want %v", step, k, got, want)
			}
		}
	}
}

// TestRegularisationScale: λ is divided by the training set's size n, not
// the batch's m, and the last, short batch of an epoch averages over its
// own samples.
func TestRegularisationScale(t *testing.T) {
	set := Set{X: [][]float64{{1, 2}, {-1, 0.5}, {1, 2}}, Y: [][]float64{{1}, {0}, {1}}}
	for _, c := range []struct {
		name   string
		l1, l2 float64
		want   func(w, g, n float64) float64
	}{
		{"l2", 0, 0.9, func(w, g, n float64) float64 { return w - 0.5*(g+0.9/n*w) }},
		{"l1", 0.9, 0, func(w, g, n float64) float64 { return w - 0.5*(g+0.9/n*math.Copysign(1, w)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := DefaultHyper()
			h.Batch, h.L1, h.L2 = 2, c.l1, c.l2
			s := mustStepper(t, ruleNet(), h, set, Set{})
			s.Step(ByBatch)
			s.Step(ByBatch) // the short batch: one sample
			p := s.Pos()    // the epoch's end: its second batch held one sample
			if p.Batch != 1 || p.Sample != 0 || p.Phase != PhaseEpochEnd {
				t.Fatalf("stopped at %+v, want the end of the one-sample batch", p)
			}
			u := s.Trace().Last[0]
			x, y := set.X[p.Index], set.Y[p.Index][0]
			d := u.OldW[0]*x[0] + u.OldW[1]*x[1] + u.OldB[0] - y // m = 1: no averaging
			for k := range 2 {
				if want := c.want(u.OldW[k], d*x[k], 3); math.Abs(u.NewW[k]-want) > 1e-15 {
					t.Errorf("w%d: %v → %v, want %v", k, u.OldW[k], u.NewW[k], want)
				}
			}
			if want := u.OldB[0] - 0.5*d; math.Abs(u.NewB[0]-want) > 1e-15 {
				t.Errorf("b: %v → %v, want %v (no regularisation on biases)", u.OldB[0], u.NewB[0], want)
			}
		})
	}
}

// ExampleStepper_Step_momentum shows the velocity: the second update keeps
// 0.9 of the first.
func ExampleStepper_Step_momentum() {
	h := DefaultHyper()
	h.Batch, h.Opt = 2, Momentum
	s, _ := NewStepper(ruleNet(), h, ruleSet, Set{})
	for range 2 {
		s.Step(ByBatch)
		u := s.Trace().Last[0]
		fmt.Printf("w₁ %.5f → %.5f\n", u.OldW[0], u.NewW[0])
	}
	// Output:
	// w₁ 0.50000 → 0.59375
	// w₁ 0.59375 → 0.53750
}
