package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/network"
)

// trainerUpdate handles a message on the trainer screen.
func (m *Model) trainerUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.trainerKey(msg)
	case tea.MouseClickMsg:
		m.click(msg.Mouse())
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			m.moveFocus(0, -1)
		case tea.MouseWheelDown:
			m.moveFocus(0, 1)
		}
	}
	return nil
}

func (m *Model) trainerKey(k tea.KeyPressMsg) tea.Cmd {
	km := &m.keys
	s := m.sess
	if s == nil {
		m.screen = screenLauncher
		return nil
	}
	m.flash = ""
	switch {
	case key.Matches(k, km.Quit):
		return tea.Quit
	case key.Matches(k, km.Help):
		m.showHelp = !m.showHelp
	case key.Matches(k, km.Browse):
		return m.toggleBrowse()
	case key.Matches(k, km.CellUp):
		m.moveCell(-1, 0)
	case key.Matches(k, km.CellDown):
		m.moveCell(1, 0)
	case key.Matches(k, km.CellLeft):
		m.moveCell(0, -1)
	case key.Matches(k, km.CellRight):
		m.moveCell(0, 1)
	case key.Matches(k, km.NextProbe):
		m.moveProbe(1)
	case key.Matches(k, km.PrevProbe):
		m.moveProbe(-1)
	case key.Matches(k, km.MostConfused):
		m.toggleMost()
	case key.Matches(k, km.PaneN):
		if tabs := tabbedPanes(); len(k.Text) == 1 && k.Text[0] >= '1' && int(k.Text[0]-'1') < len(tabs) {
			m.tab = tabs[k.Text[0]-'1']
		}
	case key.Matches(k, km.Menu) && m.browse.on && !m.showHelp:
		return m.toggleBrowse()
	case key.Matches(k, km.Menu):
		if m.showHelp {
			m.showHelp = false
			return nil
		}
		m.run.on = false
		m.screen = screenLauncher
	case key.Matches(k, km.StepNeuron):
		m.step(network.ByNeuron)
	case key.Matches(k, km.StepPhase):
		m.step(network.ByPhase)
	case key.Matches(k, km.StepSample):
		m.step(network.BySample)
	case key.Matches(k, km.StepBatch):
		m.step(network.ByBatch)
	case key.Matches(k, km.StepEpoch):
		if len(s.data.Train.X) <= syncEpochSamples || s.st.Hyper().Rule != network.Backprop {
			m.step(network.ByEpoch)
			break
		}
		// a big epoch (MNIST: ~0.75 s) runs in ticks so keys stay live
		if !m.run.on {
			if m.toggleRun(); !m.run.on {
				return nil // refused (diverged), with its flash
			}
			m.run.toEpoch = true
			m.setFlash("running to the end of the epoch (r pauses)", false)
			return m.tickCmd(0)
		}
		m.run.toEpoch = true
	case key.Matches(k, km.Run):
		return m.toggleRun()
	case key.Matches(k, km.Faster):
		m.run.speed = min(m.run.speed+1, len(speedLevels())-1)
		m.setFlash("speed: "+speedLabel(m.run.speed), false)
	case key.Matches(k, km.Slower):
		m.run.speed = max(m.run.speed-1, 0)
		m.setFlash("speed: "+speedLabel(m.run.speed), false)
	case key.Matches(k, km.Undo):
		if s.st.Undo() {
			s.version++
			m.setFlash(fmt.Sprintf("undone (%d more)", s.st.UndoDepth()), false)
		} else {
			m.setFlash("nothing to undo", true)
		}
	case key.Matches(k, km.Reset):
		m.run.on = false
		s.st.Reset()
		s.version++
		m.setFlash(fmt.Sprintf("reset to the initial weights (seed %d)", s.st.Hyper().Seed), false)
	case key.Matches(k, km.Reseed):
		m.run.on = false
		seed := s.st.Hyper().Seed + 1
		s.st.Reseed(seed)
		s.setup.Hyper = s.st.Hyper()
		s.version++
		m.setFlash(fmt.Sprintf("new initial weights from seed %d", seed), false)
	case key.Matches(k, km.Up):
		m.moveFocus(0, -1)
	case key.Matches(k, km.Down):
		m.moveFocus(0, 1)
	case key.Matches(k, km.Left):
		m.moveFocus(-1, 0)
	case key.Matches(k, km.Right):
		m.moveFocus(1, 0)
	case key.Matches(k, km.NextWeight):
		m.cycleWeight(1)
	case key.Matches(k, km.PrevWeight):
		m.cycleWeight(-1)
	case key.Matches(k, km.EditValue):
		m.editValue()
	case key.Matches(k, km.Follow):
		m.follow = !m.follow
		if m.follow {
			m.setFlash("the focus follows neuron and phase steps", false)
		} else {
			m.setFlash("the focus stays where you put it", false)
		}
	case key.Matches(k, km.LRDown), key.Matches(k, km.LRUp):
		h := s.st.Hyper()
		h.Eta = lrStep(h.Eta, key.Matches(k, km.LRUp))
		m.setHyper(h, fmt.Sprintf("η = %g", h.Eta))
	case key.Matches(k, km.LRPrompt):
		m.prompt = newPrompt(promptLR, "learning rate η", strconv.FormatFloat(s.st.Hyper().Eta, 'g', -1, 64))
	case key.Matches(k, km.BatchDown), key.Matches(k, km.BatchUp):
		h := s.st.Hyper()
		if key.Matches(k, km.BatchUp) {
			h.Batch = min(h.Batch*2, max(len(s.data.Train.X), 1))
		} else {
			h.Batch = max(h.Batch/2, 1)
		}
		m.setHyper(h, fmt.Sprintf("batch size m = %d", h.Batch))
	case key.Matches(k, km.Optimizer):
		h := s.st.Hyper()
		h.Opt = (h.Opt + 1) % (network.Adam + 1)
		if h.Opt == network.Adam && h.Eta > 0.1 {
			h.Eta = 0.01
		}
		m.setHyper(h, fmt.Sprintf("optimizer %s, η = %g", h.Opt, h.Eta))
	case key.Matches(k, km.Cost):
		m.cycleCost()
	case key.Matches(k, km.Activation):
		m.cycleActivation()
	case key.Matches(k, km.AddNeuron), key.Matches(k, km.DelNeuron):
		m.resizeLayer(key.Matches(k, km.AddNeuron))
	case key.Matches(k, km.AddLayer):
		m.addLayer()
	case key.Matches(k, km.DelLayer):
		m.delLayer()
	case key.Matches(k, km.Dataset):
		var names []string
		for _, in := range datasets.Names() {
			names = append(names, in.Name)
		}
		p := newPrompt(promptDataset, "data set", s.setup.Data.Name)
		p.input.ShowSuggestions = true
		p.input.SetSuggestions(names)
		m.prompt = p
		m.setFlash("built in: "+strings.Join(names, " "), false)
	case key.Matches(k, km.Noise):
		m.prompt = newPrompt(promptNoise, "noise ("+setup.NoiseRange()+")", strconv.FormatFloat(s.setup.Data.Noise, 'g', -1, 64))
	case key.Matches(k, km.Split):
		split := s.setup.Data.Split
		if n := len(s.data.Train.X) + len(s.data.Test.X); split == 0 && n > 0 {
			// 0 means "the set's default": show the fraction in force (qa3 #11)
			split = math.Round(100*float64(len(s.data.Train.X))/float64(n)) / 100
		}
		m.prompt = newPrompt(promptSplit, "train fraction (0..1], 1 = no test set", strconv.FormatFloat(split, 'g', -1, 64))
	case key.Matches(k, km.Save):
		m.prompt = newPrompt(promptSave, "save model as", s.fileStem()+".json")
	case key.Matches(k, km.Load):
		m.prompt = newPrompt(promptLoad, "load model file", "")
	case key.Matches(k, km.SaveHistory):
		m.prompt = newPrompt(promptHistory, "save loss history (CSV) as", s.fileStem()+"-history.csv")
	case key.Matches(k, km.NextPane):
		m.nextTab()
	case key.Matches(k, km.Theme):
		m.cycleTheme()
	}
	return nil
}

