package tui

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/numfmt"
	"backprop/internal/safetext"
	"backprop/network"
	"backprop/tui/widget"
)

// The trainer's prompts: the keys that open them and what their answers do.

// num shows a number in a prompt and in reports.
func num(v float64) string { return numfmt.G(v, -1) }

func parseNumber(s string) (float64, error) {
	v, err := numfmt.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", strings.TrimSpace(s))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q: need a finite number", strings.TrimSpace(s))
	}
	return v, nil
}

// editValue asks for a new value of the focused weight or bias.
func (t *trainer) editValue() {
	s := t.sess
	f := s.focus
	net := s.st.Net()
	if f.Layer == 0 || net == nil {
		t.app.setFlash("inputs have no weights: focus a neuron in a layer (→ or l)", true)
		return
	}
	ly := net.Layers[f.Layer-1]
	label := fmt.Sprintf("bias b of neuron %d in layer %d", f.Neuron+1, f.Layer)
	v := ly.B[f.Neuron]
	if f.Weight >= 0 {
		label = fmt.Sprintf("weight w%d of neuron %d in layer %d", f.Weight+1, f.Neuron+1, f.Layer)
		v = ly.W[f.Neuron*ly.In+f.Weight]
	}
	t.prompt = newAsk(label, numfmt.G(v, 6), t.setValue)
}

// setValue sets the focused weight or bias (undoable).
func (t *trainer) setValue(p *widget.Prompt) (string, error) {
	s := t.sess
	f := s.focus
	layer := s.st.Net().Layers[f.Layer-1]
	name, old := "b", layer.B[f.Neuron]
	if f.Weight >= 0 {
		name, old = fmt.Sprintf("w%d", f.Weight+1), layer.W[f.Neuron*layer.In+f.Weight]
	}
	name = fmt.Sprintf("%s of L%d n%d", name, f.Layer, f.Neuron+1)
	if !p.Edited() {
		return name + " unchanged", nil
	}
	v, err := parseNumber(p.Value())
	if err != nil {
		return "", err
	}
	if f.Weight < 0 {
		err = s.st.SetBias(f.Layer-1, f.Neuron, v)
	} else {
		err = s.st.SetWeight(f.Layer-1, f.Neuron, f.Weight, v)
	}
	if err != nil {
		return "", err
	}
	s.version++
	// the Inspector shows the last traced sample: say what changed (qa3 #3)
	return widget.Change(name, numfmt.G(old, 4), num(v)) + " (u undoes; the next forward pass uses it)", nil
}

func (t *trainer) askLR() {
	t.prompt = newAsk("learning rate η", num(t.sess.st.Hyper().Eta), t.setLR)
}

// setLR sets η (undoable).
func (t *trainer) setLR(p *widget.Prompt) (string, error) {
	s := t.sess
	h := s.st.Hyper()
	v, err := parseNumber(p.Value())
	if err != nil {
		return "", err
	}
	if v <= 0 {
		return "", fmt.Errorf("η must be > 0, got %s", num(v))
	}
	old := h.Eta
	h.Eta = v
	if err := s.st.SetHyper(h); err != nil {
		return "", err
	}
	s.setup.Hyper = h
	s.version++
	t.etas[h.Opt] = v
	return widget.Change("η", num(old), num(v)), nil
}

func (t *trainer) askDataset() {
	var names []string
	for _, in := range datasets.Names() {
		names = append(names, in.Name)
	}
	p := newAsk("data set", t.sess.setup.Data.Name, t.setDataset)
	p.SetSuggestions(names)
	p.SetNote("built in: " + strings.Join(names, " "))
	t.prompt = p
}

