package network

// snapshot is everything Undo restores. Append-only slices (history, batch
// losses, perceptron states) and immutable ones (perm, initial weights,
// input views) are kept by header; the rest is copied.
type snapshot struct {
	h              Hyper
	c              cursor
	perm           []int
	permSeed       uint64
	w, b           [][]float64
	z, a, d        [][][]float64 // a[0] holds views
	y              [][]float64   // views
	costs          []float64
	gw, gb         [][]float64
	count          int
	loss           float64
	last           []Update
	vw, vb, sw, sb [][]float64
	adamT          int
	hist           []EpochStats
	batchLosses    []float64
	status         Status
	div            *Divergence
	initial        *params
	yhat, perr     []float64
	mistakes       int
	startMax       []float64
	seen           [][]float64
	traceLost      bool
	size           int // bytes, roughly
}

func clone2(v [][]float64) [][]float64 {
	if v == nil {
		return nil
	}
	r := make([][]float64, len(v))
	for i := range v {
		r[i] = append([]float64(nil), v[i]...)
	}
	return r
}

func restore2(dst *[][]float64, src [][]float64) {
	if src == nil {
		*dst = nil
		return
	}
	if *dst == nil || len(*dst) != len(src) {
		*dst = clone2(src)
		return
	}
	for i := range src {
		if len((*dst)[i]) != len(src[i]) {
			(*dst)[i] = append([]float64(nil), src[i]...)
		} else {
			copy((*dst)[i], src[i])
		}
	}
}

func floats2(v [][]float64) int {
	n := 0
	for _, r := range v {
		n += len(r)
	}
	return n
}

func (s *Stepper) takeSnapshot() *snapshot {
	sn := &snapshot{h: s.h, c: s.c, perm: s.perm, permSeed: s.permSeed, costs: append([]float64(nil), s.costs...),
		gw: clone2(s.gw), gb: clone2(s.gb), count: s.count, loss: s.loss,
		vw: clone2(s.vw), vb: clone2(s.vb), sw: clone2(s.sw), sb: clone2(s.sb), adamT: s.adamT,
		hist: s.hist, batchLosses: s.batchLosses, status: s.status, div: s.div, initial: s.initial,
		yhat: append([]float64(nil), s.yhat...), perr: append([]float64(nil), s.perr...),
		mistakes: s.mistakes, seen: s.seen, startMax: s.startMax, traceLost: s.traceLost}
	floats := len(sn.costs) + floats2(sn.gw) + floats2(sn.gb) + floats2(sn.vw) + floats2(sn.vb) +
		floats2(sn.sw) + floats2(sn.sb) + 2*len(s.yhat)
	for _, l := range s.net.Layers {
		sn.w = append(sn.w, append([]float64(nil), l.W...))
		sn.b = append(sn.b, append([]float64(nil), l.B...))
		floats += len(l.W) + len(l.B)
	}
	sn.z, sn.a, sn.d = make([][][]float64, len(s.z)), make([][][]float64, len(s.a)), make([][][]float64, len(s.d))
	for l := range s.z {
		sn.z[l], sn.d[l] = clone2(s.z[l]), clone2(s.d[l])
		floats += 2 * floats2(s.z[l])
	}
	sn.a[0] = append([][]float64(nil), s.a[0]...)
	for l := 1; l < len(s.a); l++ {
		sn.a[l] = clone2(s.a[l])
		floats += floats2(s.a[l])
	}
	sn.y = append([][]float64(nil), s.y...)
	if s.last != nil {
		sn.last = make([]Update, len(s.last))
		for l, u := range s.last {
			sn.last[l] = Update{OldW: append([]float64(nil), u.OldW...), NewW: append([]float64(nil), u.NewW...),
				OldB: append([]float64(nil), u.OldB...), NewB: append([]float64(nil), u.NewB...)}
			floats += 2 * (len(u.OldW) + len(u.OldB))
		}
	}
	sn.size = 8*floats + 8*(len(sn.a[0])+len(sn.y)) + 512
	return sn
}