func speedLabel(i int) string {
	n := speedLevels()[i]
	if n == 0 {
		return "full"
	}
	return fmt.Sprintf("%d/tick", n)
}

// lrStep moves η along 1, 2, 5, 10, ... (the nearest step up or down).
func lrStep(eta float64, up bool) float64 {
	if !(eta > 0) || math.IsInf(eta, 0) {
		return 0.1
	}
	e := math.Floor(math.Log10(eta))
	steps := []float64{1, 2, 5, 10}
	base := math.Pow(10, e)
	if up {
		for _, s := range steps {
			if v := s * base; v > eta*(1+1e-9) {
				return v
			}
		}
		return 10 * base
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if v := steps[i] * base; v < eta*(1-1e-9) {
			return v
		}
	}
	return base / 2
}

func (m *Model) setHyper(h network.Hyper, ok string) {
	s := m.sess
	if err := s.st.SetHyper(h); err != nil {
		m.setFlash(err.Error(), true)
		return
	}
	s.setup.Hyper = h
	s.version++
	m.setFlash(ok, false)
}

func (m *Model) step(g network.Granularity) {
	s := m.sess
	m.run.on = false
	m.browse.noProbe = true // the panes follow training again
	err := s.st.Step(g)
	s.version++
	if err != nil {
		m.setFlash(err.Error(), true)
		return
	}
	if m.follow && (g == network.ByNeuron || g == network.ByPhase) {
		m.followStep(g)
	}
}

