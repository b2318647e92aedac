package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"backprop/network"
)

// Issue 18, "Losing work": no key loses a trained network without asking
// or without a way back.

// pressQuits sends one key and reports whether the command it returned
// quits the program.
func pressQuits(m *Model, k string) bool {
	_, cmd := m.Update(keyMsg(k))
	return quits(cmd)
}

// quits runs cmd (and the commands of a batch) and reports whether one of
// them is tea.Quit. Commands that block (a classroom's wait) are not used
// by these tests.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if quits(c) {
				return true
			}
		}
	}
	return false
}

// weightsOf copies the network's weights and biases.
func weightsOf(n *network.Network) [][]float64 {
	var w [][]float64
	for _, l := range n.Layers {
		w = append(w, slices.Clone(l.W), slices.Clone(l.B))
	}
	return w
}

func sameWeights(a, b [][]float64) bool {
	return slices.EqualFunc(a, b, func(x, y []float64) bool { return slices.Equal(x, y) })
}

// xorFromLauncher opens xor from the launcher and trains three epochs.
func xorFromLauncher(t *testing.T, w, h int) *Model {
	t.Helper()
	m := newTestModel(t, Options{Sandbox: true, SaveDir: t.TempDir(), StateDir: t.TempDir()}, w, h)
	cursorTo(t, m, "xor")
	press(m, "enter", "e", "e", "e")
	if m.screen != screenTrainer || m.tr.sess.st.Pos().Epoch != 3 {
		t.Fatalf("xor: screen %d, %+v", m.screen, m.tr.sess.st.Pos())
	}
	return m
}

// esc in the trainer used to drop the trained network for the launcher,
// and esc there quit: two presses lost the work. Now esc keeps it, the
// launcher's first item (and esc) goes back to it, and esc never quits.
func TestEscKeepsTheNetwork(t *testing.T) {
	m := xorFromLauncher(t, 80, 24)
	before := weightsOf(m.tr.sess.st.Net())
	if pressQuits(m, "esc") || m.screen != screenLauncher {
		t.Fatalf("esc in the trainer: screen %d", m.screen)
	}
	scr := screen(t, m)
	if !strings.Contains(scr, "back to xor") || !strings.Contains(scr, "epoch 3, as you left it (not saved)") {
		t.Fatalf("the launcher offers no way back:\n%s", scr)
	}
	if pressQuits(m, "esc") {
		t.Fatal("esc in the launcher quit, dropping the trained network")
	}
	if m.screen != screenTrainer || m.tr.sess.st.Pos().Epoch != 3 || !sameWeights(weightsOf(m.tr.sess.st.Net()), before) {
		t.Fatalf("esc on the launcher should go back to the network as it was: screen %d, %+v", m.screen, m.tr.sess.st.Pos())
	}
	// enter on the first item does the same
	press(m, "esc")
	cursorTo(t, m, "back to xor")
	press(m, "enter")
	if m.screen != screenTrainer || m.tr.sess.st.Pos().Epoch != 3 {
		t.Fatalf("enter on \"back to xor\": screen %d", m.screen)
	}
	// with nothing to go back to, esc says what q does
	f := newTestModel(t, Options{}, 80, 24)
	if pressQuits(f, "esc") || f.screen != screenLauncher || !strings.Contains(screen(t, f), "q quits") {
		t.Errorf("esc on a fresh launcher:\n%s", screen(t, f))
	}
}

