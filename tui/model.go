// Package tui is the trainer's terminal app: a launcher of presets and a
// trainer screen where a person steps a network through forward pass,
// backprop and update, or lets it run.
//
// The root Model only routes: between the screens (launcher, trainer,
// bench), each a sub-model with its own Update and View, to the lesson
// panel beside them, and through the classroom when the session belongs to
// a class. What the screens share (options, theme, flash line) is one app
// value. There is no package-level mutable state, so many SSH sessions can
// run in one process.
package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/cli/setup"
	"backprop/themes"
)

type screenID uint8

const (
	screenLauncher screenID = iota
	screenTrainer
	screenBench
)

// Model is the root Bubble Tea model.
type Model struct {
	app *app

	w, h   int
	screen screenID
	// back is the screen esc left for the launcher, kept as it was: the
	// launcher's first item (and esc there) returns to it. screenLauncher:
	// nothing to go back to.
	back screenID
	// confirm is the open yes/no question (keep.go); it takes every key.
	confirm *confirmState
	menu    *launcher
	tr      *trainer
	bench   *benchScreen // nil until the bench is opened
	lesson  lessonPanel
	class   *classroom // nil outside a class
	// initCmd is run by Init (e.g. the first lesson scene).
	initCmd tea.Cmd
	// styles is the theme last handed to the bench and the lesson.
	styles *themes.Styles
	// auto is what the last autosave wrote (autosave.go).
	auto autosaved
}

// New builds the root model. Zero Options open the launcher; Preset, Custom
// or ModelPath open the trainer directly.
func New(opts Options) (*Model, error) {
	a, err := newApp(opts)
	if err != nil {
		return nil, err
	}
	m := &Model{app: a, styles: a.styles}
	if opts.Classroom != nil {
		m.class = &classroom{c: opts.Classroom, app: a}
	}
	m.menu = newLauncher(a, m)
	m.tr = newTrainer(a, m, m.class)
	if opts.Lesson != "" {
		cmd, err := m.openLessons(opts.Lesson)
		if err != nil {
			return nil, err
		}
		m.initCmd = cmd
	}
	if m.class != nil {
		m.initCmd = tea.Batch(m.initCmd, m.class.init(m))
	}
	if err := m.openFirst(opts); err != nil {
		return nil, err
	}
	return m, nil
}

// openFirst opens the screen the options name: a model file, a custom
// setup or a preset (else the launcher stays).
func (m *Model) openFirst(opts Options) error {
	switch {
	case opts.ModelPath != "":
		s, err := loadSession(opts.ModelPath, opts.Limits)
		if err != nil {
			return err
		}
		m.openSession(s)
	case opts.Custom != nil:
		s, err := newSession("", m.app.withDataDir(*opts.Custom), opts.Limits)
		if err != nil {
			return err
		}
		m.openSession(s)
	case opts.Preset != "":
		p, err := setup.FindPreset(opts.Preset)
		if err != nil {
			return err
		}
		if isBenchPreset(p.Name) {
			return m.openBench(p.Name)
		}
		s, err := newSession(p.Name, m.app.withDataDir(p.Setup), opts.Limits)
		if err != nil {
			return fmt.Errorf("preset %s: %w", p.Name, err)
		}
		m.openSession(s)
	}
	return nil
}

// Init asks the terminal for its background colour (light or dark theme).
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.initCmd, m.autosaveTick())
}

// openSession shows the trainer on s. A session a lesson's scene (or a
// key on the lesson's bench) opens is the lesson's: leaving it loses
// nothing of the learner's.
func (m *Model) openSession(s *session) {
	if m.lesson.shown() {
		s.throwaway = true
	}
	m.tr.open(s)
	m.screen = screenTrainer
}

// openPreset opens a preset: the bench for the bench presets, else the
// trainer.
func (m *Model) openPreset(name string) error {
	p, err := setup.FindPreset(name)
	if err != nil {
		return err
	}
	if isBenchPreset(p.Name) {
		b, err := newBenchScreen(m.app, m, &m.tr.keys, p.Name)
		if err != nil {
			return err
		}
		m.leave()
		m.showBench(b)
		return nil
	}
	s, err := newSession(p.Name, m.app.withDataDir(p.Setup), m.app.opts.Limits)
	if err != nil {
		return err
	}
	m.leave()
	m.openSession(s)
	return nil
}

// presetSession builds a session of preset name with its data files from
// folder dir (the launcher's answer to "where are the MNIST files?").
func (m *Model) presetSession(name, dir string) (*session, error) {
	p, err := setup.FindPreset(name)
	if err != nil {
		return nil, err
	}
	su := m.app.withDataDir(p.Setup)
	su.Data.DataDir = dir
	return newSession(p.Name, su, m.app.opts.Limits)
}

// openBench shows the perceptron bench on problem; the trainer stops
// running.
func (m *Model) openBench(problem string) error {
	b, err := newBenchScreen(m.app, m, &m.tr.keys, problem)
	if err != nil {
		return err
	}
	m.showBench(b)
	return nil
}

// openFuncs shows the functions bench (a fresh one).
func (m *Model) openFuncs() error {
	b, err := newFuncsScreen(m.app, m, &m.tr.keys)
	if err != nil {
		return err
	}
	m.leave()
	m.showBench(b)
	return nil
}

// showBench shows the bench b; the trainer stops running.
func (m *Model) showBench(b *benchScreen) {
	m.bench = b
	m.screen = screenBench
	m.tr.run.on = false
	m.tr.prompt = nil
	m.tr.help.open = false
}

