package network

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// The Stepper is spread over files along its seams:
//
//	stepper.go  the type, its construction and read-only accessors
//	state.go    the training state: one value for undo, restart and files
//	phases.go   the phase machine: one neuron, phase, sample, batch, epoch
//	update.go   the update rules: SGD, momentum, Adam, L1/L2, perceptron
//	epoch.go    the epoch's end: evaluation, history, overshoot, shuffle
//	run.go      the fast run path: whole samples through the same kernels
//	edit.go     edits: hyper-parameters, weights, Reset, Reseed
//	undo.go     the undo stack and its memory budget
//	trace.go    the mini-batch's intermediates and the Trace view of them

// Pos says where the Stepper is: the last completed step.
type Pos struct {
	Epoch  int   // epochs completed
	Batch  int   // mini-batch index within the epoch
	Sample int   // sample index within the mini-batch
	Index  int   // index of the current sample in the training Set
	Phase  Phase // last completed phase
	Layer  int   // for Forward/Backward: index into Network.Layers
	Neuron int   // for Forward/Backward: last neuron revealed
	Steps  int   // samples processed since the start (monotonic)
	// Time is the time step (0-based) of a Forward, OutputDelta or
	// Backward phase on a sequence set; Times the current sequence's
	// number of steps (0 for a set of independent samples).
	Time, Times int
}

// Divergence says where training blew up.
type Divergence struct {
	Layer int    // index into Network.Layers, or −1 for the cost
	What  string // e.g. "weights", "z", "cost"
	Pos   Pos
	// Detail explains a divergence that is not a NaN or Inf (see OvershootRatio).
	Detail string
	// Epoch is the epoch it happened in, counted from 1 (Pos.Epoch counts
	// the epochs completed).
	Epoch int
}

func (d *Divergence) Error() string {
	where := "the cost"
	if d.Layer >= 0 {
		where = fmt.Sprintf("%s of layer %d", d.What, d.Layer+1) // layer L1 is Layers[0], as the app shows it
	}
	what := "is NaN or ±Inf"
	if d.Detail != "" {
		what = "exploded: " + d.Detail
	}
	ep := d.Epoch
	if ep == 0 { // a Divergence built by hand
		ep = d.Pos.Epoch + 1
	}
	return fmt.Sprintf("network: training diverged: %s %s (epoch %d, batch %d, sample %d, training row %d); lower the learning rate or normalise the inputs",
		where, what, ep, d.Pos.Batch+1, d.Pos.Sample+1, d.Pos.Index)
}

// Unwrap makes errors.Is(err, ErrDiverged) true.
func (d *Divergence) Unwrap() error { return ErrDiverged }

// Stepper is the caller-driven training state machine. It owns the Network
// passed to NewStepper and changes its weights in place.
type Stepper struct {
	net         *Network
	train, test Set

	// state is everything training changes (see state.go); its fields
	// (s.c, s.h, s.grad, …) are the Stepper's.
	state

	rows rows      // the mini-batch's intermediates
	sq   *seqRows  // a sequence set's per-step intermediates (nil: not a sequence set)
	undo undoStack // snapshots of state and the current trace row
	tr   Trace     // reused by Trace()
	bt   *batch    // runs the kernels, on SetThreads goroutines
	sgdA sgdArgs   // the plain SGD step's arguments (scratch)

	// evalTime is how long the last finished epoch-end evaluation took.
	evalTime, evalSoFar time.Duration

	// ev is the epoch-end evaluation in progress (RunFor spreads it over
	// several calls). It changes no state that it does not recompute from
	// the weights, so undo, saves and edits simply drop it.
	ev *epochEval

	skipEval bool // benchmarks only: EpochEnd appends no metrics

	blowup  float64   // the loss-jump factor (blowup.go); 0: off
	jumpSub *jumpSet  // checkJump's confirming subset, cached
	trail   jumpTrail // the weights at the start of the latest updates (blowtrail.go)
	paths   uint64    // paths started (state.path)
}

