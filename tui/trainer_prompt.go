package tui

import (
	"backprop/cli/setup"
	"backprop/datasets"
	tea "charm.land/bubbletea/v2"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"backprop/network"
)

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

// The prompts the trainer's keys open.

func (t *trainer) askLR() {
	t.prompt = newPrompt(promptLR, "learning rate η", strconv.FormatFloat(t.sess.st.Hyper().Eta, 'g', -1, 64))
}

func (t *trainer) askDataset() {
	var names []string
	for _, in := range datasets.Names() {
		names = append(names, in.Name)
	}
	p := newPrompt(promptDataset, "data set", t.sess.setup.Data.Name)
	p.input.ShowSuggestions = true
	p.input.SetSuggestions(names)
	t.prompt = p
	t.app.setFlash("built in: "+strings.Join(names, " "), false)
}

func (t *trainer) askNoise() {
	t.prompt = newPrompt(promptNoise, "noise ("+setup.NoiseRange()+")", strconv.FormatFloat(t.sess.setup.Data.Noise, 'g', -1, 64))
}

func (t *trainer) askSplit() {
	s := t.sess
	split := s.setup.Data.Split
	if n := len(s.data.Train.X) + len(s.data.Test.X); split == 0 && n > 0 {
		// 0 means "the set's default": show the fraction in force (qa3 #11)
		split = math.Round(100*float64(len(s.data.Train.X))/float64(n)) / 100
	}
	t.prompt = newPrompt(promptSplit, "train fraction (0..1], 1 = no test set", strconv.FormatFloat(split, 'g', -1, 64))
}

func (t *trainer) askSave() {
	t.prompt = newPrompt(promptSave, "save model as", t.sess.fileStem()+".json")
}

func (t *trainer) askLoad() { t.prompt = newPrompt(promptLoad, "load model file", "") }

func (t *trainer) askHistory() {
	t.prompt = newPrompt(promptHistory, "save loss history (CSV) as", t.sess.fileStem()+"-history.csv")
}

// promptUpdate gives a message to the open prompt: enter submits (an error
// keeps the prompt open and shows why), esc cancels.
func (t *trainer) promptUpdate(msg tea.Msg) tea.Cmd {
	switch k := msg.(type) {
	case tea.KeyPressMsg:
		switch k.String() {
		case "esc":
			t.prompt = nil
			return nil
		case "ctrl+c":
			return tea.Quit
		case "enter":
			p := t.prompt
			if err := t.submit(p); err != nil {
				p.err = err.Error()
				return nil
			}
			if t.prompt == p {
				t.prompt = nil
			}
			return nil
		}
		t.prompt.err = ""
	case tea.MouseMsg:
		return nil
	}
	return t.prompt.update(msg)
}

// submit applies a prompt's answer.
func (t *trainer) submit(p *prompt) error {
	val := p.input.Value()
	switch p.kind {
	case promptLoad:
		s, path, err := loadTyped(t.app, val)
		if err != nil {
			return err
		}
		t.nav.openSession(s)
		t.app.setFlash("loaded "+t.app.shownPath(path, val), false)
		return nil
	}
	s := t.sess
	if s == nil {
		return errors.New("no network open")
	}
	switch p.kind {
	case promptSave:
		path, err := resolvePath(val, t.app.opts.Sandbox, t.app.opts.SaveDir)
		if err != nil {
			return err
		}
		mf, err := s.modelFile()
		if err != nil {
			return err
		}
		if err := mf.Save(path); err != nil {
			return t.app.hidePath(err, path, val)
		}
		switch shown := t.app.shownPath(path, val); s.st.Pos().Phase {
		case network.PhaseIdle, network.PhaseAccumulate, network.PhaseUpdate, network.PhaseEpochEnd:
			t.app.setFlash("saved "+shown, false)
		default:
			t.app.setFlash("saved "+shown+" (mid-sample: it resumes at the start of this sample)", false)
		}
	case promptHistory:
		hist := s.st.History()
		if len(hist) == 0 {
			return errors.New("no epoch has finished yet: the history has no rows")
		}
		path, err := resolvePath(val, t.app.opts.Sandbox, t.app.opts.SaveDir)
		if err != nil {
			return err
		}
		if err := network.WriteFileAtomic(path, network.HistoryCSV(hist)); err != nil {
			return t.app.hidePath(err, path, val)
		}
		t.app.setFlash(fmt.Sprintf("saved %d epochs of loss history to %s", len(hist), t.app.shownPath(path, val)), false)
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
		t.app.setFlash(fmt.Sprintf("%s of L%d n%d: %.4g → %.4g (u undoes; the next forward pass uses it)", name, f.Layer, f.Neuron+1, old, v), false)
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
		if t.app.opts.Sandbox && !isBuiltin(spec.Name) {
			return fmt.Errorf("%q is not a built-in data set", spec.Name)
		}
		if err := t.reloadData(spec); err != nil {
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
		if err := t.reloadData(spec); err != nil {
			return err
		}
	}
	return nil
}
