package network

import (
	"fmt"

	"gonum.org/v1/gonum/diff/fd"
)

// SeqParamCheck is the gradient check through time of one parameter on one
// sequence: Which is "w" (W[J*In+K]), "b" (b_J) or "wh" (W_h[J*Out+K]).
type SeqParamCheck struct {
	Layer, J, K       int
	Which             string
	Backprop, Numeric float64
	RelErr            float64
}

// GradChecksSeq compares backpropagation through time's ∂C_x/∂θ for the
// sequence x (T·Sizes[0] values) with targets y (T·outputs; NaN steps have
// none) against fourth-order centred differences of C_x (GradCheck's
// stencil, step h ≤ 0 meaning 1e-3), for every weight, bias and W_h
// weight. The gradients come from a Stepper's own phases (full BPTT); net
// is not modified.
func GradChecksSeq(net *Network, x, y []float64, h float64) ([]SeqParamCheck, error) {
	if h <= 0 {
		h = 1e-3
	}
	if !finite(h) {
		return nil, fmt.Errorf("network: GradCheck step h = %v", h)
	}
	if err := net.validate(); err != nil {
		return nil, err
	}
	hy := DefaultHyper()
	hy.Batch = 1
	set := Set{X: [][]float64{x}, Y: [][]float64{y}, Seq: net.Sizes[0]}
	s, err := NewStepper(net.Clone(), hy, set, Set{})
	if err != nil {
		return nil, err
	}
	s.SetUndoBudget(0)
	for s.c.phase != PhaseAccumulate {
		if err := s.Step(ByPhase); err != nil {
			return nil, err
		}
	}
	g := s.grad
	c := net.Clone()
	b := newSeqBuf(c)
	cost := func() float64 {
		b.set(x, y, set.Seq)
		b.forwardAll()
		return b.costs()
	}
	settings := &fd.Settings{Formula: centred4, Step: h}
	var out []SeqParamCheck
	for l, layer := range c.Layers {
		kinds := []struct {
			name   string
			v, gv  []float64
			stride int
		}{{"w", layer.W, g.w[l], layer.In}, {"b", layer.B, g.b[l], 1}}
		if layer.WH != nil {
			kinds = append(kinds, struct {
				name   string
				v, gv  []float64
				stride int
			}{"wh", layer.WH, g.wh[l], layer.Out})
		}
		for _, kd := range kinds {
			for i, orig := range kd.v {
				num := fd.Derivative(func(w float64) float64 { kd.v[i] = w; return cost() }, orig, settings)
				kd.v[i] = orig
				out = append(out, SeqParamCheck{Layer: l, J: i / kd.stride, K: i % kd.stride, Which: kd.name,
					Backprop: kd.gv[i], Numeric: num, RelErr: gradRelErr(kd.gv[i], num)})
			}
		}
	}
	return out, nil
}

// GradCheckParamSeq is GradCheckParam on one sequence x (T·Sizes[0]
// values) with targets y (T·outputs, NaN steps without): ∂C_x/∂p from
// backpropagation through time (the whole sequence) against the centred
// difference (C_x(p+ε) − C_x(p−ε))/2ε, C_x summed over the steps with a
// target. net is not modified; Kink is not looked for.
func GradCheckParamSeq(net *Network, x, y []float64, p Param, eps float64) (ParamCheck, error) {
	if eps <= 0 {
		eps = 1e-4
	}
	if !finite(eps) {
		return ParamCheck{}, fmt.Errorf("network: gradient check step ε = %v", eps)
	}
	if err := net.validate(); err != nil {
		return ParamCheck{}, err
	}
	if _, _, err := p.ref(net); err != nil {
		return ParamCheck{}, err
	}
	c := net.Clone()
	set := Set{X: [][]float64{x}, Y: [][]float64{y}, Seq: c.Sizes[0]}
	if err := checkSeq("the", set, c); err != nil {
		return ParamCheck{}, err
	}
	b := newSeqBuf(c)
	cost := func() float64 {
		b.set(x, y, set.Seq)
		b.forwardAll()
		return b.costs()
	}
	cost()
	b.backwardAll(0)
	g := paramsOf(c).zeros()
	b.accumulate(g)
	gv := meanGrad{sums: g, inv: 1}.at(p)
	v, i, _ := p.ref(c)
	orig := v[i]
	v[i] = orig + eps
	plus := cost()
	v[i] = orig - eps
	minus := cost()
	v[i] = orig
	num := (plus - minus) / (2 * eps)
	return ParamCheck{Param: p, Backprop: gv, Numeric: num, Eps: eps, Plus: plus, Minus: minus,
		RelErr: gradRelErr(gv, num)}, nil
}
