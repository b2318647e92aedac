package network

import "slices"

// Fork returns a twin of s: a new Stepper over a deep copy of the network
// and the same (immutable) data sets, in the same state bit for bit — the
// weights, the position, the mini-batch's sums, the optimizer's moments,
// this epoch's order (so the same shuffles from here on), the history and
// the blow-up watch — with the current sample's trace, an empty undo stack
// and the same thread count. Stepping s and its twin alike gives the same
// bits; change a hyper-parameter of one (SetHyper) to compare.
//
// An epoch-end evaluation in progress is not copied: the twin evaluates
// again from the same weights, which gives the same numbers.
func (s *Stepper) Fork() *Stepper {
	net := s.net.Clone()
	t := &Stepper{net: net, train: s.train, test: s.test, rows: newRows(net),
		undo: undoStack{budget: s.undo.budget}, bt: newBatch(net, 1),
		skipEval: s.skipEval, blowup: s.blowup, jumpSub: s.jumpSub, paths: s.paths}
	t.trail = s.trail.clone()
	cp := copier{}
	st := s.state.clone(&cp)
	// the series share their arrays with s's: appending to both would write
	// one array, so the twin gets its own
	st.hist.v = slices.Clone(st.hist.v)
	st.batchLosses.v = slices.Clone(st.batchLosses.v)
	st.gradHist.v = clone2(st.gradHist.v)
	st.seen = clone2(st.seen)
	st.startMax = slices.Clone(st.startMax)
	t.state.w = paramsOf(net)
	t.state.restoreFrom(st) // copies the weights into the twin's network
	t.rows.ensure(net, max(t.c.m, len(s.rows.y)))
	t.rows.setRow(s.rows.row(s.c.sample, &copier{}))
	t.SetThreads(s.Threads())
	return t
}
