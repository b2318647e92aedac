package network

import "math"

// Evaluations of a network on a sequence set: the cost surface, the
// gradient flow and the flow back through time. The probe (probe.go) runs
// each sequence through a seqBuf, the buffer training uses, with the same
// per-step functions in the same order, so a cost or gradient here has
// the bits training computes for the same weights.
//
// The flow through time: at a hidden layer l, g^l_t = ∂C/∂a^l_t (see
// recurrent.go) is what the error of every later step has left when it
// reaches h_t. Its part that comes from the last step with a target alone,
//
//	∂C_T/∂h_t = (W_hᵀ diag σ'(z_{t+1})) ⋯ (W_hᵀ diag σ'(z_T)) · ∂C_T/∂h_T,
//
// is multiplied by W_hᵀ and σ' once per step back: with ‖W_h‖ small or σ'
// small (saturated units) it fades geometrically with the distance T − t.
// That is the vanishing gradient of recurrent networks, and why LSTMs exist.

// TimeFlow is one hidden layer's error through time, averaged over
// sequences. Sequences of different lengths are aligned at their start for
// Total and at their last step with a target for Last.
type TimeFlow struct {
	// Layer is the hidden layer (an index into Network.Layers).
	Layer int
	// Recurrent says whether the layer is recurrent (for a dense layer
	// nothing flows between steps: Last is 0 before T).
	Recurrent bool
	// Total[t] is the mean over sequences of ‖∂C/∂h_t‖₂ (every step's
	// cost; what δ_t is made from).
	Total []float64
	// Last[t] is the mean of ‖∂C_T/∂h_t‖₂, the gradient of the last
	// target step's cost C_T alone as it reaches h_t (t ≤ T); with
	// truncation (bptt) it is 0 beyond the window.
	Last []float64
}

// seqProbe is the probe's part for sequence sets.
type seqProbe struct {
	b    *seqBuf
	bptt int
}

// newSeqProbe checks a sequence set's chosen samples against net.
func newSeqProbe(net *Network, set Set, idx []int) (*seqProbe, error) {
	if set.Seq <= 0 {
		if net.IsRecurrent() {
			return nil, ErrSequence
		}
		return nil, nil
	}
	if err := checkSeq("training", set.Pick(idx), net); err != nil {
		return nil, err
	}
	return &seqProbe{b: newSeqBuf(net)}, nil
}

// seqCost runs every chosen sequence forward and returns Σ_x C_x, in the
// order of idx.
func (pr *probe) seqCost() float64 {
	b := pr.seq.b
	sum := 0.0
	for _, i := range pr.idx {
		b.set(pr.set.X[i], pr.set.Y[i], pr.set.Seq)
		b.forwardAll()
		sum += b.costs()
	}
	return sum
}

// seqGradient is gradient on a sequence set: Σ_x ∂C_x/∂w (and W_h) in
// p.grad, Σ_x C_x in loss; each (if not nil) sees every sequence's buffer
// after its backward pass.
func (pr *probe) seqGradient(each func(b *seqBuf)) meanGrad {
	p, b := pr.p, pr.seq.b
	p.grad.clear()
	pr.loss = 0
	for _, i := range pr.idx {
		b.set(pr.set.X[i], pr.set.Y[i], pr.set.Seq)
		b.forwardAll()
		pr.loss += b.costs()
		b.backwardAll(pr.seq.bptt)
		b.accumulate(p.grad)
		if each != nil {
			each(b)
		}
	}
	return meanGrad{sums: p.grad, inv: 1 / float64(len(pr.idx))}
}

// FlowThroughTime is GradientFlow on a sequence set, with truncation bptt
// (Hyper.BPTT), and each hidden layer's TimeFlow. Per layer, Delta is the
// mean over sequences of √(Σ_t ‖δ^l_t‖²), Saturated counts (unit, step)
// pairs, and Dead the ReLU units with z ≤ 0 at every step. net is only
// read.
func FlowThroughTime(net *Network, set Set, idx []int, bptt int) ([]LayerFlow, []TimeFlow, error) {
	pr, err := newProbe(net, set, idx)
	if err != nil {
		return nil, nil, err
	}
	if pr.seq == nil {
		return nil, nil, ErrSequence
	}
	pr.seq.bptt = bptt
	L := len(pr.net.Layers)
	flow := make([]LayerFlow, L)
	live := make([][]bool, L)
	steps := 0
	for l, layer := range pr.net.Layers {
		live[l] = make([]bool, layer.Out)
	}
	maxT := 0
	for _, i := range pr.idx {
		maxT = max(maxT, set.Steps(i))
	}
	tf := make([]TimeFlow, L-1)
	nTot, nLast := make([]int, maxT), make([]int, maxT)
	for l := range tf {
		tf[l] = TimeFlow{Layer: l, Recurrent: pr.net.Layers[l].Recurrent(),
			Total: make([]float64, maxT), Last: make([]float64, maxT)}
	}
	g := pr.seqGradient(func(b *seqBuf) {
		steps += b.T
		for l, layer := range pr.net.Layers {
			sq := 0.0
			for t := range b.T {
				sq += euclid(b.d[l][t]) * euclid(b.d[l][t])
				for j, z := range b.z[l][t] {
					live[l][j] = live[l][j] || z > 0
					if saturated(layer.Act, b.a[l+1][t][j]) {
						flow[l].Saturated++
					}
				}
				if l < L-1 {
					tf[l].Total[t] += euclid(b.dh[l][t])
				}
			}
			flow[l].Delta += math.Sqrt(sq)
		}
		for t := range b.T {
			nTot[t]++
		}
		pr.lastFlow(b, tf, nLast, maxT)
	})
	m := float64(len(pr.idx))
	for l, layer := range pr.net.Layers {
		f := &flow[l]
		f.Delta /= m
		f.Saturated /= float64(steps) * float64(layer.Out)
		f.GradW = frobenius(g.sums.w[l], g.inv)
		if layer.Act == ReLU {
			f.Dead = deadShare(live[l])
		}
	}
	for l := range tf {
		for t := range maxT {
			tf[l].Total[t] /= float64(max(nTot[t], 1))
			tf[l].Last[t] /= float64(max(nLast[t], 1))
		}
	}
	return flow, tf, nil
}

// lastFlow adds ‖∂C_T/∂h_t‖ of b's sequence to tf's Last, aligned so that
// its last step with a target lands on maxT−1: it backpropagates again with
// only that step's cost (b's δ and g are overwritten).
func (pr *probe) lastFlow(b *seqBuf, tf []TimeFlow, n []int, maxT int) {
	last := -1
	for t := range b.T {
		if b.has[t] {
			last = t
		}
	}
	if last < 0 || len(tf) == 0 {
		return
	}
	has := append([]bool(nil), b.has[:b.T]...)
	for t := range b.T {
		b.has[t] = t == last
	}
	b.backwardAll(pr.seq.bptt)
	copy(b.has, has)
	shift := maxT - 1 - last
	for t := 0; t <= last; t++ {
		n[t+shift]++
		for l := range tf {
			tf[l].Last[t+shift] += euclid(b.dh[l][t])
		}
	}
}
