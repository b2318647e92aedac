package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/cli/setup"
	"backprop/internal/numfmt"
	"backprop/internal/safetext"
	"backprop/network"
	"backprop/tui/lesson"
)

// Classroom mode (Options.Classroom, from the SSH server): the teacher's
// trainer publishes its network after every change; students follow it
// read-only, can fork a private copy (F) and rejoin (J). The trainer
// session and the built-in lesson position (lesson id, step) are shared; the
// bench's state is not.

// classroom is a session's part in a class: following or forked, the
// roster, what was published and followed. The root model holds one when
// Options.Classroom is set (nil otherwise); its methods coordinate the
// trainer and the lesson panel of the root model m they are given.
type classroom struct {
	c         Classroom
	app       *app
	following bool
	version   uint64 // last teacher state loaded (students)
	roster    []ClassMember
	showWho   bool // students: P shows who they are
	away      bool // students: no teacher is connected (checked on each wake-up)
	// linkDown: the class is shared between server instances and the
	// link between them is down (checked on each wake-up)
	linkDown bool
	// teacher: the roster screen (classroom_roster.go) and the size it
	// was last drawn at
	rs       rosterState
	rsW, rsH int
	// students: the lesson progress last reported (SetProgress) and the
	// work (SetWork)
	sent sentProgress
	work workSent
	// teacher: the class wall (classroom_wall.go)
	wall wallState
	// teacher: what was published last
	pubSess    *session
	pubVersion uint64
	pubAt      time.Time
	pending    bool // a change waits for the rate limit
	pubLesson  string
	pubStep    int
	// students: the teacher's lesson position last followed (lessonSeen
	// false: none yet, the next one is applied even if unchanged)
	lessonSeen bool
	lessonID   string
	lessonStep int
}

// sentProgress is what a student last reported to the roster: the
// progress value (and its revision) and the lesson position.
type sentProgress struct {
	once   bool
	p      *lesson.Progress // the lesson component's, compared by pointer
	rev    uint64
	copy   *lesson.Progress // the copy handed to the class
	lesson string
	step   int
}

// classWokeMsg says the hub has news (students: a teacher state; teacher:
// the roster).
type classWokeMsg struct{}

// classPublishEvery bounds the teacher's publish rate in run mode.
const classPublishEvery = 150 * time.Millisecond

// waitClass blocks (inside a Cmd, never in Update) until the hub has news;
// it ends with the session.
func waitClass(c Classroom) tea.Cmd {
	return func() tea.Msg {
		if c.Wait() {
			return classWokeMsg{}
		}
		return nil
	}
}

// init starts classroom mode: students follow from the start.
func (cl *classroom) init(m *Model) tea.Cmd {
	c := cl.c
	if !c.IsTeacher() {
		cl.following = true
		c.SetStatus(true, "following")
		cl.away = !teacherHere(c)
		return tea.Batch(cl.loadTeacher(m), waitClass(c))
	}
	return waitClass(c)
}

