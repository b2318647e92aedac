package server

import (
	"fmt"
	"testing"
	"time"

	"backprop/tui"
	"backprop/tui/lesson"
)

// rowOf returns id's roster row.
func rowOf(t *testing.T, m *Member, id string) tui.ClassMember {
	t.Helper()
	for _, r := range m.Roster() {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("%s not on the roster %+v", id, m.Roster())
	return tui.ClassMember{}
}

// One row per person however many sessions; idle time from the latest
// input of any of them; a student stays on the roster after leaving, a
// teacher does not.
func TestRosterPeople(t *testing.T) {
	h := NewHub(5 * time.Millisecond)
	defer h.Close()
	t0 := time.Now()
	in1, in2 := t0.Add(-time.Minute), t0.Add(-10*time.Second)
	prof := h.JoinAs(MemberInfo{ID: "key-p", Name: "Prof", Teacher: true})
	a1 := h.JoinAs(MemberInfo{ID: "key-a", Name: "Alice Smith", LastInput: func() time.Time { return in1 }})
	a2 := h.JoinAs(MemberInfo{ID: "key-a", Name: "Alice Smith", LastInput: func() time.Time { return in2 }})
	h.JoinAs(MemberInfo{ID: "user-bob", Name: "bob"})
	r := prof.Roster()
	if len(r) != 3 || r[0].ID != "key-p" || !r[0].Teacher || r[1].Name != "Alice Smith" || r[2].Name != "bob" {
		t.Fatalf("roster %+v", r)
	}
	if a := r[1]; a.Sessions != 2 || !a.LastInput.Equal(in2) || !a.Following || a1.Name() != "Alice Smith" {
		t.Errorf("alice's row %+v", a)
	}
	// her second session forks, then leaves: the first one's status shows
	a2.SetStatus(false, "xor · epoch 2")
	if a := rowOf(t, prof, "key-a"); a.Following || a.Where != "xor · epoch 2" {
		t.Errorf("after the fork: %+v", a)
	}
	a2.Leave()
	if a := rowOf(t, prof, "key-a"); a.Sessions != 1 || !a.Following || a.Where != "" || !a.LastInput.Equal(in1) {
		t.Errorf("after one session left: %+v", a)
	}
	a1.Leave()
	a := rowOf(t, prof, "key-a")
	if a.Sessions != 0 || a.LastInput.Before(t0) || time.Since(a.LastInput) > time.Minute {
		t.Errorf("after she left: %+v (last input should be when she left)", a)
	}
	prof.Leave()
	for _, r := range a1.Roster() {
		if r.Teacher {
			t.Errorf("a teacher who left is on the roster: %+v", r)
		}
	}
	// she comes back: same row, connected again
	a3 := h.JoinAs(MemberInfo{ID: "key-a", Name: "Alice S."})
	if a := rowOf(t, a3, "key-a"); a.Sessions != 1 || a.Name != "Alice S." {
		t.Errorf("back: %+v", a)
	}
}

// A student's answer reaches the teacher: the teacher is woken within the
// class interval and the row carries the lesson, the step and the record.
func TestRosterProgressWakesTeacher(t *testing.T) {
	h := NewHub(20 * time.Millisecond)
	defer h.Close()
	prof := h.JoinAs(MemberInfo{ID: "key-p", Name: "Prof", Teacher: true})
	ann := h.JoinAs(MemberInfo{ID: "user-ann", Name: "ann"})
	drainWakes(prof)
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"perceptron": {
		Step:  0,
		Given: map[string]lesson.Answer{"0.0": {Choice: 1, Option: "stay", Correct: true, At: time.Now()}},
	}}}
	start := time.Now()
	ann.SetProgress("perceptron", 0, p)
	if r, ok := waitResult(prof, time.Second); !ok || !r {
		t.Fatal("teacher not woken by an answer")
	}
	t.Logf("teacher woken %v after the answer", time.Since(start).Round(time.Millisecond))
	row := rowOf(t, prof, "user-ann")
	if row.Lesson != "perceptron" || row.Step != 0 || row.Progress != p ||
		row.Progress.Lessons["perceptron"].Given["0.0"].Option != "stay" {
		t.Errorf("row %+v", row)
	}
	// after leaving, a late report changes nothing
	ann.Leave()
	ann.SetProgress("cost", 2, nil)
	if row := rowOf(t, prof, "user-ann"); row.Lesson != "perceptron" || row.Progress != p {
		t.Errorf("a report after Leave was taken: %+v", row)
	}
}

