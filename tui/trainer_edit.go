package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"backprop/cli/setup"
	"backprop/internal/numfmt"
	"backprop/network"
	"backprop/tui/lesson"
	"backprop/tui/widget"
)

// The trainer's actions on its session: focus, edits, hyper-parameters and
// the network's structure.

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

// setHyper changes the hyper-parameters (undoable) and flashes ok; false
// when the engine refused them (the flash says why).
func (t *trainer) setHyper(h network.Hyper, ok string) bool {
	s := t.sess
	if err := s.st.SetHyper(h); err != nil {
		t.app.setFlash(err.Error(), true)
		return false
	}
	s.setup.Hyper = h
	s.version++
	t.app.setFlash(ok, false)
	return true
}

func (t *trainer) layerSizes() []int {
	if net := t.sess.st.Net(); net != nil {
		return net.Sizes
	}
	return t.sess.setup.Net.Sizes
}

func (t *trainer) moveFocus(dl, dn int) {
	s := t.sess
	sizes := t.layerSizes()
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
func (t *trainer) cycleWeight(d int) {
	s := t.sess
	sizes := t.layerSizes()
	if s.focus.Layer == 0 {
		t.app.setFlash("inputs have no incoming weights: focus a neuron with → or l", true)
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

func (t *trainer) cycleActivation() {
	s := t.sess
	net := s.st.Net()
	l := s.focus.Layer
	if l == 0 || net == nil {
		t.app.setFlash("inputs have no activation: focus a layer (→ or l)", true)
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
			t.app.setFlash("cross-entropy needs a sigmoid or softmax output: switch the cost (c) first", true)
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
	t.restructure(spec, func(i int) int { return i }, fmt.Sprintf("layer %d: %s", l, next))
}

func (t *trainer) cycleCost() {
	s := t.sess
	spec := setup.SpecOf(s.st.Net())
	spec.Cost = (spec.Cost + 1) % (network.CrossEntropy + 1)
	if out := spec.Acts[len(spec.Acts)-1]; spec.Cost == network.CrossEntropy && out != network.Sigmoid && out != network.Softmax {
		t.app.setFlash(fmt.Sprintf("cross-entropy needs a sigmoid or softmax output, not %s: focus the output layer and press a", out), true)
		return
	}
	t.restructure(spec, func(i int) int { return i }, "cost: "+spec.Cost.String())
}

// cycleInit draws new weights with the next initialisation scheme
// (xavier → he → uniform → zero → normal → lecun), from the same seed.
func (t *trainer) cycleInit() {
	spec := setup.SpecOf(t.sess.st.Net())
	spec.Init = (spec.Init + 1) % network.Init(len(network.InitNames()))
	t.restructure(spec, nil, "init: "+spec.Init.String()+", new weights")
}

// restructure rebuilds the network keeping its weights where they fit.
func (t *trainer) restructure(spec network.Spec, mapOld func(int) int, ok string) {
	t.run.on = false
	drop := t.pushPrior(ok)
	if err := t.sess.rebuild(spec, t.app.opts.Limits, mapOld); err != nil {
		drop()
		t.app.setFlash(err.Error(), true)
		return
	}
	t.app.setFlash(ok+" (training restarted; u undoes)", false)
}

func (t *trainer) resizeLayer(add bool) {
	s := t.sess
	spec := setup.SpecOf(s.st.Net())
	l := s.focus.Layer
	if l <= 0 || l >= len(spec.Sizes)-1 {
		t.app.setFlash("focus a hidden layer to add or remove neurons (inputs and outputs follow the data)", true)
		return
	}
	if add {
		spec.Sizes[l]++
	} else {
		if spec.Sizes[l] <= 1 {
			t.app.setFlash("a layer needs at least one neuron: remove the layer with G", true)
			return
		}
		spec.Sizes[l]--
	}
	t.restructure(spec, func(i int) int { return i }, fmt.Sprintf("layer %d has %s", l, numfmt.Count(spec.Sizes[l], "neuron")))
}

func (t *trainer) addLayer() {
	s := t.sess
	spec := setup.SpecOf(s.st.Net())
	if len(spec.Sizes) == 0 {
		return
	}
	if s.st.Hyper().Rule == network.Perceptron {
		t.app.setFlash("the perceptron rule trains a single layer; hidden layers need backprop", true)
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
	t.restructure(spec, func(i int) int {
		switch {
		case i < ins:
			return i
		case i == ins:
			return -1
		}
		return i - 1
	}, fmt.Sprintf("added hidden layer %d (%s)", at, numfmt.Count(size, "neuron")))
	s.focus = Focus{Layer: at}
	s.clampFocus()
}

func (t *trainer) delLayer() {
	s := t.sess
	spec := setup.SpecOf(s.st.Net())
	l := s.focus.Layer
	if l <= 0 || l >= len(spec.Sizes)-1 {
		t.app.setFlash("focus a hidden layer to remove it", true)
		return
	}
	spec.Sizes = append(spec.Sizes[:l], spec.Sizes[l+1:]...)
	spec.Acts = append(spec.Acts[:l-1], spec.Acts[l:]...)
	del := l - 1
	t.restructure(spec, func(i int) int {
		if i < del {
			return i
		}
		return i + 1
	}, fmt.Sprintf("removed hidden layer %d", l))
}

// applyScene sets up the trainer part of a lesson step on preset name: a
// fresh session when the preset, layers or seed differ or the trainer is
// not on screen (elsewhere), or the activations or init differ, else a reset
// and η or batch size; then the focus, the pane shown and the step hint.
func (t *trainer) applyScene(sc lesson.Scene, name string, elsewhere bool) error {
	s := t.sess
	if s == nil || s.preset != name || elsewhere || sc.Layers != nil || sc.Seed != 0 || sc.Acts != nil || sc.Init != "" {
		p, err := setup.FindPreset(name)
		if err != nil {
			return err
		}
		setup := t.app.withDataDir(p.Setup)
		if setup.Net, err = sc.ApplyNet(setup.Net); err != nil {
			return err
		}
		setup.Hyper = sc.ApplyHyper(setup.Hyper)
		ns, err := newSession(p.Name, setup, t.app.opts.Limits)
		if err != nil {
			return err
		}
		t.nav.openSession(ns)
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
			t.etas[h.Opt] = h.Eta
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
	if sc.Pane != "" {
		t.tab = paneNamed(sc.Pane)
	}
	if sc.Step != "" {
		t.app.setFlash(stepHint(sc.Step), false)
	}
	t.run.on = false
	return nil
}

// paneNamed is the tabbed pane a lesson scene names (lesson.PaneNames:
// its name in lower case); Boundary for any other.
func paneNamed(name string) PaneKind {
	for _, k := range tabbedPanes() {
		if strings.EqualFold(k.String(), name) {
			return k
		}
	}
	return PaneBoundary
}

// stepLR moves η one step along 1, 2, 5, 10, ….
func (t *trainer) stepLR(up bool) {
	h := t.sess.st.Hyper()
	old := h.Eta
	h.Eta = lrStep(h.Eta, up)
	if t.setHyper(h, widget.Change("η", num(old), num(h.Eta))) {
		t.etas[h.Opt] = h.Eta
	}
}

// stepBatch halves or doubles the mini-batch size m, within 1 and the
// training set's size.
func (t *trainer) stepBatch(up bool) {
	s := t.sess
	h := s.st.Hyper()
	if up {
		h.Batch = min(h.Batch*2, max(s.data.Train.Len(), 1))
	} else {
		h.Batch = max(h.Batch/2, 1)
	}
	old := s.st.Hyper().Batch
	report := widget.Change("batch size m", fmt.Sprint(old), fmt.Sprint(h.Batch))
	switch p := s.st.Pos(); p.Phase {
	case network.PhaseIdle, network.PhaseUpdate, network.PhaseEpochEnd:
	default:
		if cur := s.st.BatchSize(); cur != h.Batch {
			report += fmt.Sprintf(" from the next mini-batch (this one keeps its %d)", cur)
		}
	}
	t.setHyper(h, report)
}

// cycleOptimizer switches SGD → momentum → Adam → SGD, each with the η
// last set for it in this session, else its default (defaultEta).
func (t *trainer) cycleOptimizer() {
	h := t.sess.st.Hyper()
	h.Opt = (h.Opt + 1) % (network.Adam + 1)
	eta, set := t.etas[h.Opt]
	if !set {
		eta = defaultEta(h.Opt, h.Eta)
	}
	h.Eta = eta
	t.setHyper(h, fmt.Sprintf("optimizer %s, η = %s", h.Opt, num(h.Eta)))
}

// defaultEta is the η an optimizer starts with when none was set for it:
// Adam's steps are η-sized whatever the gradient, so it takes 0.01 (when
// η is above 0.1); SGD and momentum keep the current η.
func defaultEta(o network.Optimizer, eta float64) float64 {
	if o == network.Adam && eta > 0.1 {
		return 0.01
	}
	return eta
}
