package tui

import (
	tea "charm.land/bubbletea/v2"

	"backprop/network"
)

// trainer is the trainer screen: one session (data, network, stepper)
// stepped by hand or run, drawn as panes. It is a sub-model of the root
// Model: Update takes the messages the root routes to it, View draws it
// into the size SetSize gave.
type trainer struct {
	app  *app
	nav  navigator
	keys keyMap
	// table binds keys to actions (keyTable); built once, it points into keys.
	table []keyGroup

	w, h int
	sess *session
	run  runState
	// browse is the confusion browser (C), a mode of the trainer screen.
	browse browseState
	prompt *ask

	help helpState // the `?` view
	tab  PaneKind
	// follow moves the focus to the neuron a neuron/phase step computed.
	follow bool
	view   *viewState // per-session render state (the panes' cache); nil until drawn
	// etas is the η last set for each optimizer in this session (by the
	// setup, [ ], L or a lesson): cycling with o returns to it.
	etas map[network.Optimizer]float64
	// class is the classroom the session belongs to; nil when alone.
	class *classroom
	// prior holds the sessions a rebuild or a load replaced, newest last
	// (at most maxPrior): u returns to them (keep.go).
	prior []prior
	// replacing is the existing file a save prompt was told about: enter
	// again on it replaces it (replaceOK).
	replacing string
	// logLoss draws the Loss chart on a log scale (y).
	logLoss bool
	// later is a command a prompt's answer started (drawing a figure),
	// returned with the prompt's own.
	later tea.Cmd
	// an is the Surface and Gradients panes' state (trainer_surface.go).
	an analysis

	// why is the explanation of the last blow-up (why.go).
	why whyState
	// txt is the text sampled from the net (trainer_sample.go).
	txt textSampleState
	// twins are the sessions forked from this one (twins.go); t.sess is
	// the focused one.
	twins twinSet
	// hid is the Hidden space pane's layer and pair (trainer_hidden.go).
	hid hiddenState

	// helpLine memoises the short help line for a width and look.
	helpLine struct {
		w    int
		look *look
		s    string
	}
}

// navigator is how a screen asks the root model to change screens; the
// root Model implements it.
type navigator interface {
	openSession(s *session)
	openPreset(name string) error
	// openFuncs opens the functions bench.
	openFuncs() error
	openLessons(path string) (tea.Cmd, error)
	toLauncher()
	// quit quits, asking first when work would be lost.
	quit() tea.Cmd
	// guard runs then, asking first when it would lose unsaved work
	// (question "Open circle", yes "open circle").
	guard(question, yes string, then func() tea.Cmd, yesKeys ...string) tea.Cmd
	// confirmLoss asks first when what (the work then loses) is not "".
	confirmLoss(what, question, yes string, then func() tea.Cmd, yesKeys ...string) tea.Cmd
	// resumable is the launcher's "back to" item, if there is a screen to
	// go back to; resume goes back to it.
	resumable() (launcherItem, bool)
	resume()
	// leave forgets what esc kept (the session, the bench, a lesson left
	// open): the launcher opens something else.
	leave()
	// presetSession builds a session of the preset name with its data
	// from folder dir.
	presetSession(name, dir string) (*session, error)
}

func newTrainer(a *app, nav navigator, class *classroom) *trainer {
	t := &trainer{app: a, nav: nav, keys: defaultKeyMap(), tab: PaneBoundary, follow: true, class: class}
	t.table = t.keyTable()
	t.run.speed = len(speedLevels()) - 1
	if class == nil {
		t.keys.Fork.SetEnabled(false) // inert outside a class (and not in its help)
		t.keys.Rejoin.SetEnabled(false)
		t.keys.Who.SetEnabled(false)
	}
	return t
}

// Init starts nothing: run mode starts with a key.
func (t *trainer) Init() tea.Cmd { return nil }

// SetSize sets the cells the trainer draws in.
func (t *trainer) SetSize(w, h int) { t.w, t.h = w, h }

// open makes s the trainer's session: run mode off, the panes' cache and
// any prompt dropped.
func (t *trainer) open(s *session) {
	t.sess = s
	if b := t.app.opts.Limits.UndoBudget; b > 0 && b != s.undoBudget {
		s.undoBudget = b
		s.st.SetUndoBudget(b)
	}
	t.run = runState{speed: defaultSpeed(s.data.Train.Len(), s.st.Hyper().UpdateEvery())}
	h := s.st.Hyper()
	t.etas = map[network.Optimizer]float64{h.Opt: h.Eta}
	t.prior = nil
	t.twins = twinSet{}
	t.prompt = nil
	t.view = nil
	t.resetAnalysis()
	// the compact layout's shared pane opens on Boundary, which draws every
	// kind of data (the plane, images, the fit of one input, sequences),
	// rather than on Sample (qa3 #7 opened one-input data on Sample
	// before Boundary drew a fit)
	if t.tab == PaneSample {
		t.tab = PaneBoundary
	}
}