// followStep focuses the neuron (or layer) the last step computed: the
// forward or backward neuron, or the output layer for cost and δ^L.
func (m *Model) followStep(g network.Granularity) {
	s := m.sess
	p := s.st.Pos()
	sizes := m.layerSizes()
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

func (m *Model) toggleRun() tea.Cmd {
	if m.run.on {
		m.run.on = false
		m.setFlash("paused", false)
		return nil
	}
	if st := m.sess.st.Status(); st == network.Diverged {
		m.setFlash("training diverged: undo (u) or reset (R) first", true)
		return nil
	}
	m.run.on = true
	m.run.id++
	m.run.last = time.Time{}
	m.run.samples = 0
	m.run.snapped = false
	m.run.toEpoch = false
	return m.tickCmd(tickPeriod)
}

func (m *Model) tickCmd(d time.Duration) tea.Cmd {
	id := m.run.id
	return tea.Tick(d, func(time.Time) tea.Msg { return runTickMsg{id: id} })
}

// onTick trains for one tick and schedules the next. Training happens here,
// in Update, within a budget, so the screen redraws once per tick and keys
// are handled between ticks.
func (m *Model) onTick(msg runTickMsg) tea.Cmd {
	if !m.run.on || msg.id != m.run.id || m.sess == nil || m.screen != screenTrainer {
		return nil
	}
	start := time.Now()
	s := m.sess
	before, hist := s.st.Pos(), len(s.st.History())
	evBefore, _ := s.st.Evaluating()
	n, err := m.trainTick()
	end := time.Now()
	if ev, _ := s.st.Evaluating(); n > 0 || s.st.Pos() != before || len(s.st.History()) != hist || ev != evBefore {
		s.version++
	}
	if m.run.snapped {
		m.run.snapVer = s.version
	}
	if !m.run.last.IsZero() {
		if dt := end.Sub(m.run.last).Seconds(); dt > 0 {
			r := float64(n) / dt
			if m.run.rate == 0 {
				m.run.rate = r
			} else {
				m.run.rate = 0.8*m.run.rate + 0.2*r
			}
		}
	}
	m.run.last = end
	m.run.samples += n
	if m.run.toEpoch && err == nil && s.st.Pos().Phase == network.PhaseEpochEnd {
		m.run.on, m.run.toEpoch = false, false
		m.setFlash(fmt.Sprintf("epoch %d done", epochShown(s.st.Pos())), false)
		return nil
	}
	if err != nil || s.st.Status() != network.Training {
		m.run.on = false
		if err != nil {
			m.setFlash(err.Error(), true)
		} else {
			m.setFlash("stopped: "+s.st.Status().String(), false)
		}
		return nil
	}
	return m.tickCmd(max(tickPeriod-end.Sub(start), 5*time.Millisecond))
}

// shownPath is how a save path is shown: in a sandbox (SSH) the plain name
// the user typed, never the server's folders (qa3 #12).
func (m *Model) shownPath(path, typed string) string {
	if m.opts.Sandbox {
		return strings.TrimSpace(typed)
	}
	return path
}

// hidePath rewrites a save/load error for a sandbox: the typed name instead
// of the server's path, and for a missing file the names that do exist.
func (m *Model) hidePath(err error, path, typed string) error {
	if !m.opts.Sandbox {
		return err
	}
	name := strings.TrimSpace(typed)
	if errors.Is(err, fs.ErrNotExist) {
		var have []string
		if ents, e := os.ReadDir(m.opts.SaveDir); e == nil {
			for _, e := range ents {
				if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
					have = append(have, e.Name())
				}
			}
		}
		if len(have) == 0 {
			return fmt.Errorf("no saved model %q (you have none yet: S saves one)", name)
		}
		return fmt.Errorf("no saved model %q (yours: %s)", name, strings.Join(have, ", "))
	}
	msg := strings.ReplaceAll(err.Error(), path, name)
	msg = strings.ReplaceAll(msg, m.opts.SaveDir, "")
	return errors.New(msg)
}

