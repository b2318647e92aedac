package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/network"
)

// The trainer's key table: every binding of its keyMap with the action it
// runs, in titled groups. Key presses are looked up in it, and the help
// (`?`) and the README's key table are generated from it.

// command is one binding and its action.
type command struct {
	b  *key.Binding
	do func(t *trainer, k tea.KeyPressMsg) tea.Cmd
}

// keyRow is one line of the help: one command, or two opposite ones that
// share the line (desc then says what both do).
type keyRow struct {
	desc string
	cmds []command
}

// keyGroup is a titled block of rows.
type keyGroup struct {
	title string
	rows  []keyRow
}

// do adapts an action without a result.
func do(f func(t *trainer)) func(*trainer, tea.KeyPressMsg) tea.Cmd {
	return func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { f(t); return nil }
}

// one is a row of one command.
func one(b *key.Binding, f func(*trainer, tea.KeyPressMsg) tea.Cmd) keyRow {
	return keyRow{cmds: []command{{b, f}}}
}

// two is a row of two opposite commands.
func two(desc string, b1 *key.Binding, f1 func(*trainer, tea.KeyPressMsg) tea.Cmd, b2 *key.Binding, f2 func(*trainer, tea.KeyPressMsg) tea.Cmd) keyRow {
	return keyRow{desc: desc, cmds: []command{{b1, f1}, {b2, f2}}}
}

// stepBy is the action of a step key.
func stepBy(g network.Granularity) func(*trainer, tea.KeyPressMsg) tea.Cmd {
	return func(t *trainer, _ tea.KeyPressMsg) tea.Cmd {
		w := t.watchBlowup()
		t.step(g)
		return t.checkBlowup(w)
	}
}

