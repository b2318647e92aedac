package network

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Sentinel errors, prefixed with the package name.
var (
	ErrStepBackprop = errors.New("network: step activation has no useful derivative; backprop needs sigmoid, tanh, relu, ... (use the perceptron rule for a single step layer)")
	ErrDiverged     = errors.New("network: training diverged")
)

// Layer is a dense layer, z = W·a_prev + B, a = σ(z), or with WH a
// recurrent (Elman) one, z_t = W·a_prev,t + WH·a_{t−1} + B (recurrent.go).
type Layer struct {
	In, Out int
	Act     Activation
	W       []float64 // Out×In, row-major: W[j*In+k]
	B       []float64 // Out
	// WH is a recurrent layer's Out×Out weights from its own activations
	// one time step earlier, row-major: WH[j*Out+k] from unit k at t−1 to
	// unit j at t. nil for a dense layer.
	WH []float64
}

// Recurrent reports whether l feeds its activations back (WH != nil).
func (l *Layer) Recurrent() bool { return l.WH != nil }

// Network is a multilayer perceptron: Sizes[0] inputs, Layers[i] maps
// Sizes[i] to Sizes[i+1].
type Network struct {
	Sizes  []int
	Layers []*Layer
	Cost   Cost
	// Init is the scheme the weights were drawn with; Stepper.Reseed reuses it.
	Init Init
	// Features, when set, are the input features (features.go): the
	// network's raw input is a point x of the plane and a⁰ = φ(x) has
	// Sizes[0] = len(Features) values. Forward, Evaluate and the Stepper
	// take a⁰ (expand a set once with Features.ExpandSet, one input with
	// Input); EvalGrid and Export take raw points.
	Features Features
}

// Spec describes a network to build. Acts has one entry per layer
// (len(Sizes)−1).
type Spec struct {
	Sizes []int
	Acts  []Activation
	Cost  Cost
	Init  Init
	// Features, when set, has Sizes[0] entries (see Network.Features).
	Features Features
	// Recurrent, when not nil, has one entry per layer: true makes that
	// layer an Elman recurrent layer (not the output layer; not step or
	// softmax). Such a network trains only on sequence sets (Set.Seq).
	Recurrent []bool
}

// initStream is the PCG stream NewRand uses, distinct from the shuffle
// streams (which are the epoch numbers).
const initStream = 0x9e3779b97f4a7c15

// NewRand returns the generator Stepper.Reseed uses for initial weights:
// rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)). Build the first network
// with it too, so that Reseed(seed) reproduces New(spec, NewRand(seed)).
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, initStream)) }

// MaxNeurons bounds each layer's width, so a bad flag or file can't ask for
// absurd amounts of memory.
const MaxNeurons = 1 << 16

// MaxParams bounds a network's weights and biases in total (2,097,152;
// MaxNeurons alone would allow 2^32 in one layer). Training keeps about
// seven float64 per parameter (weights, initial weights, gradient sums, the
// last update's old and new values, two Adam moments), about 120 MB at the
// limit, and its model file (five numbers per parameter, at most 24 bytes
// each) stays under MaxModelBytes, so that it loads again.
const MaxParams = 1 << 21

// NumParamsOf is the number of weights and biases of a dense network with
// these layer sizes, Σ_l (sizes[l]+1)·sizes[l+1]; it saturates at
// math.MaxInt instead of overflowing (sizes below 1 count as 0).
func NumParamsOf(sizes []int) int {
	total := 0
	for l := 1; l < len(sizes); l++ {
		in, out := max(sizes[l-1], 0), max(sizes[l], 0)
		if out == 0 {
			continue
		}
		if in >= math.MaxInt/out || (in+1)*out > math.MaxInt-total {
			return math.MaxInt
		}
		total += (in + 1) * out
	}
	return total
}

