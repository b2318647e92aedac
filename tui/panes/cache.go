package panes

import (
	"math"
	"slices"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// Cache memoises the costly parts of the panes — the decision-boundary grid
// (many forward passes) and the confusion matrix (an evaluation of a whole
// set) — keyed by a hash of the weights, so edits, undo and training all
// invalidate it without the caller's help. The zero value is ready; keep one
// per session and pass it in every frame. Not safe for concurrent use.
type Cache struct {
	// scratch and dots are drawing buffers reused from pane to pane.
	scratch canvas
	dots    braille

	bws     *network.BatchWorkspace
	bwSizes []int

	chart struct {
		key  uint64
		st   *themes.Styles
		rows []string
	}
	compare compareCache
	grid    struct {
		gridMemo
		vals []float64 // per pixel: output unit value or class+confidence
		cls  []int
	}
	// tiles are every neuron's map at Topology's tile size; focusMap the
	// maps at the Boundary's size (it draws the focused neuron's).
	tiles, focusMap neuronMemo
	// hidden is the Hidden space pane's map
	hidden hiddenMemo
	// plane is the Boundary pane's slice of the input space for data
	plane struct {
		data *datasets.Dataset
		p    plane
	}
	conf struct {
		progress
		key          uint64
		steps, epoch int
		test         bool
		n            int // samples evaluated
		m            network.Metrics
		valid        bool
	}
}

// batchWorkspace returns a ForwardBatch workspace for net (cached per shape).
func (c *Cache) batchWorkspace(net *network.Network) *network.BatchWorkspace {
	const rows = 64
	if c == nil {
		return net.NewBatchWorkspace(rows)
	}
	if c.bws == nil || !slices.Equal(c.bwSizes, net.Sizes) {
		c.bws = net.NewBatchWorkspace(rows)
		c.bwSizes = slices.Clone(net.Sizes)
	}
	return c.bws
}

// weightsKey hashes the network's shape, activations and parameters
// (FNV-1a over the float bits).
func weightsKey(net *network.Network, extra ...int) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	mix := func(v uint64) { h = (h ^ v) * prime }
	for _, s := range net.Sizes {
		mix(uint64(s))
	}
	for _, l := range net.Layers {
		mix(uint64(l.Act) + 1<<20)
		for _, w := range l.W {
			mix(math.Float64bits(w))
		}
		for _, b := range l.B {
			mix(math.Float64bits(b))
		}
	}
	for _, e := range extra {
		mix(uint64(e))
	}
	return h
}

// netOK reports whether net is complete enough to run Forward on inputs of
// size n.
func netOK(net *network.Network, n int) bool {
	return wellFormed(net) && net.Inputs() == n
}

// wellFormed reports whether net's shapes agree (sizes, layers, weights and
// biases): the panes draw nothing else.
func wellFormed(net *network.Network) bool {
	if net == nil || len(net.Layers) == 0 || len(net.Sizes) != len(net.Layers)+1 {
		return false
	}
	if net.Features != nil && len(net.Features) != net.Sizes[0] {
		return false
	}
	for i, l := range net.Layers {
		if l == nil || l.In != net.Sizes[i] || l.Out != net.Sizes[i+1] || len(l.W) != l.In*l.Out || len(l.B) != l.Out {
			return false
		}
	}
	return true
}

// evalSet is the set the confusion matrix is computed on: test when there
// is one, else train.
func evalSet(d *datasets.Dataset) (network.Set, bool) {
	if d == nil {
		return network.Set{}, false
	}
	if d.Test.Len() > 0 {
		return network.Set(d.Test), true
	}
	return network.Set(d.Train), false
}

// evaluate is net's metrics on a set of raw inputs (points of the plane
// when net has input features: expanded here, at most maxEval of them).
func evaluate(net *network.Network, set network.Set) network.Metrics {
	set, err := net.Features.ExpandSet(set)
	if err != nil {
		return network.Metrics{Loss: math.NaN(), Accuracy: math.NaN()}
	}
	return net.Evaluate(set)
}

// maxEval caps the samples evaluated for the confusion matrix, so one
// evaluation stays a few milliseconds even for MNIST.
const maxEval = 1000

// progress remembers Pos.Steps at the previous frame: a small advance means
// the user is stepping by hand (or nothing happens), a large one that
// training is running.
type progress struct{ last int }

// manual reports whether the position moved by at most two mini-batches
// since the previous call, and records it.
func (p *progress) manual(in Input) bool {
	d := in.Pos.Steps - p.last
	p.last = in.Pos.Steps
	return d >= 0 && d <= 2*max(in.Hyper.Batch, 1)
}

// metrics returns the evaluation of in.Net on the test (or train) set, at
// most maxEval samples of it. With a Cache it recomputes only when the
// weights changed and either the user is stepping by hand, an epoch ended,
// or the position went back (undo, reset); while running fast it keeps the
// last epoch's value. It also returns whether it is the test set, how many
// samples were evaluated, and whether a result exists.
func metrics(in Input) (m network.Metrics, test bool, n int, ok bool) {
	set, test := evalSet(in.Data)
	if set.Len() == 0 || !netOK(in.Net, set.Inputs()) {
		return m, test, 0, false
	}
	if len(set.Y[0]) != layerSize(in.Net, len(in.Net.Layers)) {
		return m, test, 0, false
	}
	if set.Len() > maxEval {
		set = set.Slice(0, maxEval)
	}
	c := in.Cache
	if c == nil {
		return evaluate(in.Net, set), test, set.Len(), true
	}
	cc := &c.conf
	manual := cc.manual(in)
	key := weightsKey(in.Net, set.Len())
	steps, epoch := in.Pos.Steps, in.Pos.Epoch
	if !cc.valid || cc.test != test || key != cc.key && (manual || epoch != cc.epoch || steps < cc.steps) {
		cc.m = evaluate(in.Net, set)
		cc.key, cc.steps, cc.epoch, cc.test, cc.n, cc.valid = key, steps, epoch, test, set.Len(), true
	}
	return cc.m, test, cc.n, true
}

// noNetwork says why a network cannot be drawn.
func noNetwork(net *network.Network) string {
	if net == nil || len(net.Layers) == 0 {
		return "no network"
	}
	return "network shapes disagree"
}

// unready is what a pane that draws the network shows instead: "" when it
// has no room, a message when the network is missing or malformed; ok when
// it may draw.
func unready(in Input) (s string, ok bool) {
	if in.W <= 0 || in.H <= 0 {
		return "", false
	}
	if !wellFormed(in.Net) {
		return message(in, noNetwork(in.Net)), false
	}
	return "", true
}
