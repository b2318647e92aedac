package network

import "math"

// leakyAlpha is the slope of LeakyReLU for z ≤ 0.
const leakyAlpha = 0.01

// apply sets a = σ(z) for a whole layer (softmax needs the whole layer).
func (act Activation) apply(z, a []float64) {
	a = a[:len(z)]
	switch act {
	case Step:
		for i, v := range z {
			if v > 0 {
				a[i] = 1
			} else {
				a[i] = 0
			}
		}
	case Linear:
		copy(a, z)
	case Sigmoid:
		sigmoidRow(z, a)
	case Tanh:
		for i, v := range z {
			a[i] = math.Tanh(v)
		}
	case ReLU:
		for i, v := range z {
			if v > 0 {
				a[i] = v
			} else {
				a[i] = 0
			}
		}
	case LeakyReLU:
		for i, v := range z {
			if v > 0 {
				a[i] = v
			} else {
				a[i] = leakyAlpha * v
			}
		}
	case Softmax:
		softmax(z, a)
	}
}

// softmax sets a_j = e^{z_j − max z} / Σ_k e^{z_k − max z}.
func softmax(z, a []float64) {
	m := math.Inf(-1)
	for _, v := range z {
		if v > m {
			m = v
		}
	}
	sum := 0.0
	for i, v := range z {
		e := math.Exp(v - m)
		a[i] = e
		sum += e
	}
	for i := range a {
		a[i] /= sum
	}
}

// deriv returns σ'(z) for an elementwise activation, given z and a = σ(z).
// Softmax and Step have no elementwise derivative (0 is returned).
func (act Activation) deriv(z, a float64) float64 {
	switch act {
	case Linear:
		return 1
	case Sigmoid:
		return a * (1 - a)
	case Tanh:
		return 1 - a*a
	case ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case LeakyReLU:
		if z > 0 {
			return 1
		}
		return leakyAlpha
	}
	return 0
}

// mulDeriv sets d_k ← d_k·σ'(z_k) for every k, with deriv's values (the
// sigmoid's in vectors, without a call and a switch per value).
func (act Activation) mulDeriv(d, z, a []float64) {
	if act == Sigmoid {
		sigmoidDeriv(d, a)
		return
	}
	z, a = z[:len(d)], a[:len(d)]
	for k := range d {
		d[k] *= act.deriv(z[k], a[k])
	}
}

// sampleCost returns C_x: quadratic ½‖y − a‖²; cross-entropy −Σ y ln a
// after softmax, else −Σ [y ln a + (1−y) ln(1−a)]. Terms whose y factor is 0
// are skipped, so a = 0 with y = 0 costs nothing instead of NaN.
func sampleCost(c Cost, act Activation, a, y []float64) float64 {
	s := 0.0
	switch c {
	case Quadratic:
		for i, v := range a {
			d := y[i] - v
			s += d * d
		}
		return 0.5 * s
	case CrossEntropy:
		for i, v := range a {
			if y[i] != 0 {
				s -= y[i] * math.Log(v)
			}
			if act != Softmax && y[i] != 1 {
				s -= (1 - y[i]) * math.Log(1-v)
			}
		}
	}
	return s
}

// outputDelta sets δ^L = ∂C_x/∂z^L. Softmax or sigmoid with cross-entropy
// give δ = a − y; otherwise δ = J_σᵀ ∇_a C with ∇_a C = a − y (quadratic) or
// (a − y)/(a(1 − a)) (binary cross-entropy); softmax's Jacobian-vector
// product is δ_j = a_j (g_j − Σ_k g_k a_k).
func outputDelta(c Cost, act Activation, z, a, y, delta []float64) {
	if c == CrossEntropy && (act == Softmax || act == Sigmoid) {
		for i, v := range a {
			delta[i] = v - y[i]
		}
		return
	}
	for i, v := range a {
		g := v - y[i]
		if c == CrossEntropy {
			g /= v * (1 - v)
		}
		delta[i] = g
	}
	if act == Softmax {
		dot := 0.0
		for i, v := range a {
			dot += delta[i] * v
		}
		for i, v := range a {
			delta[i] = v * (delta[i] - dot)
		}
		return
	}
	act.mulDeriv(delta, z, a)
}
