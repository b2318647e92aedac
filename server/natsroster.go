package server

import (
	"time"

	"backprop/tui"
)

// The hub's side of a classroom shared between instances: the bridge
// (natsclass.go) reads what the teachers here published and the people
// here, and hands in the other instances' state and rows. The hub stays
// the only thing sessions talk to, so a class works the same alone and
// shared.

// ownState returns the last state a teacher here published and how many
// they have published (0: none).
func (h *Hub) ownState() (tui.ClassState, uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.mine, h.mineSeq
}

// localRows is the roster of the people on this instance, unsorted.
func (h *Hub) localRows() []tui.ClassMember {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.localRowsLocked()
}

// applyRemoteState makes s, a teacher's state from another instance, the
// class state here and wakes the students.
func (h *Hub) applyRemoteState(s tui.ClassState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	s.Version = h.state.Version + 1
	h.state, h.has = s, true
	h.scheduleLocked(0)
}

// setRemote replaces the other instances' roster rows (by person; a row
// of an instance that is gone has Sessions 0) and wakes teachers, and
// students when a teacher came or went.
func (h *Hub) setRemote(rows map[string][]tui.ClassMember) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	teachers := func(m map[string][]tui.ClassMember) int {
		n := 0
		for _, rs := range m {
			for _, r := range rs {
				if r.Teacher && r.Sessions > 0 {
					n++
				}
			}
		}
		return n
	}
	before := teachers(h.remote)
	h.remote = rows
	h.wakeTeachersLocked()
	if teachers(rows) != before {
		h.scheduleLocked(0)
	}
}

// wakeTeachersLocked wakes the teachers without telling the bridge (the
// change came from it).
func (h *Hub) wakeTeachersLocked() { h.scheduleWakeLocked(1) }

// setLinkDown records whether the classroom link is down and wakes the
// teachers, who show it.
func (h *Hub) setLinkDown(down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.linkDown == down || h.closed {
		return
	}
	h.linkDown = down
	h.wakeTeachersLocked()
}

// LinkDown reports whether this instance has lost its link to the other
// instances (NATS): the session keeps working, the roster and the
// teacher's state are this instance's only until it returns. Always false
// for a class that is not shared.
func (m *Member) LinkDown() bool {
	m.hub.mu.Lock()
	defer m.hub.mu.Unlock()
	return m.hub.linkDown
}

// mergeRoster merges the other instances' rows into the local ones: one
// row per person. Sessions add up; the position (following, where, lesson,
// step) is the one of their most recent connected session, else of the
// row they were last seen in; progress is that row's, else the newest one
// known. A teacher is listed only while connected somewhere.
func mergeRoster(local []tui.ClassMember, remote map[string][]tui.ClassMember) []tui.ClassMember {
	idx := make(map[string]int, len(local))
	for i, r := range local {
		idx[r.ID] = i
	}
	out := local
	for id, rows := range remote {
		var cur *tui.ClassMember
		if i, ok := idx[id]; ok {
			cur = &out[i]
		}
		m := mergePerson(cur, rows)
		if m.Teacher && m.Sessions == 0 {
			continue
		}
		if cur != nil {
			*cur = m
			continue
		}
		idx[id] = len(out)
		out = append(out, m)
	}
	return out
}

// mergePerson merges one person's rows (local may be nil).
func mergePerson(local *tui.ClassMember, rows []tui.ClassMember) tui.ClassMember {
	all := make([]tui.ClassMember, 0, len(rows)+1)
	if local != nil {
		all = append(all, *local)
	}
	all = append(all, rows...)
	best := -1
	better := func(i int) bool {
		if best < 0 {
			return true
		}
		a, b := all[i], all[best]
		if (a.Sessions > 0) != (b.Sessions > 0) {
			return a.Sessions > 0
		}
		return a.LastInput.After(b.LastInput)
	}
	sessions := 0
	var since time.Time
	for i, r := range all {
		sessions += r.Sessions
		if !r.Since.IsZero() && (since.IsZero() || r.Since.Before(since)) {
			since = r.Since
		}
		if better(i) {
			best = i
		}
	}
	m := all[best]
	m.Sessions, m.Since = sessions, since
	if m.Progress == nil {
		var at time.Time
		for _, r := range all {
			if r.Progress != nil && (at.IsZero() || r.LastInput.After(at)) {
				m.Progress, at = r.Progress, r.LastInput
				if m.Lesson == "" {
					m.Lesson, m.Step = r.Lesson, r.Step
				}
			}
		}
	}
	return m
}
