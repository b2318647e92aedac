package network

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
)

// Sharpness is λ_max, the largest eigenvalue of the cost's Hessian H = ∇²C
// at some weights: the curvature along the steepest direction of the
// valley. Gradient descent w ← w − η∇C is stable near a minimum only when
// η < 2/λ_max: along the eigenvector v, one step multiplies the distance
// to the valley's floor by (1 − ηλ_max), which overshoots and grows once
// ηλ_max > 2 (Cohen et al. 2021, "Gradient descent on neural networks
// typically occurs at the edge of stability").
//
// It is found by power iteration on Hessian-vector products, each the
// centred difference of two backprop gradients,
//
//	Hv ≈ (∇C(w + εv) − ∇C(w − εv)) / 2ε,   ε = Eps·max(1, ‖w‖/√N)
//
// v ← Hv/‖Hv‖ until the residual ‖Hv − λv‖ ≤ Tol·|λ|, λ = vᵀHv (‖v‖ = 1).
// Power iteration finds the eigenvalue largest in magnitude; when that one
// is negative (a saddle), the iteration runs again on H − λ_neg·I, whose
// largest eigenvalue is λ_max − λ_neg.
type Sharpness struct {
	LambdaMax float64   // λ_max
	Vector    []float64 // its unit eigenvector v, flat (see Objective)
	Iters     int       // Hessian-vector products computed (two gradients each)
	Residual  float64   // ‖Hv − λv‖ / |λ| at the end
	Converged bool      // Residual ≤ Tol within MaxIter products
	Samples   int       // samples the cost averages over
	// LayerShare[l] is the share of v² in layer l's weights and biases:
	// where the steepest direction lies.
	LayerShare []float64
}

// Limit is 2/λ_max, the largest learning rate at which plain gradient
// descent does not overshoot along v; +Inf when λ_max ≤ 0.
func (s Sharpness) Limit() float64 {
	if !(s.LambdaMax > 0) {
		return math.Inf(1)
	}
	return 2 / s.LambdaMax
}

// SharpnessOptions tune Sharpness; the zero value means the defaults.
type SharpnessOptions struct {
	MaxIter int       // Hessian-vector products at most (0: 200)
	Tol     float64   // relative residual to stop at (0: 1e-4)
	Eps     float64   // relative finite-difference step (0: 1e-5)
	Start   []float64 // a starting direction, e.g. an earlier result's Vector (a warm start); nil: random
	Seed    uint64    // seeds the random starting direction
}

// Sharpness computes λ_max of the objective's Hessian at its weights. The
// result is the same for the same objective and options. An error wraps
// ErrNotFinite when a gradient is NaN or ±Inf.
func (o *Objective) Sharpness(opt SharpnessOptions) (Sharpness, error) {
	n := o.Len()
	maxIter := cmp.Or(max(opt.MaxIter, 0), 200)
	tol := cmp.Or(math.Abs(opt.Tol), 1e-4)
	eps := cmp.Or(math.Abs(opt.Eps), 1e-5) * max(1, norm2(o.base)/math.Sqrt(float64(n)))
	res := Sharpness{Samples: len(o.idx)}
	gp, gm := make([]float64, n), make([]float64, n)
	hv := make([]float64, n)
	// product sets hv = (H − shift·I)v.
	product := func(v []float64, shift float64) error {
		res.Iters++
		if _, _, err := o.gradientAt(eps, v, gp); err != nil {
			return err
		}
		if _, _, err := o.gradientAt(-eps, v, gm); err != nil {
			return err
		}
		for i := range hv {
			hv[i] = (gp[i]-gm[i])/(2*eps) - shift*v[i]
		}
		return nil
	}
	start := func(useGiven bool) []float64 {
		v := make([]float64, n)
		if useGiven && len(opt.Start) == n && norm2(opt.Start) > 0 && finiteAll(opt.Start) {
			copy(v, opt.Start)
		} else {
			rng := rand.New(rand.NewPCG(opt.Seed, sampleStream))
			for i := range v {
				v[i] = rng.NormFloat64()
			}
		}
		scale(v, 1/norm2(v))
		return v
	}
	// iterate runs power iteration on H − shift·I from v and returns its
	// dominant eigenvalue (of H − shift·I) and eigenvector.
	iterate := func(v []float64, shift float64, budget int) (float64, []float64, error) {
		lam := 0.0
		for it := 0; it < budget; it++ {
			if err := product(v, shift); err != nil {
				return lam, v, err
			}
			lam = dot(v, hv)
			r := 0.0
			for i, x := range hv {
				d := x - lam*v[i]
				r += d * d
			}
			r = math.Sqrt(r)
			res.Residual = r / max(math.Abs(lam+shift), math.SmallestNonzeroFloat64)
			nh := norm2(hv)
			if res.Residual <= tol || nh == 0 {
				res.Converged = true
				if nh == 0 {
					res.Residual = 0
				}
				return lam, v, nil
			}
			copy(v, hv)
			scale(v, 1/nh)
		}
		return lam, v, nil
	}
	lam, v, err := iterate(start(true), 0, maxIter)
	if err != nil {
		return res, fmt.Errorf("sharpness: %w", err)
	}
	if lam < 0 && res.Iters < maxIter {
		// The dominant eigenvalue is negative: shift it to 0 and look
		// again for the largest.
		res.Converged = false
		mu, w, err := iterate(start(false), lam, maxIter-res.Iters)
		if err != nil {
			return res, fmt.Errorf("sharpness: %w", err)
		}
		lam, v = mu+lam, w
	}
	res.LambdaMax, res.Vector = lam, v
	res.LayerShare = make([]float64, len(o.net.Layers))
	for i, x := range v {
		res.LayerShare[o.LayerOf(i)] += x * x
	}
	return res, nil
}

func scale(v []float64, a float64) {
	for i := range v {
		v[i] *= a
	}
}