func (s *Stepper) restoreSnapshot(sn *snapshot) {
	s.ev = nil
	s.h, s.c, s.perm, s.permSeed = sn.h, sn.c, sn.perm, sn.permSeed
	for l, layer := range s.net.Layers {
		copy(layer.W, sn.w[l])
		copy(layer.B, sn.b[l])
	}
	// Batch rows: the snapshot may hold fewer rows than the buffers now do.
	for l := range s.z {
		s.z[l] = s.z[l][:0]
		s.d[l] = s.d[l][:0]
		for i := range sn.z[l] {
			s.z[l] = append(s.z[l], append([]float64(nil), sn.z[l][i]...))
			s.d[l] = append(s.d[l], append([]float64(nil), sn.d[l][i]...))
		}
	}
	s.a[0] = append(s.a[0][:0], sn.a[0]...)
	for l := 1; l < len(s.a); l++ {
		s.a[l] = s.a[l][:0]
		for i := range sn.a[l] {
			s.a[l] = append(s.a[l], append([]float64(nil), sn.a[l][i]...))
		}
	}
	s.y = append(s.y[:0], sn.y...)
	s.costs = append(s.costs[:0], sn.costs...)
	restore2(&s.gw, sn.gw)
	restore2(&s.gb, sn.gb)
	s.count, s.loss = sn.count, sn.loss
	s.last = nil
	if sn.last != nil {
		s.last = make([]Update, len(sn.last))
		for l, u := range sn.last {
			s.last[l] = Update{OldW: append([]float64(nil), u.OldW...), NewW: append([]float64(nil), u.NewW...),
				OldB: append([]float64(nil), u.OldB...), NewB: append([]float64(nil), u.NewB...)}
		}
	}
	s.vw, s.vb, s.sw, s.sb = clone2(sn.vw), clone2(sn.vb), clone2(sn.sw), clone2(sn.sb)
	s.adamT = sn.adamT
	s.hist, s.batchLosses = sn.hist, sn.batchLosses
	s.status, s.div, s.initial = sn.status, sn.div, sn.initial
	copy(s.yhat, sn.yhat)
	copy(s.perr, sn.perr)
	s.mistakes, s.seen = sn.mistakes, sn.seen
	s.startMax = sn.startMax
	s.traceLost = sn.traceLost
}

// pushUndo records the current state, dropping the oldest snapshots when
// the memory budget is exceeded (the newest is always kept).
func (s *Stepper) pushUndo() {
	if s.undoBudget <= 0 {
		return
	}
	sn := s.takeSnapshot()
	s.undo = append(s.undo, sn)
	s.undoBytes += sn.size
	drop := 0
	for s.undoBytes > s.undoBudget && drop < len(s.undo)-1 {
		s.undoBytes -= s.undo[drop].size
		s.undo[drop] = nil
		drop++
	}
	if drop > 0 {
		s.undo = append(s.undo[:0], s.undo[drop:]...)
	}
}

// Undo restores the state before the last Step, Run, RunFor, Set*, Reset or
// Reseed call, bit for bit. It reports false when there is nothing to undo.
func (s *Stepper) Undo() bool {
	if len(s.undo) == 0 {
		return false
	}
	sn := s.undo[len(s.undo)-1]
	s.undo[len(s.undo)-1] = nil
	s.undo = s.undo[:len(s.undo)-1]
	s.undoBytes -= sn.size
	s.restoreSnapshot(sn)
	return true
}

// UndoDepth is how many undo snapshots are kept (bounded by a memory budget).
func (s *Stepper) UndoDepth() int { return len(s.undo) }

// SetUndoBudget sets the memory budget of the undo stack in bytes (default
// DefaultUndoBudget); 0 disables undo and drops every snapshot.
func (s *Stepper) SetUndoBudget(bytes int) {
	s.undoBudget = bytes
	if bytes <= 0 {
		s.undo, s.undoBytes = nil, 0
		return
	}
	for s.undoBytes > s.undoBudget && len(s.undo) > 1 {
		s.undoBytes -= s.undo[0].size
		s.undo = s.undo[1:]
	}
}
