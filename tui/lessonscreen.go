package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/tui/bench"
	"backprop/tui/lesson"
)

// Guided lessons (tui/lesson) run beside the bench or the trainer: a panel
// on the right when the terminal is wide enough, otherwise the whole screen
// (ctrl+l switches between the lesson and the app). Each step's scene is
// applied here; after every update the lesson re-checks its checkpoint
// against the live state (lesson.Live).

// lessonState is the root model's lesson part.
type lessonState struct {
	on     bool
	hidden bool // ctrl+l: the app has the whole screen
	m      lesson.Model
}

// Lesson panel width bounds.
const (
	lessonMinW = 34
	lessonMaxW = 64
)

// lessonPanel returns the lesson panel's width when it sits beside the app,
// 0 when the lesson is off or hidden, or −1 when it takes the whole screen.
func (m *Model) lessonPanel() int {
	if !m.lesson.on || m.lesson.hidden {
		return 0
	}
	lw := min(max(m.w*2/5, lessonMinW), lessonMaxW)
	if m.w-lw < MinWidth {
		return -1
	}
	return lw
}

// area is the part of the terminal the app (launcher, bench, trainer) draws
// in: all of it, or what the lesson panel leaves.
func (m *Model) area() (int, int) {
	if lw := m.lessonPanel(); lw > 0 {
		return m.w - lw, m.h
	}
	return m.w, m.h
}

// openLessons starts the lesson component. path "" means the built-in
// lessons.
func (m *Model) openLessons(path string) (tea.Cmd, error) {
	var ls []*lesson.Lesson
	if path == "" {
		var err error
		if ls, err = lesson.Builtin(); err != nil {
			return nil, err
		}
	} else {
		if m.opts.Sandbox {
			return nil, fmt.Errorf("lesson %s: reading lesson files is disabled in this session", path)
		}
		l, err := lesson.ParseFile(path)
		if err != nil {
			return nil, err
		}
		ls = []*lesson.Lesson{l}
	}
	for _, l := range ls {
		if err := checkTrainerPresets(l); err != nil {
			return nil, err
		}
	}
	lm, err := lesson.New(ls, lesson.Options{Styles: m.styles, StateDir: m.opts.StateDir})
	if err != nil {
		return nil, err
	}
	m.lesson = lessonState{on: true, m: lm}
	m.sceneBefore()
	return lm.Init(), nil
}

// sceneBefore sets up what the steps before the current one set up, when a
// lesson is entered in the middle (progress resumed at a saved step, pgup
// back into the previous lesson's last step): a step without a scene of
// its own (the truth table, "drive the cost down") would otherwise find the
// launcher or another lesson's screen. The step's own scene follows as its
// SceneMsg.
func (m *Model) sceneBefore() {
	l, si := m.lesson.m.Lesson()
	for i, st := range l.Steps[:si] {
		if st.Scene.IsZero() {
			continue
		}
		sc := st.Scene
		sc.Screen = cmpOr(sc.Screen, lessonScreen(l, i))
		if err := m.applyScene(sc); err != nil {
			m.setFlash("lesson scene: "+err.Error(), true)
		}
	}
}

// lessonScreen is the screen step si of l works on: the last one named by
// its scene or an earlier step's, "" if none (then the current one). A
// scene without a screen continues its lesson's screen, not whatever the
// learner opened since (pgup from the trainer opened with g back to the
// XOR bench step).
func lessonScreen(l *lesson.Lesson, si int) string {
	screen := ""
	for _, st := range l.Steps[:si+1] {
		screen = cmpOr(st.Scene.Screen, screen)
	}
	return screen
}

// live is the state the lesson's checkpoints read.
func (m *Model) live() lesson.Live {
	var l lesson.Live
	switch m.screen {
	case screenBench:
		l.Screen = "bench"
		l.Bench = &m.bench
		l.Preset = m.bench.Problem().Name
	case screenTrainer:
		l.Screen = "trainer"
	}
	if m.sess != nil {
		l.Stepper = m.sess.st
		if m.screen == screenTrainer {
			l.Preset = m.sess.preset
		}
	}
	return l
}

// lessonUpdate handles the lesson's messages and keys; handled reports
// whether msg was consumed.
func (m *Model) lessonUpdate(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	if !m.lesson.on {
		return nil, false
	}
	switch msg := msg.(type) {
	case lesson.SceneMsg:
		l, si := m.lesson.m.Lesson()
		if l.ID != msg.Lesson || si != msg.Step {
			// commands run concurrently: after quick pgdn/pgup the scene
			// of a step already left can arrive late; it must not undo
			// the current step's
			return nil, true
		}
		sc := msg.Scene
		sc.Screen = cmpOr(sc.Screen, lessonScreen(l, si))
		if err := m.applyScene(sc); err != nil {
			m.setFlash("lesson scene: "+err.Error(), true)
		}
		m.lesson.m, cmd = m.lesson.m.Update(msg)
		return tea.Batch(cmd, m.sceneFollowed()), true // a following student: the teacher's network wins
	case lesson.CompletedMsg:
		m.setFlash(fmt.Sprintf("lesson %q complete", msg.Lesson), false)
		return nil, true
	case tea.KeyPressMsg:
		if m.prompt != nil {
			return nil, false
		}
		if key.Matches(msg, m.keys.Lesson) {
			m.lesson.hidden = !m.lesson.hidden
			return nil, true
		}
		if m.lesson.hidden || !m.lesson.m.HandlesKey(msg) {
			return nil, false
		}
		before, _ := m.lesson.m.Lesson()
		m.lesson.m, cmd = m.lesson.m.Update(msg)
		if l, _ := m.lesson.m.Lesson(); l != before {
			m.sceneBefore() // pgdn/pgup into another lesson
		}
		return cmd, true
	case tea.MouseMsg:
		return nil, m.lessonPanel() < 0 || msg.Mouse().X >= m.w-max(m.lessonPanel(), 0)
	case tea.WindowSizeMsg, tea.BackgroundColorMsg, tea.ColorProfileMsg, runTickMsg:
		return nil, false
	}
	// the lesson's own messages (progress saved, ...)
	m.lesson.m, cmd = m.lesson.m.Update(msg)
	return cmd, false
}