// CheckParams reports an error naming the count and the limit when a
// network with these layer sizes would have more than MaxParams weights
// and biases. New and model files check it; the CLI and the trainer call
// it on a --layers flag or prompt before anything is allocated.
func CheckParams(sizes []int) error {
	if n := NumParamsOf(sizes); n > MaxParams {
		count := strconv.Itoa(n)
		if n == math.MaxInt {
			count = "more than " + strconv.Itoa(math.MaxInt)
		}
		return fmt.Errorf("network: layers %s have %s weights and biases; the limit is %s",
			joinInts(sizes), groupDigits(count), groupDigits(strconv.Itoa(MaxParams)))
	}
	return nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// groupDigits writes 1600080001 as 1,600,080,001 (a run of digits in s).
func groupDigits(s string) string {
	i := strings.IndexAny(s, "0123456789")
	if i < 0 {
		return s
	}
	d := s[i:]
	var b strings.Builder
	for k, c := range d {
		if k > 0 && (len(d)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return s[:i] + b.String()
}

// checkRecurrent checks which layers of a network with these sizes and
// activations may be recurrent, and that the W_h matrices (Out² each) keep
// the parameters within MaxParams.
func checkRecurrent(sizes []int, acts []Activation, rec []bool) error {
	if rec == nil {
		return nil
	}
	if len(rec) != len(acts) {
		return fmt.Errorf("network: %d recurrent flags for %d layers", len(rec), len(acts))
	}
	total := NumParamsOf(sizes)
	for i, r := range rec {
		if !r {
			continue
		}
		switch {
		case i == len(acts)-1:
			return fmt.Errorf("network: layer %d: the output layer cannot be recurrent (make a hidden layer recurrent)", i)
		case acts[i] == Step || acts[i] == Softmax:
			return fmt.Errorf("network: layer %d: a recurrent layer needs a differentiable elementwise activation, not %s", i, acts[i])
		}
		total += sizes[i+1] * sizes[i+1]
		if total > MaxParams {
			return fmt.Errorf("network: layers %s with recurrent layer %d have more than %s weights and biases",
				joinInts(sizes), i, groupDigits(strconv.Itoa(MaxParams)))
		}
	}
	return nil
}

func checkShape(sizes []int, acts []Activation, c Cost) error {
	if len(sizes) < 2 {
		return fmt.Errorf("network: need at least 2 sizes (inputs and outputs), got %d", len(sizes))
	}
	for i, n := range sizes {
		if n < 1 || n > MaxNeurons {
			return fmt.Errorf("network: sizes[%d] = %d, want 1..%d", i, n, MaxNeurons)
		}
	}
	if err := CheckParams(sizes); err != nil {
		return err
	}
	if len(acts) != len(sizes)-1 {
		return fmt.Errorf("network: %d activations for %d layers", len(acts), len(sizes)-1)
	}
	for i, a := range acts {
		if !a.valid() {
			return fmt.Errorf("network: layer %d: invalid activation %d", i, a)
		}
		if a == Softmax && i != len(acts)-1 {
			return fmt.Errorf("network: layer %d: softmax is only allowed on the output layer", i)
		}
		if a == Softmax && sizes[i+1] < 2 {
			return fmt.Errorf("network: layer %d: softmax needs at least 2 outputs (on one unit a = 1 always and nothing learns); use sigmoid", i)
		}
	}
	if !c.valid() {
		return fmt.Errorf("network: invalid cost %d", c)
	}
	return nil
}

// New builds a network from spec, drawing initial weights from rng.
func New(spec Spec, rng *rand.Rand) (*Network, error) {
	if err := checkShape(spec.Sizes, spec.Acts, spec.Cost); err != nil {
		return nil, err
	}
	if !spec.Init.valid() {
		return nil, fmt.Errorf("network: invalid init %d", spec.Init)
	}
	if err := checkFeatures(spec.Features, spec.Sizes[0]); err != nil {
		return nil, err
	}
	if err := checkRecurrent(spec.Sizes, spec.Acts, spec.Recurrent); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("network: New needs a seeded *rand.Rand (see NewRand)")
	}
	n := &Network{Sizes: append([]int(nil), spec.Sizes...), Cost: spec.Cost, Init: spec.Init,
		Features: append(Features(nil), spec.Features...)}
	for i, act := range spec.Acts {
		in, out := spec.Sizes[i], spec.Sizes[i+1]
		l := &Layer{In: in, Out: out, Act: act, W: make([]float64, in*out), B: make([]float64, out)}
		if spec.Recurrent != nil && spec.Recurrent[i] {
			l.WH = make([]float64, out*out)
		}
		initLayer(l, spec.Init, rng)
		n.Layers = append(n.Layers, l)
	}
	return n, nil
}

func initLayer(l *Layer, init Init, rng *rand.Rand) {
	switch init {
	case InitXavier:
		r := math.Sqrt(6 / float64(l.In+l.Out))
		for i := range l.W {
			l.W[i] = (2*rng.Float64() - 1) * r
		}
		clear(l.B)
	case InitHe:
		sd := math.Sqrt(2 / float64(l.In))
		for i := range l.W {
			l.W[i] = rng.NormFloat64() * sd
		}
		clear(l.B)
	case InitUniform:
		for i := range l.W {
			l.W[i] = 2*rng.Float64() - 1
		}
		for i := range l.B {
			l.B[i] = 2*rng.Float64() - 1
		}
	case InitNormal, InitLeCun:
		sd := 1.0
		if init == InitLeCun {
			sd = 1 / math.Sqrt(float64(l.In))
		}
		for i := range l.W {
			l.W[i] = rng.NormFloat64() * sd
		}
		for i := range l.B {
			l.B[i] = rng.NormFloat64()
		}
	default:
		clear(l.W)
		clear(l.B)
	}
	if l.WH != nil {
		// W_h is drawn by the same scheme as an Out×Out layer (fan-in Out),
		// after W and b; its scratch biases are dropped.
		initLayer(&Layer{In: l.Out, Out: l.Out, W: l.WH, B: make([]float64, l.Out)}, init, rng)
	}
}

// Clone returns a deep copy.
func (n *Network) Clone() *Network {
	c := &Network{Sizes: append([]int(nil), n.Sizes...), Cost: n.Cost, Init: n.Init,
		Features: append(Features(nil), n.Features...)}
	for _, l := range n.Layers {
		c.Layers = append(c.Layers, &Layer{In: l.In, Out: l.Out, Act: l.Act,
			W: append([]float64(nil), l.W...), B: append([]float64(nil), l.B...), WH: slices.Clone(l.WH)})
	}
	return c
}

// NumParams is the number of weights and biases.
func (n *Network) NumParams() int {
	p := 0
	for _, l := range n.Layers {
		p += len(l.W) + len(l.B) + len(l.WH)
	}
	return p
}

// validate checks that n is well formed (shapes chained, names valid).
func (n *Network) validate() error {
	if n == nil {
		return errors.New("network: nil network")
	}
	acts := make([]Activation, len(n.Layers))
	for i, l := range n.Layers {
		acts[i] = l.Act
	}
	if err := checkShape(n.Sizes, acts, n.Cost); err != nil {
		return err
	}
	if err := checkFeatures(n.Features, n.Sizes[0]); err != nil {
		return err
	}
	for i, l := range n.Layers {
		if l == nil || l.In != n.Sizes[i] || l.Out != n.Sizes[i+1] || len(l.W) != l.In*l.Out || len(l.B) != l.Out {
			return fmt.Errorf("network: layer %d does not match sizes %v", i, n.Sizes)
		}
		if l.WH != nil && len(l.WH) != l.Out*l.Out {
			return fmt.Errorf("network: layer %d: W_h has %d values, want %d", i, len(l.WH), l.Out*l.Out)
		}
	}
	return checkRecurrent(n.Sizes, acts, n.recurrentFlags())
}

// recurrentFlags is Spec.Recurrent for n (nil when no layer is recurrent).
func (n *Network) recurrentFlags() []bool {
	var rec []bool
	for i, l := range n.Layers {
		if l.WH != nil {
			if rec == nil {
				rec = make([]bool, len(n.Layers))
			}
			rec[i] = true
		}
	}
	return rec
}

// IsRecurrent reports whether some layer of n is recurrent.
func (n *Network) IsRecurrent() bool { return n.recurrentFlags() != nil }

// Workspace holds the buffers for allocation-free forward passes.
type Workspace struct {
	z, a  [][]float64 // per layer
	x1    [][]float64 // one-row views for the kernels
	zr    [][]float64
	spill []float64 // the forward kernel's scratch (wide layers only)
}

// NewWorkspace allocates buffers for Forward.
func (n *Network) NewWorkspace() *Workspace {
	ws := &Workspace{x1: make([][]float64, 1), zr: make([][]float64, 1), spill: n.newSpill()}
	for _, l := range n.Layers {
		ws.z = append(ws.z, make([]float64, l.Out))
		ws.a = append(ws.a, make([]float64, l.Out))
	}
	return ws
}

// newSpill returns forwardRange's scratch if some layer needs it.
func (n *Network) newSpill() []float64 {
	for _, l := range n.Layers {
		if l.In > fwdKC {
			return make([]float64, fwdSpillLen)
		}
	}
	return nil
}

// Forward computes the output for x using ws's buffers; the result is owned
// by ws. x must have Sizes[0] values. It has the bits of the stepper's
// forward pass for x (the kernels sum every sample in one fixed order).
func (n *Network) Forward(ws *Workspace, x []float64) []float64 {
	in := x
	for i, l := range n.Layers {
		ws.x1[0] = in
		ws.zr[0] = ws.z[i]
		forwardRange(l.W, l.B, l.In, ws.x1, ws.zr, 0, l.Out, ws.spill)
		l.Act.apply(ws.z[i], ws.a[i])
		in = ws.a[i]
	}
	ws.x1[0] = nil
	return in
}

// Predict is Forward with fresh buffers; the result is the caller's.
func (n *Network) Predict(x []float64) []float64 {
	return append([]float64(nil), n.Forward(n.NewWorkspace(), x)...)
}

// Metrics are the result of Evaluate. Accuracy compares argmax for several
// outputs, and a 0.5 threshold for one output. Confusion[actual][predicted]
// is nil for regression targets.
type Metrics struct {
	Loss, Accuracy float64
	Confusion      [][]int
}

// isClass reports whether y is a class target: one-hot over several outputs,
// or 0/1 for one output.
func isClass(y []float64) bool {
	if len(y) == 1 {
		return y[0] == 0 || y[0] == 1
	}
	ones := 0
	for _, v := range y {
		switch v {
		case 1:
			ones++
		case 0:
		default:
			return false
		}
	}
	return ones == 1
}

// ClassOf returns the class that v votes for (an output or a one-hot
// target): argmax, or v ≥ 0.5 for one value.
func ClassOf(v []float64) int {
	if len(v) == 1 {
		if v[0] >= 0.5 {
			return 1
		}
		return 0
	}
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// Evaluate computes the mean cost C = 1/n Σ_x C_x (no regularisation term),
// accuracy and confusion matrix of n on set. With an empty set Loss and
// Accuracy are NaN; with regression targets Accuracy is NaN and Confusion nil.
func (n *Network) Evaluate(set Set) Metrics {
	if set.Len() == 0 {
		return Metrics{Loss: math.NaN(), Accuracy: math.NaN()}
	}
	e := n.NewEvaluator(set)
	e.Step(set.Len())
	return e.Metrics()
}
