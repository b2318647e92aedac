package network

import "math"

// evalRows is how many samples ForwardBatch pushes through the kernels at
// once (the kernels reuse each weight row across four of them).
const evalRows = 64

// BatchWorkspace holds the buffers of ForwardBatch for up to Rows samples.
type BatchWorkspace struct {
	z, a  [][][]float64 // [layer][row]
	spill []float64     // the forward kernel's scratch (wide layers only)
}

// NewBatchWorkspace allocates buffers for ForwardBatch of up to rows samples.
func (n *Network) NewBatchWorkspace(rows int) *BatchWorkspace {
	rows = max(rows, 1)
	ws := &BatchWorkspace{spill: n.newSpill()}
	for _, l := range n.Layers {
		// one backing array a layer: a few allocations, not 2·rows
		flat := make([]float64, 2*rows*l.Out)
		z, a := make([][]float64, rows), make([][]float64, rows)
		for r := range rows {
			z[r] = flat[2*r*l.Out : (2*r+1)*l.Out : (2*r+1)*l.Out]
			a[r] = flat[(2*r+1)*l.Out : (2*r+2)*l.Out : (2*r+2)*l.Out]
		}
		ws.z, ws.a = append(ws.z, z), append(ws.a, a)
	}
	return ws
}

// Rows is the most samples one ForwardBatch call takes.
func (ws *BatchWorkspace) Rows() int {
	if len(ws.z) == 0 {
		return 0
	}
	return len(ws.z[0])
}

// ForwardBatch computes the outputs for xs (at most ws.Rows() inputs of
// Sizes[0] values each); out[i] is the output for xs[i], owned by ws. Each
// output has the same bits as Forward(x) gives: the kernels sum every
// sample in the same order however many share a call.
func (n *Network) ForwardBatch(ws *BatchWorkspace, xs [][]float64) [][]float64 {
	return n.forwardBatch(ws, xs, nil)
}

// forwardBatch is ForwardBatch, split across bt's goroutines when bt is not
// nil (the same bits: see batch).
func (n *Network) forwardBatch(ws *BatchWorkspace, xs [][]float64, bt *batch) [][]float64 {
	m := len(xs)
	in := xs
	for i, l := range n.Layers {
		zr, ar := ws.z[i][:m], ws.a[i][:m]
		if bt != nil {
			bt.forward(n, i, in, zr, ar)
		} else {
			forwardRange(l.W, l.B, l.In, in, zr, 0, l.Out, ws.spill)
			for r := range m {
				l.Act.apply(zr[r], ar[r])
			}
		}
		in = ar
	}
	return in
}

// Evaluator computes Evaluate's Metrics a few samples at a time, so that a
// caller with a time budget (a UI frame) can spread a big set over many
// calls. The sums run in sample order, so the result has the same bits as
// Evaluate however the work is split. The network must not change between
// calls (make a new Evaluator after an update).
type Evaluator struct {
	net     *Network
	set     Set
	next    int
	loss    float64
	right   int
	classes bool
	conf    [][]int
	ws      *BatchWorkspace
	xs      [][]float64 // a chunk's inputs: views of X, or converted compact rows
	xbuf    [][]float64 // the converted rows' buffers (compact sets only)
	bt      *batch      // the stepper's kernels and threads (nil: one thread)
	sb      *seqBuf     // a sequence set's buffer (recurrent_eval.go)
	targets int         // a sequence set's steps with a target so far
	// OnSample, when set, is called with every sample's index and output
	// (owned by the Evaluator: copy what you keep).
	OnSample func(i int, out []float64)
}

// NewEvaluator starts an evaluation of n on set.
func (n *Network) NewEvaluator(set Set) *Evaluator {
	e := &Evaluator{net: n, set: set, classes: set.Len() > 0}
	if set.Seq > 0 {
		e.classes = seqClasses(set, n.Sizes[len(n.Sizes)-1])
	}
	for _, y := range set.Y {
		if set.Seq > 0 {
			break
		}
		if !isClass(y) {
			e.classes = false
			break
		}
	}
	if e.classes {
		k := n.Layers[len(n.Layers)-1].Out
		if k == 1 {
			k = 2
		}
		e.conf = make([][]int, k)
		for i := range e.conf {
			e.conf[i] = make([]int, k)
		}
	}
	return e
}

