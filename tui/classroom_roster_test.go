package tui

import (
	"backprop/themes"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/tui/lesson"
)

// rosterHub is an in-memory class for roster tests: members report into
// it and Roster lists them like the server's hub (one row per ID).
type rosterHub struct {
	mu    sync.Mutex
	rows  map[string]*ClassMember
	state ClassState
	has   bool
}

type rosterMember struct {
	h       *rosterHub
	id      string
	teacher bool
}

func (h *rosterHub) join(id, name string, teacher bool) *rosterMember {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.rows == nil {
		h.rows = map[string]*ClassMember{}
	}
	h.rows[id] = &ClassMember{ID: id, Name: name, Teacher: teacher, Following: !teacher, Sessions: 1}
	return &rosterMember{h, id, teacher}
}

func (m *rosterMember) IsTeacher() bool { return m.teacher }
func (m *rosterMember) Name() string    { return m.h.rows[m.id].Name }
func (m *rosterMember) Publish(s ClassState) {
	if m.teacher {
		m.h.mu.Lock()
		defer m.h.mu.Unlock()
		s.Version = m.h.state.Version + 1
		m.h.state, m.h.has = s, true
	}
}
func (m *rosterMember) Latest() (ClassState, bool) {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	return m.h.state, m.h.has
}
func (m *rosterMember) Roster() []ClassMember {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	var out []ClassMember
	for _, r := range m.h.rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ClassMember) int { return strings.Compare(a.ID, b.ID) })
	return out
}
func (m *rosterMember) SetStatus(following bool, where string) {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	m.h.rows[m.id].Following, m.h.rows[m.id].Where = following, where
}
func (m *rosterMember) SetProgress(id string, step int, p *lesson.Progress) {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	r := m.h.rows[m.id]
	r.Lesson, r.Step, r.Progress = id, step, p
}
func (m *rosterMember) SetWork(w *ClassWork) {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	m.h.rows[m.id].Work = w
}
func (m *rosterMember) Wait() bool { return false }

var rosterNow = time.Date(2025, 3, 4, 10, 30, 0, 0, time.UTC)

// classNames are 55 students' names; one is long.
var classNames = strings.Split("Ada Lovelace|Alan Turing|Barbara Liskov|Alexandra Konstantinopoulou-Smythe|"+
	"Claude Shannon|Donald Knuth|Edsger Dijkstra|Frances Allen|Grace Hopper|Hedy Lamarr|Ivan Sutherland|"+
	"John Backus|Katherine Johnson|Leslie Lamport|Margaret Hamilton|Niklaus Wirth|Ole-Johan Dahl|Radia Perlman|"+
	"Shafi Goldwasser|Tim Berners-Lee|Yann LeCun|Geoffrey Hinton|Yoshua Bengio|Fei-Fei Li|Judea Pearl|"+
	"Marvin Minsky|Seymour Papert|Frank Rosenblatt|Bernard Widrow|Marcian Hoff|Paul Werbos|David Rumelhart|"+
	"Ronald Williams|Terry Sejnowski|Sepp Hochreiter|Jürgen Schmidhuber|Kunihiko Fukushima|Corinna Cortes|"+
	"Vladimir Vapnik|Leo Breiman|Michael Jordan|Daphne Koller|Andrew Ng|Ian Goodfellow|Alex Krizhevsky|"+
	"Ilya Sutskever|Demis Hassabis|Chris Olah|Andrej Karpathy|Michael Nielsen|Cynthia Dwork|Barbara Grosz|"+
	"Manuela Veloso|Stuart Russell|Peter Norvig", "|")

