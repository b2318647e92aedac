package server

import (
	"io"
	"log/slog"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

type tickMsg struct{}

// countingModel counts View calls and shows its tick count.
type countingModel struct{ ticks, views int }

func (m *countingModel) Init() tea.Cmd { return nil }
func (m *countingModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tickMsg); ok {
		m.ticks++
	}
	return m, nil
}
func (m *countingModel) View() tea.View { m.views++; return tea.NewView("") }

func TestGuardFrameLimit(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	inner := &countingModel{}
	se := &session{log: slog.New(slog.NewTextHandler(io.Discard, nil)), cancel: func() {}}
	g := &guard{inner: inner, se: se, minFrame: 100 * time.Millisecond, now: clk.now}
	g.View() // first frame
	refreshCmds := 0
	// 100 ticks at 100 Hz: one second of a running network.
	for i := 0; i < 100; i++ {
		clk.advance(10 * time.Millisecond)
		_, cmd := g.Update(tickMsg{})
		if cmd != nil {
			refreshCmds++
		}
		g.View()
	}
	if inner.views < 9 || inner.views > 12 {
		t.Errorf("100 ticks in 1 s drew %d frames, want about 10", inner.views)
	}
	if g.refreshes != 1 || refreshCmds != 1 {
		t.Errorf("refreshes in flight %d, refresh commands %d; want 1, 1", g.refreshes, refreshCmds)
	}
	// A key press is drawn at once when the last frame is inputFrame old.
	clk.advance(inputFrame)
	before := inner.views
	g.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	g.View()
	if inner.views != before+1 {
		t.Error("frame after a key press was held back")
	}
	// The pending refresh draws the skipped frame.
	g.Update(tickMsg{})
	g.View()
	before = inner.views
	g.Update(frameRefresh{})
	g.View()
	if inner.views != before+1 || g.refreshes != 0 {
		t.Errorf("refresh did not draw (views %d→%d, refreshes %d)", before, inner.views, g.refreshes)
	}
	// A flood of keys (a raw paste) draws one frame per inputFrame, and
	// one refresh, due within inputFrame, draws the last state.
	clk.advance(time.Millisecond)
	before = inner.views
	refreshCmds = 0
	for range 1000 {
		if _, cmd := g.Update(tea.KeyPressMsg{Code: 'x', Text: "x"}); cmd != nil {
			refreshCmds++
		}
		g.View()
	}
	if inner.views != before || refreshCmds != 1 || g.refreshAt.Sub(clk.now()) > inputFrame {
		t.Errorf("1000 keys in one instant: %d frames, %d refreshes due in %s; want 0, 1, ≤ %s",
			inner.views-before, refreshCmds, g.refreshAt.Sub(clk.now()), inputFrame)
	}
	g.Update(frameRefresh{})
	g.View()
	if inner.views != before+1 {
		t.Error("the refresh after a flood of keys did not draw")
	}
	// A key while a running network's frame waits (refresh due in up to
	// minFrame) is drawn within inputFrame: a sooner refresh is scheduled.
	clk.advance(time.Millisecond)
	g.Update(tickMsg{})
	g.View()
	if g.refreshes != 1 || g.refreshAt.Sub(clk.now()) <= inputFrame {
		t.Fatalf("%d refreshes in flight, want 1", g.refreshes)
	}
	clk.advance(time.Millisecond)
	if _, cmd := g.Update(tea.KeyPressMsg{Code: 's', Text: "s"}); cmd == nil || g.refreshAt.Sub(clk.now()) > inputFrame {
		t.Errorf("key behind a held frame: refresh due in %s, want ≤ %s", g.refreshAt.Sub(clk.now()), inputFrame)
	}
	// Under pressure (factor 0.1 → at most 5× slower) frames thin out.
	pressured := &countingModel{}
	gp := &guard{inner: pressured, se: se, minFrame: 100 * time.Millisecond, now: clk.now,
		pressure: func() float64 { return 0.1 }}
	gp.View()
	for i := 0; i < 100; i++ {
		clk.advance(10 * time.Millisecond)
		gp.Update(tickMsg{})
		gp.View()
	}
	if pressured.views < 2 || pressured.views > 4 {
		t.Errorf("under pressure 1 s of ticks drew %d frames, want about 2", pressured.views)
	}
	// No limit: every frame drawn.
	g2 := &guard{inner: &countingModel{}, se: se, now: clk.now}
	for i := 0; i < 5; i++ {
		g2.Update(tickMsg{})
		g2.View()
	}
	if v := g2.inner.(*countingModel).views; v != 5 {
		t.Errorf("unlimited guard drew %d of 5 frames", v)
	}
}
