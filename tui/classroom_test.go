package tui

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/network"
	"backprop/tui/lesson"
)

// fakeClass is a two-member in-memory class: Wait never blocks (tests send
// classWokeMsg themselves).
type fakeHub struct {
	mu     sync.Mutex
	state  ClassState
	has    bool
	status map[string]string
	gone   bool // the teacher has left (not on the roster)
	// progress: what each member reported (SetProgress)
	progress map[string]reported
	// work: what each member reported (SetWork)
	work map[string]*ClassWork
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
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	ann := ClassMember{ID: "user-ann", Name: "ann", Following: true, Where: f.hub.status["ann"], Since: time.Unix(0, 0), Sessions: 1}
	if f.hub.gone {
		return []ClassMember{ann}
	}
	return []ClassMember{{ID: "user-prof", Name: "prof", Teacher: true, Sessions: 1}, ann}
}
func (f *fakeMember) SetStatus(following bool, where string) {
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	f.hub.status[f.name] = where
}
func (f *fakeMember) SetProgress(id string, step int, p *lesson.Progress) {
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	if f.hub.progress == nil {
		f.hub.progress = map[string]reported{}
	}
	f.hub.progress[f.name] = reported{id, step, p}
}
func (f *fakeMember) SetWork(w *ClassWork) {
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	if f.hub.work == nil {
		f.hub.work = map[string]*ClassWork{}
	}
	f.hub.work[f.name] = w
}
func (f *fakeMember) Wait() bool { return false }

// reported is what a member last passed to SetProgress.
type reported struct {
	lesson string
	step   int
	p      *lesson.Progress
}