// bigClass is 55 students in every state: connected or not, following or
// forked, idle for a while, in lessons at various steps with right, wrong
// and missing answers; one has a long name.
func bigClass() *rosterHub {
	h := &rosterHub{rows: map[string]*ClassMember{}}
	h.rows["key-t"] = &ClassMember{ID: "key-t", Name: "Prof", Teacher: true, Sessions: 1}
	lessons := []string{"perceptron", "networks", "activations"}
	for i := 0; i < 55; i++ {
		id := fmt.Sprintf("user-s%02d", i)
		r := &ClassMember{ID: id, Name: classNames[i], Following: i%4 != 1, Sessions: 1,
			LastInput: rosterNow.Add(-time.Duration(i*i) * 7 * time.Second)}
		if i%4 == 1 {
			r.Where = fmt.Sprintf("xor · epoch %d · Forward L1", i)
		}
		if i%9 == 8 {
			r.Sessions, r.LastInput = 0, rosterNow.Add(-time.Duration(i)*time.Hour)
		}
		if i%7 != 6 {
			lid := lessons[i%3]
			step := i % 4
			lp := &lesson.LessonProgress{Step: step, Given: map[string]lesson.Answer{}, Done: map[string]time.Time{}}
			for si := 0; si <= step; si++ {
				if si < step || i%2 == 0 {
					lp.Given[lesson.AnswerKey(si, 0)] = lesson.Answer{Choice: si % 2, Option: fmt.Sprintf("option %d", si%2),
						Correct: (si+i)%3 != 0, At: rosterNow.Add(-time.Duration(60-si) * time.Minute)}
				}
				if si < step {
					lp.Done[fmt.Sprint(si)] = rosterNow.Add(-time.Duration(50-si) * time.Minute)
				}
			}
			r.Lesson, r.Step = lid, step
			r.Progress = &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{lid: lp}}
		}
		h.rows[id] = r
	}
	return h
}

// teacherOn opens a teacher's model on h at w×h with the roster open.
func teacherOn(t *testing.T, hub *rosterHub, w, h int) *Model {
	t.Helper()
	m := newTestModel(t, Options{Preset: "xor", StateDir: t.TempDir(), Classroom: &rosterMember{hub, "key-t", true}}, w, h)
	m.class.rs.now = func() time.Time { return rosterNow }
	press(m, "P")
	if !m.class.rs.open {
		t.Fatal("P did not open the roster")
	}
	return m
}

func TestGoldenRoster(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := teacherOn(t, bigClass(), sz[0], sz[1])
			golden.RequireEqual(t, screen(t, m))
		})
		t.Run(fmt.Sprintf("progress-page2/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := teacherOn(t, bigClass(), sz[0], sz[1])
			press(m, "s", "pgdown")
			golden.RequireEqual(t, screen(t, m))
		})
		t.Run(fmt.Sprintf("answers/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := teacherOn(t, bigClass(), sz[0], sz[1])
			press(m, "down", "down", "enter")
			golden.RequireEqual(t, screen(t, m))
		})
		t.Run(fmt.Sprintf("help/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := teacherOn(t, bigClass(), sz[0], sz[1])
			press(m, "?")
			golden.RequireEqual(t, screen(t, m))
		})
	}
}

// Every size from the minimum up: the roster fills the screen exactly,
// no line is wider than it, and the selected student is on it.
func TestRosterFits(t *testing.T) {
	hub := bigClass()
	for _, sz := range [][2]int{{MinWidth, MinHeight}, {80, 24}, {100, 30}, {120, 40}, {200, 60}} {
		m := teacherOn(t, hub, sz[0], sz[1])
		for _, keys := range [][]string{nil, {"G"}, {"enter"}, {"esc", "s", "s", "end", "up"}} {
			press(m, keys...)
			lines := strings.Split(m.View().Content, "\n")
			if len(lines) != sz[1] {
				t.Errorf("%dx%d after %v: %d lines", sz[0], sz[1], keys, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Errorf("%dx%d after %v: line %d is %d cells: %q", sz[0], sz[1], keys, i, w, ansi.Strip(l))
				}
			}
			if !m.class.rs.detail && !strings.Contains(screen(t, m), "▸ "+m.class.rs.rows[m.class.rs.sel].Name[:6]) {
				t.Errorf("%dx%d after %v: the selected student is not on screen:\n%s", sz[0], sz[1], keys, screen(t, m))
			}
		}
	}
}