// Remember lists students of earlier runs as gone; a student who is here
// keeps their row; MaxRoster bounds the roster, forgetting who left
// longest ago.
func TestRosterRememberAndBound(t *testing.T) {
	h := NewHub(time.Millisecond)
	defer h.Close()
	prof := h.JoinAs(MemberInfo{ID: "key-p", Name: "Prof", Teacher: true})
	here := h.JoinAs(MemberInfo{ID: "user-ann", Name: "ann"})
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"cost": {Step: 2}}}
	last := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	h.Remember(tui.ClassMember{ID: "user-zed", Name: "zed", LastInput: last, Progress: p})
	h.Remember(tui.ClassMember{ID: "user-ann", Name: "imposter"})
	h.Remember(tui.ClassMember{ID: "key-t", Name: "old teacher", Teacher: true})
	if z := rowOf(t, prof, "user-zed"); z.Sessions != 0 || !z.LastInput.Equal(last) || z.Progress != p {
		t.Errorf("remembered %+v", z)
	}
	if a := rowOf(t, prof, "user-ann"); a.Name != "ann" || a.Sessions != 1 {
		t.Errorf("Remember changed a connected student: %+v", a)
	}
	if n := len(prof.Roster()); n != 3 {
		t.Errorf("roster has %d rows, want 3 (a remembered teacher is left out)", n)
	}
	// fill the roster: students come and go
	for i := 0; i < MaxRoster+20; i++ {
		h.JoinAs(MemberInfo{ID: fmt.Sprintf("user-%04d", i), Name: "s"}).Leave()
	}
	r := prof.Roster()
	if len(r) > MaxRoster {
		t.Fatalf("roster holds %d rows, want at most %d", len(r), MaxRoster)
	}
	ids := map[string]bool{}
	for _, x := range r {
		ids[x.ID] = true
	}
	if !ids["key-p"] || !ids["user-ann"] || !ids[fmt.Sprintf("user-%04d", MaxRoster+19)] {
		t.Errorf("the connected people or the latest student were forgotten")
	}
	if ids["user-zed"] || ids["user-0000"] {
		t.Errorf("the students who left longest ago are still listed")
	}
	_ = here
}

// A remembered student shows the lesson they last answered in.
func TestLastLesson(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2025, 3, 4, 10, m, 0, 0, time.UTC) }
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{
		"perceptron": {Step: 4, Given: map[string]lesson.Answer{"0.0": {At: at(1)}}, Done: map[string]time.Time{"3": at(20)}},
		"networks":   {Step: 1, Given: map[string]lesson.Answer{"0.0": {At: at(30)}}},
		"cost":       {Step: 2},
		"empty":      nil,
	}}
	if id, step := lastLesson(p); id != "networks" || step != 1 {
		t.Errorf("lastLesson = %s %d", id, step)
	}
	if id, _ := lastLesson(&lesson.Progress{Lessons: map[string]*lesson.LessonProgress{"cost": {Step: 2}}}); id != "" {
		t.Errorf("no activity: %q", id)
	}
	if id, _ := lastLesson(nil); id != "" {
		t.Errorf("nil: %q", id)
	}
}

// A student's work reaches the teacher's roster (for the class wall) as
// reported; one over the bounds is refused, nil clears it, and a member
// who left reports nothing.
func TestRosterWork(t *testing.T) {
	h := NewHub(5 * time.Millisecond)
	defer h.Close()
	prof := h.JoinAs(MemberInfo{ID: "key-p", Name: "Prof", Teacher: true})
	ann := h.JoinAs(MemberInfo{ID: "user-ann", Name: "ann"})
	w := &tui.ClassWork{Preset: "circle", Epoch: 3, Status: "training", Loss: []float64{0.5, 0.4, 0.3}, Accuracy: 0.8,
		Map: make([]uint8, tui.WorkMapW*tui.WorkMapH), MapW: tui.WorkMapW, MapH: tui.WorkMapH, Model: []byte("{}")}
	ann.SetWork(w)
	if got := rowOf(t, prof, "user-ann").Work; got != w {
		t.Fatalf("work %+v", got)
	}
	for _, bad := range []*tui.ClassWork{
		{Loss: make([]float64, tui.WorkLossLen+1)},
		{Model: make([]byte, tui.MaxWorkModel+1)},
		{Map: make([]uint8, 10), MapW: 5, MapH: 3},
		{Map: make([]uint8, 4*(tui.WorkMapH+1)), MapW: 4, MapH: tui.WorkMapH + 1},
	} {
		ann.SetWork(bad)
		if got := rowOf(t, prof, "user-ann").Work; got != w {
			t.Errorf("%d losses, %d model bytes, %d map cells (%d×%d) accepted", len(bad.Loss), len(bad.Model), len(bad.Map), bad.MapW, bad.MapH)
		}
	}
	ann.SetWork(nil)
	if got := rowOf(t, prof, "user-ann").Work; got != nil {
		t.Errorf("nil did not clear: %+v", got)
	}
	ann.Leave()
	ann.SetWork(w)
	if got := rowOf(t, prof, "user-ann").Work; got != nil {
		t.Errorf("a member who left reported %+v", got)
	}
}
