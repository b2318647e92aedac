package network

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
)

// gradTiny is the floor of GradCheck's denominator: below it the error is
// effectively absolute, since finite differences can't resolve smaller
// gradients to relative precision.
const gradTiny = 1e-6

// centred4 is the fourth-order centred difference of a first derivative,
// ĝ = [C(w−2h) − 8C(w−h) + 8C(w+h) − C(w+2h)] / 12h, as a gonum/diff/fd
// stencil (fd's own Central is second order).
var centred4 = fd.Formula{
	Stencil:    []fd.Point{{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12}, {Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12}},
	Derivative: 1,
	Step:       1e-3,
}

// GradCheck compares backprop's ∂C/∂w and ∂C/∂b for one sample with centred
// finite differences and returns the largest relative error
// |g − ĝ| / max(|g|, |ĝ|, tiny), where ĝ is the fourth-order centred
// difference ĝ = [8(C(w+h) − C(w−h)) − (C(w+2h) − C(w−2h))] / 12h
// (fd.Derivative with the stencil centred4) and tiny = 1e-6. h ≤ 0 means
// 1e-3 (error O(h⁴); keep 2h clear of ReLU kinks). The gradients come
// from the Stepper's own phases; net is not modified.
func GradCheck(net *Network, x, y []float64, h float64) (maxRelErr float64, err error) {
	if err := net.validate(); err != nil {
		return 0, err
	}
	if h <= 0 {
		h = 1e-3
	}
	if !finite(h) {
		return 0, fmt.Errorf("network: GradCheck step h = %v", h)
	}
	hy := DefaultHyper()
	hy.Batch = 1
	s, err := NewStepper(net.Clone(), hy, Set{X: [][]float64{x}, Y: [][]float64{y}}, Set{})
	if err != nil {
		return 0, err
	}
	s.SetUndoBudget(0)
	for s.c.phase != PhaseAccumulate {
		if err := s.Step(ByPhase); err != nil {
			return 0, err
		}
	}
	probe := net.Clone()
	ws := probe.NewWorkspace()
	out := probe.Layers[len(probe.Layers)-1].Act
	cost := func() float64 { return sampleCost(probe.Cost, out, probe.Forward(ws, x), y) }
	worst := 0.0
	settings := &fd.Settings{Formula: centred4, Step: h} // serial: one probe network
	check := func(v []float64, g []float64) {
		for i, orig := range v {
			num := fd.Derivative(func(w float64) float64 { v[i] = w; return cost() }, orig, settings)
			v[i] = orig
			rel := math.Abs(g[i]-num) / math.Max(math.Max(math.Abs(g[i]), math.Abs(num)), gradTiny)
			if !(rel <= worst) { // NaN counts as worst
				worst = rel
			}
		}
	}
	for l, layer := range probe.Layers {
		check(layer.W, s.grad.w[l])
		check(layer.B, s.grad.b[l])
	}
	return worst, nil
}
