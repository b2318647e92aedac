package network

import (
	"math"
	"slices"
	"testing"
)

// TestEvaluatorChunks checks that Evaluator gives Evaluate's bits however
// the work is split, and that ForwardBatch equals Forward sample by sample.
func TestEvaluatorChunks(t *testing.T) {
	net := mustNet(t, []int{13, 7, 4}, []Activation{Tanh, Softmax}, CrossEntropy, 5)
	set := synth(301, 13, 4, 9)
	want := net.Evaluate(set)
	for _, k := range []int{1, 3, 64, 65, 300, 1000} {
		e := net.NewEvaluator(set)
		seen := 0
		e.OnSample = func(i int, out []float64) {
			if i != seen {
				t.Fatalf("k=%d: OnSample(%d), want %d", k, i, seen)
			}
			seen++
			if p := net.Predict(set.X[i]); !slices.Equal(p, out) {
				t.Fatalf("k=%d sample %d: batch output %v, Forward %v", k, i, out, p)
			}
		}
		for !e.Step(k) {
		}
		got := e.Metrics()
		if math.Float64bits(got.Loss) != math.Float64bits(want.Loss) || got.Accuracy != want.Accuracy {
			t.Fatalf("k=%d: %v/%v, want %v/%v", k, got.Loss, got.Accuracy, want.Loss, want.Accuracy)
		}
		if !slices.EqualFunc(got.Confusion, want.Confusion, slices.Equal) || seen != len(set.X) {
			t.Fatalf("k=%d: confusion %v, want %v (seen %d)", k, got.Confusion, want.Confusion, seen)
		}
	}
	if m := net.Evaluate(Set{}); !math.IsNaN(m.Loss) || m.Confusion != nil {
		t.Fatalf("empty set: %+v", m)
	}
}

// TestRunForSpreadsEvaluation runs three epochs with RunFor budgets so small
// that every epoch-end evaluation is spread over many calls, saves, loads and
// undoes in the middle of one, and checks weights and history against
// Step(ByEpoch) bit for bit.
func TestRunForSpreadsEvaluation(t *testing.T) {
	mk := func() *Stepper {
		h := DefaultHyper()
		h.Batch, h.Seed, h.Opt = 7, 3, Momentum
		return mustStepper(t, mustNet(t, []int{6, 5, 3}, []Activation{Sigmoid, Sigmoid}, Quadratic, 11),
			h, synth(700, 6, 3, 1), synth(900, 6, 3, 2))
	}
	ref := mk()
	for range 3 {
		if err := ref.Step(ByEpoch); err != nil {
			t.Fatal(err)
		}
	}
	a := mk()
	partial, saved, undone := 0, false, false
	var r *Stepper
	for a.Pos().Epoch < 3 {
		if _, err := a.RunFor(1); err != nil {
			t.Fatal(err)
		}
		done, total := a.Evaluating()
		if total == 0 {
			continue
		}
		partial++
		if p := a.Pos(); p.Phase != PhaseUpdate || done <= 0 || done >= total || total != 1600 {
			t.Fatalf("evaluating %d/%d at %+v", done, total, p)
		}
		if !saved && a.Pos().Epoch == 1 {
			r, saved = roundTrip(t, a, a.Train(), a.Test()), true
		}
		if !undone && a.Pos().Epoch == 2 && done > 600 {
			// Undo the last RunFor: the evaluation starts again, same result.
			if !a.Undo() {
				t.Fatal("no undo")
			}
			if d, _ := a.Evaluating(); d != 0 {
				t.Fatalf("undo kept a stale evaluation (%d done)", d)
			}
			undone = true
		}
	}
	if partial < 6 || !saved || !undone {
		t.Fatalf("evaluation was spread over %d calls (saved %v, undone %v); want every epoch split", partial, saved, undone)
	}
	for r.Pos().Epoch < 3 {
		if _, err := r.RunFor(1); err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]*Stepper{"runfor": a, "saved mid-evaluation": r} {
		sameWeights(t, name, ref.Net(), s.Net())
		if ref.Pos() != s.Pos() {
			t.Fatalf("%s: Pos %+v, want %+v", name, s.Pos(), ref.Pos())
		}
		h := s.History()
		if name != "runfor" {
			h = h[len(h)-len(ref.History()):]
		}
		if !slices.Equal(h, ref.History()) {
			t.Fatalf("%s: history %v, want %v", name, h, ref.History())
		}
	}
	// Stepping by phase finishes an evaluation RunFor left unfinished.
	b := mk()
	for {
		b.RunFor(1)
		if _, tot := b.Evaluating(); tot > 0 {
			break
		}
	}
	if err := b.Step(ByPhase); err != nil || b.Pos().Phase != PhaseEpochEnd || len(b.History()) != 1 {
		t.Fatalf("Step(ByPhase) after a partial evaluation: %v at %+v, history %d", err, b.Pos(), len(b.History()))
	}
	if b.History()[0] != ref.History()[0] {
		t.Fatalf("history %v, want %v", b.History()[0], ref.History()[0])
	}
	// EvaluateFor finishes it without training.
	c := mk()
	if _, tot := c.Evaluating(); tot != 0 {
		t.Fatal("an evaluation is due at the start")
	}
	c.Run(700)
	if done, tot := c.Evaluating(); done != 0 || tot != 0 {
		t.Fatalf("Run finished the epoch but Evaluating = %d/%d", done, tot)
	}
	c = mk()
	for {
		c.RunFor(1)
		if _, tot := c.Evaluating(); tot > 0 {
			break
		}
	}
	calls := 0
	for !c.EvaluateFor(1) {
		calls++
	}
	if p := c.Pos(); calls == 0 || p.Phase != PhaseEpochEnd || p.Steps != 700 || len(c.History()) != 1 || c.History()[0] != ref.History()[0] {
		t.Fatalf("EvaluateFor: %d calls, %+v, %v", calls, p, c.History())
	}
	if !c.EvaluateFor(1) || c.Pos().Steps != 700 {
		t.Fatal("EvaluateFor with nothing due changed something")
	}
}