// The column layout adds up to the width, and gives the extra columns
// room only when there is some.
func TestLayoutRoster(t *testing.T) {
	for _, tc := range []struct {
		w, steps        int
		name            int
		score, where    bool
		wantFitsExactly bool
	}{
		{58, 6, 8, true && false, false, true},
		{78, 6, 22, true, false, true},
		{118, 6, 24, true, true, true},
		{398, 12, 24, true, true, true},
		{30, 6, rcNameLo, false, false, false},
	} {
		c := layoutRoster(tc.w, tc.steps)
		total := rcMark + c.name + 1 + rcOn + 1 + rcIdle + 1 + c.mode + 1 + c.lesson + 1 + rcStep + 1 + c.strip + 1 + c.strip
		if c.score > 0 {
			total += 1 + c.score
		}
		if c.goals > 0 {
			total += 1 + c.goals
		}
		if c.where > 0 {
			total += 1 + c.where
		}
		if c.name != tc.name || (c.score > 0) != tc.score || (c.where > 0) != tc.where || c.strip < tc.steps ||
			tc.wantFitsExactly && total != tc.w {
			t.Errorf("layoutRoster(%d, %d) = %+v (%d cells)", tc.w, tc.steps, c, total)
		}
	}
}

func TestSortRoster(t *testing.T) {
	ls, _ := lesson.Builtin()
	at := func(s int) time.Time { return rosterNow.Add(-time.Duration(s) * time.Second) }
	rows := []ClassMember{
		{ID: "t", Name: "Teach", Teacher: true, Sessions: 1},
		{ID: "a", Name: "ann", Sessions: 1, Lesson: "networks", Step: 2, LastInput: at(5)},
		{ID: "b", Name: "Bob", Sessions: 1, Lesson: "perceptron", Step: 4, LastInput: at(500)},
		{ID: "c", Name: "cy", Sessions: 0, LastInput: at(9000)},
		{ID: "d", Name: "dee", Sessions: 2, LastInput: at(50)},
		{ID: "e", Name: "Ann", Sessions: 1, Lesson: "networks", Step: 2, LastInput: at(1)},
	}
	for by, want := range map[rosterSort]string{
		sortName:     "a e b d c",
		sortProgress: "d b a e c",
		sortIdle:     "b d a e c",
	} {
		var got []string
		for _, r := range sortRoster(rows, by, ls) {
			got = append(got, r.ID)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("by %s: %v, want %s", by, got, want)
		}
	}
}

func TestStepMarks(t *testing.T) {
	ls, _ := lesson.Builtin()
	l := findBuiltin(ls, "networks") // step 2 asks nothing
	lp := &lesson.LessonProgress{Step: 3,
		Given:   map[string]lesson.Answer{"0.0": {Correct: true}, "2.0": {Correct: false}},
		Answers: map[string]bool{"3.0": true}, // an older file's
		Done:    map[string]time.Time{"0": rosterNow, "1": rosterNow},
	}
	as, cs := stepMarks(l, lp)
	if got := string(as) + " " + string(cs); got != "✓–✗✓··· ●●○○○○○" {
		t.Errorf("marks %q", got)
	}
	// an old file: Reached says which checkpoints were reached
	_, cs = stepMarks(l, &lesson.LessonProgress{Reached: 2})
	if string(cs) != "●●○○○○○" {
		t.Errorf("old file's checkpoints %q", string(cs))
	}
	if right, asked := score(lp); right != 2 || asked != 3 {
		t.Errorf("score %d/%d", right, asked)
	}
}

func TestIdleText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0s", 0: "0s", 59 * time.Second: "59s", time.Minute: "1m", 59 * time.Minute: "59m",
		time.Hour: "1h", 47 * time.Hour: "47h", 48 * time.Hour: "2d", 999 * 24 * time.Hour: "999d", 1000 * 24 * time.Hour: "long",
	} {
		if got := idleText(d); got != want || len([]rune(got)) > rcIdle {
			t.Errorf("idleText(%v) = %q, want %q", d, got, want)
		}
	}
}

