package network

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// The end of an epoch: evaluate the train and test sets into History,
// count the epoch, check for overshoot (backprop) or convergence and cycles
// (perceptron), and draw the next epoch's order.

// epochEval is an unfinished evaluation of the train and test sets.
type epochEval struct{ tr, te *Evaluator }

// evalChunk is how many samples the epoch-end evaluation does between
// clock checks when RunFor has a deadline.
const evalChunk = 256

// OvershootRatio: backprop is declared diverged when, over one epoch, a
// layer's largest |w| grows past OvershootRatio·(1 + its largest |w| at the
// epoch's start). Saturating activations (sigmoid, tanh) otherwise turn a far
// too large learning rate (η = 1e6 on digits) into a frozen network with
// finite numbers instead of NaN.
const OvershootRatio = 100

// maxSeenFloats bounds the perceptron's store of epoch-end states (the
// cycle check): the oldest are dropped past it (2 MiB).
const maxSeenFloats = 1 << 18

// epochEnd evaluates train and test sets into History, counts the epoch and
// draws the next epoch's order. For the perceptron rule it also decides
// Converged (no mistakes) or NotConverging (an epoch-end state repeats, or
// MaxEpochs passed).
func (s *Stepper) epochEnd() {
	s.evaluate(time.Time{})
	s.finishEpoch()
}

// evaluate runs (or continues) the epoch-end evaluation of the train and
// test sets until it is finished or, with a non-zero deadline, the deadline
// passes (at least one chunk is done per call). When finished it appends the
// epoch's stats to History and reports true.
func (s *Stepper) evaluate(deadline time.Time) bool {
	if s.skipEval {
		return true
	}
	t0 := time.Now()
	if s.ev == nil {
		s.ev = &epochEval{tr: s.net.NewEvaluator(s.train), te: s.net.NewEvaluator(s.test)}
		s.ev.tr.bt, s.ev.te.bt = s.bt, s.bt // the stepper's threads evaluate too
		s.evalSoFar = 0
	}
	for _, e := range [2]*Evaluator{s.ev.tr, s.ev.te} {
		for !e.Finished() {
			if deadline.IsZero() {
				e.Step(e.Len())
				break
			}
			e.Step(evalChunk)
			if !e.Finished() && !time.Now().Before(deadline) {
				s.evalSoFar += time.Since(t0)
				return false
			}
		}
	}
	s.evalTime, s.evalSoFar = s.evalSoFar+time.Since(t0), 0
	tr, te := s.ev.tr.Metrics(), s.ev.te.Metrics()
	if s.ev.te.Len() == 0 {
		te = Metrics{Loss: math.NaN(), Accuracy: math.NaN()}
	}
	s.hist.add(epochStats(s.c.epoch+1, tr, te), foldEpochs, MaxHistory)
	s.gradHist.add(s.epochGradNorm(), foldLast, MaxHistory)
	s.ev = nil
	return true
}

// Evaluating reports the epoch-end evaluation that is due or in progress:
// samples evaluated so far and the total (train + test). total is 0 when
// none is due. RunFor leaves one unfinished when its budget runs out; the
// stepper's position is then the epoch's last Update.
func (s *Stepper) Evaluating() (done, total int) {
	if s.ev != nil {
		return s.ev.tr.Done() + s.ev.te.Done(), s.ev.tr.Len() + s.ev.te.Len()
	}
	if s.evalDue() {
		return 0, s.train.Len() + s.test.Len()
	}
	return 0, 0
}

// evalDue: the epoch's last Update is done and its evaluation is next.
func (s *Stepper) evalDue() bool {
	return s.c.phase == PhaseUpdate && s.lastBatch() && s.h.Rule == Backprop && s.status != Diverged && !s.skipEval
}

// EvaluateFor works on a due epoch-end evaluation (see Evaluating) for
// about budget, without training; when it finishes, the epoch ends as the
// next phase step would end it. It reports whether no evaluation is left.
// (It changes no weights, so it records no undo snapshot.)
func (s *Stepper) EvaluateFor(budget time.Duration) bool {
	if !s.evalDue() {
		return true
	}
	if !s.evaluate(time.Now().Add(budget)) {
		return false
	}
	s.finishEpoch()
	s.c.phase = PhaseEpochEnd
	return true
}

// finishEpoch counts the epoch, checks for overshoot and draws the next
// epoch's order.
func (s *Stepper) finishEpoch() {
	if len(s.hist.v) >= 2 {
		// Per-epoch history takes over: keep only this epoch's mini-batch
		// losses, so a long run's memory and model file stay bounded.
		s.batchLosses.keepLast(s.c.batch + 1)
	}
	s.c.epoch++
	clear(s.gradNorm)
	s.gradUpdates = 0
	if s.h.Rule == Backprop {
		now := maxAbsW(s.w)
		for l, m := range now {
			if m > OvershootRatio*(1+s.startMax[l]) {
				s.diverge(l, "weights")
				s.div.Epoch = s.c.epoch // the epoch just counted
				s.div.Detail = fmt.Sprintf("max |w| grew from %.3g to %.3g in one epoch: the learning rate overshoots", s.startMax[l], m)
				break
			}
		}
		s.startMax = now
	}
	if s.h.Rule == Perceptron && s.status == Training {
		layer := s.net.Layers[0]
		state := append(slices.Clone(layer.W), layer.B...)
		switch {
		case s.mistakes == 0:
			s.status = Converged
		case slices.ContainsFunc(s.seen, func(v []float64) bool { return slices.Equal(v, state) }):
			s.status = NotConverging
		case s.c.epoch >= s.h.maxEpochs():
			s.status = NotConverging
		}
		s.seen = appendSeen(s.seen, state)
	}
	s.mistakes = 0
	s.order = orderFor(s.h, s.train.Len(), s.c.epoch)
}

// appendSeen appends a perceptron state, dropping the oldest ones past
// maxSeenFloats. (Snapshots share seen: appending writes past their
// length, and dropping only reslices.)
func appendSeen(seen [][]float64, state []float64) [][]float64 {
	if keep := maxSeenFloats / max(len(state), 1); len(seen) >= keep {
		seen = seen[len(seen)-max(keep-1, 0):]
	}
	return append(seen, state)
}

// maxAbsW returns each layer's largest |w| (weights only).
func maxAbsW(p params) []float64 {
	m := make([]float64, len(p.w))
	for l, w := range p.w {
		for _, v := range w {
			m[l] = max(m[l], math.Abs(v))
		}
	}
	return m
}