// adopt replaces the session with s keeping what the learner looks at:
// the focus, the pane and the panes' cache (a classroom student following
// the teacher).
func (t *trainer) adopt(s *session) {
	focus, tab := Focus{Layer: -1}, t.tab
	if t.sess != nil {
		focus = t.sess.focus
	}
	view := t.view
	keepView := t.sess != nil && view != nil
	t.nav.openSession(s)
	if keepView {
		t.view = view
	}
	if focus.Layer >= 0 {
		s.focus = focus
		s.clampFocus()
	}
	t.tab = tab
}

// typing reports whether a prompt takes the keys.
func (t *trainer) typing() bool { return t.prompt != nil }

// Update handles a message routed to the trainer screen, then starts what
// the Surface and Gradients panes need (analyse).
func (t *trainer) Update(msg tea.Msg) tea.Cmd {
	cmd := t.update(msg)
	t.syncTwin()
	if a := t.analyse(); a != nil {
		return tea.Batch(cmd, a)
	}
	return cmd
}

func (t *trainer) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case runTickMsg:
		return t.onTick(msg)
	case browseEvalMsg:
		return t.onBrowseEval(msg)
	case whyMsg:
		return t.onWhy(msg)
	case textSampleMsg:
		t.onTextSample(msg)
		return nil
	case surfaceMsg:
		t.onSurface(msg)
		return nil
	case flowMsg:
		t.onFlow(msg)
		return nil
	}
	if t.prompt != nil {
		return t.promptUpdate(msg)
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return t.key(msg)
	case tea.MouseClickMsg:
		t.click(msg.Mouse())
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			t.moveFocus(0, -1)
		case tea.MouseWheelDown:
			t.moveFocus(0, 1)
		}
	}
	return nil
}

// step advances the stepper by g and, with follow on, moves the focus to
// what a neuron or phase step computed.
func (t *trainer) step(g network.Granularity) {
	s := t.sess
	t.run.on = false
	t.browse.noProbe = true // the panes follow training again
	t.catchUp()
	err := s.st.Step(g)
	s.version++
	t.stepTwins(g)
	if err != nil {
		t.app.setFlash(err.Error(), true)
		return
	}
	if t.follow && (g == network.ByNeuron || g == network.ByPhase) {
		t.followStep(g)
	}
}

// followStep focuses the neuron (or layer) the last step computed: the
// forward or backward neuron, or the output layer for cost and δ^L.
func (t *trainer) followStep(g network.Granularity) {
	s := t.sess
	p := s.st.Pos()
	sizes := t.layerSizes()
	switch p.Phase {
	case network.PhaseForward, network.PhaseBackward:
		s.focus.Layer = p.Layer + 1
		if g == network.ByNeuron {
			s.focus.Neuron = p.Neuron
		}
	case network.PhaseCost, network.PhaseOutputDelta:
		s.focus.Layer = len(sizes) - 1
	default:
		return
	}
	s.clampFocus()
}

// click focuses the neuron under the mouse, or switches tabs.
func (t *trainer) click(ms tea.Mouse) {
	scr := t.layout(t.w, t.h)
	if scr.TooSmall || t.help.open || t.sess == nil {
		return
	}
	if scr.Tabs.Contains(ms.X, ms.Y) {
		if k, ok := tabAt(ms.X, scr.Tabs.W, t.tab, t.paneTitle); ok {
			t.tab = k
		}
		return
	}
	if r, ok := scr.Pane(PaneCompare); ok && r.Contains(ms.X, ms.Y) && t.compareClick(r.W-2, ms.Y-r.Y-1) {
		return
	}
	if r, ok := scr.Pane(PaneHidden); ok && r.Contains(ms.X, ms.Y) {
		t.nextHiddenPair()
		return
	}
	r, ok := scr.Pane(PaneTopology)
	if !ok || !r.Contains(ms.X, ms.Y) {
		return
	}
	in := t.paneInput(r.W-2, r.H-2)
	if f, ok := topologyHit(in, ms.X-r.X-1, ms.Y-r.Y-1); ok {
		t.sess.focus = f
		t.sess.clampFocus()
	}
}

func (t *trainer) nextTab() {
	tabs := tabbedPanes()
	for i, k := range tabs {
		if k == t.tab {
			t.tab = tabs[(i+1)%len(tabs)]
			return
		}
	}
	t.tab = tabs[0]
}
