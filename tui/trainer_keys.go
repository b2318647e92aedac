package tui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/network"
)

// key handles a key press on the trainer screen.
func (t *trainer) key(k tea.KeyPressMsg) tea.Cmd {
	km := &t.keys
	s := t.sess
	if s == nil {
		t.nav.toLauncher()
		return nil
	}
	t.app.flash = ""
	switch {
	case key.Matches(k, km.Quit):
		return tea.Quit
	case key.Matches(k, km.Help):
		t.showHelp = !t.showHelp
	case key.Matches(k, km.Browse):
		return t.toggleBrowse()
	case key.Matches(k, km.CellUp):
		t.moveCell(-1, 0)
	case key.Matches(k, km.CellDown):
		t.moveCell(1, 0)
	case key.Matches(k, km.CellLeft):
		t.moveCell(0, -1)
	case key.Matches(k, km.CellRight):
		t.moveCell(0, 1)
	case key.Matches(k, km.NextProbe):
		t.moveProbe(1)
	case key.Matches(k, km.PrevProbe):
		t.moveProbe(-1)
	case key.Matches(k, km.MostConfused):
		t.toggleMost()
	case key.Matches(k, km.PaneN):
		if tabs := tabbedPanes(); len(k.Text) == 1 && k.Text[0] >= '1' && int(k.Text[0]-'1') < len(tabs) {
			t.tab = tabs[k.Text[0]-'1']
		}
	case key.Matches(k, km.Menu) && t.browse.on && !t.showHelp:
		return t.toggleBrowse()
	case key.Matches(k, km.Menu):
		if t.showHelp {
			t.showHelp = false
			return nil
		}
		t.run.on = false
		t.nav.toLauncher()
	case key.Matches(k, km.StepNeuron):
		t.step(network.ByNeuron)
	case key.Matches(k, km.StepPhase):
		t.step(network.ByPhase)
	case key.Matches(k, km.StepSample):
		t.step(network.BySample)
	case key.Matches(k, km.StepBatch):
		t.step(network.ByBatch)
	case key.Matches(k, km.StepEpoch):
		return t.stepEpoch()
	case key.Matches(k, km.Run):
		return t.toggleRun()
	case key.Matches(k, km.Faster):
		t.run.speed = min(t.run.speed+1, len(speedLevels())-1)
		t.app.setFlash("speed: "+speedLabel(t.run.speed), false)
	case key.Matches(k, km.Slower):
		t.run.speed = max(t.run.speed-1, 0)
		t.app.setFlash("speed: "+speedLabel(t.run.speed), false)
	case key.Matches(k, km.Undo):
		if s.st.Undo() {
			s.version++
			t.app.setFlash(fmt.Sprintf("undone (%d more)", s.st.UndoDepth()), false)
		} else {
			t.app.setFlash("nothing to undo", true)
		}
	case key.Matches(k, km.Reset):
		t.run.on = false
		s.st.Reset()
		s.version++
		t.app.setFlash(fmt.Sprintf("reset to the initial weights (seed %d)", s.st.Hyper().Seed), false)
	case key.Matches(k, km.Reseed):
		t.run.on = false
		seed := s.st.Hyper().Seed + 1
		s.st.Reseed(seed)
		s.setup.Hyper = s.st.Hyper()
		s.version++
		t.app.setFlash(fmt.Sprintf("new initial weights from seed %d", seed), false)
	case key.Matches(k, km.Up):
		t.moveFocus(0, -1)
	case key.Matches(k, km.Down):
		t.moveFocus(0, 1)
	case key.Matches(k, km.Left):
		t.moveFocus(-1, 0)
	case key.Matches(k, km.Right):
		t.moveFocus(1, 0)
	case key.Matches(k, km.NextWeight):
		t.cycleWeight(1)
	case key.Matches(k, km.PrevWeight):
		t.cycleWeight(-1)
	case key.Matches(k, km.EditValue):
		t.editValue()
	case key.Matches(k, km.Follow):
		t.follow = !t.follow
		if t.follow {
			t.app.setFlash("the focus follows neuron and phase steps", false)
		} else {
			t.app.setFlash("the focus stays where you put it", false)
		}
	case key.Matches(k, km.LRDown), key.Matches(k, km.LRUp):
		h := s.st.Hyper()
		h.Eta = lrStep(h.Eta, key.Matches(k, km.LRUp))
		t.setHyper(h, fmt.Sprintf("η = %g", h.Eta))
	case key.Matches(k, km.LRPrompt):
		t.prompt = newPrompt(promptLR, "learning rate η", strconv.FormatFloat(s.st.Hyper().Eta, 'g', -1, 64))
	case key.Matches(k, km.BatchDown), key.Matches(k, km.BatchUp):
		h := s.st.Hyper()
		if key.Matches(k, km.BatchUp) {
			h.Batch = min(h.Batch*2, max(len(s.data.Train.X), 1))
		} else {
			h.Batch = max(h.Batch/2, 1)
		}
		t.setHyper(h, fmt.Sprintf("batch size m = %d", h.Batch))
	case key.Matches(k, km.Optimizer):
		h := s.st.Hyper()
		h.Opt = (h.Opt + 1) % (network.Adam + 1)
		if h.Opt == network.Adam && h.Eta > 0.1 {
			h.Eta = 0.01
		}
		t.setHyper(h, fmt.Sprintf("optimizer %s, η = %g", h.Opt, h.Eta))
	case key.Matches(k, km.Cost):
		t.cycleCost()
	case key.Matches(k, km.Activation):
		t.cycleActivation()
	case key.Matches(k, km.AddNeuron), key.Matches(k, km.DelNeuron):
		t.resizeLayer(key.Matches(k, km.AddNeuron))
	case key.Matches(k, km.AddLayer):
		t.addLayer()
	case key.Matches(k, km.DelLayer):
		t.delLayer()
	case key.Matches(k, km.Dataset):
		var names []string
		for _, in := range datasets.Names() {
			names = append(names, in.Name)
		}
		p := newPrompt(promptDataset, "data set", s.setup.Data.Name)
		p.input.ShowSuggestions = true
		p.input.SetSuggestions(names)
		t.prompt = p
		t.app.setFlash("built in: "+strings.Join(names, " "), false)
	case key.Matches(k, km.Noise):
		t.prompt = newPrompt(promptNoise, "noise ("+setup.NoiseRange()+")", strconv.FormatFloat(s.setup.Data.Noise, 'g', -1, 64))
	case key.Matches(k, km.Split):
		split := s.setup.Data.Split
		if n := len(s.data.Train.X) + len(s.data.Test.X); split == 0 && n > 0 {
			// 0 means "the set's default": show the fraction in force (qa3 #11)
			split = math.Round(100*float64(len(s.data.Train.X))/float64(n)) / 100
		}
		t.prompt = newPrompt(promptSplit, "train fraction (0..1], 1 = no test set", strconv.FormatFloat(split, 'g', -1, 64))
	case key.Matches(k, km.Save):
		t.prompt = newPrompt(promptSave, "save model as", s.fileStem()+".json")
	case key.Matches(k, km.Load):
		t.prompt = newPrompt(promptLoad, "load model file", "")
	case key.Matches(k, km.SaveHistory):
		t.prompt = newPrompt(promptHistory, "save loss history (CSV) as", s.fileStem()+"-history.csv")
	case key.Matches(k, km.NextPane):
		t.nextTab()
	case key.Matches(k, km.Theme):
		t.app.cycleTheme()
	}
	return nil
}