// keyTable binds t's keyMap to t's actions.
func (t *trainer) keyTable() []keyGroup {
	km := &t.keys
	focus := func(dl, dn int) func(*trainer, tea.KeyPressMsg) tea.Cmd {
		return do(func(t *trainer) { t.moveFocus(dl, dn) })
	}
	cell := func(dr, dc int) func(*trainer, tea.KeyPressMsg) tea.Cmd {
		return do(func(t *trainer) { t.moveCell(dr, dc) })
	}
	return []keyGroup{
		{"Step and run", []keyRow{
			two("step neuron/time", &km.StepNeuron, stepBy(network.ByNeuron), &km.StepTime, stepBy(network.ByTime)),
			one(&km.StepPhase, stepBy(network.ByPhase)),
			one(&km.StepSample, stepBy(network.BySample)),
			one(&km.StepBatch, stepBy(network.ByBatch)),
			one(&km.StepEpoch, func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { return t.stepEpoch() }),
			one(&km.Run, func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { return t.toggleRun() }),
			two("faster/slower", &km.Faster, do(func(t *trainer) { t.setSpeed(+1) }), &km.Slower, do(func(t *trainer) { t.setSpeed(-1) })),
			one(&km.Undo, do((*trainer).undo)),
			one(&km.Reset, do((*trainer).reset)),
			one(&km.Reseed, do((*trainer).reseed)),
			{desc: "twin: fork/next/close", cmds: []command{ // the step keys step every twin
				{&km.TwinAdd, do((*trainer).addTwin)},
				{&km.TwinNext, do((*trainer).nextTwin)},
				{&km.TwinClose, func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { return t.closeTwin() }},
			}},
		}},
		{"Focus and edit", []keyRow{
			two("neuron up/down", &km.Up, focus(0, -1), &km.Down, focus(0, 1)),
			two("layer left/right", &km.Left, focus(-1, 0), &km.Right, focus(1, 0)),
			two("next/prev weight/bias", &km.NextWeight, do(func(t *trainer) { t.cycleWeight(1) }), &km.PrevWeight, do(func(t *trainer) { t.cycleWeight(-1) })),
			one(&km.EditValue, do((*trainer).editValue)),
			one(&km.Follow, do((*trainer).toggleFollow)),
			one(&km.GradCheck, do((*trainer).gradCheck)),
		}},
		{"Training settings", []keyRow{
			two("η down/up", &km.LRDown, do(func(t *trainer) { t.stepLR(false) }), &km.LRUp, do(func(t *trainer) { t.stepLR(true) })),
			one(&km.LRPrompt, do((*trainer).askLR)),
			two("batch size ÷2/×2", &km.BatchDown, do(func(t *trainer) { t.stepBatch(false) }), &km.BatchUp, do(func(t *trainer) { t.stepBatch(true) })),
			one(&km.Optimizer, do((*trainer).cycleOptimizer)),
			one(&km.Cost, do((*trainer).cycleCost)),
			one(&km.Activation, do((*trainer).cycleActivation)),
			one(&km.Init, do((*trainer).cycleInit)),
			one(&km.Reg, do((*trainer).cycleReg)),
			two("λ down/up", &km.RegDown, do(func(t *trainer) { t.stepLambda(false) }), &km.RegUp, do(func(t *trainer) { t.stepLambda(true) })),
		}},
		{"Network and data", []keyRow{
			two("add/remove a neuron", &km.AddNeuron, do(func(t *trainer) { t.resizeLayer(true) }), &km.DelNeuron, do(func(t *trainer) { t.resizeLayer(false) })),
			two("add/remove a layer", &km.AddLayer, do((*trainer).addLayer), &km.DelLayer, do((*trainer).delLayer)),
			one(&km.Dataset, do((*trainer).askDataset)),
			one(&km.Noise, do((*trainer).askNoise)),
			two("split, input features", &km.Split, do((*trainer).askSplit), &km.Features, do((*trainer).askFeatures)),
		}},
		{"Files", []keyRow{
			one(&km.Save, do((*trainer).askSave)),
			one(&km.Load, do((*trainer).askLoad)),
			one(&km.SaveHistory, do((*trainer).askHistory)),
			one(&km.Figure, do((*trainer).askFigure)),
		}},
		{"Screen", []keyRow{
			two("next pane/pane n", &km.NextPane, do((*trainer).nextTab), &km.PaneN, func(t *trainer, k tea.KeyPressMsg) tea.Cmd { t.showTab(k.Text); return nil }),
			one(&km.LogLoss, do((*trainer).toggleLogLoss)),
			two("map, sample text", &km.NeuronMap, do((*trainer).toggleNeuronMap), &km.SampleText, func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { return t.sampleText() }),
			two("test, discretize", &km.TestData, do((*trainer).toggleTestData), &km.Discrete, do((*trainer).toggleDiscrete)),
			two("surface w₂/data", &km.SurfParam, do((*trainer).cycleSecond), &km.Whole, do((*trainer).toggleWhole)),
			two("hidden pair/L", &km.HiddenPair, do((*trainer).nextHiddenPair), &km.HiddenLayer, do((*trainer).nextHiddenLayer)),
			two("zoom surface", &km.ZoomIn, do(func(t *trainer) { t.zoomSurface(1) }), &km.ZoomOut, do(func(t *trainer) { t.zoomSurface(-1) })),
			one(&km.Theme, do(func(t *trainer) { t.app.cycleTheme() })),
			one(&km.Lesson, do(func(*trainer) {})), // the root model's: the lesson panel
			one(&km.Help, do((*trainer).toggleHelp)),
			one(&km.Menu, func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { return t.back() }),
			one(&km.Quit, func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { return t.nav.quit() }),
		}},
		{"Confusion browser", []keyRow{
			one(&km.Browse, func(t *trainer, _ tea.KeyPressMsg) tea.Cmd { return t.toggleBrowse() }),
			two("row: actual class", &km.CellUp, cell(-1, 0), &km.CellDown, cell(1, 0)),
			two("column: predicted", &km.CellLeft, cell(0, -1), &km.CellRight, cell(0, 1)),
			two("next/prev sample", &km.NextProbe, do(func(t *trainer) { t.moveProbe(1) }), &km.PrevProbe, do(func(t *trainer) { t.moveProbe(-1) })),
			one(&km.MostConfused, do((*trainer).toggleMost)),
		}},
		{classKeysTitle, []keyRow{ // the classroom's keys (classroom.update handles them)
			one(&km.Fork, do(func(*trainer) {})),
			one(&km.Rejoin, do(func(*trainer) {})),
			one(&km.Who, do(func(*trainer) {})),
		}},
	}
}

