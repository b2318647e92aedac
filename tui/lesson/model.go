package lesson

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
)

// SceneMsg asks the app to set up a step's scene. After applying it, the app
// passes the message back to Model.Update so the step knows its scene is in
// place (since() counts from there).
type SceneMsg struct {
	Lesson string // lesson ID
	Step   int    // step index
	Scene  Scene
}

// CompletedMsg reports that a lesson's last checkpoint was reached.
type CompletedMsg struct{ Lesson string }

// savedMsg carries the result of saving progress.
type savedMsg struct{ err error }

// Options configures the lesson component.
type Options struct {
	Styles   *themes.Styles // nil: themes.Mono()
	StateDir string         // progress directory; "" = $XDG_STATE_HOME/backprop or ~/.local/state/backprop
	NoSave   bool           // keep progress in memory only
	Glamour  string         // glamour style: dark, light, notty, ascii; "" follows Styles
	Start    string         // lesson ID to open; "" = the first one not completed
	// Store keeps the progress; nil: DirStore(StateDir). Ignored with
	// NoSave.
	Store Store
	// Now is the clock answers and checkpoints are stamped with; nil:
	// time.Now.
	Now func() time.Time
}

type stage uint8

const (
	predicting stage = iota // questions waiting for answers
	doing                   // waiting for the checkpoint
	done                    // checkpoint reached, answers revealed
)

// Model is the lesson component.
type Model struct {
	keys    KeyMap
	styles  *themes.Styles
	glamour string
	dir     string // the state directory of a DirStore ("" for another Store)
	store   Store  // nil with NoSave
	noSave  bool
	now     func() time.Time

	lessons []*Lesson
	li, si  int

	stage   stage
	qi, sel int   // question being asked, option highlighted
	answers []int // chosen options of this step
	applied bool  // the step's scene is in place
	base    map[string]float64
	why     string      // why the checkpoint can't be decided
	goals   []goalState // the step's measurable goals, as of the last Sync
	note    string      // e.g. a save error
	scroll  int

	progress *Progress
	cache    *renderCache
	saver    *saver
}

// New returns a lesson component over lessons, with the saved progress.
// A progress file that can't be read is reported and progress starts
// afresh (the component still works).
func New(lessons []*Lesson, opts Options) (Model, error) {
	if len(lessons) == 0 {
		return Model{}, fmt.Errorf("lesson: no lessons")
	}
	m := Model{keys: DefaultKeyMap(), styles: opts.Styles, glamour: opts.Glamour, noSave: opts.NoSave,
		lessons: lessons, cache: &renderCache{}, saver: &saver{}, now: opts.Now}
	if m.now == nil {
		m.now = time.Now
	}
	if m.styles == nil {
		m.styles = themes.Mono()
	}
	if m.glamour == "" {
		// mono too: the renderer drops colours the terminal can't show
		// and keeps bold, so **strong** doesn't show its asterisks
		m.glamour = "dark"
		if !m.styles.IsDark {
			m.glamour = "light"
		}
	}
	var loadErr error
	m.progress = &Progress{Version: 1, Lessons: map[string]*LessonProgress{}}
	if !m.noSave {
		m.store = opts.Store
		if m.store == nil {
			dir, err := StateDir(opts.StateDir)
			if err != nil {
				return Model{}, err
			}
			m.dir, m.store = dir, DirStore(dir)
		}
		m.progress, loadErr = m.store.Load()
	}
	li := -1
	for i, l := range lessons {
		if opts.Start != "" && l.ID == opts.Start {
			li = i
		}
	}
	if opts.Start != "" && li < 0 {
		return Model{}, fmt.Errorf("lesson: no lesson %q", opts.Start)
	}
	if li < 0 {
		li = 0
		for i, l := range lessons {
			if lp := m.progress.Lessons[l.ID]; lp == nil || !lp.Completed {
				li = i
				break
			}
		}
	}
	m, _ = m.enter(li, m.savedStep(li))
	if loadErr != nil {
		m.note = loadErr.Error() + "; starting afresh"
	}
	return m, nil
}