// A student answers a lesson question: the teacher's roster shows it at
// the next wake-up, then the checkpoint; the student's report carries a
// copy, not the lesson's own progress.
func TestRosterLive(t *testing.T) {
	hub := &rosterHub{}
	prof := newTestModel(t, Options{StateDir: t.TempDir(), Classroom: hub.join("key-t", "Prof", true)}, 120, 40) // at the launcher
	ann := newTestModel(t, Options{StateDir: t.TempDir(), Classroom: hub.join("user-ann", "ann", false)}, 120, 40)
	prof.class.rs.now = func() time.Time { return rosterNow }
	// the teacher opens the perceptron lesson: the student follows
	cmd, err := prof.openLessons("")
	if err != nil {
		t.Fatal(err)
	}
	run(prof, cmd)
	press(prof, "b") // the teacher's own prediction
	run(ann, ann.initCmd)
	_, cmd = ann.Update(classWokeMsg{})
	run(ann, cmd) // the step's scene: the bench
	if id, si := ann.lessonPos(); id != "perceptron" || si != 0 {
		t.Fatalf("student at %s/%d", id, si)
	}
	press(prof, "P")
	row := func() string {
		for _, l := range strings.Split(screen(t, prof), "\n") {
			if strings.Contains(l, "ann") {
				return l
			}
		}
		return ""
	}
	if r := row(); !strings.Contains(r, "perceptron    1/5 ·····   ○○○○○") {
		t.Fatalf("before the answer: %q\n%s", r, screen(t, prof))
	}
	press(ann, "a") // "go": wrong
	prof.Update(classWokeMsg{})
	if r := row(); !strings.Contains(r, "1/5 ✗····   ○○○○○") {
		t.Errorf("after the answer: %q", r)
	}
	press(ann, "2", "3") // the checkpoint: leave and weather
	prof.Update(classWokeMsg{})
	if r := row(); !strings.Contains(r, "1/5 ✗····   ●○○○○     0/1") {
		t.Errorf("after the checkpoint: %q", r)
	}
	hub.mu.Lock()
	sent := hub.rows["user-ann"].Progress
	hub.mu.Unlock()
	if sent == ann.lesson.m.Progress() || sent.Lessons["perceptron"].Given["0.0"].Option != "go" {
		t.Errorf("the report is the lesson's own progress, or lacks the answer: %+v", sent.Lessons["perceptron"])
	}
	// the answers: enter on her row
	press(prof, "enter")
	if s := screen(t, prof); !strings.Contains(s, "▸ 1 Meet the perceptron") || !strings.Contains(s, "✗ go") ||
		!strings.Contains(s, "● ") {
		t.Errorf("answers:\n%s", s)
	}
	// esc back to the list, esc closes; the ticks of the closed roster stop
	press(prof, "esc", "esc")
	if prof.class.rs.open {
		t.Error("esc esc left the roster open")
	}
	if _, handled := prof.class.update(prof, rosterTickMsg{prof.class.rs.tick - 1}); !handled {
		t.Error("an old tick was not dropped")
	}
}

