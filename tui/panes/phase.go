package panes

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"backprop/internal/numfmt"
	"backprop/network"
)

// phaseName is the short label of a phase shown to the user.
func phaseName(p network.Phase) string {
	switch p {
	case network.PhaseIdle:
		return "start"
	case network.PhaseLoad:
		return "load sample"
	case network.PhaseForward:
		return "forward"
	case network.PhaseCost:
		return "cost"
	case network.PhaseOutputDelta:
		return "output δ"
	case network.PhaseBackward:
		return "backward"
	case network.PhaseAccumulate:
		return "accumulate ∂C"
	case network.PhaseUpdate:
		return "update weights"
	case network.PhaseEpochEnd:
		return "end of epoch"
	}
	return "phase " + strconv.Itoa(int(p))
}

// stepLabel describes a position's last completed step, e.g. "forward L2 n3".
func stepLabel(p network.Pos) string {
	switch p.Phase {
	case network.PhaseForward, network.PhaseBackward:
		return fmt.Sprintf("%s L%d n%d", phaseName(p.Phase), p.Layer+1, p.Neuron+1)
	}
	return phaseName(p.Phase)
}

// nextLabel says which step comes after in.Pos (stepping by neuron within
// forward and backward layers).
func nextLabel(in Input) string {
	p, net := in.Pos, in.Net
	if net == nil || len(net.Layers) == 0 {
		return ""
	}
	L := len(net.Layers)
	perceptron := in.Hyper.Rule == network.Perceptron
	if s, ok := nextInTime(in, L); ok {
		return s
	}
	switch p.Phase {
	case network.PhaseIdle, network.PhaseEpochEnd:
		return "load sample"
	case network.PhaseLoad:
		return "forward L1 n1"
	case network.PhaseForward:
		if p.Neuron+1 < layerSize(net, p.Layer+1) {
			return fmt.Sprintf("forward L%d n%d", p.Layer+1, p.Neuron+2)
		}
		if p.Layer+1 < L {
			return fmt.Sprintf("forward L%d n1", p.Layer+2)
		}
		if perceptron {
			return "update weights"
		}
		return "cost"
	case network.PhaseCost:
		return "output δ"
	case network.PhaseOutputDelta:
		if L >= 2 {
			return fmt.Sprintf("backward L%d n1", L-1)
		}
		return "accumulate ∂C"
	case network.PhaseBackward:
		if p.Neuron+1 < layerSize(net, p.Layer+1) {
			return fmt.Sprintf("backward L%d n%d", p.Layer+1, p.Neuron+2)
		}
		if p.Layer > 0 {
			return fmt.Sprintf("backward L%d n1", p.Layer)
		}
		return "accumulate ∂C"
	case network.PhaseAccumulate:
		if in.batchEnds() {
			return "update weights"
		}
		return "load sample"
	case network.PhaseUpdate:
		if in.epochEnds() {
			return "end of epoch"
		}
		return "load sample"
	}
	return ""
}

// nextInTime is nextLabel's answer where a sequence's time loop goes on:
// the next step's forward, or the previous step's output δ.
func nextInTime(in Input, L int) (string, bool) {
	p := in.Pos
	if in.Trace == nil || in.Trace.Seq == nil {
		return "", false
	}
	t, T := in.Trace.Seq.Time, in.Trace.Seq.T
	lastN := p.Neuron+1 >= layerSize(in.Net, p.Layer+1)
	switch {
	case p.Phase == network.PhaseForward && p.Layer == L-1 && lastN && t+1 < T:
		return fmt.Sprintf("forward t=%d L1 n1", t+2), true
	case (p.Phase == network.PhaseBackward && p.Layer == 0 && lastN || p.Phase == network.PhaseOutputDelta && L == 1) && t > 0:
		return fmt.Sprintf("output δ t=%d", t), true
	}
	return "", false
}

// trainSize is the number of training samples, or 0 when unknown.
func (in *Input) trainSize() int {
	if in.Data == nil {
		return 0
	}
	return in.Data.Train.Len()
}

// batchM is the mini-batch size the engine steps by: Hyper.Batch (at least
// 1), or 1 under the perceptron rule.
func (in *Input) batchM() int { return max(in.Hyper.UpdateEvery(), 1) }

// batchEnds reports whether the current sample is the last of its
// mini-batch (true when unknown, the common case for small sets).
func (in *Input) batchEnds() bool {
	m := in.batchM()
	n := in.trainSize()
	if n == 0 {
		return in.Pos.Sample+1 >= m
	}
	inBatch := min(m, n-in.Pos.Batch*m)
	if len(in.Batch) > 0 {
		inBatch = len(in.Batch) // its real size: m may have changed mid-epoch
	}
	return in.Pos.Sample+1 >= inBatch
}

// epochEnds reports whether the current mini-batch is the epoch's last.
func (in *Input) epochEnds() bool {
	m := in.batchM()
	n := in.trainSize()
	if n == 0 {
		return false
	}
	if in.Batches > 0 {
		return in.Pos.Batch+1 >= in.Batches
	}
	return (in.Pos.Batch+1)*m >= n
}

// forwardDone reports whether z and a of neuron j of Layers[li] belong to
// the current sample.
func (in *Input) forwardDone(li, j int) bool {
	return in.Trace != nil && forwardDoneAt(in.Pos, li, j)
}