// classUpdate handles the hub's wake-ups and the fork/rejoin/roster keys.
// handled reports whether msg was consumed.
func (cl *classroom) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	if cl == nil {
		return nil, false
	}
	c := cl.c
	if cl.rs.open {
		if cmd, handled := cl.rosterUpdate(m, msg); handled {
			return cmd, true
		}
	}
	switch msg := msg.(type) {
	case rosterTickMsg:
		return nil, true // a tick of a roster since closed
	case workTickMsg:
		cl.work.waiting = false
		return nil, true // after() reports what changed
	case classWokeMsg:
		cl.linkDown = classLinkDown(c)
		if c.IsTeacher() {
			cl.roster = c.Roster()
			var cmd tea.Cmd
			if cl.rs.open {
				cl.refreshRoster()
				cl.refreshWall(m)
				cmd = cl.reloadOpen()
			}
			return tea.Batch(cmd, waitClass(c)), true
		}
		cl.checkTeacher()
		var cmd tea.Cmd
		if cl.following {
			cmd = cl.loadTeacher(m)
		}
		return tea.Batch(cmd, waitClass(c)), true
	case tea.KeyPressMsg:
		if m.typing() {
			return nil, false
		}
		keys := &m.tr.keys
		switch {
		case keyMatches(msg, keys.Who):
			if c.IsTeacher() {
				cmd := cl.openRoster()
				cl.refreshWall(m)
				return cmd, true
			}
			if m.screen != screenTrainer { // the bench and the launcher have no room for it
				cl.app.setFlash(fmt.Sprintf("you are %s, %s", c.Name(), cl.role()), false)
				return nil, true
			}
			cl.showWho = !cl.showWho
			return nil, true
		case c.IsTeacher():
			return nil, false
		case keyMatches(msg, keys.Fork):
			if cl.following {
				cl.following = false
				c.SetStatus(false, m.where())
				cl.app.setFlash("forked: this copy is yours; J rejoins the teacher", false)
			}
			return nil, true
		case keyMatches(msg, keys.Rejoin):
			return m.guard("Rejoin the teacher", "rejoin", func() tea.Cmd {
				cl.following = true
				cl.version = 0
				cl.lessonSeen = false
				c.SetStatus(true, "following")
				cl.app.setFlash("following the teacher again", false)
				return cl.loadTeacher(m)
			}), true
		case cl.following && !viewOnlyKey(keys, msg) && !(m.lesson.on && m.lesson.m.HandlesKey(msg)):
			if cl.away {
				cl.app.setFlash(teacherLeftFlash, true)
			} else {
				cl.app.setFlash("following the teacher — F forks a copy you can change", true)
			}
			return nil, true
		}
	}
	return nil, false
}

// classLinkDown reports whether c is shared between server instances and
// has lost the link between them (a Classroom that can tell has LinkDown).
func classLinkDown(c Classroom) bool {
	l, ok := c.(interface{ LinkDown() bool })
	return ok && l.LinkDown()
}

// teacherLeftFlash tells a following student the teacher has gone.
const teacherLeftFlash = "the teacher left — F forks this state, or wait to follow the next teacher"

// teacherHere reports whether a teacher is connected (on the roster).
func teacherHere(c Classroom) bool {
	for _, r := range c.Roster() {
		if r.Teacher {
			return true
		}
	}
	return false
}

// checkTeacher notices a teacher leaving or (re)connecting (students; the
// hub wakes them for both). A following student keeps the state it has
// while the teacher is away and loads the teacher's again on the next
// publish.
func (cl *classroom) checkTeacher() {
	here := teacherHere(cl.c)
	switch {
	case !here && !cl.away:
		cl.away = true
		if cl.following {
			cl.app.setFlash(teacherLeftFlash, true)
		} else {
			cl.app.setFlash("the teacher left; your fork is unaffected", false)
		}
	case here && cl.away:
		cl.away = false
		if cl.following {
			cl.app.setFlash("a teacher connected — following again", false)
		} else {
			cl.app.setFlash("a teacher connected — J rejoins", false)
		}
	}
}

// viewOnlyKey reports whether k only changes what a student looks at.
func viewOnlyKey(km *keyMap, k tea.KeyPressMsg) bool {
	return keyMatches(k, km.Up, km.Down, km.Left, km.Right, km.NextWeight, km.PrevWeight,
		km.NextPane, km.Theme, km.Help, km.Quit, km.Follow, km.Lesson, km.PaneN,
		km.Browse, km.CellUp, km.CellDown, km.CellLeft, km.CellRight, km.NextProbe, km.PrevProbe, km.MostConfused)
}