func (m Model) savedStep(li int) int {
	lp := m.progress.Lessons[m.lessons[li].ID]
	if lp == nil {
		return 0
	}
	return max(0, min(lp.Step, len(m.lessons[li].Steps)-1))
}

func (m Model) lp() *LessonProgress {
	id := m.lessons[m.li].ID
	lp := m.progress.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{}
		m.progress.Lessons[id] = lp
	}
	if lp.Answers == nil {
		lp.Answers = map[string]bool{}
	}
	return lp
}

// Init emits the scene of the current step.
func (m Model) Init() tea.Cmd {
	if len(m.lessons) == 0 {
		return nil
	}
	return m.sceneCmd()
}

func (m Model) step() *Step { return m.lessons[m.li].Steps[m.si] }

// enter moves to step si of lesson li and emits its scene.
func (m Model) enter(li, si int) (Model, tea.Cmd) {
	m.li, m.si = li, si
	st := m.step()
	m.stage = doing
	if len(st.Questions) > 0 {
		m.stage = predicting
	}
	m.qi, m.sel, m.answers = 0, 0, nil
	m.applied = st.Scene.IsZero()
	m.base, m.why, m.note, m.scroll, m.goals = nil, "", "", 0, nil
	lp := m.lp()
	lp.Step = si
	m.progress.rev++
	return m, tea.Batch(m.sceneCmd(), m.save())
}

func (m Model) sceneCmd() tea.Cmd {
	st := m.step()
	if st.Scene.IsZero() {
		return nil
	}
	msg := SceneMsg{Lesson: m.lessons[m.li].ID, Step: m.si, Scene: st.Scene}
	return func() tea.Msg { return msg }
}

// saver orders the saves of one Model: Cmds run concurrently, so a save
// that was made earlier must not land after a later one.
type saver struct {
	mu      sync.Mutex
	made    uint64 // saves handed out
	written uint64 // the newest save on disk
}

func (m Model) save() tea.Cmd {
	if m.noSave {
		return nil
	}
	p, store, sv := m.progress.Clone(), m.store, m.saver
	sv.mu.Lock()
	sv.made++
	seq := sv.made
	sv.mu.Unlock()
	return func() tea.Msg {
		sv.mu.Lock()
		defer sv.mu.Unlock()
		if seq < sv.written {
			return savedMsg{} // a newer save is already on disk
		}
		sv.written = seq
		return savedMsg{store.Save(p)}
	}
}

// HandlesKey reports whether k belongs to the lesson. While a question
// waits for its answer that is every key except ctrl+c, so the learner
// predicts before the step runs.
func (m Model) HandlesKey(k tea.KeyPressMsg) bool {
	if len(m.lessons) == 0 {
		return false
	}
	if m.stage == predicting {
		return k.String() != "ctrl+c"
	}
	return key.Matches(k, m.keys.Next, m.keys.Prev, m.keys.ScrollDown, m.keys.ScrollUp)
}

// Keys returns the lesson's key map.
func (m Model) Keys() KeyMap { return m.keys }

// Update handles the lesson's keys, its own SceneMsg coming back from the
// app, and save results.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if len(m.lessons) == 0 {
		return m, nil
	}
	switch msg := msg.(type) {
	case SceneMsg:
		if msg.Lesson == m.lessons[m.li].ID && msg.Step == m.si {
			m.applied = true
		}
	case savedMsg:
		if msg.err != nil {
			m.note = msg.err.Error()
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.ScrollDown):
		m.scroll += 3
		return m, nil
	case key.Matches(k, m.keys.ScrollUp):
		m.scroll = max(0, m.scroll-3)
		return m, nil
	}
	if m.stage == predicting {
		q := m.step().Questions[m.qi]
		for i, b := range m.keys.Choose {
			if i < len(q.Options) && key.Matches(k, b) {
				m.sel = i
				return m.answer()
			}
		}
		switch {
		case key.Matches(k, m.keys.OptUp):
			m.sel = (m.sel + len(q.Options) - 1) % len(q.Options)
		case key.Matches(k, m.keys.OptDown):
			m.sel = (m.sel + 1) % len(q.Options)
		case key.Matches(k, m.keys.Answer):
			return m.answer()
		case key.Matches(k, m.keys.Prev):
			return m.prev()
		default:
			m.note = "predict first: choose " + letters(len(q.Options)) + " (or ↑↓ and enter)"
		}
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Next):
		return m.next()
	case key.Matches(k, m.keys.Prev):
		return m.prev()
	}
	return m, nil
}