// q (and ctrl+c) with unsaved work ask first; y quits, s saves first, n and
// esc stay; with nothing unsaved they quit at once.
func TestQuitAsksFirst(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := xorFromLauncher(t, 80, 24)
		if pressQuits(m, k) {
			t.Fatalf("%s quit with an unsaved network", k)
		}
		scr := screen(t, m)
		if !strings.Contains(scr, "Quit? The xor network (epoch 3) is not saved.") || !strings.Contains(scr, "s save it first") {
			t.Fatalf("%s: no question:\n%s", k, scr)
		}
		if pressQuits(m, "n") || strings.Contains(screen(t, m), "Quit?") || m.screen != screenTrainer {
			t.Fatalf("%s n: should stay", k)
		}
		press(m, k, "esc")
		if strings.Contains(screen(t, m), "Quit?") {
			t.Fatalf("%s esc: the question stays", k)
		}
		press(m, k)
		if !pressQuits(m, k) { // the same key again: quit
			t.Fatalf("%s %s did not quit", k, k)
		}
	}
	// from the launcher too, where the network is kept
	m := xorFromLauncher(t, 80, 24)
	press(m, "esc")
	if pressQuits(m, "q") || !strings.Contains(screen(t, m), "Quit? The xor network (epoch 3) is not saved.") {
		t.Fatal("q on the launcher quit with an unsaved network kept")
	}
	// s: the save prompt, and once saved, quit
	press(m, "s")
	if m.screen != screenTrainer || promptOf(m) == nil || promptOf(m).Label() != "save model as" {
		t.Fatalf("s: screen %d, prompt %v", m.screen, promptOf(m))
	}
	if !pressQuits(m, "enter") {
		t.Fatal("saved, but did not quit")
	}
	if _, err := os.Stat(filepath.Join(m.app.opts.SaveDir, "xor.json")); err != nil {
		t.Fatal(err)
	}
	// saved work, or a network nobody trained: q quits at once
	if !pressQuits(m, "q") {
		t.Error("q after a save should quit at once")
	}
	if f := xorModel(t); !pressQuits(f, "q") {
		t.Error("q on an untouched preset should quit at once")
	}
}

// Opening something else from the launcher (or a network from the bench)
// while the kept network is unsaved asks first.
func TestOpenOtherAsksFirst(t *testing.T) {
	m := xorFromLauncher(t, 80, 24)
	press(m, "esc")
	cursorTo(t, m, "circle")
	press(m, "enter")
	if m.tr.sess.preset != "xor" || !strings.Contains(screen(t, m), "Open circle? The xor network (epoch 3) is not saved.") {
		t.Fatalf("circle over an unsaved xor: no question (session %q)\n%s", m.tr.sess.preset, screen(t, m))
	}
	press(m, "esc")
	if m.screen != screenLauncher || m.tr.sess.preset != "xor" {
		t.Fatal("esc should keep xor")
	}
	press(m, "enter", "y")
	if m.screen != screenTrainer || m.tr.sess.preset != "circle" {
		t.Fatalf("y: screen %d, %q", m.screen, m.tr.sess.preset)
	}
	// the bench's g over an unsaved network
	press(m, "e", "esc")
	cursorTo(t, m, "vacation")
	press(m, "enter", "y", "d", "d", "d", "d") // vacation → … → XOR
	if m.screen != screenBench {
		t.Fatalf("the bench: screen %d", m.screen)
	}
	_, cmd := m.Update(keyMsg("g"))
	m.Update(cmd())
	press(m, "e")
	press(m, "esc")
	cursorTo(t, m, "vacation")
	press(m, "enter")
	if !strings.Contains(screen(t, m), "Open vacation? The ") {
		t.Fatalf("the bench over an unsaved network: no question\n%s", screen(t, m))
	}
}

// At 80×24 a lesson fills the screen: enter (an answer) then esc left the
// lesson drawn over a live launcher, and one more esc quit. Now esc shows
// the launcher, whose "back to the lesson" (or esc) returns to it.
func TestLessonEscShowsTheLauncher(t *testing.T) {
	d := openLessonsFromLauncher(t, t.TempDir(), 80, 24)
	d.press("enter", "esc")
	scr := screen(t, d.m)
	if strings.Contains(scr, "Lesson 1/") || !strings.Contains(scr, "pick something to train") || !strings.Contains(scr, "back to the lesson") {
		t.Fatalf("esc from the lesson should show the launcher:\n%s", scr)
	}
	if pressQuits(d.m, "esc") {
		t.Fatal("a second esc quit")
	}
	if scr := screen(t, d.m); !strings.Contains(scr, "Lesson 1/") || d.m.screen != screenBench {
		t.Fatalf("esc on the launcher should go back to the lesson:\n%s", scr)
	}
	// q in a lesson quits at once: its networks are the lesson's
	if !pressQuits(d.m, "q") {
		t.Error("q in a lesson should quit")
	}
}