// TestProbeTrace compares a probe with the stepper's own trace of the same
// sample, phase by phase, and checks Batch.
func TestProbeTrace(t *testing.T) {
	compared := 0
	for _, c := range configs {
		s := newConfig(t, c, 23)
		s.Step(ByEpoch)
		s.Step(ByPhase) // load: the weights now are the ones the sample uses
		p := s.Net().ProbeTrace(s.Trace().X, s.Trace().Y)
		if err := s.Step(BySample); err != nil {
			t.Fatal(err)
		}
		if s.Pos().Phase != PhaseAccumulate {
			continue // batch 1: the sample ended in an update, which changed the weights
		}
		compared++
		tr := s.Trace()
		for l := range tr.Z {
			if !slices.Equal(p.Z[l], tr.Z[l]) || !slices.Equal(p.A[l+1], tr.A[l+1]) || !slices.Equal(p.Delta[l], tr.Delta[l]) {
				t.Fatalf("%s layer %d: probe differs from the stepper's trace", c.name, l)
			}
		}
		if p.Cost != tr.Cost {
			t.Fatalf("%s: cost %v vs %v", c.name, p.Cost, tr.Cost)
		}
		b := s.Batch()
		if len(b) != s.Hyper().Batch || b[s.Pos().Sample] != s.Pos().Index {
			t.Fatalf("%s: Batch %v at %+v", c.name, b, s.Pos())
		}
	}
	if compared < 3 {
		t.Fatalf("compared %d configs", compared)
	}
}

// TestStepEpochFastPath checks Step(ByEpoch) (which runs the rest of the
// epoch on the fast path) against phase steps to the epoch's end, from
// every kind of position.
func TestStepEpochFastPath(t *testing.T) {
	for _, c := range configs {
		for _, pre := range []int{0, 1, 3, 7, 12, 40, 95} {
			a, b := newConfig(t, c, 23), newConfig(t, c, 23)
			for range pre {
				a.Step(ByPhase)
				b.Step(ByPhase)
			}
			if err := a.Step(ByEpoch); err != nil {
				t.Fatal(err)
			}
			for {
				if err := b.Step(ByPhase); err != nil {
					t.Fatal(err)
				}
				if b.Pos().Phase == PhaseEpochEnd {
					break
				}
			}
			sameWeights(t, c.name, a.Net(), b.Net())
			if a.Pos() != b.Pos() || !slices.Equal(a.History(), b.History()) {
				t.Fatalf("%s after %d phases: %+v vs %+v", c.name, pre, a.Pos(), b.Pos())
			}
		}
	}
}

