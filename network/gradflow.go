package network

import "math"

// Gradient flow: how much of the error signal reaches each layer. Backprop
// multiplies δ by σ'(z) once per layer,
//
//	δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l),
//
// and σ' ≤ ¼ for the sigmoid, so in a deep sigmoid net δ, and with it
// ∂C/∂w^l = δ^l (a^{l−1})ᵀ, shrinks layer by layer towards the input: the
// first layers learn slowest (vanishing gradients). A unit whose σ'(z) is
// near 0 (a saturated sigmoid or tanh, a ReLU with z ≤ 0) passes almost no
// δ back at all.

// LayerFlow is one layer's share of the gradient over some samples.
type LayerFlow struct {
	// Delta is the mean over the samples of ‖δ^l‖₂.
	Delta float64
	// GradW is ‖(1/m) Σ_x ∂C_x/∂W^l‖_F, the Frobenius norm of the mean
	// gradient of the layer's weights (no regularisation term).
	GradW float64
	// Dead is the share of the layer's ReLU units whose z ≤ 0 on every
	// sample (they pass no gradient); 0 for other activations.
	Dead float64
	// Saturated is the share of (unit, sample) pairs where a sigmoid or
	// tanh unit's σ'(z) is below SaturatedBelow of its largest value
	// (sigmoid: a < 0.0101 or a > 0.9899; tanh: |a| > 0.98); 0 for
	// other activations.
	Saturated float64
}

// SaturatedBelow: σ'(z)/max σ' below it counts as saturated.
const SaturatedBelow = 0.04

// VanishingRatio: a layer whose GradW is below it times the output
// layer's is vanishing.
const VanishingRatio = 1e-3

// Vanishing reports whether layer l's gradient is below VanishingRatio of
// the output layer's (the last one).
func Vanishing(flow []LayerFlow, l int) bool {
	out := flow[len(flow)-1].GradW
	return l < len(flow)-1 && out > 0 && flow[l].GradW < VanishingRatio*out
}

// GradientFlow runs the samples idx of set (nil: all of them) forward and
// backward through a copy of net and returns, per layer (first layer
// first), the size of δ and of the mean ∂C/∂W, and the share of dead and
// saturated units. net is only read. On a sequence set it is
// FlowThroughTime's without truncation.
func GradientFlow(net *Network, set Set, idx []int) ([]LayerFlow, error) {
	if set.Seq > 0 {
		f, _, err := FlowThroughTime(net, set, idx, 0) // recurrent_probe.go
		return f, err
	}
	pr, err := newProbe(net, set, idx)
	if err != nil {
		return nil, err
	}
	L := len(pr.net.Layers)
	flow := make([]LayerFlow, L)
	live := make([][]bool, L) // live[l][j]: z > 0 on some sample
	for l, layer := range pr.net.Layers {
		live[l] = make([]bool, layer.Out)
	}
	r := &pr.p.rows
	g := pr.gradient(func(k int) {
		for l, layer := range pr.net.Layers {
			for i := range k {
				flow[l].Delta += euclid(r.d[l][i])
				for j, z := range r.z[l][i] {
					live[l][j] = live[l][j] || z > 0
					if saturated(layer.Act, r.a[l+1][i][j]) {
						flow[l].Saturated++
					}
				}
			}
		}
	})
	m := float64(len(pr.idx))
	for l, layer := range pr.net.Layers {
		f := &flow[l]
		f.Delta /= m
		f.Saturated /= m * float64(layer.Out)
		f.GradW = frobenius(g.sums.w[l], g.inv)
		if layer.Act == ReLU {
			f.Dead = deadShare(live[l])
		}
	}
	return flow, nil
}

// saturated says whether σ'(z) is below SaturatedBelow of its largest
// value, given a = σ(z): 4a(1−a) for the sigmoid, 1−a² for tanh.
func saturated(act Activation, a float64) bool {
	switch act {
	case Sigmoid:
		return 4*a*(1-a) < SaturatedBelow
	case Tanh:
		return 1-a*a < SaturatedBelow
	}
	return false
}

// frobenius is ‖s·v‖ = s·√(Σ v²), the Frobenius norm of a matrix held
// row-major in v, scaled by s.
// The squares go to eight sums (element i to sum i mod 8), added as a
// tree: eight chains of additions instead of one, which
// the fast path's per-update norm needs (one chain waits ~4 cycles per
// weight).
func frobenius(v []float64, s float64) float64 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float64
	i := 0
	for ; i+8 <= len(v); i += 8 {
		q := v[i : i+8 : i+8]
		y0, y1, y2, y3 := q[0]*s, q[1]*s, q[2]*s, q[3]*s
		y4, y5, y6, y7 := q[4]*s, q[5]*s, q[6]*s, q[7]*s
		s0 += y0 * y0
		s1 += y1 * y1
		s2 += y2 * y2
		s3 += y3 * y3
		s4 += y4 * y4
		s5 += y5 * y5
		s6 += y6 * y6
		s7 += y7 * y7
	}
	for ; i < len(v); i++ {
		y := v[i] * s
		s0 += y * y
	}
	return math.Sqrt(((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)))
}

// euclid is the Euclidean norm ‖v‖₂.
func euclid(v []float64) float64 { return frobenius(v, 1) }

// deadShare is the share of a ReLU layer's neurons never live (live[j]
// false) over the samples seen.
func deadShare(live []bool) float64 {
	dead := 0
	for _, ok := range live {
		if !ok {
			dead++
		}
	}
	return float64(dead) / float64(len(live))
}