// classAfter runs after every update: the teacher publishes changes
// (rate-limited while running); a student reports where it is (forked),
// its lesson progress and its work.
func (cl *classroom) after(m *Model) tea.Cmd {
	if cl == nil {
		return nil
	}
	c := cl.c
	if !c.IsTeacher() {
		if !cl.following {
			c.SetStatus(false, m.where())
		}
		cl.reportProgress(m)
		return cl.reportWork(m)
	}
	lid, lstep := m.lessonPos()
	if lid == cl.pubLesson && lstep == cl.pubStep {
		s := m.tr.sess
		if s == nil || m.screen != screenTrainer {
			return nil
		}
		if s == cl.pubSess && s.version == cl.pubVersion {
			return nil
		}
		if m.tr.run.on && time.Since(cl.pubAt) < classPublishEvery {
			return nil // the next tick publishes
		}
	}
	if err := cl.publish(m); err != nil {
		cl.app.setFlash("classroom: "+err.Error(), true)
	}
	return nil
}

// classData is what a published model carries under "data": the data set,
// the preset and the teacher's exact position (model files store positions
// at sample boundaries; students step forward to it).
type classData struct {
	setup.ModelData
	Pos *network.Pos `json:"class_pos,omitempty"`
}

// publish shares the teacher's lesson position and, on the trainer, its
// network.
func (cl *classroom) publish(m *Model) error {
	lid, lstep := m.lessonPos()
	cs := ClassState{Lesson: lid, LessonStep: lstep, Status: m.where()}
	s := m.tr.sess
	if s != nil && m.screen == screenTrainer {
		mf := s.st.Model()
		if mf == nil {
			return fmt.Errorf("no model to publish")
		}
		pos := s.st.Pos()
		data, err := json.Marshal(classData{ModelData: setup.ModelData{Spec: s.setup.Data, Preset: s.preset}, Pos: &pos})
		if err != nil {
			return err
		}
		mf.Data = data
		var buf bytes.Buffer
		if err := mf.Write(&buf); err != nil {
			return err
		}
		cs.Model, cs.Preset = buf.Bytes(), s.preset
		cl.pubSess, cl.pubVersion = s, s.version
	}
	cl.c.Publish(cs)
	cl.pubLesson, cl.pubStep, cl.pubAt = lid, lstep, time.Now()
	return nil
}

// reportProgress tells the class (the teacher's roster) where a student
// is in the lessons and what they answered, when that changed: a copy of
// the progress at each of its revisions.
func (cl *classroom) reportProgress(m *Model) {
	id, si := m.lessonPos()
	var p *lesson.Progress
	if m.lesson.on {
		p = m.lesson.m.Progress()
	}
	s := &cl.sent
	if s.once && p == s.p && (p == nil || p.Rev() == s.rev) && id == s.lesson && si == s.step {
		return
	}
	if p != nil && (p != s.p || p.Rev() != s.rev) {
		s.copy, s.rev = p.Clone(), p.Rev()
	}
	s.once, s.p, s.lesson, s.step = true, p, id, si
	cl.c.SetProgress(id, si, s.copy)
}

// lessonPos is the open lesson's id and step index ("", 0: none).
func (m *Model) lessonPos() (string, int) {
	if !m.lesson.on {
		return "", 0
	}
	l, si := m.lesson.m.Lesson()
	if l == nil {
		return "", 0
	}
	return l.ID, si
}

