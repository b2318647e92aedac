package network

import "math"

// The update rules. Every rule steps each weight and bias with its
// gradient over the mini-batch
//
//	g = (1/m) Σ_x ∂C_x/∂w  +  (λ2/n)·w  +  (λ1/n)·sgn(w)
//
// where m is the samples in the batch (the last batch of an epoch may be
// short), n the training set's size, and the regularisation terms apply to
// weights only, not biases (Nielsen ch. 3):
//
//	SGD:      w ← w − η·g
//	Momentum: v ← μ·v − η·g;  w ← w + v
//	Adam:     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  t ← t + 1
//	          w ← w − η·m̂/(√v̂ + ε),  m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ)
//
// In torch.optim terms (rules_torch_test.go checks it step by step): SGD
// and Adam are torch's with weight_decay = λ2/n on the weights' group, 0
// on the biases'; momentum is SGD(momentum=μ, dampening=0), whose buffer b
// is −v/η; L1 has no torch option: it adds (λ1/n)·sign(w) to the gradient.

// update applies the optimizer to every layer from the batch sums.
func (s *Stepper) update() {
	h := &s.h
	if s.last == nil {
		s.last = newUpdates(s.net)
	}
	if h.Opt != SGD && s.m.empty() {
		s.m = s.grad.zeros()
		if h.Opt == Adam {
			s.v = s.grad.zeros()
		}
	}
	inv := 1 / float64(s.count)
	if s.blowup != 0 {
		s.checkJump(s.loss * inv) // before s.last is overwritten
		s.pushTrail()
	}
	s.upd++
	s.addGradNorm(inv)
	inv *= s.clipScale(inv)
	n := float64(s.train.Len())
	l1, l2 := h.L1/n, h.L2/n
	var c1, c2 float64
	if h.Opt == Adam {
		s.adamT++
		c1 = 1 / (1 - math.Pow(h.Beta1, float64(s.adamT)))
		c2 = 1 / (1 - math.Pow(h.Beta2, float64(s.adamT)))
	}
	for l, layer := range s.net.Layers {
		u := &s.last[l]
		gw, gb := s.grad.w[l], s.grad.b[l]
		ok := true
		switch h.Opt {
		case SGD:
			// The common case records the update in the same pass.
			ok = sgdStepRecord(layer.W, gw, u.OldW, u.NewW, inv, l1, l2, h.Eta) &&
				sgdStepRecord(layer.B, gb, u.OldB, u.NewB, inv, 0, 0, h.Eta)
			if !ok {
				s.diverge(l, "weights")
			}
			continue
		}
		copy(u.OldW, layer.W)
		copy(u.OldB, layer.B)
		switch h.Opt {
		case Momentum:
			ok = momentumStep(layer.W, s.m.w[l], gw, inv, l1, l2, h.Eta, h.Mu) &&
				momentumStep(layer.B, s.m.b[l], gb, inv, 0, 0, h.Eta, h.Mu)
		case Adam:
			ok = adamStep(layer.W, s.m.w[l], s.v.w[l], gw, inv, l1, l2, h, c1, c2) &&
				adamStep(layer.B, s.m.b[l], s.v.b[l], gb, inv, 0, 0, h, c1, c2)
		}
		copy(u.NewW, layer.W)
		copy(u.NewB, layer.B)
		if !ok {
			s.diverge(l, "weights")
		}
	}
	if s.grad.wh != nil {
		s.updateWH(inv, l1, l2, c1, c2)
	}
	s.batchLosses.add(s.loss*inv, foldLoss, MaxBatchLosses)
	s.recent.add(s.loss * inv)
}

// addGradNorm adds each layer's ‖(1/m) Σ_x ∂C_x/∂W^l‖_F (inv = 1/m; no
// regularisation term) to the epoch's sums.
func (s *Stepper) addGradNorm(inv float64) {
	if s.gradNorm == nil {
		s.gradNorm = make([]float64, len(s.net.Layers))
	}
	for l := range s.gradNorm {
		s.gradNorm[l] += frobenius(s.grad.w[l], inv)
	}
	s.gradUpdates++
}

// epochGradNorm is the epoch's mean of each layer's gradient norm (nil
// before the first update).
func (s *Stepper) epochGradNorm() []float64 {
	if s.gradUpdates == 0 {
		return nil
	}
	g := make([]float64, len(s.gradNorm))
	for l, v := range s.gradNorm {
		g[l] = v / float64(s.gradUpdates)
	}
	return g
}