// applyScene sets up a lesson step: the bench or a trainer preset, weights,
// η, batch size, layers, focus. A new scene clears the flash: an old one
// such as "training diverged" would contradict a reset.
func (m *Model) applyScene(sc lesson.Scene) error {
	m.setFlash("", false)
	screen := sc.Screen
	if screen == "" {
		screen = "trainer"
		if m.screen == screenBench {
			screen = "bench"
		}
	}
	if screen == "bench" {
		if m.screen != screenBench {
			if err := m.openBench(cmpOr(sc.Preset, "vacation")); err != nil {
				return err
			}
		}
		b, err := lesson.ApplyToBench(m.bench, sc)
		m.bench = b
		return err
	}
	name := sc.Preset
	if name == "" && m.sess != nil {
		name = m.sess.preset
	}
	if name == "" {
		name = "xor"
	}
	s := m.sess
	fresh := s == nil || s.preset != name || m.screen != screenTrainer || sc.Layers != nil || sc.Seed != 0
	if fresh {
		p, err := setup.FindPreset(name)
		if err != nil {
			return err
		}
		setup := m.withDataDir(p.Setup)
		setup.Net = sc.ApplySpec(setup.Net)
		setup.Hyper = sc.ApplyHyper(setup.Hyper)
		ns, err := newSession(p.Name, setup, m.opts.Limits)
		if err != nil {
			return err
		}
		m.open(ns)
		s = ns
	} else {
		if sc.Reset {
			s.st.Reset()
			s.version++
		}
		if sc.Eta != 0 || sc.Batch != 0 {
			h := sc.ApplyHyper(s.st.Hyper())
			if err := s.st.SetHyper(h); err != nil {
				return err
			}
			s.setup.Hyper = h
		}
	}
	if sc.Focus != "" {
		l, n, ok := strings.Cut(sc.Focus, "/")
		li, err1 := strconv.Atoi(strings.TrimSpace(l))
		ni, err2 := strconv.Atoi(strings.TrimSpace(n))
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("focus %q: want layer/neuron, e.g. 1/0", sc.Focus)
		}
		s.focus = Focus{Layer: li, Neuron: ni}
		s.clampFocus()
	}
	if sc.Step != "" {
		m.setFlash(stepHint(sc.Step), false)
	}
	m.run.on = false
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// stepHint tells the learner which key steps by g.
func stepHint(g string) string {
	k := map[string]string{"neuron": ".", "phase": "space", "sample": "s", "batch": "b", "epoch": "e"}[g]
	if k == "" {
		return ""
	}
	return fmt.Sprintf("step by %s with %s", g, k)
}

// withLesson draws the lesson panel beside (or instead of) the app's lines.
func (m *Model) withLesson(app string) string {
	lw := m.lessonPanel()
	switch {
	case lw == 0:
		return app
	case lw < 0:
		body := block(m.lesson.m.View(m.w-2, m.h-3), m.w-2, m.h-3)
		lines := m.look.frame("Lesson — ctrl+l shows the app", body, m.w, m.h-1, true)
		foot := m.lessonHelp()
		if m.flash != "" { // the app is hidden: its news shows here
			st := m.look.okS
			if m.flashErr {
				st = m.look.errS
			}
			foot = st.Render(m.flash)
		}
		return strings.Join(append(lines, fit(foot, m.w)), "\n")
	}
	appLines := strings.Split(app, "\n")
	body := block(m.lesson.m.View(lw-2, m.h-2), lw-2, m.h-2)
	panel := m.look.frame("Lesson — ctrl+l hides", body, lw, m.h, true)
	aw, _ := m.area()
	var b strings.Builder
	for y := 0; y < m.h; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		if y < len(appLines) {
			b.WriteString(fit(appLines[y], aw))
		} else {
			b.WriteString(strings.Repeat(" ", aw))
		}
		b.WriteString(panel[y])
	}
	return b.String()
}

func (m *Model) lessonHelp() string {
	m.help.Styles = m.look.help
	m.help.SetWidth(m.w)
	return m.help.ShortHelpView(append(m.lesson.m.Keys().ShortHelp(), m.keys.Lesson, m.keys.Quit))
}

// checkTrainerPresets refuses a lesson whose trainer scene names a preset
// the trainer does not have (tui/lesson cannot see the presets; it checks
// bench problems itself), naming the file and the step's line.
func checkTrainerPresets(l *lesson.Lesson) error {
	screen := ""
	for _, st := range l.Steps {
		sc := st.Scene
		if sc.Screen != "" {
			screen = sc.Screen
		}
		if sc.Preset == "" {
			continue
		}
		_, benchErr := bench.ProblemByName(sc.Preset)
		if screen == "trainer" || screen == "" && benchErr != nil {
			if _, err := setup.FindPreset(sc.Preset); err != nil {
				return fmt.Errorf("%s:%d: step %q: preset: the trainer has no preset %q (%v)", l.Source, st.Line, st.Title, sc.Preset, err)
			}
		}
	}
	return nil
}
