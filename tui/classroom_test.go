package tui

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"backprop/network"
)

// fakeClass is a two-member in-memory class: Wait never blocks (tests send
// classWokeMsg themselves).
type fakeHub struct {
	mu     sync.Mutex
	state  ClassState
	has    bool
	status map[string]string
}

type fakeMember struct {
	hub     *fakeHub
	name    string
	teacher bool
}

func (f *fakeMember) IsTeacher() bool { return f.teacher }
func (f *fakeMember) Name() string    { return f.name }
func (f *fakeMember) Publish(s ClassState) {
	if !f.teacher {
		return
	}
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	s.Version = f.hub.state.Version + 1
	f.hub.state, f.hub.has = s, true
}
func (f *fakeMember) Latest() (ClassState, bool) {
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	return f.hub.state, f.hub.has
}
func (f *fakeMember) Roster() []ClassMember {
	return []ClassMember{{Name: "prof", Teacher: true}, {Name: "ann", Following: true, Where: f.hub.status["ann"], Since: time.Unix(0, 0)}}
}
func (f *fakeMember) SetStatus(following bool, where string) {
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	f.hub.status[f.name] = where
}
func (f *fakeMember) Wait() bool { return false }

func TestClassroomFollowForkRejoin(t *testing.T) {
	hub := &fakeHub{status: map[string]string{}}
	prof := newTestModel(t, Options{Preset: "xor", Classroom: &fakeMember{hub, "prof", true}}, 120, 40)
	press(prof, "s", "s", "space", "space", "space") // mid-sample: forward L2
	if !hub.has {
		t.Fatal("the teacher published nothing")
	}
	ann := newTestModel(t, Options{Classroom: &fakeMember{hub, "ann", false}}, 120, 40)
	if ann.screen != screenTrainer || ann.sess == nil {
		t.Fatalf("a student should start on the teacher's network; screen %d", ann.screen)
	}
	same := func() bool {
		return ann.sess.st.Pos() == prof.sess.st.Pos() &&
			slices.Equal(ann.sess.st.Net().Layers[0].W, prof.sess.st.Net().Layers[0].W)
	}
	if !same() {
		t.Fatalf("student at %+v, teacher at %+v", ann.sess.st.Pos(), prof.sess.st.Pos())
	}
	// the student follows each change
	press(prof, "e", "b")
	ann.Update(classWokeMsg{})
	if !same() {
		t.Errorf("after e b: student at %+v, teacher at %+v", ann.sess.st.Pos(), prof.sess.st.Pos())
	}
	// changing keys are refused while following; view keys work
	steps := ann.sess.st.Pos().Steps
	press(ann, "s")
	if ann.sess.st.Pos().Steps != steps || !strings.Contains(ann.flash, "F forks") {
		t.Errorf("a following student stepped (flash %q)", ann.flash)
	}
	press(ann, "left")
	if ann.sess.focus.Layer != 1 {
		t.Errorf("focus keys should work while following: %+v", ann.sess.focus)
	}
	if !strings.Contains(screen(t, ann), "following the teacher") {
		t.Error("status bar should say following")
	}
	// fork: the student's own copy
	press(ann, "F", "e", "e")
	if ann.sess.st.Pos().Steps == steps {
		t.Error("a forked student cannot step")
	}
	press(prof, "e")
	ann.Update(classWokeMsg{})
	if same() {
		t.Error("a forked student should not follow")
	}
	if !strings.Contains(hub.status["ann"], "epoch") {
		t.Errorf("roster status %q", hub.status["ann"])
	}
	// rejoin
	press(ann, "J")
	if !same() {
		t.Error("rejoin should load the teacher's state")
	}
	// the teacher's roster
	prof.Update(classWokeMsg{})
	press(prof, "P")
	if scr := screen(t, prof); !strings.Contains(scr, "ann") || !strings.Contains(scr, "teacher · 1 students (1 following)") {
		t.Errorf("teacher's roster:\n%s", scr)
	}
	_ = network.Training
}