// newUpdates allocates the update record, one per layer.
func newUpdates(net *Network) []Update {
	u := make([]Update, len(net.Layers))
	for l, layer := range net.Layers {
		u[l] = Update{OldW: make([]float64, len(layer.W)), NewW: make([]float64, len(layer.W)),
			OldB: make([]float64, len(layer.B)), NewB: make([]float64, len(layer.B))}
		if layer.WH != nil {
			u[l].OldWH, u[l].NewWH = make([]float64, len(layer.WH)), make([]float64, len(layer.WH))
		}
	}
	return u
}

func sign(w float64) float64 {
	switch {
	case w > 0:
		return 1
	case w < 0:
		return -1
	}
	return 0
}

// grad returns g·inv + l2·w + l1·sgn(w).
func grad(g, inv, w, l1, l2 float64) float64 {
	r := g * inv
	if l2 != 0 {
		r += l2 * w
	}
	if l1 != 0 {
		r += l1 * sign(w)
	}
	return r
}

// sgdStepRecord does w ← w − η·grad and records the old and new values.
func sgdStepRecord(w, g, oldW, newW []float64, inv, l1, l2, eta float64) bool {
	acc := 0.0
	g, oldW, newW = g[:len(w)], oldW[:len(w)], newW[:len(w)]
	if l1 == 0 && l2 == 0 { // v − η·(g·inv) = v − η·grad(g, inv, v, 0, 0)
		n4 := len(w) &^ 3
		acc = sgd(w[:n4], g[:n4], oldW[:n4], newW[:n4], eta, inv)
		for i := n4; i < len(w); i++ {
			v := w[i]
			nv := v - eta*(g[i]*inv)
			oldW[i], w[i], newW[i] = v, nv, nv
			acc += nv * 0
		}
		return acc == 0
	}
	for i, v := range w {
		nv := v - eta*grad(g[i], inv, v, l1, l2)
		oldW[i], w[i], newW[i] = v, nv, nv
		acc += nv * 0
	}
	return acc == 0
}

// momentumStep does v ← μv − η·grad; w ← w + v.
func momentumStep(w, vel, g []float64, inv, l1, l2, eta, mu float64) bool {
	acc := 0.0
	for i, v := range w {
		vel[i] = mu*vel[i] - eta*grad(g[i], inv, v, l1, l2)
		nv := v + vel[i]
		w[i] = nv
		acc += nv*0 + vel[i]*0
	}
	return acc == 0
}

// adamStep does Adam's step with the bias corrections c1 = 1/(1−β1ᵗ) and
// c2 = 1/(1−β2ᵗ).
func adamStep(w, m1, m2, g []float64, inv, l1, l2 float64, h *Hyper, c1, c2 float64) bool {
	acc := 0.0
	for i, v := range w {
		gi := grad(g[i], inv, v, l1, l2)
		m1[i] = h.Beta1*m1[i] + (1-h.Beta1)*gi
		m2[i] = h.Beta2*m2[i] + (1-h.Beta2)*gi*gi
		nv := v - h.Eta*(m1[i]*c1)/(math.Sqrt(m2[i]*c2)+h.Epsilon)
		w[i] = nv
		acc += nv*0 + m1[i]*0 + m2[i]*0 // an Inf moment is divergence too
	}
	return acc == 0
}

// perceptronUpdate applies w ← w + η(y − ŷ)x, b ← b + η(y − ŷ) for the
// current sample (online).
func (s *Stepper) perceptronUpdate() {
	layer := s.net.Layers[0]
	if s.last == nil {
		s.last = newUpdates(s.net)
	}
	u := &s.last[0]
	copy(u.OldW, layer.W)
	copy(u.OldB, layer.B)
	x := s.rows.a[0][s.c.sample]
	mistake := false
	for j, e := range s.rows.perr {
		if e == 0 {
			continue
		}
		mistake = true
		step := s.h.Eta * e
		row := layer.W[j*layer.In : (j+1)*layer.In]
		for k, v := range x {
			row[k] += step * v
		}
		layer.B[j] += step
	}
	if mistake {
		s.mistakes++
	}
	copy(u.NewW, layer.W)
	copy(u.NewB, layer.B)
	if !finiteAll(layer.W) || !finiteAll(layer.B) {
		s.diverge(0, "weights")
	}
}
