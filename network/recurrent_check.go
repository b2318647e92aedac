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
