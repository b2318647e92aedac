package tui

import (
	"io"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"
)

// newTestModel builds a model at w×h with a fixed (mono) look so screens
// are deterministic.
func newTestModel(tb testing.TB, opts Options, w, h int) *Model {
	tb.Helper()
	if opts.Theme == "" {
		opts.Theme = "dark"
	}
	m, err := New(opts)
	if err != nil {
		tb.Fatalf("New(%+v): %v", opts, err)
	}
	send(m, tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	send(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// send feeds one message to the model and discards the command (tests drive
// ticks themselves).
func send(m *Model, msg tea.Msg) { m.Update(msg) }

// press sends key presses: single characters, or names like "space",
// "enter", "esc", "tab", "up".
func press(m *Model, keys ...string) {
	for _, k := range keys {
		send(m, keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+z":
		return tea.KeyPressMsg{Code: 'z', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	code := r
	if r >= 'A' && r <= 'Z' {
		return tea.KeyPressMsg{Code: r + 'a' - 'A', ShiftedCode: r, Text: k, Mod: tea.ModShift}
	}
	return tea.KeyPressMsg{Code: code, Text: k}
}

func typeText(m *Model, s string) {
	for _, r := range s {
		send(m, keyMsg(string(r)))
	}
}

// screen renders the model's View through an x/vt emulator and returns the
// visible text (what a person would see, without colours).
func screen(tb testing.TB, m *Model) string {
	tb.Helper()
	v := m.View()
	emu := vt.NewEmulator(max(m.w, 1), max(m.h, 1))
	done := make(chan struct{})
	go func() { // the emulator answers queries on its input pipe; drain it
		_, _ = io.Copy(io.Discard, emu)
		close(done)
	}()
	_, _ = emu.WriteString("\x1b[20h") // LNM: "\n" also returns the carriage
	_, _ = emu.WriteString(v.Content)
	s := emu.String()
	// close the input pipe first (the reader sees EOF), then the emulator,
	// so Close doesn't race with Read
	if c, ok := emu.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
	<-done
	_ = emu.Close()
	return s
}

// promptOf is the prompt open on the screen shown, or nil.
func promptOf(m *Model) *ask {
	switch m.screen {
	case screenLauncher:
		return m.menu.prompt
	case screenTrainer:
		return m.tr.prompt
	}
	return nil
}
