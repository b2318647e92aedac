package tui

import (
	"fmt"
	"math"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/network"
	"backprop/tui/panes"
)

// sameNets fails unless a and b hold bit-identical weights and biases.
func sameNets(t *testing.T, what string, a, b *network.Network) {
	t.Helper()
	for l := range a.Layers {
		for i, w := range a.Layers[l].W {
			if math.Float64bits(w) != math.Float64bits(b.Layers[l].W[i]) {
				t.Fatalf("%s: layer %d W[%d]: %v != %v", what, l, i, w, b.Layers[l].W[i])
			}
		}
		for i, v := range a.Layers[l].B {
			if math.Float64bits(v) != math.Float64bits(b.Layers[l].B[i]) {
				t.Fatalf("%s: layer %d B[%d]: %v != %v", what, l, i, v, b.Layers[l].B[i])
			}
		}
	}
}

func differ(a, b *network.Network) bool {
	for l := range a.Layers {
		for i, w := range a.Layers[l].W {
			if math.Float64bits(w) != math.Float64bits(b.Layers[l].W[i]) {
				return true
			}
		}
	}
	return false
}

// runTicks turns run mode on and delivers n ticks, then pauses.
func runTicks(m *Model, n int) {
	press(m, "r")
	for range n {
		m.Update(runTickMsg{id: m.tr.run.id})
	}
	press(m, "r")
}

// TestTwinsLockstep: a twin starts bit-identical to its original (weights,
// data, order); with equal settings the two stay bit-identical through
// every step key and run mode; every step key and run moves every twin
// alike (the same samples); a changed η makes them differ, and only the
// focused twin takes the setting.
func TestTwinsLockstep(t *testing.T) {
	m := newTestModel(t, Options{Preset: "circle"}, 120, 40)
	press(m, "s", "s", "space") // mid-sample
	a := m.tr.sess
	press(m, "A")
	if len(m.tr.twins.list) != 2 || m.tr.sess == a {
		t.Fatalf("A made %d twins, focused the original: %v", len(m.tr.twins.list), m.tr.sess == a)
	}
	b := m.tr.sess
	if b.data != a.data {
		t.Fatal("the twin does not share the data")
	}
	sameNets(t, "forked", a.st.Net(), b.st.Net())
	if a.st.Pos() != b.st.Pos() {
		t.Fatalf("twin at %+v, original at %+v", b.st.Pos(), a.st.Pos())
	}
	check := func(what string) {
		t.Helper()
		sameNets(t, what, a.st.Net(), b.st.Net())
		if a.st.Pos() != b.st.Pos() {
			t.Fatalf("%s: twin at %+v, original at %+v", what, b.st.Pos(), a.st.Pos())
		}
		if fmt.Sprint(a.st.History()) != fmt.Sprint(b.st.History()) {
			t.Fatalf("%s: histories differ", what)
		}
	}
	for _, k := range []string{".", "space", "s", "b", "e"} {
		press(m, k)
		check("after " + k)
	}
	runTicks(m, 30)
	check("after a run")
	press(m, "u")
	check("after undo")
	press(m, "Y") // the original focused: keys act on it, the twin follows
	if m.tr.sess != a {
		t.Fatal("Y did not focus the original")
	}
	press(m, "e", "b")
	check("stepped from the original")

	// one setting changed in the twin: both step alike, and differ
	press(m, "Y", "]")
	if b.st.Hyper().Eta == a.st.Hyper().Eta {
		t.Fatal("] changed the original's η too")
	}
	before := b.st.Pos().Steps
	press(m, "e")
	runTicks(m, 20)
	if a.st.Pos() != b.st.Pos() || b.st.Pos().Steps <= before {
		t.Fatalf("not in lockstep: %+v and %+v", a.st.Pos(), b.st.Pos())
	}
	if !differ(a.st.Net(), b.st.Net()) {
		t.Fatal("a different η left the same weights")
	}
	if len(a.st.History()) != len(b.st.History()) {
		t.Fatalf("histories of %d and %d epochs", len(a.st.History()), len(b.st.History()))
	}
}

// TestTwinsClose: four twins at most; Z on a twin with work asks first
// (esc keeps it), y closes it; the last twin closed leaves no twins.
func TestTwinsClose(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	press(m, "A", "A", "A", "A")
	if n := len(m.tr.twins.list); n != maxTwins {
		t.Fatalf("%d twins, want %d", n, maxTwins)
	}
	if !strings.Contains(m.app.flash, "at most") {
		t.Fatalf("a fifth twin said %q", m.app.flash)
	}
	press(m, "Z") // nothing done in it yet: closes without asking
	if n := len(m.tr.twins.list); n != 3 {
		t.Fatalf("%d twins after X, want 3", n)
	}
	press(m, "e", "Z")
	if m.confirm == nil {
		t.Fatal("closing a twin with work did not ask")
	}
	press(m, "esc")
	if n := len(m.tr.twins.list); n != 3 {
		t.Fatalf("esc closed it: %d twins", n)
	}
	press(m, "Z", "y")
	if n := len(m.tr.twins.list); n != 2 {
		t.Fatalf("%d twins after Z y, want 2", n)
	}
	press(m, "Z", "y")
	if m.tr.twins.on() {
		t.Fatal("twins left after closing all but one")
	}
	if !strings.Contains(screen(t, m), "Compare") {
		t.Fatal("the Compare tab is gone")
	}
}

