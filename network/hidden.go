package network

import (
	"errors"
	"fmt"
	"math"
)

// Hidden space: the input plane as one hidden layer sees it. A hidden
// layer l maps every input x to its activations a^l(x); drawing the
// training points and the input plane's grid lines at a^l instead of at x
// shows how the layer bends the plane, and why the next layer, which only
// draws a line (a hyperplane) through a^l, can now separate classes that
// no line separated in the input plane (ConvNetJS's 2-D demo; Olah,
// "Neural Networks, Manifolds, and Topology").

// ErrHiddenLayer is MapHidden's error for a layer that is not hidden.
var ErrHiddenLayer = errors.New("network: hidden space needs a hidden layer l, 1 ≤ l < L")

// HiddenSpace is a set of input points and grid lines of the input plane
// mapped through the network to hidden layer Layer's activations.
type HiddenSpace struct {
	// Layer is l, 1 ≤ l < L (Sizes[l] neurons).
	Layer int
	// Points[p] is a^l(x_p), Sizes[l] values, for the p-th point given.
	Points [][]float64
	// Lines are the images of the grid lines: the horizontal ones (Axis 0)
	// from the bottom up, then the vertical ones from left to right.
	Lines []HiddenLine
}

// HiddenLine is one grid line of the input plane, sampled at Steps+1
// evenly spaced points from lo to hi, and its image under a^l.
type HiddenLine struct {
	// Axis is the input that varies along the line: 0, x₁ varies and
	// x₂ = At is held (a horizontal line of the plane); 1, x₂ varies and
	// x₁ = At is held (a vertical one).
	Axis int
	At   float64
	// A[s] is a^l at the line's s-th point.
	A [][]float64
}

// MaxHiddenPoints bounds the points (data and grid) one MapHidden call
// maps, so that a bad caller gets an error instead of an allocation.
const MaxHiddenPoints = 1 << 20

// MapHidden maps the raw 2-D points xs (through the network's input
// features first, when it has them) and a lines × lines grid over the
// rectangle lo..hi of the input plane (lines ≥ 2 lines per axis, at
// x = lo + k·(hi − lo)/(lines − 1), each sampled at steps+1 points) through
// net to the activations of hidden layer l:
//
//	a⁰ = x,  a^k = σ(W^k a^{k−1} + b^k)  for k = 1..l
//
// It is an evaluation, not training: net is only read (pass a Stepper's
// Net() as it stands), and every value has the bits Forward gives for
// that point. lines = 0 maps the points alone.
func MapHidden(net *Network, l int, xs [][]float64, lo, hi [2]float64, lines, steps int) (*HiddenSpace, error) {
	if err := net.validate(); err != nil {
		return nil, err
	}
	if net.Inputs() != 2 {
		return nil, fmt.Errorf("%w (this one has %d)", ErrGridInputs, net.Inputs())
	}
	if l < 1 || l >= len(net.Sizes)-1 {
		return nil, fmt.Errorf("%w (asked for layer %d of a network with %d layers)", ErrHiddenLayer, l, len(net.Layers))
	}
	if lines != 0 {
		for i := range 2 {
			if !finite(lo[i]) || !finite(hi[i]) || !(lo[i] < hi[i]) {
				return nil, fmt.Errorf("network: grid range of x%d is %v..%v; want finite lo < hi", i+1, lo[i], hi[i])
			}
		}
		if lines < 2 || steps < 1 {
			return nil, fmt.Errorf("network: %d grid lines of %d steps; want at least 2 lines of 1 step", lines, steps)
		}
	}
	gridPts := 0
	if lines > 0 {
		if lines > MaxHiddenPoints || steps >= MaxHiddenPoints/(2*lines) {
			return nil, fmt.Errorf("network: %d grid lines of %d steps are more than %d points", 2*lines, steps, MaxHiddenPoints)
		}
		gridPts = 2 * lines * (steps + 1)
	}
	if len(xs) > MaxHiddenPoints-gridPts || int64(len(xs)+gridPts)*int64(net.Sizes[l]) > MaxGridValues {
		return nil, fmt.Errorf("network: %d points over %d neurons are more than %d values", len(xs)+gridPts, net.Sizes[l], MaxGridValues)
	}
	for p, x := range xs {
		if len(x) != 2 {
			return nil, fmt.Errorf("network: point %d has %d coordinates; want 2", p, len(x))
		}
	}
	h := &HiddenSpace{Layer: l}
	m := mapper{net: net, l: l, ws: net.NewBatchWorkspace(evalRows)}
	h.Points = m.mapAll(xs)
	for axis := range 2 {
		for k := 0; k < lines; k++ {
			at := lerp(lo[1-axis], hi[1-axis], k, lines-1)
			pts := make([][]float64, steps+1)
			for s := range pts {
				x := make([]float64, 2)
				x[axis], x[1-axis] = lerp(lo[axis], hi[axis], s, steps), at
				pts[s] = x
			}
			h.Lines = append(h.Lines, HiddenLine{Axis: axis, At: at, A: m.mapAll(pts)})
		}
	}
	return h, nil
}

// lerp is lo + k·(hi − lo)/n, exactly hi at k = n.
func lerp(lo, hi float64, k, n int) float64 {
	if k == n {
		return hi
	}
	return lo + float64(k)*(hi-lo)/float64(n)
}

