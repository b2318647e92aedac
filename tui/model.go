// Package tui is the trainer's terminal app: a launcher of presets and a
// trainer screen where a person steps a network through forward pass,
// backprop and update, or lets it run.
//
// The root Model only routes messages: to the launcher, to the trainer
// (session + run mode), to an open prompt, or to the help view. All state
// lives in the Model; there is no package-level mutable state, so many SSH
// sessions can run in one process.
package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/cli/setup"
	"backprop/themes"
	"backprop/tui/bench"
)

type screenID uint8

const (
	screenLauncher screenID = iota
	screenTrainer
	screenBench
)

// Model is the root Bubble Tea model.
type Model struct {
	opts  Options
	keys  keyMap
	lkeys launcherKeys
	help  help.Model

	w, h   int
	screen screenID
	menu   launcher
	sess   *session
	bench  bench.Model
	lesson lessonState
	class  classState
	// initCmd is run by Init (e.g. the first lesson scene).
	initCmd tea.Cmd
	prompt  *prompt

	showHelp bool
	tab      PaneKind
	// follow moves the focus to the neuron a neuron/phase step computed.
	follow bool

	themeName string
	isDark    bool
	mono      bool
	styles    *themes.Styles
	look      *look
	view      *viewState // per-session render state (the panes' cache); nil until drawn

	run runState

	browse browseState

	flash    string
	flashErr bool

	// helpLine memoises the short help line for a width and look.
	helpLine struct {
		w    int
		look *look
		s    string
	}
}

// runState is run mode: a tick carrying an id (so pause/resume never
// doubles the rate) trains for a time budget and schedules the next tick.
type runState struct {
	on      bool
	id      int
	speed   int       // index into speedLevels
	last    time.Time // when the previous tick's training ended
	rate    float64   // samples/s, smoothed
	samples int       // samples trained in run mode since it started
	// snapped: this run's undo snapshot is taken (by its first Run/RunFor)
	// and nothing else changed the session since (its version is snapVer),
	// so later ticks continue without one: a whole run is one undo step.
	snapped bool
	snapVer uint64
	// toEpoch: a run started by the step-epoch key on a big training set;
	// it stops at the epoch's end (after its evaluation).
	toEpoch bool
}

// tickPeriod is the run-mode redraw period (20 Hz).
const tickPeriod = 50 * time.Millisecond

// budgetShare is the share of a tick period spent training at full speed.
const budgetShare = 0.9

// defaultSpeed picks a run speed a person can follow for small data sets
// and full speed for big ones.
func defaultSpeed(n int) int {
	levels := speedLevels()
	switch {
	case n <= 16:
		return 3 // 20 samples per tick: a few epochs a second
	case n < 1000:
		return 4
	}
	return len(levels) - 1
}

// speedLevels are samples per tick; 0 means "as many as the time budget
// allows".
func speedLevels() []int { return []int{1, 2, 5, 20, 100, 0} }

type runTickMsg struct{ id int }

// New builds the root model. Zero Options open the launcher; Preset, Custom
// or ModelPath open the trainer directly.
func New(opts Options) (*Model, error) {
	m := &Model{
		opts:   opts,
		keys:   defaultKeyMap(),
		lkeys:  defaultLauncherKeys(),
		help:   help.New(),
		isDark: true,
		tab:    PaneBoundary,
		follow: true,
	}
	m.run.speed = len(speedLevels()) - 1
	if opts.Theme != "" {
		if !themes.Valid(opts.Theme) {
			return nil, fmt.Errorf("unknown theme %q (want one of %s)", opts.Theme, strings.Join(themes.Names(), ", "))
		}
		m.themeName = opts.Theme
	}
	m.applyTheme()
	m.menu = newLauncher()
	if opts.Lesson != "" {
		cmd, err := m.openLessons(opts.Lesson)
		if err != nil {
			return nil, err
		}
		m.initCmd = cmd
	}
	if opts.Classroom != nil {
		m.initCmd = tea.Batch(m.initCmd, m.classInit())
	} else {
		for _, b := range []*key.Binding{&m.keys.Fork, &m.keys.Rejoin, &m.keys.Who} {
			b.SetEnabled(false) // hidden from help outside a class
		}
	}
	switch {
	case opts.ModelPath != "":
		s, err := loadSession(opts.ModelPath, opts.Limits)
		if err != nil {
			return nil, err
		}
		m.open(s)
	case opts.Custom != nil:
		s, err := newSession("", m.withDataDir(*opts.Custom), opts.Limits)
		if err != nil {
			return nil, err
		}
		m.open(s)
	case opts.Preset != "":
		p, err := setup.FindPreset(opts.Preset)
		if err != nil {
			return nil, err
		}
		if isBenchPreset(p.Name) {
			if err := m.openBench(p.Name); err != nil {
				return nil, err
			}
			break
		}
		s, err := newSession(p.Name, m.withDataDir(p.Setup), opts.Limits)
		if err != nil {
			return nil, fmt.Errorf("preset %s: %w", p.Name, err)
		}
		m.open(s)
	}
	return m, nil
}

