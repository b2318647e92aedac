package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/tui/bench"
	"backprop/tui/lesson"
	"backprop/tui/widget"
)

// Guided lessons (tui/lesson) run beside the bench or the trainer: a panel
// on the right when the terminal is wide enough, otherwise the whole screen
// (ctrl+l switches between the lesson and the app). Each step's scene is
// applied here; after every update the lesson re-checks its checkpoint
// against the live state (lesson.Live).

// lessonPanel is the lesson beside (or instead of) the app.
type lessonPanel struct {
	// peek: the lesson filled the screen and gave it to the app's help;
	// it comes back when the help closes
	peek   bool
	on     bool
	hidden bool // ctrl+l: the app has the whole screen
	// away: the learner went to the launcher (esc); the lesson waits,
	// neither drawn nor checked, for the launcher's "back to" item
	away bool
	m    lesson.Model
}

// shown reports whether the lesson is open and not left for the launcher.
func (p *lessonPanel) shown() bool { return p.on && !p.away }

// Lesson panel width bounds.
const (
	lessonMinW = 34
	lessonMaxW = 64
)

// width returns the panel's width when it sits beside the app in a
// terminal w cells wide, 0 when the lesson is off or hidden, or −1 when it
// takes the whole screen.
func (p *lessonPanel) width(w int) int {
	if !p.shown() || p.hidden {
		return 0
	}
	lw := min(max(w*2/5, lessonMinW), lessonMaxW)
	if w-lw < MinWidth {
		return -1
	}
	return lw
}

// area is the part of the terminal the app (launcher, bench, trainer) draws
// in: all of it, or what the lesson panel leaves.
func (m *Model) area() (int, int) {
	if lw := m.lesson.width(m.w); lw > 0 {
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
		if m.app.opts.Sandbox {
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
	if m.lesson.away && path == "" {
		m.resume() // the lesson esc left, where it was
		return nil, nil
	}
	lm, err := lesson.New(ls, lesson.Options{Styles: m.app.styles, StateDir: m.app.opts.StateDir, Store: m.app.opts.Progress})
	if err != nil {
		return nil, err
	}
	m.leave()
	m.lesson = lessonPanel{on: true, m: lm}
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
			m.app.setFlash("lesson scene: "+err.Error(), true)
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
		if fn := m.bench.fn; fn != nil {
			l.Screen, l.Funcs, l.Preset = "functions", fn, fn.Target().Name
			break
		}
		l.Screen = "bench"
		l.Bench = &m.bench.m
		l.Preset = m.bench.m.Problem().Name
	case screenTrainer:
		l.Screen = "trainer"
	}
	if s := m.tr.sess; s != nil {
		l.Stepper = s.st
		if m.screen == screenTrainer {
			l.Preset = s.preset
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
	if _, isKey := msg.(tea.KeyPressMsg); isKey && m.lesson.away {
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
			m.app.setFlash("lesson scene: "+err.Error(), true)
		}
		m.lesson.m, cmd = m.lesson.m.Update(msg)
		return tea.Batch(cmd, m.class.sceneFollowed(m)), true // a following student: the teacher's network wins
	case lesson.CompletedMsg:
		m.app.setFlash(fmt.Sprintf("lesson %q complete", msg.Lesson), false)
		return nil, true
	case tea.KeyPressMsg:
		if m.typing() {
			return nil, false
		}
		if key.Matches(msg, m.tr.keys.Lesson) {
			m.lesson.hidden = !m.lesson.hidden
			return nil, true
		}
		if key.Matches(msg, m.tr.keys.Help) && m.lesson.width(m.w) < 0 {
			// the help is the app's: the lesson gives it the screen and
			// comes back when it closes
			m.lesson.hidden, m.lesson.peek = true, true
			return nil, false
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
		lw := m.lesson.width(m.w)
		return nil, lw < 0 || msg.Mouse().X >= m.w-max(lw, 0)
	case tea.WindowSizeMsg, tea.BackgroundColorMsg, tea.ColorProfileMsg, runTickMsg, whyMsg:
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
	m.app.setFlash("", false)
	screen := sc.Screen
	if screen == "" {
		screen = "trainer"
		if m.screen == screenBench {
			screen = "bench"
			if m.bench.fn != nil {
				screen = "functions"
			}
		}
	}
	if screen == "functions" {
		return m.applyFuncsScene(sc)
	}
	if screen == "bench" {
		if m.screen != screenBench || m.bench.fn != nil {
			if err := m.openBench(cmpOr(sc.Preset, "vacation")); err != nil {
				return err
			}
		}
		b, err := lesson.ApplyToBench(m.bench.m, sc)
		m.bench.m = b
		return err
	}
	name := sc.Preset
	if name == "" && m.tr.sess != nil {
		name = m.tr.sess.preset
	}
	if name == "" {
		name = "xor"
	}
	return m.tr.applyScene(sc, name, m.screen != screenTrainer)
}

// applyFuncsScene opens the functions bench (a fresh one when it is not
// shown) on the scene's target (its preset: sine, bump).
func (m *Model) applyFuncsScene(sc lesson.Scene) error {
	if m.screen != screenBench || m.bench.fn == nil {
		b, err := newFuncsScreen(m.app, m, &m.tr.keys)
		if err != nil {
			return err
		}
		m.showBench(b)
	}
	if sc.Preset == "" {
		return nil
	}
	f, err := m.bench.fn.WithTarget(sc.Preset)
	if err != nil {
		return err
	}
	*m.bench.fn = f
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

// view draws the panel beside (or instead of) the app's lines in a w×h
// terminal; app is area() wide.
func (p *lessonPanel) view(a *app, app string, w, h int, foot string) string {
	lk := a.look
	lw := p.width(w)
	switch {
	case lw == 0:
		return app
	case lw < 0:
		feet := []string{fit(foot, w)}
		if fl := a.flashLines(w, 4); fl != nil { // the app is hidden: its news shows here
			feet = fl
		}
		body := block(p.m.View(w-2, h-2-len(feet)), w-2, h-2-len(feet))
		lines := lk.frame("Lesson — ctrl+l shows the app", body, w, h-len(feet), true)
		return strings.Join(append(lines, feet...), "\n")
	}
	appLines := strings.Split(app, "\n")
	body := block(p.m.View(lw-2, h-2), lw-2, h-2)
	panel := lk.frame("Lesson — ctrl+l hides", body, lw, h, true)
	aw := w - lw
	var b strings.Builder
	for y := 0; y < h; y++ {
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

// help is the full-screen lesson's short help line.
func (p *lessonPanel) help(a *app, w int, appKeys keyMap) string {
	all := appKeys.Help
	all.SetHelp(all.Help().Key, "all keys")
	return widget.ShortHelp(a.styles, w, append(p.m.Keys().ShortHelp(), appKeys.Lesson), all, appKeys.Quit)
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