// TestGoldenCompare: the Compare pane with three twins (η 0.5, η 2 and
// Adam) after some epochs, at 80×24 (the tab) and 120×40 (the middle
// column).
func TestGoldenCompare(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newTestModel(t, Options{Preset: "circle"}, sz[0], sz[1])
			press(m, "A", "]", "]", "A", "[", "[", "o", "e", "e", "e", "e", "e", "e")
			scr := screen(t, m)
			if !strings.Contains(scr, "momentum") || strings.Contains(scr, "momen…") {
				t.Error("the legend cuts twin C's optimizer")
			}
			golden.RequireEqual(t, scr)
		})
	}
}

// TestCompareClick: a click on a legend line focuses that twin.
func TestCompareClick(t *testing.T) {
	m := newTestModel(t, Options{Preset: "circle"}, 120, 40)
	press(m, "A")
	scr := m.tr.layout(120, 40)
	r, ok := scr.Pane(PaneCompare)
	if !ok {
		t.Fatal("no Compare pane at 120×40 after A")
	}
	orig := m.tr.twins.list[0]
	m.Update(tea.MouseClickMsg{X: r.X + 3, Y: r.Y + 1 + 1, Button: tea.MouseLeft}) // twin A's legend row
	if m.tr.sess != orig.s || m.tr.twins.focus != 0 {
		t.Fatalf("the click focused twin %d", m.tr.twins.focus)
	}
}

// TestCompareClickWrapped: at 80×24 twin C's settings wrap onto a second
// legend row; a click on either row focuses C, and the row under them is
// no twin's.
func TestCompareClickWrapped(t *testing.T) {
	m := newTestModel(t, Options{Preset: "circle"}, 80, 24)
	press(m, "A", "]", "]", "A", "[", "[", "o", "e", "e", "8", "Y")
	scr := m.tr.layout(80, 24)
	r, ok := scr.Pane(PaneCompare)
	if !ok {
		t.Fatal("no Compare pane at 80×24 on tab 8")
	}
	cv := m.tr.compareView()
	for y, want := range map[int]int{1: 0, 2: 1, 3: 2, 4: 2, 5: -1} {
		if got := panes.CompareLegendTwin(cv, r.W-2, y); got != want {
			t.Errorf("row %d: twin %d, want %d", y, got, want)
		}
	}
	m.Update(tea.MouseClickMsg{X: r.X + 3, Y: r.Y + 1 + 4, Button: tea.MouseLeft}) // C's second row
	if m.tr.twins.focus != 2 {
		t.Fatalf("the click on C's second row focused twin %d", m.tr.twins.focus)
	}
}

// TestCompareLayoutTiles: at full size the Compare pane takes the middle
// column, the whole height, and the panes still tile Main exactly; at
// compact sizes it is a tab.
func TestCompareLayoutTiles(t *testing.T) {
	for _, need := range []Needs{{}, {Activations: 5, Weights: 9, Sample: 11}, {Activations: 100, Weights: 100, Sample: 100}} {
		for w := fullWidth; w <= 260; w += 7 {
			for h := fullHeight; h <= 80; h += 3 {
				s := withCompare(Layout(w, h, PaneCompare, need))
				r, ok := s.Pane(PaneCompare)
				if !ok || r.H != s.Main.H {
					t.Fatalf("%dx%d: Compare %v (%v)", w, h, r, ok)
				}
				cover := make([]int, w*h)
				for _, p := range s.Panes {
					for y := p.Y; y < p.Y+p.H; y++ {
						for x := p.X; x < p.X+p.W; x++ {
							cover[y*w+x]++
						}
					}
				}
				for y := s.Main.Y; y < s.Main.Y+s.Main.H; y++ {
					for x := range w {
						if c := cover[y*w+x]; c != 1 {
							t.Fatalf("%dx%d: cell (%d,%d) covered %d times", w, h, x, y, c)
						}
					}
				}
			}
		}
	}
	s := Layout(80, 24, PaneCompare, Needs{})
	if _, ok := s.Pane(PaneCompare); !ok || s.Tabs.Empty() {
		t.Fatal("at 80×24 Compare is not the tabbed pane")
	}
}