// followLesson moves a following student to the teacher's lesson position
// when it changed since the last one followed (a student may read ahead
// meanwhile): it opens the built-in lessons at that step, or closes the
// panel when the teacher has no lesson open. The step's scene arrives as
// a SceneMsg; sceneFollowed then puts the teacher's network back.
func (cl *classroom) followLesson(m *Model, id string, step int) tea.Cmd {
	if cl.lessonSeen && id == cl.lessonID && step == cl.lessonStep {
		return nil
	}
	cl.lessonSeen, cl.lessonID, cl.lessonStep = true, id, step
	if id == "" {
		if m.lesson.on {
			m.lesson = lessonPanel{}
			cl.app.setFlash("the teacher closed the lesson", false)
		}
		return nil
	}
	if cur, si := m.lessonPos(); cur == id && si == step {
		return nil
	}
	lm, fresh := m.lesson.m, !m.lesson.on
	if fresh {
		ls, err := lesson.Builtin()
		if err == nil {
			lm, err = lesson.New(ls, lesson.Options{Styles: cl.app.styles, StateDir: cl.app.opts.StateDir, Store: cl.app.opts.Progress})
		}
		if err != nil {
			cl.app.setFlash("classroom: the teacher's lesson: "+err.Error(), true)
			return nil
		}
	}
	known := false
	for _, e := range lm.Index() {
		if e.ID == id {
			known = e.Steps > 0 && step >= 0 && step < e.Steps
		}
	}
	if !known {
		cl.app.setFlash(fmt.Sprintf("classroom: the teacher is in lesson %q step %d, which this session doesn't have", id, step+1), true)
		return nil
	}
	// Open enters a lesson at its saved step: save the teacher's
	lp := lm.Progress().Lessons[id]
	if lp == nil {
		lp = &lesson.LessonProgress{}
		lm.Progress().Lessons[id] = lp
	}
	lp.Step = step
	before, _ := m.lessonPos()
	lm, cmd, err := lm.Open(id)
	if err != nil {
		cl.app.setFlash("classroom: "+err.Error(), true)
		return nil
	}
	if fresh {
		m.lesson = lessonPanel{on: true, m: lm}
	} else {
		m.lesson.m = lm
	}
	if before != id {
		m.sceneBefore()
	}
	return cmd
}

// sceneFollowed runs after a lesson scene was applied: a following student
// gets the teacher's network back (the teacher's state wins over the
// scene's).
func (cl *classroom) sceneFollowed(m *Model) tea.Cmd {
	if cl == nil || cl.c.IsTeacher() || !cl.following {
		return nil
	}
	cl.version = 0
	return cl.loadTeacher(m)
}

// loadTeacher follows the teacher's lesson position and replaces the
// session with the teacher's latest network (after the lesson's scenes, so
// the teacher's state wins).
func (cl *classroom) loadTeacher(m *Model) tea.Cmd {
	st, ok := cl.c.Latest()
	if !ok || st.Version == cl.version {
		return nil
	}
	cl.version = st.Version
	cmd := cl.followLesson(m, st.Lesson, st.LessonStep)
	if len(st.Model) > 0 {
		cl.loadTeacherModel(m.tr, st)
	}
	return cmd
}

// loadTeacherModel replaces the trainer's session with the teacher's
// network.
func (cl *classroom) loadTeacherModel(t *trainer, st ClassState) {
	mf, err := network.ParseModel(st.Model)
	if err != nil {
		cl.app.setFlash("classroom: the teacher's model: "+err.Error(), true)
		return
	}
	var cd classData
	if err := json.Unmarshal(mf.Data, &cd); err != nil {
		cl.app.setFlash("classroom: the teacher's data: "+err.Error(), true)
		return
	}
	s, err := sessionFromModel(mf, cl.app.opts.Limits)
	if err != nil {
		cl.app.setFlash("classroom: "+err.Error(), true)
		return
	}
	if cd.Pos != nil {
		catchUp(s.st, *cd.Pos)
	}
	t.adopt(s)
}

// catchUp steps st neuron by neuron from a sample boundary to pos, the
// teacher's position in the middle of a sample.
func catchUp(st *network.Stepper, pos network.Pos) {
	same := func(p network.Pos) bool {
		return p.Epoch == pos.Epoch && p.Batch == pos.Batch && p.Sample == pos.Sample &&
			p.Phase == pos.Phase && p.Layer == pos.Layer && p.Neuron == pos.Neuron
	}
	limit := 8
	if net := st.Net(); net != nil {
		for _, n := range net.Sizes {
			limit += 2 * n
		}
	}
	for i := 0; i < limit && !same(st.Pos()); i++ {
		if st.Step(network.ByNeuron) != nil {
			return
		}
	}
}

