package server

import (
	"log/slog"
	"slices"
	"strings"
	"time"

	"backprop/internal/safetext"
	"backprop/tui"
	"backprop/tui/lesson"
)

// The roster: the hub's list of the people in the class, one row per
// identity (a key, or a user name) however many sessions they have open.
// Students stay on it when they leave, so the teacher sees who is missing;
// teachers are listed while connected. Each row is a tui.ClassMember, plain
// data that a shared store could hold as well.

// MaxRoster bounds the people a hub remembers. Past it, the student who
// left longest ago is forgotten (an open server lets anyone in under any
// name; the roster must not grow with them).
const MaxRoster = 1000

// person is one roster row's state (guarded by Hub.mu).
type person struct {
	id, name  string
	teacher   bool
	sessions  int
	since     time.Time // first joined (or first seen, when remembered)
	lastSeen  time.Time // when their last session ended
	following bool
	where     string
	lesson    string
	step      int
	progress  *lesson.Progress // read-only: replaced, never changed
	work      *tui.ClassWork   // read-only: replaced, never changed
}

// arriveLocked puts m's person on the roster (or back on it).
func (h *Hub) arriveLocked(m *Member) {
	p := h.people[m.id]
	if p == nil {
		h.evictLocked()
		p = &person{id: m.id, since: m.since}
		h.people[m.id] = p
	}
	p.name, p.teacher = m.name, m.teacher
	p.sessions++
	p.following, p.where = m.following, m.where
}

// departLocked notes that m left: a student stays on the roster, marked
// gone when it was their last session; a teacher's row goes with them.
func (h *Hub) departLocked(m *Member) {
	p := h.people[m.id]
	if p == nil {
		return
	}
	p.sessions--
	p.lastSeen = time.Now()
	if p.sessions > 0 {
		for o := range h.members { // the status of a session still open
			if o.id == m.id {
				p.following, p.where = o.following, o.where
			}
		}
		return
	}
	if p.teacher {
		delete(h.people, m.id)
	}
}

// evictLocked makes room for one more person: past MaxRoster it forgets
// the student who left longest ago.
func (h *Hub) evictLocked() {
	if len(h.people) < MaxRoster {
		return
	}
	var old *person
	for _, p := range h.people {
		if p.sessions == 0 && (old == nil || p.lastSeen.Before(old.lastSeen)) {
			old = p
		}
	}
	if old != nil {
		delete(h.people, old.id)
	}
}

// Remember puts a student who is not connected on the roster (from a
// previous run: their saved name, when they were last seen, their
// progress), unless they are on it already.
func (h *Hub) Remember(r tui.ClassMember) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || r.Teacher || h.people[r.ID] != nil {
		return
	}
	if len(h.people) >= MaxRoster {
		return // the present class first
	}
	h.people[r.ID] = &person{id: r.ID, name: clip(r.Name, maxName), since: r.Since, lastSeen: r.LastInput,
		lesson: r.Lesson, step: r.Step, progress: r.Progress}
	h.scheduleLocked(1)
}

// Roster lists the class: teachers first, then by name and identity.
// With other instances (natsclass.go) their rows are merged in, one row
// per person.
func (m *Member) Roster() []tui.ClassMember {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.localRowsLocked()
	if len(h.remote) > 0 {
		out = mergeRoster(out, h.remote)
	}
	sortRoster(out)
	return out
}

