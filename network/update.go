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
	inv, mean := s.beginUpdate()
	n := float64(s.train.Len())
	l1, l2 := h.L1/n, h.L2/n
	if s.plainSGD() {
		// The common case: one pass over every weight (split across the
		// stepper's threads) steps it, records it and sums the gradient norm.
		s.sgdDone(s.bt.sgd(s.net, s.grad.w, s.grad.b, s.sgdArgs(inv)))
	} else {
		s.addGradNorm(inv)
		inv *= s.clipScale(inv)
		s.step(inv, l1, l2)
	}
	if s.grad.wh != nil {
		c1, c2 := s.adamC()
		s.updateWH(inv, l1, l2, c1, c2)
	}
	s.endUpdate(mean)
}

// beginUpdate is what comes before the weights change: it returns 1/m and
// the batch's mean loss.
func (s *Stepper) beginUpdate() (inv, mean float64) {
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
	inv = 1 / float64(s.count)
	if s.blowup != 0 {
		s.checkJump(s.loss * inv) // before s.last is overwritten
		s.pushTrail()
	}
	s.upd++
	return inv, s.loss * inv
}

// endUpdate is what comes after the weights change.
func (s *Stepper) endUpdate(mean float64) {
	s.batchLosses.add(mean, foldLoss, MaxBatchLosses)
	s.recent.add(mean)
}

// plainSGD reports whether the update is SGD without regularisation or
// clipping, which the batch's kernels do in one pass (or fused with the
// last gradient sums: chunk).
func (s *Stepper) plainSGD() bool {
	h := &s.h
	return h.Rule == Backprop && h.Opt == SGD && h.L1 == 0 && h.L2 == 0 && h.Clip <= 0
}

// sgdArgs are the plain SGD step's arguments.
func (s *Stepper) sgdArgs(inv float64) *sgdArgs {
	s.prepNorm()
	s.sgdA = sgdArgs{last: s.last, eta: s.h.Eta, inv: inv, norms: s.gradNorm}
	return &s.sgdA
}

// sgdDone counts the update in the gradient norms and marks divergence at
// the first layer whose new weights are not all finite.
func (s *Stepper) sgdDone(ok []bool) {
	s.newStale = true // the step wrote OldW and OldB only
	s.gradUpdates++
	for l, good := range ok {
		if !good {
			s.diverge(l, "weights")
		}
	}
}

// adamC is Adam's bias corrections 1/(1−β1ᵗ) and 1/(1−β2ᵗ) at the current t.
func (s *Stepper) adamC() (c1, c2 float64) {
	if s.h.Opt != Adam {
		return 0, 0
	}
	return 1 / (1 - math.Pow(s.h.Beta1, float64(s.adamT))), 1 / (1 - math.Pow(s.h.Beta2, float64(s.adamT)))
}

// step applies the optimizer to every layer (inv = 1/m, times the clipping
// scale), recording each layer's old and new weights.
func (s *Stepper) step(inv, l1, l2 float64) {
	h := &s.h
	if h.Opt == Adam {
		s.adamT++
	}
	c1, c2 := s.adamC()
	for l, layer := range s.net.Layers {
		u := &s.last[l]
		gw, gb := s.grad.w[l], s.grad.b[l]
		ok := true
		switch h.Opt {
		case SGD:
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
}

// prepNorm makes sure the epoch's gradient-norm sums exist.
func (s *Stepper) prepNorm() {
	if s.gradNorm == nil {
		s.gradNorm = make([]float64, len(s.net.Layers))
	}
}

// addGradNorm adds each layer's ‖(1/m) Σ_x ∂C_x/∂W^l‖_F (inv = 1/m; no
// regularisation term) to the epoch's sums, summed as the SGD step sums it
// (tileNorm).
func (s *Stepper) addGradNorm(inv float64) {
	s.prepNorm()
	for l, layer := range s.net.Layers {
		s.gradNorm[l] += math.Sqrt(tileNorm(s.grad.w[l], inv, layer.In, 0, layer.Out))
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
//
// A nil newW records the old values only (the caller knows the new ones are
// the weights).
func sgdStepRecord(w, g, oldW, newW []float64, inv, l1, l2, eta float64) bool {
	acc := 0.0
	g, oldW, newW = g[:len(w)], oldW[:len(w)], part(newW, 0, len(w))
	if l1 == 0 && l2 == 0 { // v − η·(g·inv) = v − η·grad(g, inv, v, 0, 0)
		var sq [lanes]float64
		n8 := len(w) &^ (lanes - 1)
		acc = sgd(w[:n8], g[:n8], oldW[:n8], part(newW, 0, n8), eta, inv, &sq)
		return sgdTail(w[n8:], g[n8:], oldW[n8:], part(newW, n8, len(w)), eta, inv, &sq)+acc == 0
	}
	for i, v := range w {
		nv := v - eta*grad(g[i], inv, v, l1, l2)
		oldW[i], w[i], newW[i] = v, nv, nv
		acc += nv * 0
	}
	return acc == 0
}

// sgdTail is sgd for the last few values of a tile (fewer than 8), whose
// squares go to sum 0 (as tileNorm adds them).
func sgdTail(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64) (bad float64) {
	return sgdLanes(w, g, oldW, newW, eta, inv, sq, 0)
}

// part is v[lo:hi], or nil for a nil v.
func part(v []float64, lo, hi int) []float64 {
	if v == nil {
		return nil
	}
	return v[lo:hi]
}

// sgdFarMin is the size (values) from which a layer's SGD step writes its
// record around the caches: 2¹⁵ values, 256 KiB. With 1 MiB of other work
// between steps (a mini-batch's), it measured a fifth to a third faster at
// 784×256, 784×100 and 256×128.
const sgdFarMin = 1 << 15

// sgdRows does the SGD step of rows lo..hi−1 of an n-column matrix w
// (lo a multiple of rankR), recording old and new values; it sets sq[t] to
// the share of ‖g·inv‖² of its t-th tile of rankR rows, summed as tileNorm
// sums it, and reports whether every new value is finite.
func sgdRows(w, g, oldW, newW []float64, eta, inv float64, n, lo, hi int, sq []float64) bool {
	bad, far := 0.0, len(w) >= sgdFarMin
	for r := lo; r < hi; r += rankR {
		a, b := r*n, min(r+rankR, hi)*n
		whole := a + (b-a)&^(lanes-1)
		var l [lanes]float64
		bad += sgdFar(w[a:whole], g[a:whole], oldW[a:whole], part(newW, a, whole), eta, inv, &l, far)
		bad += sgdTail(w[whole:b], g[whole:b], oldW[whole:b], part(newW, whole, b), eta, inv, &l)
		sq[(r-lo)/rankR] = laneTree(&l)
	}
	return bad == 0
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