// syncEpochSamples: up to this many training samples the step-epoch key
// steps the epoch at once (digits: ~10 ms); bigger sets run to the epoch's
// end in run-mode ticks.
const syncEpochSamples = 10_000

// trainTick runs one tick's worth of samples at the current speed.
func (m *Model) trainTick() (int, error) {
	st := m.sess.st
	per := speedLevels()[m.run.speed]
	want := time.Duration(float64(tickPeriod) * budgetShare)
	if per > 0 {
		want = tickPeriod / 4
	}
	grant := want
	if m.opts.Budget != nil {
		grant = m.opts.Budget.Grant(want)
		if grant <= 0 {
			return 0, nil
		}
	}
	start := time.Now()
	var n int
	var err error
	cont := m.run.snapped && m.sess.version == m.run.snapVer
	if m.run.toEpoch {
		left := st.EpochLeft()
		switch {
		case left == 0:
			st.EvaluateFor(grant)
		case cont:
			n, err = st.RunOn(left, grant)
		default:
			n, err = st.RunUpTo(left, grant)
			m.run.snapped = true
		}
		if m.opts.Budget != nil {
			m.opts.Budget.Done(time.Since(start))
		}
		return n, err
	}
	switch _, due := st.Evaluating(); {
	case per > 0 && due > 0:
		st.EvaluateFor(grant) // slow speeds: the epoch's evaluation in slices too
	case cont && per > 0:
		n, err = st.RunOn(per, 0)
	case cont:
		n, err = st.RunOn(0, grant)
	case per > 0:
		n, err = st.Run(per)
		m.run.snapped = true
	default:
		n, err = st.RunFor(grant)
		m.run.snapped = true
	}
	if m.opts.Budget != nil {
		m.opts.Budget.Done(time.Since(start))
	}
	return n, err
}

func (m *Model) layerSizes() []int {
	if net := m.sess.st.Net(); net != nil {
		return net.Sizes
	}
	return m.sess.setup.Net.Sizes
}

func (m *Model) moveFocus(dl, dn int) {
	s := m.sess
	sizes := m.layerSizes()
	if len(sizes) == 0 {
		return
	}
	f := &s.focus
	if dl != 0 {
		old := f.Layer
		f.Layer = max(0, min(f.Layer+dl, len(sizes)-1))
		if f.Layer != old && sizes[old] > 0 {
			// keep the relative height when moving between layers
			f.Neuron = f.Neuron * sizes[f.Layer] / sizes[old]
		}
	}
	f.Neuron += dn
	if n := sizes[f.Layer]; f.Neuron < 0 {
		f.Neuron = n - 1
	} else if f.Neuron >= n {
		f.Neuron = 0
	}
	s.clampFocus()
}

// cycleWeight moves the edited weight through w_0 .. w_{in−1}, then the bias.
func (m *Model) cycleWeight(d int) {
	s := m.sess
	sizes := m.layerSizes()
	if s.focus.Layer == 0 {
		m.setFlash("inputs have no incoming weights: focus a neuron with → or l", true)
		return
	}
	in := sizes[s.focus.Layer-1]
	// positions 0..in−1 are weights, in is the bias
	p := s.focus.Weight
	if p < 0 {
		p = in
	}
	p = (p + d + in + 1) % (in + 1)
	if p == in {
		p = -1
	}
	s.focus.Weight = p
}

