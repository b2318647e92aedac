package server

import (
	"fmt"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"
)

// guard wraps a session's model: it records input for the idle timer and
// turns a panic in Init, Update, View or a Cmd into a logged, clean end of
// that one session (bubbletea's own catcher stays on as a backstop).
//
// It also limits how often the inner View runs for frames nobody asked for
// (ticks of a running network): at most one per minFrame. Frames caused by
// input or resizes are drawn at once unless one was drawn less than
// inputFrame ago (a flood of keys, a raw paste: Bubble Tea asks for a View
// after every message); a skipped frame is drawn by a refresh message at
// the end of the interval, so the screen is never stale for longer than
// minFrame (inputFrame after input).
type guard struct {
	inner   tea.Model
	se      *session
	crashed bool

	minFrame  time.Duration  // 0: draw every frame
	pressure  func() float64 // nil or 1: no pressure; smaller stretches minFrame
	now       func() time.Time
	view      tea.View
	viewAt    time.Time
	haveView  bool
	force     bool      // input or a resize: draw soon (at once, or after inputFrame)
	due       bool      // a refresh arrived: the next View draws
	refreshes int       // refresh messages in flight
	refreshAt time.Time // when the last one scheduled arrives
}

// inputFrame is the shortest time between two frames drawn for input
// (50 a second, more than a terminal shows).
const inputFrame = 20 * time.Millisecond

// frameRefresh asks for a frame that was skipped.
type frameRefresh struct{}

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
	msg = clampWindow(msg)
	switch msg := msg.(type) {
	case panicMsg:
		g.fail("Cmd", msg.value, msg.stack)
		return g, tea.Quit
	case frameRefresh:
		g.refreshes--
		g.due = true
		return g, nil
	case tea.KeyPressMsg, tea.KeyReleaseMsg, tea.MouseMsg, tea.PasteMsg:
		g.se.touch()
		g.force = true
	case tea.WindowSizeMsg:
		g.force = true
	}
	defer func() {
		if r := recover(); r != nil {
			g.fail("Update", r, string(debug.Stack()))
			m, cmd = g, tea.Quit
		}
	}()
	inner, c := g.inner.Update(msg)
	g.inner = inner
	cmd = wrapCmd(c)
	if wait := g.skipFor(); wait > 0 {
		// One refresh in flight, unless this frame is due sooner (a key
		// while a running network's frame is held back).
		if at := g.now().Add(wait); g.refreshes == 0 || at.Before(g.refreshAt) {
			g.refreshes++
			g.refreshAt = at
			cmd = tea.Batch(cmd, tea.Tick(wait, func(time.Time) tea.Msg { return frameRefresh{} }))
		}
	}
	return g, cmd
}

// skipFor reports how long the next frame would be held back (0: draw).
func (g *guard) skipFor() time.Duration {
	if !g.haveView || g.due {
		return 0
	}
	if g.force {
		return inputFrame - g.now().Sub(g.viewAt)
	}
	if g.minFrame <= 0 {
		return 0
	}
	frame := g.minFrame
	if g.pressure != nil {
		// Under CPU pressure, unrequested frames slow down too (to a
		// fifth of the rate at most); frames after input never wait.
		frame = time.Duration(float64(frame) / max(g.pressure(), 0.2))
	}
	return frame - g.now().Sub(g.viewAt)
}

func (g *guard) View() (v tea.View) {
	if g.crashed {
		return tea.NewView("")
	}
	if g.skipFor() > 0 {
		return g.view
	}
	defer func() {
		if r := recover(); r != nil {
			g.fail("View", r, string(debug.Stack()))
			v = tea.NewView("")
		}
	}()
	g.view = g.inner.View()
	g.viewAt, g.haveView, g.force, g.due = g.now(), true, false, false
	if g.se.srv != nil {
		g.se.srv.frames.Add(1)
	}
	return g.view
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
