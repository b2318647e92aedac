package tui

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"backprop/datasets"
	"backprop/network"
)

// pressRun sends a key and runs the commands it returns, feeding their
// messages back (as Bubble Tea would), except ticks and other long waits:
// only the figure's message is followed.
func pressRun(t *testing.T, m *Model, k string) {
	t.Helper()
	_, cmd := m.Update(keyMsg(k))
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(figureSavedMsg); ok {
			m.Update(msg)
		}
	}
}

// runCmd runs cmd and the commands of any batch it returns, and returns
// their messages.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	if _, ok := msg.(figureSavedMsg); ok {
		return []tea.Msg{msg}
	}
	return nil
}

// TestFigureKey: p saves the selected pane's figure, named by default
// after the preset and the figure, in the session folder over SSH; the
// drawing runs in a command and its end is flashed.
func TestFigureKey(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: dir}, 80, 24)
	press(m, "2") // the Loss pane
	press(m, "p")
	if promptOf(m) != nil || !m.app.flashErr || !strings.Contains(m.app.flash, "no loss figure yet") {
		t.Fatalf("loss before any epoch: prompt %v, flash %q", promptOf(m) != nil, m.app.flash)
	}
	press(m, "e", "e", "1", "p")
	p := promptOf(m)
	if p == nil || p.Value() != "xor-boundary.png" || !strings.Contains(screen(t, m), "save the boundary figure (.png, .svg or .pdf) as") {
		t.Fatalf("prompt %+v:\n%s", p, screen(t, m))
	}
	pressRun(t, m, "enter")
	if promptOf(m) != nil {
		t.Fatal("the prompt stayed open")
	}
	if !strings.Contains(m.app.flash, "saved the boundary figure to xor-boundary.png in your saves folder on the server (780×600)") || strings.Contains(m.app.flash, dir) {
		t.Errorf("flash %q", m.app.flash)
	}
	b, err := os.ReadFile(filepath.Join(dir, "xor-boundary.png"))
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != 780 {
		t.Fatalf("the figure: %v", err)
	}
	// Each pane's figure, under a name typed over the default.
	for _, c := range []struct{ pane, name, kind string }{
		{"2", "curve.svg", "loss"}, {"3", "conf.pdf", "confusion"}, {"4", "maps.png", "neurons"}, {"5", "hinton.png", "weights"},
	} {
		press(m, c.pane, "p")
		if p := promptOf(m); p == nil || !strings.Contains(p.Value(), c.kind) {
			t.Fatalf("pane %s: prompt %+v", c.pane, p)
		}
		typeText(m, c.name)
		pressRun(t, m, "enter")
		if st, err := os.Stat(filepath.Join(dir, c.name)); err != nil || st.Size() < 1000 {
			t.Errorf("pane %s: %s not written (%v); flash %q", c.pane, c.name, err, m.app.flash)
		}
	}
	// Hidden space (9): the pair shown on screen, E picks another.
	press(m, "9", "E", "p")
	if p := promptOf(m); p == nil || p.Value() != "xor-hidden.png" {
		t.Fatalf("hidden space: prompt %+v, flash %q", p, m.app.flash)
	}
	pressRun(t, m, "enter")
	if !strings.Contains(m.app.flash, "saved the hidden figure to xor-hidden.png in your saves folder on the server (780×600)") {
		t.Errorf("hidden space: flash %q", m.app.flash)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "xor-hidden.png")); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("hidden space: no PNG (%v)", err)
	}
	// Another file of that name is replaced only when enter is pressed
	// again, even one p saved earlier (a figure is a snapshot).
	if err := os.WriteFile(filepath.Join(dir, "mine.png"), []byte("a student's own file"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(m, "p")
	typeText(m, "mine.png")
	pressRun(t, m, "enter")
	if promptOf(m) == nil || !strings.Contains(screen(t, m), "mine.png exists: enter again replaces it") {
		t.Fatalf("an existing file was not asked about:\n%s", screen(t, m))
	}
	pressRun(t, m, "enter")
	if b, _ := os.ReadFile(filepath.Join(dir, "mine.png")); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("enter again did not replace the file")
	}
	press(m, "p")
	typeText(m, "mine.png")
	pressRun(t, m, "enter")
	if promptOf(m) == nil || !strings.Contains(screen(t, m), "mine.png exists: enter again replaces it") {
		t.Error("a figure saved earlier was replaced without asking")
	}
	pressRun(t, m, "enter")
	if promptOf(m) != nil {
		t.Error("enter again did not replace the figure")
	}
	// Refused names keep the prompt open with the reason.
	for _, bad := range []string{"../up.png", "fig.gif"} {
		press(m, "p")
		typeText(m, bad)
		pressRun(t, m, "enter")
		if promptOf(m) == nil {
			t.Errorf("%q accepted", bad)
		}
		press(m, "esc")
	}
}

// TestFigureKeyFit: on data of one input, p on the Fit pane saves the
// fit; on a sequence set it says why there is no figure.
func TestFigureKeyFit(t *testing.T) {
	dir := t.TempDir()
	su := Setup{Data: datasets.Spec{Name: "sine", Seed: 1},
		Net:   network.Spec{Sizes: []int{1, 8, 1}, Acts: []network.Activation{network.Tanh, network.Linear}, Cost: network.Quadratic, Init: network.InitXavier},
		Hyper: network.DefaultHyper()}
	m := newTestModel(t, Options{Custom: &su, Sandbox: true, SaveDir: dir}, 80, 24)
	press(m, "e", "1", "p")
	if p := promptOf(m); p == nil || !strings.HasSuffix(p.Value(), "-fit.png") || !strings.Contains(screen(t, m), "save the fit figure") {
		t.Fatalf("prompt %+v, flash %q:\n%s", p, m.app.flash, screen(t, m))
	}
	name := promptOf(m).Value()
	pressRun(t, m, "enter")
	if !strings.Contains(m.app.flash, "saved the fit figure to "+name) {
		t.Errorf("flash %q", m.app.flash)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != 780 {
		t.Fatalf("the figure: %v", err)
	}
	echo := newTestModel(t, Options{Preset: "echo", Sandbox: true, SaveDir: dir}, 80, 24)
	press(echo, "1", "p")
	if promptOf(echo) != nil || !strings.Contains(echo.app.flash, "no figure of the Sequence pane for sequence data yet") {
		t.Errorf("echo: prompt %v, flash %q", promptOf(echo) != nil, echo.app.flash)
	}
}

// TestLogLossKey: y switches the Loss chart to a log scale and back.
func TestLogLossKey(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 120, 40)
	press(m, "e", "e", "e")
	if strings.Contains(screen(t, m), "loss/epoch log") {
		t.Fatal("log scale before y")
	}
	press(m, "y")
	if scr := screen(t, m); !strings.Contains(scr, "loss/epoch log") || !strings.Contains(m.app.flash, "log scale") {
		t.Errorf("y: flash %q\n%s", m.app.flash, scr)
	}
	press(m, "y")
	if strings.Contains(screen(t, m), "loss/epoch log") {
		t.Error("y twice: still log")
	}
}

// TestSavedPathLocal: run locally, a save's report gives the absolute path
// of the file (a relative name hides where it went).
func TestSavedPathLocal(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	press(m, "S")
	for range 30 {
		press(m, "backspace")
	}
	typeText(m, "mine.json")
	press(m, "enter")
	if want := "saved " + filepath.Join(dir, "mine.json"); m.app.flash != want {
		t.Errorf("flash %q, want %q", m.app.flash, want)
	}
}