func (m *Model) editValue() {
	s := m.sess
	f := s.focus
	net := s.st.Net()
	if f.Layer == 0 || net == nil {
		m.setFlash("inputs have no weights: focus a neuron in a layer (→ or l)", true)
		return
	}
	ly := net.Layers[f.Layer-1]
	label := fmt.Sprintf("bias b of neuron %d in layer %d", f.Neuron+1, f.Layer)
	v := ly.B[f.Neuron]
	if f.Weight >= 0 {
		label = fmt.Sprintf("weight w%d of neuron %d in layer %d", f.Weight+1, f.Neuron+1, f.Layer)
		v = ly.W[f.Neuron*ly.In+f.Weight]
	}
	m.prompt = newPrompt(promptWeight, label, strconv.FormatFloat(v, 'g', 6, 64))
}

func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", strings.TrimSpace(s))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q: need a finite number", strings.TrimSpace(s))
	}
	return v, nil
}

// submit applies a prompt's answer.
func (m *Model) submit(p *prompt) error {
	val := p.input.Value()
	switch p.kind {
	case promptCSV:
		path, err := resolvePath(val, m.opts.Sandbox, m.opts.SaveDir)
		if err != nil {
			return err
		}
		setup := Setup{
			Data:  datasets.Spec{Name: path, Seed: 1, Normalize: true},
			Net:   network.Spec{Sizes: []int{0, 8, 0}, Acts: []network.Activation{network.Sigmoid, network.Sigmoid}, Cost: network.CrossEntropy},
			Hyper: setup.Presets()[0].Setup.Hyper,
		}
		setup.Hyper.Rule, setup.Hyper.Eta, setup.Hyper.Batch = network.Backprop, 0.5, 10
		s, err := newSession("", setup, m.opts.Limits)
		if err != nil {
			return err
		}
		m.open(s)
		return nil
	case promptLoad:
		path, err := resolvePath(val, m.opts.Sandbox, m.opts.SaveDir)
		if err != nil {
			return err
		}
		s, err := loadSession(path, m.opts.Limits)
		if err != nil {
			return m.hidePath(err, path, val)
		}
		m.open(s)
		m.setFlash("loaded "+m.shownPath(path, val), false)
		return nil
	}
	s := m.sess
	if s == nil {
		return errors.New("no network open")
	}
	switch p.kind {
	case promptSave:
		path, err := resolvePath(val, m.opts.Sandbox, m.opts.SaveDir)
		if err != nil {
			return err
		}
		mf, err := s.modelFile()
		if err != nil {
			return err
		}
		if err := mf.Save(path); err != nil {
			return m.hidePath(err, path, val)
		}
		switch shown := m.shownPath(path, val); s.st.Pos().Phase {
		case network.PhaseIdle, network.PhaseAccumulate, network.PhaseUpdate, network.PhaseEpochEnd:
			m.setFlash("saved "+shown, false)
		default:
			m.setFlash("saved "+shown+" (mid-sample: it resumes at the start of this sample)", false)
		}
	case promptHistory:
		hist := s.st.History()
		if len(hist) == 0 {
			return errors.New("no epoch has finished yet: the history has no rows")
		}
		path, err := resolvePath(val, m.opts.Sandbox, m.opts.SaveDir)
		if err != nil {
			return err
		}
		if err := network.WriteFileAtomic(path, network.HistoryCSV(hist)); err != nil {
			return m.hidePath(err, path, val)
		}
		m.setFlash(fmt.Sprintf("saved %d epochs of loss history to %s", len(hist), m.shownPath(path, val)), false)
	case promptWeight:
		v, err := parseNumber(val)
		if err != nil {
			return err
		}
		f := s.focus
		layer := s.st.Net().Layers[f.Layer-1]
		var old float64
		name := "b"
		if f.Weight < 0 {
			old = layer.B[f.Neuron]
			err = s.st.SetBias(f.Layer-1, f.Neuron, v)
		} else {
			old = layer.W[f.Neuron*layer.In+f.Weight]
			name = fmt.Sprintf("w%d", f.Weight+1)
			err = s.st.SetWeight(f.Layer-1, f.Neuron, f.Weight, v)
		}
		if err != nil {
			return err
		}
		s.version++
		// the Inspector shows the last traced sample: say what changed (qa3 #3)
		m.setFlash(fmt.Sprintf("%s of L%d n%d: %.4g → %.4g (u undoes; the next forward pass uses it)", name, f.Layer, f.Neuron+1, old, v), false)
	case promptLR:
		v, err := parseNumber(val)
		if err != nil {
			return err
		}
		if v <= 0 {
			return fmt.Errorf("η must be > 0, got %g", v)
		}
		h := s.st.Hyper()
		h.Eta = v
		if err := s.st.SetHyper(h); err != nil {
			return err
		}
		s.setup.Hyper = h
		s.version++
	case promptDataset:
		spec := s.setup.Data
		spec.Name = strings.TrimSpace(val)
		spec.Split = 0
		if _, err := resolvePath(spec.Name, false, ""); err != nil {
			return err
		}
		if m.opts.Sandbox && !isBuiltin(spec.Name) {
			return fmt.Errorf("%q is not a built-in data set", spec.Name)
		}
		if err := m.reloadData(spec); err != nil {
			return err
		}
		s.preset = ""
	case promptNoise, promptSplit:
		v, err := parseNumber(val)
		if err != nil {
			return err
		}
		spec := s.setup.Data
		if p.kind == promptNoise {
			if err := setup.CheckNoise(spec.Name, v); err != nil {
				return err
			}
			spec.Noise = v
		} else {
			if v <= 0 || v > 1 {
				return fmt.Errorf("the train fraction must be in (0, 1], got %g", v)
			}
			spec.Split = v
		}
		if err := m.reloadData(spec); err != nil {
			return err
		}
	}
	return nil
}