// toLauncher shows the launcher and keeps the screen left (and an open
// lesson) for its "back to" item.
func (m *Model) toLauncher() {
	m.tr.run.on = false
	if m.screen != screenLauncher {
		m.back = m.screen
	}
	m.screen = screenLauncher
	if m.lesson.on {
		m.lesson.away = true
	}
	m.menu.cursor = 0 // the "back to" item
}

// typing reports whether the screen shown has a prompt open (it then takes
// every key).
func (m *Model) typing() bool {
	switch m.screen {
	case screenLauncher:
		return m.menu.typing()
	case screenBench:
		return m.bench.typing()
	}
	return m.tr.typing()
}

// helpOpen reports whether the screen shown shows its help.
func (m *Model) helpOpen() bool {
	switch m.screen {
	case screenLauncher:
		return m.menu.help.open
	case screenBench:
		return m.bench.help.open
	}
	return m.tr.help.open
}

// Update routes a message: to the classroom, the lesson, then the screen
// shown; then lets an open lesson re-check its checkpoint against the new
// state.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, handled := m.autosaveUpdate(msg); handled {
		return m, cmd
	}
	if cmd, handled := m.keep(msg); handled {
		m.syncStyles()
		return m, cmd
	}
	cmd, handled := m.class.update(m, msg)
	if !handled {
		var c tea.Cmd
		c, handled = m.lessonUpdate(msg)
		cmd = tea.Batch(cmd, c)
	}
	if !handled {
		cmd = tea.Batch(cmd, m.route(msg))
	}
	if m.lesson.peek && !m.helpOpen() {
		m.lesson.hidden, m.lesson.peek = false, false
	}
	if m.screen == screenTrainer {
		cmd = tea.Batch(cmd, m.tr.browseRefresh())
	}
	m.app.lessonKeys = nil
	if m.lesson.shown() {
		var c tea.Cmd
		m.lesson.m, c = m.lesson.m.Sync(m.live())
		cmd = tea.Batch(cmd, c)
		keys := m.lesson.m.Keys()
		m.app.lessonKeys = &keys
	}
	cmd = tea.Batch(cmd, m.class.after(m)) // after Sync: a checkpoint just reached is reported
	m.syncStyles()
	return m, cmd
}

func (m *Model) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = min(max(msg.Width, 0), MaxWidth), min(max(msg.Height, 0), MaxHeight)
		return nil
	case tea.BackgroundColorMsg:
		if dark := msg.IsDark(); dark != m.app.isDark {
			m.app.isDark = dark
			m.app.applyTheme() // themes.New costs ~1 ms: only on a real change
		}
		return nil
	case tea.ColorProfileMsg:
		if mono := themes.MonoProfile(msg.Profile); mono != m.app.mono {
			m.app.mono = mono
			m.app.applyTheme()
		}
		return nil
	case figureSavedMsg: // wherever the learner is now
		if msg.err != nil {
			m.app.setFlash(msg.err.Error(), true)
		} else {
			m.app.setFlash(msg.report, false)
		}
		return nil
	case runTickMsg, browseEvalMsg, whyMsg, textSampleMsg:
		if m.screen != screenTrainer {
			return nil
		}
		return m.tr.Update(msg)
	}
	m.resize()
	switch m.screen {
	case screenLauncher:
		return m.menu.Update(msg)
	case screenBench:
		return m.bench.Update(msg)
	}
	return m.tr.Update(msg)
}

// syncStyles hands a changed theme to the bench and the lesson (they keep
// their own pointer to the styles).
func (m *Model) syncStyles() {
	if m.styles == m.app.styles {
		return
	}
	m.styles = m.app.styles
	if m.lesson.on {
		m.lesson.m = m.lesson.m.WithStyles(m.styles)
	}
	if m.bench != nil {
		m.bench.m = m.bench.m.WithStyles(m.styles)
		if m.bench.fn != nil {
			*m.bench.fn = m.bench.fn.WithStyles(m.styles)
		}
	}
}

// resize gives every screen the area it draws in.
func (m *Model) resize() {
	w, h := m.area()
	m.menu.SetSize(w, h)
	m.tr.SetSize(w, h)
	if m.bench != nil {
		m.bench.SetSize(w, h)
	}
}

// View draws the current screen.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "backprop"
	if m.w <= 0 || m.h <= 0 {
		return v
	}
	if m.w < MinWidth || m.h < MinHeight {
		v.SetContent(tooSmall(m.w, m.h))
		return v
	}
	m.resize()
	var content string
	switch m.screen {
	case screenLauncher:
		content = m.menu.View()
	case screenBench:
		content = m.bench.View()
	default:
		content = m.tr.View()
	}
	switch {
	case m.class != nil && m.class.rs.open:
		content = m.class.rosterView(m.w, m.h) // the teacher's roster: the whole screen
	case m.lesson.shown():
		content = m.lesson.view(m.app, content, m.w, m.h, m.lesson.help(m.app, m.w, m.tr.keys))
	}
	v.SetContent(m.confirmView(content))
	return v
}

// tooSmall says which size is needed, fitted into w×h.
func tooSmall(w, h int) string {
	msg := fmt.Sprintf("backprop needs at least %d×%d; this terminal is %d×%d", MinWidth, MinHeight, w, h)
	lines := strings.Split(ansi.Wordwrap(msg, w, ""), "\n")
	top := max((h-len(lines))/2, 0)
	return strings.Join(block(strings.Repeat("\n", top)+strings.Join(lines, "\n"), w, h), "\n")
}