// Init asks the terminal for its background colour (light or dark theme).
func (m *Model) Init() tea.Cmd { return tea.Batch(tea.RequestBackgroundColor, m.initCmd) }

func (m *Model) open(s *session) {
	m.sess = s
	if b := m.opts.Limits.UndoBudget; b > 0 && b != s.undoBudget {
		s.undoBudget = b
		s.st.SetUndoBudget(b)
	}
	m.screen = screenTrainer
	m.run = runState{speed: defaultSpeed(len(s.data.Train.X))}
	m.prompt = nil
	m.view = nil
	// the compact layout's shared pane: the boundary only draws 2-D data
	// and images; other data open on the Sample pane (qa3 #7)
	if in := len(s.st.Net().Sizes); in > 0 {
		n := s.st.Net().Sizes[0]
		if n != 2 && s.data.ImageW*s.data.ImageH != n {
			m.tab = PaneSample
		} else if m.tab == PaneSample {
			m.tab = PaneBoundary
		}
	}
}

// Update routes a message, then lets an open lesson re-check its
// checkpoint against the new state.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd, handled := m.classUpdate(msg)
	if !handled {
		var c tea.Cmd
		c, handled = m.lessonUpdate(msg)
		cmd = tea.Batch(cmd, c)
	}
	if !handled {
		_, c := m.route(msg)
		cmd = tea.Batch(cmd, c)
	}
	cmd = tea.Batch(cmd, m.classAfter(), m.browseRefresh())
	if m.lesson.on {
		var c tea.Cmd
		m.lesson.m, c = m.lesson.m.Sync(m.live())
		cmd = tea.Batch(cmd, c)
	}
	return m, cmd
}

func (m *Model) route(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		return m, nil
	case tea.BackgroundColorMsg:
		if dark := msg.IsDark(); dark != m.isDark {
			m.isDark = dark
			m.applyTheme() // themes.New costs ~1 ms: only on a real change
		}
		return m, nil
	case tea.ColorProfileMsg:
		mono := themes.MonoProfile(msg.Profile)
		if mono != m.mono {
			m.mono = mono
			m.applyTheme()
		}
		return m, nil
	case runTickMsg:
		return m, m.onTick(msg)
	case browseEvalMsg:
		return m, m.onBrowseEval(msg)
	}
	if m.prompt != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			return m, m.promptKey(k)
		}
		if _, ok := msg.(tea.MouseMsg); ok {
			return m, nil
		}
		return m, m.prompt.update(msg)
	}
	switch m.screen {
	case screenLauncher:
		return m, m.launcherUpdate(msg)
	case screenBench:
		return m, m.benchUpdate(msg)
	default:
		return m, m.trainerUpdate(msg)
	}
}

func (m *Model) promptKey(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "esc":
		m.prompt = nil
		return nil
	case "ctrl+c":
		return tea.Quit
	case "enter":
		p := m.prompt
		if err := m.submit(p); err != nil {
			p.err = err.Error()
			return nil
		}
		if m.prompt == p {
			m.prompt = nil
		}
		return nil
	}
	m.prompt.err = ""
	return m.prompt.update(k)
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
	var content string
	switch m.screen {
	case screenLauncher:
		content = m.launcherView()
	case screenBench:
		content = m.benchView()
	default:
		content = m.trainerView()
	}
	v.SetContent(m.withLesson(content))
	return v
}

// tooSmall says which size is needed, fitted into w×h.
func tooSmall(w, h int) string {
	msg := fmt.Sprintf("backprop needs at least %d×%d; this terminal is %d×%d", MinWidth, MinHeight, w, h)
	lines := strings.Split(ansi.Wordwrap(msg, w, ""), "\n")
	top := max((h-len(lines))/2, 0)
	return strings.Join(block(strings.Repeat("\n", top)+strings.Join(lines, "\n"), w, h), "\n")
}

// withDataDir fills in Options.DataDir where a setup names none.
func (m *Model) withDataDir(s Setup) Setup {
	if s.Data.DataDir == "" {
		s.Data.DataDir = m.opts.DataDir
	}
	return s
}

func (m *Model) setFlash(s string, isErr bool) { m.flash, m.flashErr = s, isErr }