// forwardDoneAt reports whether position p has computed z and a of neuron
// j of Layers[li] for the current sample.
func forwardDoneAt(p network.Pos, li, j int) bool {
	switch p.Phase {
	case network.PhaseIdle, network.PhaseLoad:
		return false
	case network.PhaseForward:
		return li < p.Layer || li == p.Layer && j <= p.Neuron
	}
	return true
}

// inputDone reports whether the trace holds the current sample's input.
func (in *Input) inputDone() bool {
	return in.Trace != nil && in.Pos.Phase != network.PhaseIdle
}

// costDone reports whether Trace.Cost is the current sample's.
func (in *Input) costDone() bool {
	if in.Trace == nil || in.Hyper.Rule == network.Perceptron {
		return false
	}
	return in.Pos.Phase >= network.PhaseCost
}

// deltaDone reports whether δ of neuron j of Layers[li] is the current
// sample's.
func (in *Input) deltaDone(li, j int) bool {
	if in.Trace == nil || in.Net == nil || in.Hyper.Rule == network.Perceptron {
		return false
	}
	p := in.Pos
	switch p.Phase {
	case network.PhaseOutputDelta:
		return li == len(in.Net.Layers)-1
	case network.PhaseBackward:
		return li > p.Layer || li == p.Layer && j <= p.Neuron
	}
	return p.Phase >= network.PhaseAccumulate
}

// activeLayer is the Layers index being forwarded or backpropagated, and the
// direction (+1 forward, −1 backward), or (−1, 0).
func (in *Input) activeLayer() (int, int) {
	switch in.Pos.Phase {
	case network.PhaseForward:
		return in.Pos.Layer, +1
	case network.PhaseBackward:
		return in.Pos.Layer, -1
	case network.PhaseOutputDelta:
		if in.Net != nil {
			return len(in.Net.Layers) - 1, -1
		}
	}
	return -1, 0
}

// num formats v compactly with a true minus sign: 3 decimals below 100,
// 4 significant digits above, scientific for tiny non-zero values.
func num(v float64) string {
	var s string
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "−Inf"
	case a == 0:
		return "0"
	case a < 0.001:
		s = numfmt.E(v, 1)
	case a < 100:
		s = numfmt.F(v, 3)
	default:
		s = numfmt.G(v, 4)
	}
	return s
}

// num2 is num with 2 decimals, for dense tables.
func num2(v float64) string {
	if !finite(v) || math.Abs(v) >= 100 || v != 0 && math.Abs(v) < 0.005 {
		return num(v)
	}
	return numfmt.F(v, 2)
}

// paren wraps negative numbers in parentheses for products: (−0.310).
func paren(v float64) string {
	s := num(v)
	if strings.HasPrefix(s, "−") {
		return "(" + s + ")"
	}
	return s
}

// sub writes a non-negative integer as Unicode subscript digits.
func sub(n int) string {
	const digits = "₀₁₂₃₄₅₆₇₈₉"
	s := strconv.Itoa(n)
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			d := []rune(digits)[r-'0']
			b.WriteRune(d)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// actName is the name of σ shown in equations.
func actName(a network.Activation) string {
	switch a {
	case network.Step:
		return "step"
	case network.Linear:
		return "linear"
	case network.Sigmoid:
		return "sigmoid"
	case network.Tanh:
		return "tanh"
	case network.ReLU:
		return "relu"
	case network.LeakyReLU:
		return "leaky"
	case network.Softmax:
		return "softmax"
	}
	return "σ"
}

// actShort is a 3-letter activation tag for column headers.
func actShort(a network.Activation) string {
	switch a {
	case network.Step:
		return "stp"
	case network.Linear:
		return "lin"
	case network.Sigmoid:
		return "sig"
	case network.Tanh:
		return "tnh"
	case network.ReLU:
		return "rlu"
	case network.LeakyReLU:
		return "lky"
	case network.Softmax:
		return "smx"
	}
	return "?"
}

// derivative is σ'(z) given z and a = σ(z), for showing the factor in the δ
// equations (the δ value itself comes from the trace). NaN when σ has no
// elementwise derivative (step, softmax).
func derivative(act network.Activation, z, a float64) float64 {
	switch act {
	case network.Linear:
		return 1
	case network.Sigmoid:
		return a * (1 - a)
	case network.Tanh:
		return 1 - a*a
	case network.ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case network.LeakyReLU:
		if z > 0 {
			return 1
		}
		return 0.01
	}
	return math.NaN()
}

// unit maps an activation value to [0, 1] for the colour ramp: sigmoid-like
// values as they are, tanh from [−1, 1], unbounded ones relative to scale.
func unit(act network.Activation, a, scale float64) float64 {
	if !finite(a) {
		return 0
	}
	switch act {
	case network.Step, network.Sigmoid, network.Softmax:
		return a
	case network.Tanh:
		return (a + 1) / 2
	case network.ReLU:
		if scale <= 0 {
			return 0
		}
		return a / scale
	}
	if scale <= 0 {
		return 0.5
	}
	return 0.5 + 0.5*a/scale
}

// glyphLevel lifts a ramp level for glyphs drawn in the foreground: the
// ramp's low end is close to the background (right for heat strips and
// images, invisible for a thin glyph), and the glyph's shape already shows
// the level.
func glyphLevel(t float64) float64 {
	if !finite(t) {
		return 0.4
	}
	return 0.4 + 0.6*math.Max(0, math.Min(1, t))
}
