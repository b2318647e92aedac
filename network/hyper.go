package network

import (
	"fmt"
	"math"
)

// Hyper holds the training hyper-parameters.
type Hyper struct {
	Rule    Rule
	Eta     float64 // learning rate η > 0
	Batch   int     // mini-batch size m ≥ 1
	Opt     Optimizer
	Mu      float64 // momentum coefficient, default 0.9
	Beta1   float64 // Adam, default 0.9
	Beta2   float64 // Adam, default 0.999
	Epsilon float64 // Adam, default 1e-8
	L1, L2  float64 // λ for L1/L2 regularisation, scaled by 1/n (Nielsen): w ← w − ηλ/n·sgn(w), w ← (1 − ηλ/n)w
	Seed    uint64  // seeds the per-epoch shuffles
	// MaxEpochs bounds the Perceptron rule (NotConverging after it); 0 means 100.
	MaxEpochs int
	// Clip > 0 rescales the mini-batch's mean gradient g (all parameters,
	// before the L1/L2 terms) to norm Clip when ‖g‖ > Clip; 0: off.
	Clip float64
	// BPTT > 0 truncates backpropagation through time: the error flows
	// back across a recurrent layer's time steps only within windows of
	// BPTT steps (t = 0…K−1, K…2K−1, …); 0: through the whole sequence.
	BPTT int
}

// MaxBatch bounds Hyper.Batch.
const MaxBatch = 1 << 20

// DefaultHyper returns η=0.5, m=10, SGD, μ=0.9, β1=0.9, β2=0.999, ε=1e-8, seed 1.
func DefaultHyper() Hyper {
	return Hyper{Rule: Backprop, Eta: 0.5, Batch: 10, Opt: SGD, Mu: 0.9, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, Seed: 1}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate reports the first hyper-parameter that is out of range.
func (h Hyper) Validate() error {
	bad := func(what string, v any, want string) error {
		return fmt.Errorf("network: hyper-parameter %s = %v, want %s", what, v, want)
	}
	switch {
	case !h.Rule.valid():
		return bad("rule", h.Rule, "backprop or perceptron")
	case !(h.Eta > 0) || !finite(h.Eta):
		return bad("learning rate η", h.Eta, "a finite number > 0")
	case h.Batch < 1 || h.Batch > MaxBatch:
		return bad("batch size", h.Batch, fmt.Sprintf("1..%d", MaxBatch))
	case !h.Opt.valid():
		return bad("optimizer", h.Opt, "sgd, momentum or adam")
	case !(h.Mu >= 0 && h.Mu < 1):
		return bad("momentum μ", h.Mu, "0 ≤ μ < 1")
	case !(h.Beta1 >= 0 && h.Beta1 < 1):
		return bad("β1", h.Beta1, "0 ≤ β1 < 1")
	case !(h.Beta2 >= 0 && h.Beta2 < 1):
		return bad("β2", h.Beta2, "0 ≤ β2 < 1")
	case !(h.Epsilon > 0) || !finite(h.Epsilon):
		return bad("ε", h.Epsilon, "a finite number > 0")
	case !(h.L1 >= 0) || !finite(h.L1):
		return bad("L1 λ", h.L1, "a finite number ≥ 0")
	case !(h.L2 >= 0) || !finite(h.L2):
		return bad("L2 λ", h.L2, "a finite number ≥ 0")
	case h.MaxEpochs < 0:
		return bad("max epochs", h.MaxEpochs, "≥ 0")
	case !(h.Clip >= 0) || !finite(h.Clip):
		return bad("gradient clip", h.Clip, "a finite number ≥ 0 (0: off)")
	case h.BPTT < 0 || h.BPTT > MaxSteps:
		return bad("bptt", h.BPTT, fmt.Sprintf("0..%d (0: the whole sequence)", MaxSteps))
	}
	return nil
}

// UpdateEvery is the number of samples per weight update: the mini-batch
// size Batch, or 1 under the perceptron rule (it updates after each sample).
func (h Hyper) UpdateEvery() int {
	if h.Rule == Perceptron {
		return 1
	}
	return h.Batch
}

func (h Hyper) maxEpochs() int {
	if h.MaxEpochs == 0 {
		return 100
	}
	return h.MaxEpochs
}