// Len is the number of samples in the set; Done how many are evaluated.
func (e *Evaluator) Len() int  { return e.set.Len() }
func (e *Evaluator) Done() int { return e.next }

// Finished reports whether every sample is evaluated.
func (e *Evaluator) Finished() bool { return e.next >= e.set.Len() }

// Step evaluates up to k more samples (at least one when any are left) and
// reports whether the evaluation is finished.
func (e *Evaluator) Step(k int) bool {
	if e.set.Seq > 0 {
		return e.stepSeq(k) // recurrent_eval.go
	}
	if e.ws == nil && !e.Finished() {
		e.ws = e.net.NewBatchWorkspace(min(evalRows, e.set.Len()))
		e.xs = make([][]float64, e.ws.Rows())
		if e.set.Compact() {
			e.xbuf = alignedRows(e.ws.Rows(), e.set.Inputs())
		}
	}
	last := e.net.Layers[len(e.net.Layers)-1]
	end := min(e.set.Len(), e.next+max(k, 1))
	for e.next < end {
		m := min(end-e.next, e.ws.Rows())
		outs := e.net.forwardBatch(e.ws, e.inputs(m), e.bt)
		for r, a := range outs {
			i := e.next + r
			y := e.set.Y[i]
			e.loss += sampleCost(e.net.Cost, last.Act, a, y)
			if e.classes {
				want, got := ClassOf(y), ClassOf(a)
				e.conf[want][got]++
				if want == got {
					e.right++
				}
			}
			if e.OnSample != nil {
				e.OnSample(i, a)
			}
		}
		e.next += m
	}
	return e.Finished()
}

// Metrics returns the result over the samples evaluated so far (the whole
// set once Finished).
func (e *Evaluator) Metrics() Metrics {
	if e.next == 0 {
		return Metrics{Loss: math.NaN(), Accuracy: math.NaN(), Confusion: e.conf}
	}
	m := Metrics{Loss: e.loss / float64(e.next), Accuracy: math.NaN(), Confusion: e.conf}
	if e.classes {
		m.Accuracy = float64(e.right) / float64(e.next)
		if e.set.Seq > 0 {
			m.Accuracy = float64(e.right) / float64(max(e.targets, 1))
		}
	}
	return m
}

// ProbeTrace runs one sample through n without training — forward, cost,
// output δ and backward, with the kernels training uses — and returns its
// Trace (Z, A, Delta, Cost; GradW/GradB zero, Count 0). A UI uses it to show
// a sample the stepper is not at (a "probe"); the stepper is not touched.
func (n *Network) ProbeTrace(x, y []float64) *Trace {
	L := len(n.Layers)
	t := &Trace{X: x, Y: y, Z: make([][]float64, L), A: make([][]float64, L+1), Delta: make([][]float64, L),
		GradW: make([][]float64, L), GradB: make([][]float64, L)}
	t.A[0] = x
	b := newBatch(n, 1)
	for l, layer := range n.Layers {
		t.Z[l], t.A[l+1], t.Delta[l] = make([]float64, layer.Out), make([]float64, layer.Out), make([]float64, layer.Out)
		t.GradW[l], t.GradB[l] = make([]float64, len(layer.W)), make([]float64, len(layer.B))
		b.forward(n, l, t.A[l:l+1], t.Z[l:l+1], t.A[l+1:l+2])
	}
	act := n.Layers[L-1].Act
	t.Cost = sampleCost(n.Cost, act, t.A[L], y)
	outputDelta(n.Cost, act, t.Z[L-1], t.A[L], y, t.Delta[L-1])
	for l := L - 2; l >= 0; l-- {
		b.backward(n, l, t.Z[l:l+1], t.A[l+1:l+2], t.Delta[l+1:l+2], t.Delta[l:l+1])
	}
	return t
}

// inputs is the next m inputs (m ≤ the workspace's rows): views of X, or
// compact rows converted into the Evaluator's buffers.
func (e *Evaluator) inputs(m int) [][]float64 {
	xs := e.xs[:m]
	for r := range xs {
		var buf []float64
		if e.xbuf != nil {
			buf = e.xbuf[r]
		}
		xs[r] = e.set.Input(e.next+r, buf)
	}
	return xs
}