func letters(n int) string {
	return "a–" + string(rune('a'+n-1))
}

// answer takes the highlighted option as the prediction and records it
// (Given), unless the step was done before: its answers were revealed
// then, so the first prediction stands.
func (m Model) answer() (Model, tea.Cmd) {
	m.answers = append(m.answers, m.sel)
	var cmd tea.Cmd
	if lp := m.lp(); !m.stepDone(lp) {
		q := m.step().Questions[m.qi]
		if lp.Given == nil {
			lp.Given = map[string]Answer{}
		}
		lp.Given[AnswerKey(m.si, m.qi)] = Answer{Choice: m.sel, Option: q.Options[m.sel],
			Correct: m.sel == q.Answer, At: m.now().UTC().Truncate(time.Second)}
		m.progress.rev++
		cmd = m.save()
	}
	m.qi, m.sel, m.note = m.qi+1, 0, ""
	if m.qi >= len(m.step().Questions) {
		m.stage = doing
	}
	return m, cmd
}

// stepDone reports whether the current step was done before.
func (m Model) stepDone(lp *LessonProgress) bool {
	_, ok := lp.DoneAt(m.si)
	return ok
}

func (m Model) next() (Model, tea.Cmd) {
	lp := m.lp()
	if m.stage != done && m.si >= lp.Reached {
		m.note = "reach the checkpoint first"
		return m, nil
	}
	if m.si+1 < len(m.lessons[m.li].Steps) {
		return m.enter(m.li, m.si+1)
	}
	if m.li+1 < len(m.lessons) {
		return m.enter(m.li+1, m.savedStep(m.li+1))
	}
	m.note = "that was the last lesson"
	return m, nil
}

func (m Model) prev() (Model, tea.Cmd) {
	if m.si > 0 {
		return m.enter(m.li, m.si-1)
	}
	if m.li > 0 {
		return m.enter(m.li-1, len(m.lessons[m.li-1].Steps)-1)
	}
	return m, nil
}

// Open jumps to the lesson with id at its saved step.
func (m Model) Open(id string) (Model, tea.Cmd, error) {
	for i, l := range m.lessons {
		if l.ID == id {
			mm, cmd := m.enter(i, m.savedStep(i))
			return mm, cmd, nil
		}
	}
	return m, nil, fmt.Errorf("lesson: no lesson %q", id)
}