// mapper runs points through the first l layers in batches.
type mapper struct {
	net *Network
	l   int
	ws  *BatchWorkspace
}

// mapAll returns a^l for every raw point x (fresh slices); with input
// features a⁰ = φ(x) first (Network.Input).
func (m mapper) mapAll(xs [][]float64) [][]float64 {
	out := make([][]float64, len(xs))
	size := m.net.Sizes[m.l]
	flat := make([]float64, len(xs)*size)
	a0 := make([][]float64, m.ws.Rows())
	for p0 := 0; p0 < len(xs); p0 += m.ws.Rows() {
		n := min(len(xs)-p0, m.ws.Rows())
		for r := range n {
			a0[r] = m.net.Input(xs[p0+r])
		}
		m.net.ForwardBatch(m.ws, a0[:n])
		for r := range n {
			a := flat[(p0+r)*size : (p0+r+1)*size]
			copy(a, m.ws.a[m.l-1][r])
			out[p0+r] = a
		}
	}
	return out
}

// Line is the line W[0]·a₀ + W[1]·a₁ = C of a hidden layer's plane.
type Line struct {
	W [2]float64
	C float64
}

// ErrNotLinear is NextLines' error when the next layer's boundary is not a
// line in the two neurons' plane.
var ErrNotLinear = errors.New("network: the next layer's boundary is not a line in this plane")

// NextLines returns the lines the next layer draws in the plane of hidden
// layer l's two neurons: there z^{l+1} = W^{l+1} a^l + b^{l+1} is linear
// in (a₀, a₁), so each of its thresholds is a line. For the output layer
// they are the decision boundary (decision = true):
//
//	one output:   a^L = ½ (where ClassOf changes), i.e. w·a + b = σ⁻¹(½):
//	              0 for sigmoid, step and the like, atanh ½ for tanh,
//	              ½ for linear and ReLU
//	two outputs:  a^L₀ = a^L₁, i.e. (w₀ − w₁)·a + (b₀ − b₁) = 0
//	              (the activation is the same increasing function of each z)
//
// For a hidden next layer they are each of its neurons' z = 0 lines (where a
// tanh or sigmoid unit crosses its midpoint, a ReLU switches on). Layer l
// must have exactly 2 neurons: with more, z^{l+1} depends on the others too
// and no line of this plane is the boundary (ErrNotLinear). More than two
// outputs, or a single softmax output, are ErrNotLinear too.
func NextLines(net *Network, l int) (lines []Line, decision bool, err error) {
	if err := net.validate(); err != nil {
		return nil, false, err
	}
	if l < 1 || l >= len(net.Sizes)-1 {
		return nil, false, fmt.Errorf("%w (asked for layer %d of a network with %d layers)", ErrHiddenLayer, l, len(net.Layers))
	}
	if net.Sizes[l] != 2 {
		return nil, false, fmt.Errorf("%w: layer %d has %d neurons, and the next layer reads them all", ErrNotLinear, l, net.Sizes[l])
	}
	next := net.Layers[l] // maps a^l to a^{l+1}
	row := func(j int) [2]float64 { return [2]float64{next.W[2*j], next.W[2*j+1]} }
	if l+1 < len(net.Sizes)-1 {
		for j := range next.Out {
			lines = append(lines, Line{W: row(j), C: -next.B[j]})
		}
		return lines, false, nil
	}
	switch {
	case next.Out == 1 && next.Act != Softmax:
		return []Line{{W: row(0), C: halfway(next.Act) - next.B[0]}}, true, nil
	case next.Out == 2:
		w0, w1 := row(0), row(1)
		return []Line{{W: [2]float64{w0[0] - w1[0], w0[1] - w1[1]}, C: next.B[1] - next.B[0]}}, true, nil
	}
	return nil, true, fmt.Errorf("%w: %d outputs (%s)", ErrNotLinear, next.Out, next.Act)
}

// halfway is σ⁻¹(½), the z at which a single output's class changes.
func halfway(act Activation) float64 {
	switch act {
	case Tanh:
		return math.Atanh(0.5)
	case Linear, ReLU, LeakyReLU:
		return 0.5
	}
	return 0 // sigmoid: σ(0) = ½; step: 1 for z > 0
}

// Range is the span to show for neuron j's axis: a bounded activation's
// whole range with a small margin (tanh −1…1, sigmoid 0…1), so a picture
// does not jump as training moves the points; otherwise the extent of the
// finite points and line vertices with a 5% margin (−1…1 when there are
// none).
func (h *HiddenSpace) Range(act Activation, j int) (lo, hi float64) {
	switch act {
	case Tanh:
		return -1.08, 1.08
	case Sigmoid, Step, Softmax:
		return -0.04, 1.04
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	see := func(a []float64) {
		if v := a[j]; finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	for _, a := range h.Points {
		see(a)
	}
	for _, ln := range h.Lines {
		for _, a := range ln.A {
			see(a)
		}
	}
	if !(lo <= hi) {
		return -1, 1
	}
	m := math.Max(0.05*(hi-lo), 1e-3)
	return lo - m, hi + m
}