func isBuiltin(name string) bool {
	for _, in := range datasets.Names() {
		if in.Name == name {
			return true
		}
	}
	return false
}

// reloadData loads spec and keeps the network when its shape still fits;
// otherwise the input and output layers are resized. Training restarts.
func (m *Model) reloadData(spec datasets.Spec) error {
	s := m.sess
	ds, err := m.opts.Limits.LoadData(spec)
	if err != nil {
		return err
	}
	netSpec, err := setup.FitSizes(setup.SpecOf(s.st.Net()), ds)
	if err != nil {
		return err
	}
	if err := m.opts.Limits.Check(netSpec, ds); err != nil {
		return err
	}
	oldData, oldSpec := s.data, s.setup.Data
	s.data, s.setup.Data = ds, spec
	if err := s.rebuild(netSpec, m.opts.Limits, func(l int) int { return l }); err != nil {
		s.data, s.setup.Data = oldData, oldSpec
		return err
	}
	m.run.on = false
	m.setFlash(fmt.Sprintf("data: %s (%d train, %d test); training restarted", ds.Name, len(ds.Train.X), len(ds.Test.X)), false)
	return nil
}

// activationsFor lists the activations a layer may cycle through.
func activationsFor(last bool, outputs int, rule network.Rule) []network.Activation {
	if rule == network.Perceptron {
		return []network.Activation{network.Step}
	}
	a := []network.Activation{network.Sigmoid, network.Tanh, network.ReLU, network.LeakyReLU, network.Linear}
	if last && outputs >= 2 { // softmax on one unit is always 1
		a = append(a, network.Softmax)
	}
	return a
}

func (m *Model) cycleActivation() {
	s := m.sess
	net := s.st.Net()
	l := s.focus.Layer
	if l == 0 || net == nil {
		m.setFlash("inputs have no activation: focus a layer (→ or l)", true)
		return
	}
	spec := setup.SpecOf(net)
	acts := activationsFor(l == len(net.Layers), net.Sizes[l], s.st.Hyper().Rule)
	if l == len(net.Layers) && spec.Cost == network.CrossEntropy {
		// cross-entropy needs outputs in (0, 1): ln a of a tanh or linear
		// output is NaN or a negative cost (qa3 #4)
		acts = slices.DeleteFunc(slices.Clone(acts), func(a network.Activation) bool {
			return a != network.Sigmoid && a != network.Softmax
		})
		if len(acts) <= 1 {
			m.setFlash("cross-entropy needs a sigmoid or softmax output: switch the cost (c) first", true)
			return
		}
	}
	cur := spec.Acts[l-1]
	next := acts[0]
	for i, a := range acts {
		if a == cur {
			next = acts[(i+1)%len(acts)]
		}
	}
	spec.Acts[l-1] = next
	m.restructure(spec, func(i int) int { return i }, fmt.Sprintf("layer %d: %s", l, next))
}

func (m *Model) cycleCost() {
	s := m.sess
	spec := setup.SpecOf(s.st.Net())
	spec.Cost = (spec.Cost + 1) % (network.CrossEntropy + 1)
	if out := spec.Acts[len(spec.Acts)-1]; spec.Cost == network.CrossEntropy && out != network.Sigmoid && out != network.Softmax {
		m.setFlash(fmt.Sprintf("cross-entropy needs a sigmoid or softmax output, not %s: focus the output layer and press a", out), true)
		return
	}
	m.restructure(spec, func(i int) int { return i }, "cost: "+spec.Cost.String())
}