func TestClassroomFollowForkRejoin(t *testing.T) {
	hub := &fakeHub{status: map[string]string{}}
	prof := newTestModel(t, Options{Preset: "xor", Classroom: &fakeMember{hub, "prof", true}}, 120, 40)
	press(prof, "s", "s", "space", "space", "space") // mid-sample: forward L2
	if !hub.has {
		t.Fatal("the teacher published nothing")
	}
	ann := newTestModel(t, Options{Classroom: &fakeMember{hub, "ann", false}}, 120, 40)
	if ann.screen != screenTrainer || ann.tr.sess == nil {
		t.Fatalf("a student should start on the teacher's network; screen %d", ann.screen)
	}
	same := func() bool {
		return ann.tr.sess.st.Pos() == prof.tr.sess.st.Pos() &&
			slices.Equal(ann.tr.sess.st.Net().Layers[0].W, prof.tr.sess.st.Net().Layers[0].W)
	}
	if !same() {
		t.Fatalf("student at %+v, teacher at %+v", ann.tr.sess.st.Pos(), prof.tr.sess.st.Pos())
	}
	// the student follows each change
	press(prof, "e", "b")
	ann.Update(classWokeMsg{})
	if !same() {
		t.Errorf("after e b: student at %+v, teacher at %+v", ann.tr.sess.st.Pos(), prof.tr.sess.st.Pos())
	}
	// changing keys are refused while following; view keys work
	steps := ann.tr.sess.st.Pos().Steps
	press(ann, "s")
	if ann.tr.sess.st.Pos().Steps != steps || !strings.Contains(ann.app.flash, "F forks") {
		t.Errorf("a following student stepped (flash %q)", ann.app.flash)
	}
	press(ann, "left")
	if ann.tr.sess.focus.Layer != 1 {
		t.Errorf("focus keys should work while following: %+v", ann.tr.sess.focus)
	}
	if !strings.Contains(screen(t, ann), "following the teacher") {
		t.Error("status bar should say following")
	}
	// fork: the student's own copy
	press(ann, "F", "e", "e")
	if ann.tr.sess.st.Pos().Steps == steps {
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
	// rejoin: the fork has unsaved work, so J asks first
	press(ann, "J")
	if same() || !strings.Contains(screen(t, ann), "Rejoin the teacher? ") {
		t.Fatal("J on a changed fork should ask before dropping it")
	}
	press(ann, "y")
	if !same() {
		t.Error("rejoin should load the teacher's state")
	}
	// the teacher's roster
	prof.Update(classWokeMsg{})
	if scr := screen(t, prof); !strings.Contains(scr, "teacher · 1 student (1 following)") {
		t.Errorf("teacher's status bar:\n%s", scr)
	}
	press(prof, "P")
	if scr := screen(t, prof); !strings.Contains(scr, "▸ ann") || !strings.Contains(scr, "1 here, 1 following, 0 left") {
		t.Errorf("teacher's roster:\n%s", scr)
	}
	_ = network.Training
}

// TestClassroomTeacherLeaves drives a following student while the teacher
// leaves (qa3 #9): the student is told at once, keeps the state, may fork,
// and follows again when a teacher connects and publishes.
func TestClassroomTeacherLeaves(t *testing.T) {
	hub := &fakeHub{status: map[string]string{}}
	prof := newTestModel(t, Options{Preset: "xor", Classroom: &fakeMember{hub, "prof", true}}, 120, 40)
	press(prof, "e", "s", "space")
	ann := newTestModel(t, Options{Classroom: &fakeMember{hub, "ann", false}}, 120, 40)
	same := func() bool {
		return ann.tr.sess.st.Pos() == prof.tr.sess.st.Pos() &&
			slices.Equal(ann.tr.sess.st.Net().Layers[0].W, prof.tr.sess.st.Net().Layers[0].W)
	}
	if !same() || !strings.Contains(screen(t, ann), "following the teacher") {
		t.Fatalf("student does not follow: %+v vs %+v", ann.tr.sess.st.Pos(), prof.tr.sess.st.Pos())
	}
	if ann.class.away {
		t.Fatal("the teacher is here, the student thinks not")
	}

	// The teacher quits: the hub wakes the students.
	hub.gone = true
	pos := ann.tr.sess.st.Pos()
	ann.Update(classWokeMsg{})
	if !strings.Contains(ann.app.flash, "teacher left") || !strings.Contains(ann.app.flash, "F forks") {
		t.Errorf("flash when the teacher left: %q", ann.app.flash)
	}
	scr := screen(t, ann)
	if !strings.Contains(scr, "teacher left — waiting") || strings.Contains(scr, "following the teacher") {
		t.Errorf("status bar after the teacher left:\n%s", scr)
	}
	if ann.tr.sess.st.Pos() != pos {
		t.Error("the student's state changed when the teacher left")
	}
	ann.app.flash = ""
	ann.Update(classWokeMsg{}) // another wake-up: no repeated flash
	if ann.app.flash != "" {
		t.Errorf("flash repeated: %q", ann.app.flash)
	}
	press(ann, "s") // still read-only until forked
	if ann.tr.sess.st.Pos() != pos || !strings.Contains(ann.app.flash, "teacher left") {
		t.Errorf("a waiting student stepped, or was not told why not (flash %q)", ann.app.flash)
	}
	press(ann, "P")
	if scr := screen(t, ann); !strings.Contains(scr, "the teacher left") {
		t.Errorf("class overlay after the teacher left:\n%s", scr)
	}
	press(ann, "P")

	// A teacher connects again: following resumes on the next publish.
	hub.gone = false
	ann.Update(classWokeMsg{})
	if ann.class.away || !strings.Contains(ann.app.flash, "following again") {
		t.Errorf("teacher back: away=%v flash %q", ann.class.away, ann.app.flash)
	}
	press(prof, "e")
	ann.Update(classWokeMsg{})
	if !same() || !strings.Contains(screen(t, ann), "following the teacher") {
		t.Errorf("not following after the teacher came back: %+v vs %+v", ann.tr.sess.st.Pos(), prof.tr.sess.st.Pos())
	}

	// Teacher gone again: the student forks and carries on alone.
	hub.gone = true
	ann.Update(classWokeMsg{})
	steps := ann.tr.sess.st.Pos().Steps
	press(ann, "F", "e")
	if ann.tr.sess.st.Pos().Steps == steps {
		t.Error("a forked student could not step while the teacher was away")
	}
	if scr := screen(t, ann); !strings.Contains(scr, "forked · teacher left") {
		t.Errorf("status bar of a fork while the teacher is away:\n%s", scr)
	}
	// the fork stays a fork when the teacher comes back
	hub.gone = false
	ann.Update(classWokeMsg{})
	press(prof, "e", "e") // ann did one epoch, the teacher two
	ann.Update(classWokeMsg{})
	if same() || !strings.Contains(ann.app.flash, "J rejoins") {
		t.Errorf("a fork followed the returning teacher (flash %q)", ann.app.flash)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 students", 1: "1 student", 2: "2 students"} {
		if got := plural(n, "student"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestClassroomLesson: the teacher's built-in lesson and step are shared; a
// following student opens the same step, follows pgdn and the lesson
// closing, and keeps the teacher's network over the step's scene; a fork
// keeps its own lesson position.
func TestClassroomLesson(t *testing.T) {
	hub := &fakeHub{status: map[string]string{}}
	prof := newTestModel(t, Options{Preset: "xor", StateDir: t.TempDir(), Classroom: &fakeMember{hub, "prof", true}}, 120, 40)
	cmd, err := prof.openLessons("")
	if err != nil {
		t.Fatal(err)
	}
	run(prof, cmd)
	var lcmd tea.Cmd
	prof.lesson.m, lcmd, err = prof.lesson.m.Open("backprop")
	if err != nil {
		t.Fatal(err)
	}
	run(prof, lcmd)
	answer := func() { // the questions take every key until answered
		for i := 0; i < 9 && prof.lesson.m.Asking(); i++ {
			press(prof, "a")
		}
	}
	answer()
	press(prof, "s", "space", "space") // the teacher's own state, not the scene's
	if hub.state.Lesson != "backprop" || hub.state.LessonStep != 0 || len(hub.state.Model) == 0 {
		t.Fatalf("teacher published lesson %q step %d (model %d bytes)", hub.state.Lesson, hub.state.LessonStep, len(hub.state.Model))
	}
	if !strings.Contains(hub.state.Status, "lesson backprop step 1") {
		t.Errorf("teacher's status %q", hub.state.Status)
	}

	ann := newTestModel(t, Options{StateDir: t.TempDir(), Classroom: &fakeMember{hub, "ann", false}}, 120, 40)
	run(ann, ann.initCmd)
	same := func() bool {
		return ann.tr.sess != nil && ann.tr.sess.st.Pos() == prof.tr.sess.st.Pos() &&
			slices.Equal(ann.tr.sess.st.Net().Layers[0].W, prof.tr.sess.st.Net().Layers[0].W)
	}
	at := func(m *Model) string {
		id, si := m.lessonPos()
		return fmt.Sprintf("%s/%d", id, si)
	}
	if at(ann) != "backprop/0" || !same() || ann.screen != screenTrainer {
		t.Fatalf("student: lesson %s, same network %v, screen %d", at(ann), same(), ann.screen)
	}

	// the teacher moves on: the student follows the step, then the
	// teacher's network wins over the step's scene
	prof.lesson.m.Progress().Lessons["backprop"].Reached = 4
	answer()
	_, cmd = prof.Update(tea.KeyPressMsg{Code: tea.KeyPgDown})
	run(prof, cmd)
	if at(prof) != "backprop/1" || hub.state.LessonStep != 1 {
		t.Fatalf("teacher at %s, published step %d", at(prof), hub.state.LessonStep)
	}
	_, cmd = ann.Update(classWokeMsg{})
	run(ann, cmd)
	if at(ann) != "backprop/1" || !same() {
		t.Errorf("student at %s after the teacher's pgdn (same network %v)", at(ann), same())
	}

	// a fork keeps its own lesson position
	press(ann, "F")
	answer()
	_, cmd = prof.Update(tea.KeyPressMsg{Code: tea.KeyPgDown})
	run(prof, cmd)
	_, cmd = ann.Update(classWokeMsg{})
	run(ann, cmd)
	if at(prof) != "backprop/2" || at(ann) != "backprop/1" {
		t.Errorf("teacher at %s, forked student at %s", at(prof), at(ann))
	}
	if !strings.Contains(hub.status["ann"], "lesson backprop step 2") {
		t.Errorf("fork's roster status %q", hub.status["ann"])
	}
	// rejoining catches up
	_, cmd = ann.Update(keyMsg("J"))
	run(ann, cmd)
	if at(ann) != "backprop/2" || !same() {
		t.Errorf("after J: student at %s (same network %v)", at(ann), same())
	}

	// an unknown lesson: flashed and ignored
	hub.mu.Lock()
	st := hub.state
	hub.mu.Unlock()
	st.Lesson = "no-such-lesson"
	(&fakeMember{hub, "prof", true}).Publish(st)
	ann.Update(classWokeMsg{})
	if at(ann) != "backprop/2" || !strings.Contains(ann.app.flash, "no-such-lesson") {
		t.Errorf("unknown lesson: student at %s, flash %q", at(ann), ann.app.flash)
	}

	// a bench step: no network is shared, the student gets the step's scene
	prof.lesson.m, lcmd, _ = prof.lesson.m.Open("perceptron")
	run(prof, lcmd)
	if prof.screen != screenBench || hub.state.Lesson != "perceptron" || len(hub.state.Model) != 0 {
		t.Fatalf("teacher on screen %d published lesson %q, model %d bytes", prof.screen, hub.state.Lesson, len(hub.state.Model))
	}
	_, cmd = ann.Update(classWokeMsg{})
	run(ann, cmd)
	if at(ann) != "perceptron/0" || ann.screen != screenBench {
		t.Errorf("bench step: student at %s on screen %d", at(ann), ann.screen)
	}
	prof.lesson.m, lcmd, _ = prof.lesson.m.Open("backprop")
	prof.sceneBefore() // as pgdn into another lesson does
	run(prof, lcmd)
	press(prof, "s")
	_, cmd = ann.Update(classWokeMsg{})
	run(ann, cmd)
	if at(ann) != "backprop/2" || !same() {
		t.Errorf("back in backprop: student at %s (same network %v)", at(ann), same())
	}

	// the teacher closes the lesson: so does the student's panel
	prof.lesson = lessonPanel{}
	press(prof, "s")
	if hub.state.Lesson != "" {
		t.Fatalf("teacher without a lesson published %q", hub.state.Lesson)
	}
	ann.Update(classWokeMsg{})
	if ann.lesson.on || !same() {
		t.Errorf("student's lesson still open (%v) or network differs (%v)", ann.lesson.on, !same())
	}
}

// In a class, the trainer's help lists the class keys at both sizes (on a
// second page at 80×24 if need be: ? turns it).
func TestClassHelp(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		hub := &fakeHub{status: map[string]string{}}
		m := newTestModel(t, Options{Preset: "xor", Classroom: &fakeMember{hub, "prof", true}}, sz[0], sz[1])
		var all string
		for range 3 {
			press(m, "?")
			if !m.tr.help.open {
				break
			}
			all += screen(t, m)
		}
		for _, want := range []string{classKeysTitle, "F ", "J ", "P "} {
			if !strings.Contains(all, want) {
				t.Errorf("%dx%d: the help of a class lacks %q:\n%s", sz[0], sz[1], want, all)
			}
		}
	}
}

// A student reports their work for the teacher's wall when it changes, at
// most every workEvery: the epoch, the losses, the accuracy, the boundary
// map and a model file that opens as their network.
func TestClassroomStudentWork(t *testing.T) {
	hub := &fakeHub{status: map[string]string{}}
	newTestModel(t, Options{Preset: "circle", Classroom: &fakeMember{hub, "prof", true}}, 120, 40)
	ann := newTestModel(t, Options{Classroom: &fakeMember{hub, "ann", false}}, 120, 40)
	press(ann, "F", "e", "e", "e")
	cl := ann.class
	cl.work.at = time.Time{}
	cmd := cl.reportWork(ann)
	if cmd == nil {
		t.Fatal("no report after three epochs")
	}
	cmd()
	w := hub.work["ann"]
	if w == nil || w.Epoch != 3 || len(w.Loss) != 3 || w.Accuracy < 0 || w.Accuracy > 1 || w.Status != "training" || w.Preset != "circle" {
		t.Fatalf("work %+v", w)
	}
	if w.MapW != WorkMapW || w.MapH != WorkMapH || len(w.Map) != WorkMapW*WorkMapH || slices.Max(w.Map) == slices.Min(w.Map) {
		t.Errorf("map %d×%d, %d cells", w.MapW, w.MapH, len(w.Map))
	}
	mf, err := network.ParseModel(w.Model)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sessionFromModel(mf, Limits{})
	if err != nil || !slices.Equal(s.st.Net().Layers[0].W, ann.tr.sess.st.Net().Layers[0].W) {
		t.Fatalf("the reported model: %v", err)
	}
	// unchanged: nothing new to report
	cl.work.at = time.Time{}
	if cl.reportWork(ann) != nil {
		t.Error("reported again without a change")
	}
	// changed within workEvery: one tick waits, no report yet
	cl.work.at = time.Now()
	press(ann, "e") // after the key: the tick is asked for
	if !cl.work.waiting || cl.reportWork(ann) != nil || hub.work["ann"].Epoch != 3 {
		t.Error("want one tick for a change within workEvery, and no report before it")
	}
	cl.work.at = time.Now().Add(-workEvery) // the tick comes when workEvery has passed
	_, cmd = ann.Update(workTickMsg{})
	if cl.work.waiting || cl.work.epoch != 4 || cmd == nil {
		t.Errorf("the tick did not report the change: %+v", cl.work)
	}
}

// linkMember is a fakeMember of a class shared between server instances
// whose link can go down.
type linkMember struct {
	fakeMember
	down bool
}

func (l *linkMember) LinkDown() bool { return l.down }

// TestClassLinkDown: the teacher sees when the link between the server's
// instances is down (status bar and roster), and when it is back.
func TestClassLinkDown(t *testing.T) {
	hub := &fakeHub{status: map[string]string{}}
	lm := &linkMember{fakeMember: fakeMember{hub, "prof", true}}
	prof := newTestModel(t, Options{Preset: "xor", Classroom: lm}, 120, 40)
	lm.down = true
	prof.Update(classWokeMsg{})
	if scr := screen(t, prof); !strings.Contains(scr, "classroom link down · teacher") {
		t.Errorf("status bar while the link is down:\n%s", scr)
	}
	press(prof, "P")
	if scr := screen(t, prof); !strings.Contains(scr, "Roster · classroom link down · 1 here") {
		t.Errorf("roster while the link is down:\n%s", scr)
	}
	lm.down = false
	prof.Update(classWokeMsg{})
	if scr := screen(t, prof); strings.Contains(scr, "link down") {
		t.Errorf("the link is back:\n%s", scr)
	}
}
