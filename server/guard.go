package server

import (
	"fmt"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
)

// guard wraps a session's model: it records input for the idle timer and
// turns a panic in Init, Update, View or a Cmd into a logged, clean end of
// that one session (bubbletea's own catcher stays on as a backstop).
type guard struct {
	inner   tea.Model
	se      *session
	crashed bool
}

// panicMsg carries a panic out of a Cmd goroutine.
type panicMsg struct {
	value any
	stack string
}

func (g *guard) fail(where string, r any, stack string) {
	g.crashed = true
	g.se.crash(where, r, stack)
}

func (g *guard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.fail("Init", r, string(debug.Stack()))
			cmd = tea.Quit
		}
	}()
	return wrapCmd(g.inner.Init())
}

func (g *guard) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if g.crashed {
		return g, tea.Quit
	}
	switch msg := msg.(type) {
	case panicMsg:
		g.fail("Cmd", msg.value, msg.stack)
		return g, tea.Quit
	case tea.KeyPressMsg, tea.KeyReleaseMsg, tea.MouseMsg, tea.PasteMsg:
		g.se.touch()
	}
	defer func() {
		if r := recover(); r != nil {
			g.fail("Update", r, string(debug.Stack()))
			m, cmd = g, tea.Quit
		}
	}()
	inner, c := g.inner.Update(msg)
	g.inner = inner
	return g, wrapCmd(c)
}

func (g *guard) View() (v tea.View) {
	if g.crashed {
		return tea.NewView("")
	}
	defer func() {
		if r := recover(); r != nil {
			g.fail("View", r, string(debug.Stack()))
			v = tea.NewView("")
		}
	}()
	return g.inner.View()
}

// wrapCmd makes cmd report a panic as a panicMsg; batches are wrapped one
// level at a time as they are unpacked.
func wrapCmd(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{value: r, stack: string(debug.Stack())}
			}
		}()
		msg = cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(b))
			for i, c := range b {
				out[i] = wrapCmd(c)
			}
			return out
		}
		return msg
	}
}

func (p panicMsg) String() string { return fmt.Sprint(p.value) }