// where is a one-line position for the roster and the students' status.
func (m *Model) where() string {
	var w string
	switch {
	case m.screen == screenLauncher:
		w = "launcher"
	case m.screen == screenBench && m.bench != nil && m.bench.fn != nil:
		w = "functions bench"
	case m.screen == screenBench:
		w = "perceptron bench"
	case m.tr.sess != nil:
		s := m.tr.sess
		p := s.st.Pos()
		w = fmt.Sprintf("%s · epoch %d · %s", cmpOr(s.preset, s.data.Name), epochShown(p), p.Phase)
		if p.Phase == network.PhaseForward || p.Phase == network.PhaseBackward {
			w += fmt.Sprintf(" L%d", p.Layer+1)
		}
	}
	if id, si := m.lessonPos(); id != "" {
		w = strings.TrimPrefix(w+fmt.Sprintf(" · lesson %s step %d", id, si+1), " · ")
	}
	return w
}

// role is the status bar's classroom field ("" outside a class).
func (cl *classroom) role() string {
	if cl == nil {
		return ""
	}
	c := cl.c
	switch {
	case c.IsTeacher():
		n, following := 0, 0
		for _, r := range cl.roster {
			if !r.Teacher && r.Sessions > 0 {
				n++
				if r.Following {
					following++
				}
			}
		}
		s := fmt.Sprintf("teacher · %s (%d following)", plural(n, "student"), following)
		if cl.linkDown {
			s = "classroom link down · " + s
		}
		return s
	case cl.following && cl.away:
		if _, ok := c.Latest(); !ok {
			return "waiting for the teacher"
		}
		return "teacher left — waiting (F forks)"
	case cl.following:
		return "following the teacher"
	case cl.away:
		return "forked · teacher left"
	}
	return "forked"
}

// plural is "1 student", "2 students".
func plural(n int, noun string) string { return numfmt.Count(n, noun) }

// whoRows writes the teacher's list of who is here in w cells: name, role, where a
// forked student is (wrapped under itself when long) and since when.
func (cl *classroom) whoRows(b *strings.Builder, w int) {
	nameW := 4
	for _, r := range cl.roster {
		nameW = min(max(nameW, ansi.StringWidth(safetext.Line(r.Name))), 16)
	}
	whereW := max(w-nameW-1-9-2-13, 8) // "  since 15:04"
	for _, r := range cl.roster {
		role, where := "forked   ", safetext.Line(r.Where)
		switch {
		case r.Teacher:
			role = "teacher  "
		case r.Following:
			role, where = "following", "" // the teacher's position
		}
		name := ansi.Truncate(safetext.Line(r.Name), nameW, "…")
		lines := strings.Split(ansi.Wordwrap(where, whereW, ""), "\n")
		pad := strings.Repeat(" ", max(whereW-ansi.StringWidth(lines[0]), 0))
		fmt.Fprintf(b, "%s%s %s  %s%s  since %s\n", name, strings.Repeat(" ", nameW-ansi.StringWidth(name)), role, lines[0], pad, r.Since.Format("15:04"))
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "%s%s\n", strings.Repeat(" ", nameW+1+9+2), l)
		}
	}
}

// whoView lists the class for the teacher (and students).
func (cl *classroom) whoView(lk *look, w, h int) []string {
	var b strings.Builder
	c := cl.c
	if c.IsTeacher() {
		cl.whoRows(&b, w-2)
		if len(cl.roster) == 0 {
			b.WriteString("nobody else yet\n")
		}
	} else {
		fmt.Fprintf(&b, "you are %s, %s\n", safetext.Line(c.Name()), cl.role())
		if st, ok := c.Latest(); ok {
			if cl.away {
				fmt.Fprintf(&b, "the teacher left; last seen at %s\n", st.Status)
			} else {
				fmt.Fprintf(&b, "teacher: %s\n", st.Status)
			}
		}
	}
	return lk.frame("Class — P closes", block(b.String(), w-2, h-2), w, h, true)
}