// Sync re-evaluates the checkpoint against st. Call it after every change
// of the app's state (cheap: a few comparisons).
func (m Model) Sync(st State) (Model, tea.Cmd) {
	// until the step's scene is in place, st is still the previous step's
	// state: judging it would pass a checkpoint the learner never reached
	if len(m.lessons) == 0 || m.stage != doing || st == nil || !m.applied {
		return m, nil
	}
	step := m.step()
	if m.base == nil {
		m.base = map[string]float64{}
		for _, c := range step.conditions() {
			for _, name := range c.sinceVars() {
				if v, ok := st.Var(name); ok && !v.IsStr {
					m.base[name] = v.Num
				}
			}
		}
	}
	m.why = ""
	goalsMet, saveGoals := m.syncGoals(st)
	for _, c := range step.Checks {
		ok, err := c.Eval(st, m.base)
		if err != nil {
			m.why = err.Error()
		}
		if !ok {
			return m, saveGoals
		}
	}
	if !goalsMet {
		return m, saveGoals
	}
	// checkpoint reached: the first time, score the predictions and note
	// the time; then save
	m.stage = done
	lp := m.lp()
	if !m.stepDone(lp) {
		for i, a := range m.answers {
			lp.Answers[AnswerKey(m.si, i)] = a == step.Questions[i].Answer
		}
		if lp.Done == nil {
			lp.Done = map[string]time.Time{}
		}
		lp.Done[strconv.Itoa(m.si)] = m.now().UTC().Truncate(time.Second)
	}
	lp.Reached = max(lp.Reached, m.si+1)
	m.progress.rev++
	var completed tea.Cmd
	if m.si == len(m.lessons[m.li].Steps)-1 && !lp.Completed {
		lp.Completed = true
		id := m.lessons[m.li].ID
		completed = func() tea.Msg { return CompletedMsg{id} }
	}
	return m, tea.Batch(m.save(), completed) // save after every change to lp
}

// syncGoals judges the step's measurable goals against st: it reports
// whether all of them hold, and saves the first time each one does
// (LessonProgress.Goals).
func (m *Model) syncGoals(st State) (bool, tea.Cmd) {
	step := m.step()
	m.goals = make([]goalState, len(step.Goals))
	all, changed := true, false
	for i, g := range step.Goals {
		m.goals[i] = g.eval(st, m.base)
		if !m.goals[i].met {
			all = false
			continue
		}
		lp := m.lp()
		if _, ok := lp.Goals[GoalKey(m.si, i)]; !ok {
			if lp.Goals == nil {
				lp.Goals = map[string]GoalRecord{}
			}
			lp.Goals[GoalKey(m.si, i)] = GoalRecord{Goal: g.Src, Value: m.goals[i].now, At: m.now().UTC().Truncate(time.Second)}
			changed = true
		}
	}
	if !changed {
		return all, nil
	}
	m.progress.rev++
	return all, m.save()
}

// Lesson returns the current lesson and step index.
func (m Model) Lesson() (*Lesson, int) {
	if len(m.lessons) == 0 {
		return nil, 0
	}
	return m.lessons[m.li], m.si
}

// StepDone reports whether the current step's checkpoint was reached.
func (m Model) StepDone() bool { return m.stage == done }

// Asking reports whether a question waits for its answer.
func (m Model) Asking() bool { return m.stage == predicting }

// Progress returns the learner's progress (read-only).
func (m Model) Progress() *Progress { return m.progress }

// ---- view ----

type renderCache struct {
	width int
	style string
	tr    *glamour.TermRenderer
	out   map[*Step]string
}

