package network

// DefaultUndoBudget bounds the memory held by undo snapshots.
const DefaultUndoBudget = 64 << 20

// snapshotOverhead is what a snapshot costs besides its buffers (headers,
// scalars), roughly.
const snapshotOverhead = 512

// snapshot is what Undo restores: the state (see state.clone) and the
// current sample's trace row.
type snapshot struct {
	st   state
	row  traceRow
	seq  *seqBuf // the current sequence's steps (sequence sets)
	size int     // bytes, as counted by the copier
}

// undoStack holds snapshots, oldest first, within budget bytes.
type undoStack struct {
	snaps  []*snapshot
	bytes  int
	budget int
}

// snapshotSize is what a snapshot of the current state would hold, counted
// without allocating it.
func (s *Stepper) snapshotSize() int {
	cp := copier{dry: true}
	s.state.clone(&cp)
	s.rows.row(s.c.sample, &cp)
	s.seqSnap(&cp)
	return cp.bytes + snapshotOverhead
}

// pushUndo records the current state, dropping the oldest snapshots while
// the budget is exceeded. A snapshot larger than the whole budget is not
// taken, and the older ones are dropped (they could not be reached without
// it): undo is then off until the state fits again.
func (s *Stepper) pushUndo() {
	u := &s.undo
	if u.budget <= 0 {
		return
	}
	size := s.snapshotSize()
	if size > u.budget {
		u.snaps, u.bytes = nil, 0
		return
	}
	cp := copier{}
	sn := &snapshot{st: s.state.clone(&cp), row: s.rows.row(s.c.sample, &cp), seq: s.seqSnap(&cp), size: size}
	u.snaps = append(u.snaps, sn)
	u.bytes += size
	u.trim()
}

// trim drops the oldest snapshots while over budget.
func (u *undoStack) trim() {
	drop := 0
	for u.bytes > u.budget && drop < len(u.snaps) {
		u.bytes -= u.snaps[drop].size
		u.snaps[drop] = nil
		drop++
	}
	if drop > 0 {
		u.snaps = append(u.snaps[:0], u.snaps[drop:]...)
	}
}

// Undo restores the state before the last Step, Run, RunFor, Set*, Reset or
// Reseed call, bit for bit. It reports false when there is nothing to undo.
func (s *Stepper) Undo() bool {
	u := &s.undo
	if len(u.snaps) == 0 {
		return false
	}
	sn := u.snaps[len(u.snaps)-1]
	u.snaps[len(u.snaps)-1] = nil
	u.snaps = u.snaps[:len(u.snaps)-1]
	u.bytes -= sn.size
	s.ev = nil
	s.state.restoreFrom(sn.st)
	s.rows.ensure(s.net, s.c.m)
	s.rows.setRow(sn.row)
	if sn.seq != nil {
		s.sq.buf(s.net, s.c.sample).restore(sn.seq)
	}
	return true
}

// UndoDepth is how many undo snapshots are kept (bounded by a memory budget).
func (s *Stepper) UndoDepth() int { return len(s.undo.snaps) }

// UndoBytes is the memory the undo snapshots hold, as counted against the
// budget.
func (s *Stepper) UndoBytes() int { return s.undo.bytes }

// SetUndoBudget sets the memory budget of the undo stack in bytes (default
// DefaultUndoBudget); 0 turns undo off and drops every snapshot, so a
// caller that never undoes (headless training) takes none.
func (s *Stepper) SetUndoBudget(bytes int) {
	u := &s.undo
	u.budget = bytes
	if bytes <= 0 {
		u.snaps, u.bytes = nil, 0
		return
	}
	u.trim()
}

// seqSnap copies the current sequence's buffer (nil off sequence sets; with
// cp.dry it only counts).
func (s *Stepper) seqSnap(cp *copier) *seqBuf {
	if s.sq == nil || s.c.sample >= len(s.sq.bufs) {
		return nil
	}
	b := s.sq.bufs[s.c.sample].copyFor(cp)
	if cp.dry {
		return nil
	}
	return b
}