// setDataset switches to another data set (a built-in name or, outside a
// sandbox, a CSV file); training restarts.
func (t *trainer) setDataset(p *widget.Prompt) (string, error) {
	s := t.sess
	spec := s.setup.Data
	old := spec.Name
	spec.Name = strings.TrimSpace(p.Value())
	spec.Split = 0
	if _, err := resolvePath(spec.Name, false, ""); err != nil {
		return "", err
	}
	if t.app.opts.Sandbox && !isBuiltin(spec.Name) {
		return "", fmt.Errorf("%q is not a built-in data set", spec.Name)
	}
	got, err := t.reloadData(spec)
	if errors.Is(err, datasets.ErrUnknown) && isPlainName(spec.Name) && !t.app.exists(spec.Name) {
		// the whole list of built-in names does not fit a prompt's lines;
		// tab completes them
		return "", fmt.Errorf("no data set %q: not a built-in name (tab completes them) and no such file", spec.Name)
	}
	if err != nil {
		return "", err
	}
	s.preset = ""
	return widget.Change("data set", old, spec.Name) + " · " + got, nil
}

func (t *trainer) askNoise() {
	t.prompt = newAsk("noise ("+setup.NoiseRange()+")", num(t.sess.setup.Data.Noise), t.setNoise)
}

func (t *trainer) setNoise(p *widget.Prompt) (string, error) {
	v, err := parseNumber(p.Value())
	if err != nil {
		return "", err
	}
	if err := setup.CheckNoise(t.sess.setup.Data.Name, v); err != nil {
		return "", err
	}
	spec := t.sess.setup.Data
	old := spec.Noise
	spec.Noise = v
	got, err := t.reloadData(spec)
	if err != nil {
		return "", err
	}
	return widget.Change("noise", num(old), num(v)) + " · " + got, nil
}

// split is the train fraction in force: 0 in the spec means the data
// set's default, shown as the fraction it gives (qa3 #11).
func (s *session) split() float64 {
	split := s.setup.Data.Split
	if n := s.data.Train.Len() + s.data.Test.Len(); split == 0 && n > 0 {
		split = math.Round(100*float64(s.data.Train.Len())/float64(n)) / 100
	}
	return split
}

func (t *trainer) askSplit() {
	t.prompt = newAsk("train fraction (0..1], 1 = no test set", num(t.sess.split()), t.setSplit)
}

func (t *trainer) setSplit(p *widget.Prompt) (string, error) {
	v, err := parseNumber(p.Value())
	if err != nil {
		return "", err
	}
	if v <= 0 || v > 1 {
		return "", fmt.Errorf("the train fraction must be in (0, 1], got %s", num(v))
	}
	old := t.sess.split()
	spec := t.sess.setup.Data
	spec.Split = v
	got, err := t.reloadData(spec)
	if err != nil {
		return "", err
	}
	return widget.Change("train fraction", num(old), num(v)) + " · " + got, nil
}

func (t *trainer) askSave() {
	t.replacing = ""
	label, name := "save model as", t.sess.fileStem()+".json"
	if t.twins.on() { // one file a twin
		label, name = "save twin "+t.twinName()+" as", t.sess.fileStem()+"-"+t.twinName()+".json"
	}
	t.prompt = newAsk(label, name, t.save)
}

// save writes the model file atomically.
func (t *trainer) save(p *widget.Prompt) (string, error) {
	s := t.sess
	typed := p.Value()
	path, err := t.app.resolve(typed)
	if err != nil {
		return "", err
	}
	if err := t.replaceOK(path, typed, s.file); err != nil {
		return "", err
	}
	mf, err := s.modelFile()
	if err != nil {
		return "", err
	}
	if err := mf.Save(path); err != nil {
		return "", t.app.hidePath(err, path, typed)
	}
	s.savedVersion, s.file = s.version, path
	shown := t.app.savedPath(path, typed)
	switch s.st.Pos().Phase {
	case network.PhaseIdle, network.PhaseAccumulate, network.PhaseUpdate, network.PhaseEpochEnd:
		return "saved " + shown, nil
	}
	return "saved " + shown + " (mid-sample: it resumes at the start of this sample)", nil
}

func (t *trainer) askLoad() {
	p := newAsk("load model file", "", t.load)
	if names := t.app.modelFiles(); len(names) > 0 {
		p.SetSuggestions(names) // tab completes them
	}
	t.prompt = p
}