// Keys: every binding is in the help; the roster takes the keys while
// open (s sorts, not steps); q closes it and reaches the app.
func TestRosterKeys(t *testing.T) {
	km := defaultRosterKeys()
	var helped []string
	for _, g := range km.helpGroups() {
		for _, r := range g.Rows {
			helped = append(helped, r.Key)
		}
	}
	v := reflect.ValueOf(km)
	for i := 0; i < v.NumField(); i++ {
		b := v.Field(i).Interface().(key.Binding)
		if !slices.ContainsFunc(helped, func(h string) bool { return strings.Contains(h, b.Help().Key) }) {
			t.Errorf("%s (%s) is not in the roster's help %v", v.Type().Field(i).Name, b.Help().Key, helped)
		}
	}
	m := teacherOn(t, bigClass(), 80, 24)
	pos := m.tr.sess.st.Pos()
	press(m, "s", "x", "e")
	if m.tr.sess.st.Pos() != pos || m.tr.prompt != nil {
		t.Error("keys reached the trainer under the roster")
	}
	if m.class.rs.by != sortProgress || !strings.Contains(m.app.flash, "P or esc closes") {
		t.Errorf("sort %s, flash %q", m.class.rs.by, m.app.flash)
	}
	_, cmd := m.Update(keyMsg("q"))
	if m.class.rs.open || cmd == nil {
		t.Errorf("q: roster open %v, command %v (want closed, and the app's quit)", m.class.rs.open, cmd)
	}
	// students: P is "who you are", never the roster
	hub := &rosterHub{}
	st := newTestModel(t, Options{Preset: "xor", StateDir: t.TempDir(), Classroom: hub.join("user-a", "a", false)}, 80, 24)
	press(st, "P")
	if st.class.rs.open || !strings.Contains(screen(t, st), "you are a") {
		t.Errorf("a student's P:\n%s", screen(t, st))
	}
}

// The README's roster key table is the one the roster runs on (its capture
// is checked by cli's TestREADMEOutputs against the golden screen).
func TestREADMERosterKeys(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- roster-keys:begin -->\n", "\n<!-- roster-keys:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md: no %q … %q section", strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	if got, want := strings.TrimSpace(s[i+len(begin):j]), strings.TrimSpace(RosterKeysMarkdown()); got != want {
		t.Errorf("README.md roster key table differs from the keymap; replace it with:\n%s", want)
	}
}

// TestRosterGoals: the teacher's detail view lists a step's measurable
// goals, ticked with the value the student reached and when.
func TestRosterGoals(t *testing.T) {
	ls, _ := lesson.Builtin()
	l := findBuiltin(ls, "smallest")
	lp := &lesson.LessonProgress{Step: 1, Goals: map[string]lesson.GoalRecord{
		lesson.GoalKey(1, 0): {Goal: "test_loss <= 0.177", Value: "0.1694", At: rosterNow},
	}}
	st := themes.Mono()
	got := ansi.Strip(strings.Join(stepDetail(lp, 1, l.Steps[1], rosterNow, st, 24, 10), "\n"))
	for _, want := range []string{"✓ test_loss <= 0.177 = 0.1694", "· params <= 13"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	for _, line := range strings.Split(got, "\n") {
		if w := ansi.StringWidth(line); w > 4+24+2+2+10+1+6+2+2+6 {
			t.Errorf("line of %d cells: %q", w, line)
		}
	}
}

// TestRosterGoalCounts: the roster's row counts the measurable goals a
// student has met of the lesson's, in a "goals" column when room allows.
func TestRosterGoalCounts(t *testing.T) {
	ls, _ := lesson.Builtin()
	l := findBuiltin(ls, "smallest")
	lp := &lesson.LessonProgress{Step: 1, Goals: map[string]lesson.GoalRecord{
		lesson.GoalKey(1, 0): {Goal: "test_loss <= 0.177", Value: "0.1694", At: rosterNow},
	}}
	met, all := goalCount(l, lp)
	if met != 1 || all < 2 {
		t.Fatalf("goalCount = %d/%d, want 1 of at least 2", met, all)
	}
	st := themes.Mono()
	c := layoutRoster(120, 12)
	if c.goals == 0 {
		t.Fatal("no goals column at 120 cells")
	}
	r := ClassMember{Name: "ada", Sessions: 1, Following: true, Lesson: "smallest", Step: 1,
		Progress: &lesson.Progress{Lessons: map[string]*lesson.LessonProgress{"smallest": lp}}}
	head := ansi.Strip(rosterHeader(c, st))
	line := ansi.Strip(rosterLine(r, c, ls, rosterNow, false, st, 120))
	if !strings.Contains(head, "goals") || !strings.Contains(line, fmt.Sprintf("%d/%d", met, all)) {
		t.Fatalf("roster row lacks the goal count:\n%s\n%s", head, line)
	}
}