// Keys that rebuild the network, load a file over it, reset or reseed are
// undoable with u, and say so.
func TestRebuildsAreUndoable(t *testing.T) {
	m := xorModel(t)
	mf, err := m.tr.sess.modelFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := mf.Save(filepath.Join(m.app.opts.SaveDir, "fresh.json")); err != nil {
		t.Fatal(err)
	}
	press(m, "e", "e", "e", "left")
	for _, keys := range [][]string{
		{"n"}, {"N"}, {"g"}, {"G"}, {"a"}, {"c"}, {"R"}, {"ctrl+r"},
		{"d", "c", "i", "r", "c", "l", "e", "enter"},
		{"x", "0", ".", "5", "enter"},
		{"O", "f", "r", "e", "s", "h", ".", "j", "s", "o", "n", "enter"},
	} {
		undoes(t, m, keys...)
	}
	c := newTestModel(t, Options{Preset: "circle"}, 80, 24)
	press(c, "e")
	undoes(t, c, "z", "0", ".", "1", "enter")

	// several rebuilds undo one by one, then the training itself
	trained := weightsOf(m.tr.sess.st.Net())
	press(m, "n", "n", "u", "u")
	if !sameWeights(weightsOf(m.tr.sess.st.Net()), trained) {
		t.Fatal("n n u u: not the trained network")
	}
	press(m, "u")
	if m.tr.sess.st.Pos().Epoch != 2 {
		t.Errorf("u after the rebuilds: epoch %d, want 2", m.tr.sess.st.Pos().Epoch)
	}
}

// undoes presses keys, checks the report says u undoes it, presses u and
// checks the network, its position and its data are as before.
func undoes(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	s := m.tr.sess
	trained, pos, data, sizes := weightsOf(s.st.Net()), s.st.Pos(), s.data.Name, slices.Clone(s.st.Net().Sizes)
	press(m, keys...)
	if promptOf(m) != nil {
		t.Fatalf("%v: %s", keys, promptOf(m).Err())
	}
	if !strings.Contains(m.app.flash, "u undoes") && !strings.Contains(m.app.flash, "u goes back") {
		t.Errorf("%v: the report does not say it is undoable: %q", keys, m.app.flash)
	}
	if s := m.tr.sess; sameWeights(weightsOf(s.st.Net()), trained) && s.st.Pos() == pos && s.data.Name == data {
		t.Errorf("%v changed nothing", keys)
	}
	press(m, "u")
	s = m.tr.sess
	if !sameWeights(weightsOf(s.st.Net()), trained) || s.st.Pos() != pos || s.data.Name != data || !slices.Equal(s.st.Net().Sizes, sizes) {
		t.Fatalf("%v then u: %v at %+v on %s, want the trained network back (flash %q)", keys, s.st.Net().Sizes, s.st.Pos(), s.data.Name, m.app.flash)
	}
}