// localRowsLocked is the roster of this hub's own people, unsorted.
func (h *Hub) localRowsLocked() []tui.ClassMember {
	out := make([]tui.ClassMember, 0, len(h.people))
	for _, p := range h.people {
		r := tui.ClassMember{ID: p.id, Name: p.name, Teacher: p.teacher, Following: p.following, Where: p.where,
			Since: p.since, Sessions: p.sessions, LastInput: p.lastSeen, Lesson: p.lesson, Step: p.step,
			Progress: p.progress, Work: p.work}
		if p.sessions > 0 {
			r.LastInput = time.Time{}
			for x := range h.members {
				if t := x.lastInput(); x.id == p.id && t.After(r.LastInput) {
					r.LastInput = t
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// sortRoster orders rows teachers first, then by name and identity.
func sortRoster(out []tui.ClassMember) {
	slices.SortFunc(out, func(a, b tui.ClassMember) int {
		if a.Teacher != b.Teacher {
			if a.Teacher {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// SetStatus records where the member is and wakes the teachers.
func (m *Member) SetStatus(following bool, where string) {
	where = clip(where, maxWhere)
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.following == following && m.where == where {
		return
	}
	m.following, m.where = following, where
	if p := h.people[m.id]; p != nil && !m.left {
		p.following, p.where = following, where
	}
	h.scheduleLocked(1)
}

// SetProgress records the member's lesson position and progress (p is
// kept and only read) and wakes the teachers.
func (m *Member) SetProgress(lessonID string, step int, p *lesson.Progress) {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	pp := h.people[m.id]
	if pp == nil || m.left {
		return
	}
	pp.lesson, pp.step, pp.progress = clip(lessonID, maxWhere), step, p
	h.scheduleLocked(1)
}

// SetWork records the member's training at a glance for the teacher's
// wall (w is kept and only read; one over the tui.Work* bounds is
// refused) and wakes the teachers.
func (m *Member) SetWork(w *tui.ClassWork) {
	if w != nil && (len(w.Loss) > tui.WorkLossLen || len(w.Model) > tui.MaxWorkModel ||
		w.MapW > tui.WorkMapW || w.MapH > tui.WorkMapH || len(w.Map) != w.MapW*w.MapH) {
		return
	}
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	pp := h.people[m.id]
	if pp == nil || m.left {
		return
	}
	if w != nil {
		w.Preset, w.Status = clip(w.Preset, maxWhere), clip(w.Status, maxWhere)
	}
	pp.work = w
	h.scheduleLocked(1)
}

// rememberClass puts the students of earlier runs on the roster, as not
// connected, with their saved progress (at most MaxRoster of them).
func (s *Server) rememberClass() {
	users, err := s.store.Users()
	if err != nil {
		s.log.Warn("roster: reading the users' records", "dir", s.cfg.DataDir, "err", err)
	}
	for _, u := range users {
		if u.Teacher {
			continue
		}
		p, err := s.store.Progress(u.ID).Load()
		if err != nil {
			s.log.Warn("roster: reading progress", "user", u.ID, "err", err)
		}
		id, step := lastLesson(p)
		s.hub.Remember(tui.ClassMember{ID: u.ID, Name: u.Name, Since: u.FirstSeen, LastInput: u.LastSeen,
			Lesson: id, Step: step, Progress: p})
	}
}

// lastLesson is the lesson p shows the latest answer or checkpoint in, and
// the step saved there ("" when none has either).
func lastLesson(p *lesson.Progress) (string, int) {
	if p == nil {
		return "", 0
	}
	var id string
	var last time.Time
	for lid, lp := range p.Lessons {
		if lp == nil {
			continue
		}
		for _, a := range lp.Given {
			if a.At.After(last) || a.At.Equal(last) && lid < id {
				id, last = lid, a.At
			}
		}
		for _, t := range lp.Done {
			if t.After(last) || t.Equal(last) && lid < id {
				id, last = lid, t
			}
		}
	}
	if id == "" {
		return "", 0
	}
	return id, p.Lessons[id].Step
}

// seen writes the user's record as they connect and as they leave: name,
// user name and key as now, first and last seen.
func (s *Server) seen(info SessionInfo, teacher bool, log *slog.Logger) {
	now := time.Now().UTC().Truncate(time.Second)
	r, ok, err := s.store.User(info.ID)
	if err != nil {
		log.Warn("user record unreadable; writing a new one", "err", err)
	}
	if !ok || r.FirstSeen.IsZero() {
		r.FirstSeen = now
	}
	r.ID, r.Name, r.User, r.Fingerprint = info.ID, info.Name, clip(safetext.Line(info.User), 256), info.Fingerprint
	r.Teacher, r.LastSeen = teacher, now
	if err := s.store.PutUser(r); err != nil {
		log.Error("cannot write the user record", "err", err)
	}
}