// NewStepper validates net, h and the data shapes and returns a Stepper at
// the start of epoch 0. Backprop with a Step layer returns ErrStepBackprop.
// The Stepper takes ownership of net; its weights now are what Reset returns to.
func NewStepper(net *Network, h Hyper, train, test Set) (*Stepper, error) {
	if err := net.validate(); err != nil {
		return nil, err
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if err := checkRule(net, h.Rule); err != nil {
		return nil, err
	}
	if train.Len() == 0 {
		return nil, errors.New("network: the training set is empty")
	}
	if net.IsRecurrent() && train.Seq == 0 {
		return nil, ErrSequence
	}
	if train.Seq > 0 && h.Rule == Perceptron {
		return nil, errors.New("network: the perceptron rule does not train on sequences")
	}
	if err := checkSet("train", train, net); err != nil {
		return nil, err
	}
	if err := checkSet("test", test, net); err != nil {
		return nil, err
	}
	for _, l := range net.Layers {
		if !finiteAll(l.W) || !finiteAll(l.B) {
			return nil, errors.New("network: the initial weights hold NaN or ±Inf")
		}
	}
	s := &Stepper{net: net, train: train, test: test, rows: newRows(net), undo: undoStack{budget: DefaultUndoBudget},
		bt: newBatch(net, 1)}
	if train.Seq > 0 {
		s.sq = &seqRows{seq: train.Seq}
	}
	s.h = h
	s.w = paramsOf(net)
	initial := s.w.clone()
	s.initial = &initial
	s.grad = s.w.zeros()
	s.restart()
	return s, nil
}

func checkRule(net *Network, r Rule) error {
	if r == Perceptron {
		if len(net.Layers) != 1 || net.Layers[0].Act != Step {
			return errors.New("network: the perceptron rule needs a single layer with step activation (e.g. sizes 3,1 act step)")
		}
		return nil
	}
	for i, l := range net.Layers {
		if l.Act == Step {
			return fmt.Errorf("layer %d: %w", i, ErrStepBackprop)
		}
	}
	return nil
}

// checkSet checks set's shapes and values against net (a compact set's
// inputs are bytes, always finite: only their length is checked).
func checkSet(name string, set Set, net *Network) error {
	if set.Len() != len(set.Y) {
		return fmt.Errorf("network: %s set has %d inputs but %d targets", name, set.Len(), len(set.Y))
	}
	if set.Seq > 0 || (net.IsRecurrent() && set.Len() > 0) {
		return checkSeq(name, set, net)
	}
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	if set.Compact() {
		if set.Inputs() != in && set.Len() > 0 {
			return fmt.Errorf("network: %s set has %d values an input, the network takes %d inputs", name, set.Inputs(), in)
		}
		return checkTargets(name, set.Y, out)
	}
	for i, x := range set.X {
		if len(x) != in {
			return fmt.Errorf("network: %s.X[%d] has %d values, the network takes %d inputs", name, i, len(x), in)
		}
		for k, v := range x {
			if !finite(v) {
				return fmt.Errorf("network: %s.X[%d][%d] is %v", name, i, k, v)
			}
		}
	}
	return checkTargets(name, set.Y, out)
}

// checkTargets checks that every target has out finite values.
func checkTargets(name string, ys [][]float64, out int) error {
	for i, y := range ys {
		if len(y) != out {
			return fmt.Errorf("network: %s.Y[%d] has %d values, the network has %d outputs", name, i, len(y), out)
		}
		for k, v := range y {
			if !finite(v) {
				return fmt.Errorf("network: %s.Y[%d][%d] is %v", name, i, k, v)
			}
		}
	}
	return nil
}

// Net returns the live network (do not modify it; use SetWeight/SetBias).
func (s *Stepper) Net() *Network { return s.net }

// Hyper returns the hyper-parameters in force.
func (s *Stepper) Hyper() Hyper { return s.h }

// Pos returns where the stepper is.
func (s *Stepper) Pos() Pos {
	c := s.c
	p := Pos{Epoch: c.epoch, Batch: c.batch, Sample: c.sample, Index: c.index, Phase: c.phase,
		Layer: c.layer, Neuron: c.neuron, Steps: c.steps, Time: c.t}
	if s.sq != nil && c.sample < len(s.sq.bufs) {
		p.Times = max(s.sq.bufs[c.sample].T, 1)
	}
	return p
}

// Status says whether training can go on.
func (s *Stepper) Status() Status { return s.status }

// Divergence is non-nil once the status is Diverged.
func (s *Stepper) Divergence() *Divergence { return s.div }

// History returns the metrics of the finished epochs (shared; don't
// modify): one entry per epoch, or past MaxHistory epochs entries that
// each stand for several (see EpochStats). The last entry is always the
// last epoch's.
func (s *Stepper) History() []EpochStats { return s.hist.v }

// GradNorms returns, beside each History entry, the mean over its epoch's
// mini-batches of each layer's ‖(1/m) Σ_x ∂C_x/∂W^l‖_F — the Frobenius
// norm of the mini-batch's mean gradient of the layer's weights, without
// the regularisation term — first layer first (shared; don't modify).
// GradNorms()[i] belongs to History()[i]; it is nil for an epoch without
// updates (the perceptron rule).
func (s *Stepper) GradNorms() [][]float64 { return s.gradHist.v }

// BatchLosses returns the mean cost of each finished mini-batch (shared):
// all of them until History holds two epochs, then only the current
// epoch's and the last finished one's. Past MaxBatchLosses values, each
// stands for several mini-batches (the last of them); the last value is
// always the last mini-batch's.
func (s *Stepper) BatchLosses() []float64 { return s.batchLosses.v }

// Train and Test return the data sets the stepper was built with.
func (s *Stepper) Train() Set { return s.train }
func (s *Stepper) Test() Set  { return s.test }

// SetThreads makes training use up to n goroutines (n < 1 means 1): a
// mini-batch's kernels are split across them by neurons, so every number is
// computed by one goroutine in its fixed order and the weights have the
// same bits for any n. The helpers (n − 1 goroutines) live until Close or
// the next SetThreads; a new Stepper has one thread.
func (s *Stepper) SetThreads(n int) {
	n = max(n, 1)
	if n == s.bt.threads() {
		return
	}
	s.bt.close()
	s.bt = newBatch(s.net, n)
	if n > 1 {
		// A stepper dropped without Close still ends its helpers.
		runtime.AddCleanup(s, func(b *batch) { b.close() }, s.bt)
	}
}

// Threads is the number of goroutines training uses.
func (s *Stepper) Threads() int { return s.bt.threads() }

// Close ends the helper goroutines of SetThreads; the stepper goes on with
// one thread. It is safe to call more than once.
func (s *Stepper) Close() {
	s.bt.close()
	s.bt = newBatch(s.net, 1)
}

// EvalTime is how long the last finished epoch-end evaluation of the train
// and test sets took (wall time, over all the calls it was spread over), so
// that a caller timing an epoch can tell training from evaluation.
func (s *Stepper) EvalTime() time.Duration { return s.evalTime }