// load replaces the session with a saved one.
func (t *trainer) load(p *widget.Prompt) (string, error) {
	s, path, err := loadTyped(t.app, p.Value())
	if err != nil {
		return "", err
	}
	from := t.sess.name()
	t.pushPrior("loading " + t.app.shownPath(path, p.Value()))
	prior, twins := t.prior, t.twins
	t.open(s)
	t.prior, t.twins = prior, twins // the file replaces the focused twin
	return "loaded " + t.app.shownPath(path, p.Value()) + " (u goes back to " + from + ")", nil
}

// askHistory asks for a file name, once there is history to save.
func (t *trainer) askHistory() {
	if len(t.sess.st.History()) == 0 {
		t.app.setFlash("no loss history yet: it has a row per finished epoch (e steps one)", true)
		return
	}
	t.replacing = ""
	t.prompt = newAsk("save loss history (CSV) as", t.sess.fileStem()+"-history.csv", t.saveHistory)
}

// saveHistory writes the loss history as CSV.
func (t *trainer) saveHistory(p *widget.Prompt) (string, error) {
	hist := t.sess.st.History()
	if len(hist) == 0 {
		return "", errors.New("no epoch has finished yet: the history has no rows")
	}
	typed := p.Value()
	path, err := t.app.resolve(typed)
	if err != nil {
		return "", err
	}
	if err := t.replaceOK(path, typed, t.sess.historyFile); err != nil {
		return "", err
	}
	t.sess.historyFile = path
	if err := network.WriteFileAtomic(path, network.HistoryCSV(hist)); err != nil {
		return "", t.app.hidePath(err, path, typed)
	}
	return fmt.Sprintf("saved %s of loss history to %s", numfmt.Count(len(hist), "epoch"), t.app.savedPath(path, typed)), nil
}

// replaceOK refuses, once, to write over an existing file other than
// ours (the session's own): the prompt says so, and enter again on the same
// name replaces it.
func (t *trainer) replaceOK(path, typed, ours string) error {
	if path == ours || path == t.replacing {
		t.replacing = ""
		return nil
	}
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return nil // a new file, or an error the write reports
	}
	t.replacing = path
	return fmt.Errorf("%s exists: enter again replaces it, or type another name", safetext.Line(t.app.shownPath(path, typed)))
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
// It returns what was loaded.
func (t *trainer) reloadData(spec datasets.Spec) (string, error) {
	s := t.sess
	ds, err := t.app.opts.Limits.LoadData(spec)
	if err != nil {
		return "", err
	}
	old := setup.SpecOf(s.st.Net())
	if len(ds.Features) != network.FeatureInputs {
		old.Features = nil // input features are for points of the plane
	}
	netSpec, err := setup.FitSizes(old, ds)
	if err != nil {
		return "", err
	}
	if err := t.app.opts.Limits.Check(netSpec, ds); err != nil {
		return "", err
	}
	drop := t.pushPrior(fmt.Sprintf("the change of data (%s)", safetext.Line(spec.Name)))
	oldData, oldSpec := s.data, s.setup.Data
	s.data, s.setup.Data = ds, spec
	if err := s.rebuild(netSpec, t.app.opts.Limits, func(l int) int { return l }); err != nil {
		s.data, s.setup.Data = oldData, oldSpec
		drop()
		return "", err
	}
	t.run.on = false
	return fmt.Sprintf("%d train, %d test; training restarted (u undoes)", ds.Train.Len(), ds.Test.Len()), nil
}

// promptUpdate gives a message to the open prompt.
func (t *trainer) promptUpdate(msg tea.Msg) tea.Cmd {
	cmd := answer(t.app, &t.prompt, msg)
	if t.later != nil {
		cmd, t.later = tea.Batch(cmd, t.later), nil
	}
	return cmd
}

// isPlainName reports whether s is a bare name (no folder, no idx:), the
// kind a mistyped built-in set is.
func isPlainName(s string) bool { return s != "" && !strings.ContainsAny(s, `/\:`) }
