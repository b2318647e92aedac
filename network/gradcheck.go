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

// ParamCheck is the gradient check of one parameter for one sample.
type ParamCheck struct {
	Param
	// Backprop is ∂C_x/∂w from the Stepper's phases; Numeric the finite
	// difference with step Eps.
	Backprop, Numeric, Eps float64
	// Plus and Minus are C_x(w+ε) and C_x(w−ε) (GradCheckParam only).
	Plus, Minus float64
	// RelErr is |g − ĝ| / max(|g|, |ĝ|, 1e-6).
	RelErr float64
	// Kink: moving w by the difference's steps moved some ReLU's z across
	// 0, where C_x has no derivative; the error there says nothing about
	// backprop.
	Kink bool
}

// GradCheck compares backprop's ∂C/∂w and ∂C/∂b for one sample with centred
// finite differences and returns the largest relative error
// |g − ĝ| / max(|g|, |ĝ|, tiny), where ĝ is the fourth-order centred
// difference ĝ = [8(C(w+h) − C(w−h)) − (C(w+2h) − C(w−2h))] / 12h
// (fd.Derivative with the stencil centred4) and tiny = 1e-6. h ≤ 0 means
// 1e-3 (error O(h⁴); keep 2h clear of ReLU kinks). The gradients come
// from the Stepper's own phases; net is not modified.
func GradCheck(net *Network, x, y []float64, h float64) (maxRelErr float64, err error) {
	checks, err := GradChecks(net, x, y, h)
	worst := 0.0
	for _, c := range checks {
		if !(c.RelErr <= worst) { // NaN counts as worst
			worst = c.RelErr
		}
	}
	return worst, err
}

// GradChecks is GradCheck's comparison for every parameter, layer by layer
// (each layer's weights row-major, then its biases), marking those where
// the differences cross a ReLU kink (ParamCheck.Kink).
func GradChecks(net *Network, x, y []float64, h float64) ([]ParamCheck, error) {
	if h <= 0 {
		h = 1e-3
	}
	if !finite(h) {
		return nil, fmt.Errorf("network: GradCheck step h = %v", h)
	}
	g, err := backpropGrad(net, x, y)
	if err != nil {
		return nil, err
	}
	pc := newCostProbe(net, x, y)
	var out []ParamCheck
	settings := &fd.Settings{Formula: centred4, Step: h} // serial: one probe network
	for l, layer := range pc.net.Layers {
		for _, bias := range []bool{false, true} {
			v, gv := layer.W, g.w[l]
			if bias {
				v, gv = layer.B, g.b[l]
			}
			for i, orig := range v {
				pc.kink = false
				num := fd.Derivative(func(w float64) float64 { v[i] = w; return pc.cost() }, orig, settings)
				v[i] = orig
				p := Param{Layer: l, J: i / max(layer.In, 1), K: i % max(layer.In, 1)}
				if bias {
					p = Param{Layer: l, J: i, K: -1}
				}
				out = append(out, ParamCheck{Param: p, Backprop: gv[i], Numeric: num, Eps: h, RelErr: gradRelErr(gv[i], num), Kink: pc.kink})
			}
		}
	}
	return out, nil
}

// GradCheckParam checks one parameter with the plain centred difference
// ĝ = (C_x(w+ε) − C_x(w−ε)) / 2ε (error O(ε²); ε ≤ 0 means 1e-4), the one
// a learner can work by hand. net is not modified.
func GradCheckParam(net *Network, x, y []float64, p Param, eps float64) (ParamCheck, error) {
	if eps <= 0 {
		eps = 1e-4
	}
	if !finite(eps) {
		return ParamCheck{}, fmt.Errorf("network: gradient check step ε = %v", eps)
	}
	if _, _, err := p.ref(net); err != nil {
		return ParamCheck{}, err
	}
	g, err := backpropGrad(net, x, y)
	if err != nil {
		return ParamCheck{}, err
	}
	pc := newCostProbe(net, x, y)
	v, i, _ := p.ref(pc.net)
	orig := v[i]
	v[i] = orig + eps
	plus := pc.cost()
	v[i] = orig - eps
	minus := pc.cost()
	v[i] = orig
	num := (plus - minus) / (2 * eps)
	gv := meanGrad{sums: g, inv: 1}.at(p)
	return ParamCheck{Param: p, Backprop: gv, Numeric: num, Eps: eps, Plus: plus, Minus: minus,
		RelErr: gradRelErr(gv, num), Kink: pc.kink}, nil
}

func gradRelErr(g, num float64) float64 {
	return math.Abs(g-num) / math.Max(math.Max(math.Abs(g), math.Abs(num)), gradTiny)
}

// backpropGrad is ∂C_x/∂w and ∂C_x/∂b for one sample, from a Stepper's own
// phases on a copy of net.
func backpropGrad(net *Network, x, y []float64) (params, error) {
	if err := net.validate(); err != nil {
		return params{}, err
	}
	hy := DefaultHyper()
	hy.Batch = 1
	s, err := NewStepper(net.Clone(), hy, Set{X: [][]float64{x}, Y: [][]float64{y}}, Set{})
	if err != nil {
		return params{}, err
	}
	s.SetUndoBudget(0)
	for s.c.phase != PhaseAccumulate {
		if err := s.Step(ByPhase); err != nil {
			return params{}, err
		}
	}
	return s.grad, nil
}

// costProbe is C_x on a copy of a network, noting whether a ReLU's z has
// a different sign than at the copy's starting weights (a kink crossed).
type costProbe struct {
	net  *Network
	ws   *Workspace
	x, y []float64
	base [][]bool // base[l][j]: z^l_j > 0 at the starting weights
	kink bool
}

func newCostProbe(net *Network, x, y []float64) *costProbe {
	pc := &costProbe{net: net.Clone(), x: x, y: y}
	pc.ws = pc.net.NewWorkspace()
	pc.net.Forward(pc.ws, x)
	for l := range pc.net.Layers {
		pos := make([]bool, len(pc.ws.z[l]))
		for j, z := range pc.ws.z[l] {
			pos[j] = z > 0
		}
		pc.base = append(pc.base, pos)
	}
	return pc
}

// cost is C_x at the copy's current weights.
func (pc *costProbe) cost() float64 {
	out := pc.net.Layers[len(pc.net.Layers)-1].Act
	c := sampleCost(pc.net.Cost, out, pc.net.Forward(pc.ws, pc.x), pc.y)
	for l, layer := range pc.net.Layers {
		if layer.Act != ReLU && layer.Act != LeakyReLU {
			continue
		}
		for j, z := range pc.ws.z[l] {
			if (z > 0) != pc.base[l][j] {
				pc.kink = true
			}
		}
	}
	return c
}