// classKeysTitle is the group of the classroom's keys, which the help
// lists only in a class.
const classKeysTitle = "Class (over SSH)"

// key runs the action bound to k.
func (t *trainer) key(k tea.KeyPressMsg) tea.Cmd {
	if t.sess == nil {
		t.nav.toLauncher()
		return nil
	}
	t.app.flash = ""
	if t.help.open && !key.Matches(k, t.keys.Help, t.keys.Menu) {
		t.help.open = false // any other key acts where it can be seen
	}
	for _, g := range t.table {
		for _, r := range g.rows {
			for _, c := range r.cmds {
				if key.Matches(k, *c.b) {
					return c.do(t, k)
				}
			}
		}
	}
	return nil
}

// back is esc: it closes the help, then the confusion browser, then goes
// back to the launcher.
func (t *trainer) back() tea.Cmd {
	switch {
	case t.help.open:
		t.help.open = false
	case t.whyShown():
		t.why.lines = nil
	case t.textSampleShown():
		t.txt.text = ""
	case t.browse.on:
		return t.toggleBrowse()
	default:
		t.run.on = false
		t.nav.toLauncher()
	}
	return nil
}

// toggleHelp opens the help, turns its page, closes it.
func (t *trainer) toggleHelp() {
	t.help.toggle(len(t.app.helpPages(t.helpGroups(), t.w, t.h)))
}

// showTab shows the tabbed pane numbered by the key typed ("1".."5").
func (t *trainer) showTab(typed string) {
	if tabs := tabbedPanes(); len(typed) == 1 && typed[0] >= '1' && int(typed[0]-'1') < len(tabs) {
		t.tab = tabs[typed[0]-'1']
	}
}

func (t *trainer) setSpeed(d int) {
	t.run.speed = max(0, min(t.run.speed+d, len(speedLevels())-1))
	t.app.setFlash("speed: "+speedLabel(t.run.speed), false)
}

func (t *trainer) undo() {
	s := t.sess
	if s.st.Undo() {
		s.version++
		t.undoTwins()
		t.app.setFlash(fmt.Sprintf("undone (%d more)", s.st.UndoDepth()+len(t.prior)), false)
		return
	}
	if why, ok := t.popPrior(); ok {
		t.app.setFlash(fmt.Sprintf("undone %s: the network is back as it was, epoch %d (%d more)",
			why, epochShown(t.sess.st.Pos()), t.sess.st.UndoDepth()+len(t.prior)), false)
		return
	}
	t.app.setFlash("nothing to undo", true)
}

func (t *trainer) reset() {
	s := t.sess
	t.run.on = false
	s.st.Reset()
	s.version++
	t.resetTwins()
	t.app.setFlash(fmt.Sprintf("reset to the initial weights (seed %d; u undoes)", s.st.Hyper().Seed), false)
}

func (t *trainer) reseed() {
	s := t.sess
	t.run.on = false
	seed := s.st.Hyper().Seed + 1
	s.st.Reseed(seed)
	s.setup.Hyper = s.st.Hyper()
	s.version++
	t.app.setFlash(fmt.Sprintf("new initial weights from seed %d (u undoes)", seed), false)
}

func (t *trainer) toggleFollow() {
	t.follow = !t.follow
	if t.follow {
		t.app.setFlash("the focus follows neuron and phase steps", false)
	} else {
		t.app.setFlash("the focus stays where you put it", false)
	}
}