// text renders a step's Markdown for width w, once per width.
func (m Model) text(st *Step, w int) string {
	c := m.cache
	if c.width != w || c.style != m.glamour || c.tr == nil {
		tr, err := glamour.NewTermRenderer(glamour.WithStandardStyle(m.glamour), glamour.WithWordWrap(w))
		if err != nil {
			return st.Text
		}
		c.width, c.style, c.tr, c.out = w, m.glamour, tr, map[*Step]string{}
	}
	if s, ok := c.out[st]; ok {
		return s
	}
	s, err := c.tr.Render(st.Text)
	if err != nil {
		s = st.Text
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	s = strings.Trim(strings.Join(lines, "\n"), "\n")
	c.out[st] = s
	return s
}

// View draws the current step in a w×h box: header, text (scrolled), and
// the question, the checkpoint or the reveal at the bottom.
func (m Model) View(w, h int) string {
	if w <= 0 || h <= 0 || len(m.lessons) == 0 {
		return ""
	}
	s := m.styles
	st := m.step()
	info := m.stepInfo()
	header := []string{pad(m.lessonTitle(), s.Dim.Render(info), w), s.Bold.Render("▌ " + st.Title)}
	foot := m.footer(w)
	avail := h - len(header) - len(foot) - 1
	if avail < 2 {
		// short on rows: one header line, then the question or the goal
		head := s.Title.Render(fmt.Sprintf("Lesson %d/%d", m.li+1, len(m.lessons))) + " · " + s.Bold.Render(st.Title)
		return clip(append([]string{pad(head, s.Dim.Render(info), w)}, foot...), w, h)
	}
	lines := append(header, m.body(w, avail)...)
	lines = append(lines, "")
	lines = append(lines, foot...)
	return clip(lines, w, h)
}

// lessonTitle: "Lesson 2/6 · Networks".
func (m Model) lessonTitle() string {
	return m.styles.Title.Render(fmt.Sprintf("Lesson %d/%d · %s", m.li+1, len(m.lessons), m.lessons[m.li].Title))
}

// stepInfo: "step 3/7 · predictions 2/3 right".
func (m Model) stepInfo() string {
	l := m.lessons[m.li]
	info := fmt.Sprintf("step %d/%d", m.si+1, len(l.Steps))
	if right, asked := m.progress.Lessons[l.ID].Score(); asked > 0 {
		info += fmt.Sprintf(" · predictions %d/%d right", right, asked)
	}
	return info
}

// body is the step's rendered text scrolled to m.scroll, in at most avail
// lines (the last says how many more there are).
func (m Model) body(w, avail int) []string {
	body := strings.Split(m.text(m.step(), w), "\n")
	off := min(m.scroll, max(0, len(body)-avail))
	body = body[off:]
	if len(body) > avail {
		body = append(body[:avail-1], m.styles.Dim.Render(fmt.Sprintf("… ctrl+d for more (%d lines)", len(body)-avail+1)))
	}
	return body
}

// wrapped word-wraps t to w cells and styles each line.
func wrapped(style lipgloss.Style, t string, w int) []string {
	var out []string
	for _, ln := range strings.Split(ansi.Wordwrap(t, w, ""), "\n") {
		out = append(out, style.Render(ln))
	}
	return out
}

// footer is what the learner does next, by stage: the question, the goal,
// or the checkpoint and the answers revealed; then any note.
func (m Model) footer(w int) []string {
	var foot []string
	switch m.stage {
	case predicting:
		foot = m.questionFoot(w)
	case doing:
		foot = m.goalFoot(w)
	case done:
		foot = m.revealFoot(w)
	}
	if m.note != "" {
		foot = append(foot, wrapped(m.styles.Warn, m.note, w)...)
	}
	return foot
}

// questionFoot: "Predict (1/2): …", the options, how to answer.
func (m Model) questionFoot(w int) []string {
	s, st := m.styles, m.step()
	q := st.Questions[m.qi]
	tag := "Predict"
	if len(st.Questions) > 1 {
		tag = fmt.Sprintf("Predict (%d/%d)", m.qi+1, len(st.Questions))
	}
	foot := wrapped(s.Accent, tag+": "+q.Ask, w)
	var opts []string
	for i, o := range q.Options {
		t := fmt.Sprintf("%c) %s", 'a'+i, o)
		if i == m.sel {
			t = s.Selected.Render("▸ " + t)
		} else {
			t = "  " + t
		}
		opts = append(opts, t)
	}
	foot = append(foot, wrapped(lipgloss.NewStyle(), strings.Join(opts, "   "), w)...)
	return append(foot, s.Dim.Render("answer with "+letters(len(q.Options))+" or ↑↓ enter, before you step"))
}

// goalFoot: "☐ Goal: …" and why it can't be decided yet (a step without
// a checkpoint: read, then pgdn).
func (m Model) goalFoot(w int) []string {
	s, st := m.styles, m.step()
	if !st.HasCheckpoint() {
		return []string{s.Dim.Render("read, then pgdn for the next step")}
	}
	goal := st.Goal
	if goal == "" {
		goal = "reach the checkpoint"
	}
	foot := wrapped(s.Accent, "☐ Goal: "+goal, w)
	foot = append(foot, m.goalLines(w)...)
	if m.why != "" {
		foot = append(foot, wrapped(s.Dim, "  ("+m.why+")", w)...)
	}
	return foot
}

// goalLines are the step's measurable goals, one a line: ✓ while it
// holds (or once the checkpoint is reached), ✗ when its epochs passed,
// ☐ otherwise, with the value it measures now.
func (m Model) goalLines(w int) []string {
	s, st := m.styles, m.step()
	var out []string
	for i, g := range st.Goals {
		var gs goalState
		if i < len(m.goals) {
			gs = m.goals[i]
		}
		mark, style, tail := "☐", s.Dim, ""
		switch {
		case gs.met || m.stage == done:
			mark, style = "✓", s.OK
		case gs.missed:
			mark, style, tail = "✗", s.Warn, fmt.Sprintf("; %d epochs passed: reset to try again", g.Within)
		}
		if gs.now != "" {
			tail = " (now " + gs.now + ")" + tail
		}
		out = append(out, wrapped(style, "  "+mark+" "+g.Src+tail, w)...)
	}
	return out
}

// revealFoot: the checkpoint reached, each prediction against its answer
// and reveal, then the way on (or the lesson's score at its end).
func (m Model) revealFoot(w int) []string {
	s, st := m.styles, m.step()
	var foot []string
	if st.HasCheckpoint() {
		foot = wrapped(s.OK, "✓ Checkpoint reached: "+st.Goal, w)
		foot = append(foot, m.goalLines(w)...)
	}
	for i, q := range st.Questions {
		if i >= len(m.answers) {
			break
		}
		a := m.answers[i]
		verdict := s.OK.Render("right")
		if a != q.Answer {
			verdict = s.Warn.Render("not quite: it's " + q.Options[q.Answer])
		}
		line := fmt.Sprintf("You predicted %s — %s.", q.Options[a], verdict)
		if q.Reveal != "" {
			line += " " + q.Reveal
		}
		foot = append(foot, wrapped(lipgloss.NewStyle(), line, w)...)
	}
	l := m.lessons[m.li]
	if m.si < len(l.Steps)-1 {
		return append(foot, s.Dim.Render("pgdn/ctrl+n: next step"))
	}
	msg := "Lesson complete!"
	if right, asked := m.progress.Lessons[l.ID].Score(); asked > 0 {
		msg += fmt.Sprintf(" %d of %d predictions right.", right, asked)
	}
	if m.li+1 < len(m.lessons) {
		msg += " pgdn: next lesson."
	}
	return append(foot, wrapped(s.OK, msg, w)...)
}

// clip keeps the first h lines, each cut to w cells, joined.
func clip(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, ln := range lines {
		lines[i] = ansi.Truncate(ln, w, "…")
	}
	return strings.Join(lines, "\n")
}

func pad(a, b string, w int) string {
	gap := w - lipgloss.Width(a) - lipgloss.Width(b)
	if gap < 1 {
		return a + " " + b
	}
	return a + strings.Repeat(" ", gap) + b
}

// Entry is one lesson in a menu, with the learner's progress.
type Entry struct {
	ID, Title, Summary string
	Steps, Reached     int // steps in the lesson, steps done
	Completed          bool
	Right, Asked       int // predictions
}

// Index lists the lessons with their progress, in order (for a launcher).
func (m Model) Index() []Entry {
	if m.progress == nil {
		return nil
	}
	out := make([]Entry, len(m.lessons))
	for i, l := range m.lessons {
		e := Entry{ID: l.ID, Title: l.Title, Summary: l.Summary, Steps: len(l.Steps)}
		if lp := m.progress.Lessons[l.ID]; lp != nil {
			e.Reached, e.Completed = min(lp.Reached, e.Steps), lp.Completed
			e.Right, e.Asked = lp.Score()
		}
		out[i] = e
	}
	return out
}