// TestTraceKnownAfterLoad: a model saved at a sample boundary has no
// intermediates; the loaded stepper says so until it loads a sample.
func TestTraceKnownAfterLoad(t *testing.T) {
	c := configs[0]
	a := newConfig(t, c, 23)
	a.Run(5)
	r := roundTrip(t, a, a.Train(), a.Test())
	if r.TraceKnown() || !a.TraceKnown() {
		t.Fatalf("TraceKnown: loaded %v, original %v", r.TraceKnown(), a.TraceKnown())
	}
	r.Step(ByPhase)
	if !r.TraceKnown() {
		t.Fatal("still unknown after loading a sample")
	}
	r.Undo()
	if r.TraceKnown() {
		t.Fatal("undo should restore the unknown trace")
	}
	a = newConfig(t, c, 23)
	if r := roundTrip(t, a, a.Train(), a.Test()); !r.TraceKnown() {
		t.Fatal("a model at the start (idle) has nothing to lose")
	}
}

// TestBatchLossesBounded: after two epochs only the last epochs' mini-batch
// losses are kept, identically when resuming from a file.
func TestBatchLossesBounded(t *testing.T) {
	a := newConfig(t, configs[0], 23) // batch 4: 6 batches an epoch
	for range 10 {
		a.Step(ByEpoch)
	}
	if n := len(a.BatchLosses()); n > 12 {
		t.Fatalf("%d batch losses kept after 10 epochs", n)
	}
	r := roundTrip(t, a, a.Train(), a.Test())
	for range 3 {
		a.Step(ByEpoch)
		r.Step(ByEpoch)
	}
	if !slices.Equal(a.BatchLosses(), r.BatchLosses()) || len(a.History()) != 13 {
		t.Fatal("batch losses differ after resuming")
	}
}

// TestRunOnOneUndo: a run of many RunOn calls after one RunFor is undone in
// one step, back to where it started.
func TestRunOnOneUndo(t *testing.T) {
	a, ref := newConfig(t, configs[1], 23), newConfig(t, configs[1], 23)
	a.Step(BySample)
	ref.Step(BySample)
	depth := a.UndoDepth()
	a.RunFor(1)
	for range 20 {
		if _, err := a.RunOn(0, 1); err != nil {
			t.Fatal(err)
		}
		a.RunOn(3, 0)
	}
	if a.UndoDepth() != depth+1 || a.Pos().Steps < 40 {
		t.Fatalf("undo depth %d (want %d), steps %d", a.UndoDepth(), depth+1, a.Pos().Steps)
	}
	a.Undo()
	sameWeights(t, "undo", ref.Net(), a.Net())
	if a.Pos() != ref.Pos() {
		t.Fatalf("Pos %+v, want %+v", a.Pos(), ref.Pos())
	}
}

// TestRunUpToEpochEnd runs to the epoch's end with small budgets (RunUpTo,
// then RunOn, then EvaluateFor) and compares with Step(ByEpoch).
func TestRunUpToEpochEnd(t *testing.T) {
	for _, pre := range []int{0, 5, 23, 30} {
		a, ref := newConfig(t, configs[1], 23), newConfig(t, configs[1], 23)
		a.Run(pre)
		ref.Run(pre)
		ref.Step(ByEpoch)
		first := true
		for a.Pos().Phase != PhaseEpochEnd || a.Pos().Steps == pre && pre > 0 && pre%23 == 0 {
			left := a.EpochLeft()
			switch {
			case left == 0:
				a.EvaluateFor(1)
			case first:
				a.RunUpTo(left, 1)
				first = false
			default:
				a.RunOn(left, 1)
			}
		}
		sameWeights(t, "run to epoch end", ref.Net(), a.Net())
		if a.Pos() != ref.Pos() || !slices.Equal(a.History(), ref.History()) {
			t.Fatalf("pre %d: %+v vs %+v", pre, a.Pos(), ref.Pos())
		}
	}
}
