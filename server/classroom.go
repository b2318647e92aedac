package server

import (
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"backprop/tui"
)

// Hub is a teacher-led class: the teacher's sessions publish state, student
// sessions follow it. It is the only state shared between sessions.
// Wake-ups are coalesced: each group (students, teachers) is woken at most
// once per interval, and always after the last change.
type Hub struct {
	interval time.Duration

	mu      sync.Mutex
	state   tui.ClassState
	has     bool
	members map[*Member]struct{}
	people  map[string]*person // the roster, by identity (roster.go)
	closed  bool
	wakes   [2]throttle // 0: students, 1: teachers

	// Shared with other instances (natsclass.go); all zero when alone.
	bridge   *classBridge
	mine     tui.ClassState               // the last state a teacher here published
	mineSeq  uint64                       // counts those publishes
	remote   map[string][]tui.ClassMember // other instances' roster rows, by person
	linkDown bool                         // the classroom link is down
}

// throttle coalesces wake-ups of one group.
type throttle struct {
	last  time.Time
	timer *time.Timer
}

// DefaultClassInterval is the minimum time between wake-ups of a group.
const DefaultClassInterval = 100 * time.Millisecond

// NewHub returns an empty class. interval <= 0 means DefaultClassInterval.
func NewHub(interval time.Duration) *Hub {
	if interval <= 0 {
		interval = DefaultClassInterval
	}
	return &Hub{interval: interval, members: map[*Member]struct{}{}, people: map[string]*person{}}
}

// Member is one session in the class; it implements tui.Classroom.
type Member struct {
	hub       *Hub
	id, name  string
	teacher   bool
	since     time.Time
	lastInput func() time.Time
	wake      chan struct{} // capacity 1: pending wake-up
	done      chan struct{} // closed by Leave or Hub.Close

	// guarded by hub.mu
	following bool
	where     string
	left      bool
}

// MemberInfo says who joins a class.
type MemberInfo struct {
	// ID is the person's stable identity (SessionInfo.ID): their sessions
	// share one roster row.
	ID string
	// Name is the display name: sanitised, at most maxName bytes kept.
	Name    string
	Teacher bool
	// LastInput reports when the session last had input (nil: the join
	// time), for the roster's idle time.
	LastInput func() time.Time
}

var _ tui.Classroom = (*Member)(nil)

// Join adds a session to the class under name (its identity too). Call
// Leave when it ends.
func (h *Hub) Join(name string, teacher bool) *Member {
	return h.JoinAs(MemberInfo{ID: name, Name: name, Teacher: teacher})
}

// JoinAs adds a session of the person info describes. Call Leave when it
// ends.
func (h *Hub) JoinAs(info MemberInfo) *Member {
	now := time.Now()
	m := &Member{
		hub: h, id: info.ID, name: clip(info.Name, maxName), teacher: info.Teacher, since: now,
		lastInput: info.LastInput,
		wake:      make(chan struct{}, 1), done: make(chan struct{}),
		following: !info.Teacher,
	}
	if m.lastInput == nil {
		m.lastInput = func() time.Time { return now }
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		m.left = true
		close(m.done)
		return m
	}
	h.members[m] = struct{}{}
	h.arriveLocked(m)
	h.scheduleLocked(1)
	if info.Teacher {
		h.scheduleLocked(0) // students see the teacher is (back) here
	} else if h.has {
		m.signal()
	}
	return m
}

// Leave removes the member; its Wait returns false from now on.
func (m *Member) Leave() {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.left {
		return
	}
	m.left = true
	close(m.done)
	delete(h.members, m)
	h.departLocked(m)
	h.scheduleLocked(1)
	if m.teacher {
		h.scheduleLocked(0) // students see the teacher left (Roster)
	}
}

// Close ends the class: every Wait returns false.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for m := range h.members {
		m.left = true
		close(m.done)
	}
	clear(h.members)
	for i := range h.wakes {
		if t := h.wakes[i].timer; t != nil {
			t.Stop()
		}
	}
}

func (m *Member) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// wakeLocked wakes every member of the group now.
func (h *Hub) wakeLocked(group int) {
	h.wakes[group].last = time.Now()
	for m := range h.members {
		if (group == 1) == m.teacher {
			m.signal()
		}
	}
}

// scheduleLocked wakes the group now, or once the interval since the last
// wake-up has passed.
func (h *Hub) scheduleLocked(group int) {
	if group == 1 && h.bridge != nil {
		h.bridge.poke() // the roster may have changed: share it
	}
	h.scheduleWakeLocked(group)
}

// scheduleWakeLocked is scheduleLocked without telling the bridge.
func (h *Hub) scheduleWakeLocked(group int) {
	w := &h.wakes[group]
	if w.timer != nil || h.closed {
		return // a wake-up is already due
	}
	wait := h.interval - time.Since(w.last)
	if wait <= 0 {
		h.wakeLocked(group)
		return
	}
	w.timer = time.AfterFunc(wait, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.wakes[group].timer = nil
		if !h.closed {
			h.wakeLocked(group)
		}
	})
}

// IsTeacher reports whether this member drives the class.
func (m *Member) IsTeacher() bool { return m.teacher }

// Name is the member's display name.
func (m *Member) Name() string { return m.name }

// Publish stores s as the class state (teachers only) and wakes students.
func (m *Member) Publish(s tui.ClassState) {
	if !m.teacher {
		return
	}
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	s.Version = h.state.Version + 1
	s.Model = slices.Clone(s.Model)
	h.state, h.has = s, true
	h.scheduleLocked(0)
	if h.bridge != nil {
		h.mine = s
		h.mineSeq++
		h.bridge.poke()
	}
}

// Latest returns the teacher's last published state.
func (m *Member) Latest() (tui.ClassState, bool) {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state, h.has
}

// maxWhere is the longest status a member may report, and maxName the
// longest display name, in bytes.
const (
	maxWhere = 80
	maxName  = 64
)

// clip shortens s to at most n bytes without splitting a UTF-8 sequence
// (statuses such as "xor · epoch 3" contain multi-byte runes).
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Wait blocks until the member is woken (true) or has left (false).
func (m *Member) Wait() bool {
	select {
	case <-m.done:
		return false
	case <-m.wake:
		select {
		case <-m.done:
			return false
		default:
			return true
		}
	}
}
