package tui

import (
	"io"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"

	"backprop/internal/testkit"
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

// keyMsg is the key press name spells (testkit.Key).
func keyMsg(k string) tea.KeyPressMsg { return testkit.Key(k) }

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

// cursorTo moves the launcher's cursor down, as a person would, to the
// first item whose title starts with prefix.
func cursorTo(tb testing.TB, m *Model, prefix string) {
	tb.Helper()
	for range 40 {
		for _, l := range strings.Split(screen(tb, m), "\n") {
			if strings.HasPrefix(l, "▸ "+prefix) {
				return
			}
		}
		press(m, "down")
	}
	tb.Fatalf("no launcher item %q:\n%s", prefix, screen(tb, m))
}