// restructure rebuilds the network keeping its weights where they fit.
func (m *Model) restructure(spec network.Spec, mapOld func(int) int, ok string) {
	m.run.on = false
	if err := m.sess.rebuild(spec, m.opts.Limits, mapOld); err != nil {
		m.setFlash(err.Error(), true)
		return
	}
	m.setFlash(ok+" (training restarted; undo history cleared)", false)
}

func (m *Model) resizeLayer(add bool) {
	s := m.sess
	spec := setup.SpecOf(s.st.Net())
	l := s.focus.Layer
	if l <= 0 || l >= len(spec.Sizes)-1 {
		m.setFlash("focus a hidden layer to add or remove neurons (inputs and outputs follow the data)", true)
		return
	}
	if add {
		spec.Sizes[l]++
	} else {
		if spec.Sizes[l] <= 1 {
			m.setFlash("a layer needs at least one neuron: remove the layer with G", true)
			return
		}
		spec.Sizes[l]--
	}
	m.restructure(spec, func(i int) int { return i }, fmt.Sprintf("layer %d has %d neurons", l, spec.Sizes[l]))
}

func (m *Model) addLayer() {
	s := m.sess
	spec := setup.SpecOf(s.st.Net())
	if len(spec.Sizes) == 0 {
		return
	}
	if s.st.Hyper().Rule == network.Perceptron {
		m.setFlash("the perceptron rule trains a single layer; hidden layers need backprop", true)
		return
	}
	// insert after the focused layer, but always before the output layer
	at := min(max(s.focus.Layer+1, 1), len(spec.Sizes)-1) // index into Sizes
	size, act := 4, network.Sigmoid
	if at-1 >= 1 && at-1 < len(spec.Sizes)-1 {
		size, act = spec.Sizes[at-1], spec.Acts[at-2]
	}
	spec.Sizes = append(spec.Sizes[:at], append([]int{size}, spec.Sizes[at:]...)...)
	spec.Acts = append(spec.Acts[:at-1], append([]network.Activation{act}, spec.Acts[at-1:]...)...)
	ins := at - 1 // index into Layers of the new layer
	m.restructure(spec, func(i int) int {
		switch {
		case i < ins:
			return i
		case i == ins:
			return -1
		}
		return i - 1
	}, fmt.Sprintf("added hidden layer %d (%d neurons)", at, size))
	s.focus = Focus{Layer: at}
	s.clampFocus()
}

func (m *Model) delLayer() {
	s := m.sess
	spec := setup.SpecOf(s.st.Net())
	l := s.focus.Layer
	if l <= 0 || l >= len(spec.Sizes)-1 {
		m.setFlash("focus a hidden layer to remove it", true)
		return
	}
	spec.Sizes = append(spec.Sizes[:l], spec.Sizes[l+1:]...)
	spec.Acts = append(spec.Acts[:l-1], spec.Acts[l:]...)
	del := l - 1
	m.restructure(spec, func(i int) int {
		if i < del {
			return i
		}
		return i + 1
	}, fmt.Sprintf("removed hidden layer %d", l))
}

func (m *Model) nextTab() {
	t := tabbedPanes()
	for i, k := range t {
		if k == m.tab {
			m.tab = t[(i+1)%len(t)]
			return
		}
	}
	m.tab = t[0]
}

// click focuses the neuron under the mouse, or switches tabs.
func (m *Model) click(ms tea.Mouse) {
	w, h := m.area()
	scr := m.layout(w, h)
	if scr.TooSmall || m.showHelp {
		return
	}
	if scr.Tabs.Contains(ms.X, ms.Y) {
		if k, ok := tabAt(ms.X); ok {
			m.tab = k
		}
		return
	}
	r, ok := scr.Pane(PaneTopology)
	if !ok || !r.Contains(ms.X, ms.Y) {
		return
	}
	in := m.paneInput(r.W-2, r.H-2)
	if f, ok := topologyHit(in, ms.X-r.X-1, ms.Y-r.Y-1); ok {
		m.sess.focus = f
		m.sess.clampFocus()
	}
}