// S (and H) over an existing file that is not the session's own replaced
// it without a word: another trained model lost. Now the prompt says the
// file exists, and enter again replaces it; the session's own file is
// saved over at once.
func TestSaveAsksBeforeReplacing(t *testing.T) {
	m := xorModel(t)
	other := filepath.Join(m.app.opts.SaveDir, "other.json")
	if err := os.WriteFile(other, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(m, "e", "S")
	typeText(m, "other.json")
	press(m, "enter")
	if p := promptOf(m); p == nil || !strings.Contains(p.Err(), "other.json exists: enter again replaces it") {
		t.Fatalf("S over another file: %v", p)
	}
	if b, _ := os.ReadFile(other); string(b) != "precious" {
		t.Fatal("the file was replaced without asking")
	}
	press(m, "enter")
	if b, _ := os.ReadFile(other); string(b) == "precious" || promptOf(m) != nil {
		t.Fatalf("enter again should replace it (prompt %v)", promptOf(m))
	}
	press(m, "e", "S") // the session's own file now: no question
	typeText(m, "other.json")
	press(m, "enter")
	if promptOf(m) != nil || !strings.Contains(m.app.flash, "saved other.json") {
		t.Errorf("saving over its own file asked: %v, %q", promptOf(m), m.app.flash)
	}
	// H the same way
	hist := filepath.Join(m.app.opts.SaveDir, "h.csv")
	if err := os.WriteFile(hist, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(m, "H")
	typeText(m, "h.csv")
	press(m, "enter")
	if b, _ := os.ReadFile(hist); string(b) != "precious" || promptOf(m) == nil {
		t.Fatal("H replaced a file without asking")
	}
}

// TestQuitWithTwins: with twins, the quit question names the focused twin
// that s saves, and asks again about the others after it; a saves every
// twin in turn, one file each (xor-A.json, xor-B.json), then quits.
func TestQuitWithTwins(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: dir}, 80, 24)
	press(m, "A", "]", "e", "e")
	if pressQuits(m, "q") {
		t.Fatal("q quit with unsaved twins")
	}
	scr := screen(t, m)
	for _, want := range []string{"Quit? Twin B (the xor network, epoch 2) and twin A (the xor network, epoch 2) are not saved.", "s save twin B first; you'll be asked about A next", "a save every twin first"} {
		if !strings.Contains(strings.Join(strings.Fields(scr), " "), want) {
			t.Fatalf("lacks %q:\n%s", want, scr)
		}
	}
	// s: twin B's save prompt, then the question again about A
	press(m, "s")
	if p := promptOf(m); p == nil || p.Label() != "save twin B as" || p.Value() != "xor-B.json" {
		t.Fatalf("s: prompt %+v", p)
	}
	if _, cmd := m.Update(keyMsg("enter")); quits(cmd) {
		t.Fatal("saving twin B quit with twin A unsaved")
	}
	scr = strings.Join(strings.Fields(screen(t, m)), " ")
	if !strings.Contains(scr, "Quit? Twin A (the xor network, epoch 2) is not saved.") || strings.Contains(scr, "s save twin") || !strings.Contains(scr, "a save twin A first") {
		t.Fatalf("after saving B:\n%s", screen(t, m))
	}
	// a: twin A's prompt (focused), and once saved, quit
	press(m, "a")
	if p := promptOf(m); p == nil || p.Value() != "xor-A.json" || m.tr.twinName() != "A" {
		t.Fatalf("a: prompt %+v, twin %s", p, m.tr.twinName())
	}
	if !pressQuits(m, "enter") {
		t.Fatal("saving the last twin did not quit")
	}
	for _, f := range []string{"xor-A.json", "xor-B.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestQuitTwinsEscKeepsFocus: a (save every twin) focuses the first
// unsaved twin for its save prompt; esc there puts the focus back on the
// twin the user was on.
func TestQuitTwinsEscKeepsFocus(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: t.TempDir()}, 80, 24)
	press(m, "A", "e")
	before := m.tr.twinName()
	if pressQuits(m, "q") {
		t.Fatal("q quit with unsaved twins")
	}
	press(m, "a")
	if p := promptOf(m); p == nil || m.tr.twinName() == before {
		t.Fatalf("a: prompt %+v on twin %s (was %s): want the other twin's save first", p, m.tr.twinName(), before)
	}
	press(m, "esc")
	if promptOf(m) != nil || m.tr.twinName() != before {
		t.Errorf("esc left twin %s focused, want %s", m.tr.twinName(), before)
	}
}
