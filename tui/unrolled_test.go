package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"backprop/tui/panes"
)

// TestGoldenUnrolled: the echo preset shows the Unrolled view, mid-way
// through the forward pass in time and then the backward pass, at 80×24
// and 120×40.
func TestGoldenUnrolled(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newTestModel(t, Options{Preset: "echo"}, sz[0], sz[1])
			press(m, "s", "s", "space", ",", ",", ",", ",", "h")
			golden.RequireEqual(t, screen(t, m))
		})
	}
	t.Run("backward-120x40", func(t *testing.T) {
		m := newTestModel(t, Options{Preset: "echo"}, 120, 40)
		press(m, "s", "s", "space", "h")
		for range 10 + 1 + 6 { // the 10 steps forward, the cost, 6 steps back
			press(m, ",")
		}
		golden.RequireEqual(t, screen(t, m))
	})
}

// Stepping by time step moves the highlighted t of the Unrolled view.
func TestUnrolledTimeStep(t *testing.T) {
	m := newTestModel(t, Options{Preset: "echo"}, 120, 40)
	press(m, "s", "space")
	for want := 1; want <= 10; want++ {
		press(m, ",")
		if got := m.tr.sess.st.Pos().Time + 1; got != want {
			t.Fatalf("after %d time steps: t = %d", want, got)
		}
		s := screen(t, m)
		if !strings.Contains(s, "Unrolled") || !strings.Contains(s, fmt.Sprintf("t %d/10", want)) {
			t.Fatalf("after %d time steps the Unrolled view does not show t %d/10:\n%s", want, want, s)
		}
	}
}

// TestGoldenGradientsThroughTime: on the echo preset the Gradients pane
// draws ‖∂C_T/∂h_t‖ against t above the per-layer rows (120×40).
func TestGoldenGradientsThroughTime(t *testing.T) {
	m := newTestModel(t, Options{Preset: "echo"}, 120, 40)
	pressSettle(m, "7", "b", "b", "b")
	s := screen(t, m)
	if !strings.Contains(s, "‖∂C_T/∂h_t‖ back through time") || !strings.Contains(s, "t10") || !strings.Contains(s, "t1 gets ×") {
		t.Fatalf("no flow through time in the Gradients pane:\n%s", s)
	}
	golden.RequireEqual(t, s)
}

// The Inspector's z line of a recurrent neuron has the W_h·h_{t−1} term
// with its number, and its δ line the W_hᵀδ_{t+1} term, both the engine's.
func TestInspectorRecurrentTerms(t *testing.T) {
	m := newTestModel(t, Options{Preset: "echo"}, 120, 40)
	press(m, "s", "space", ",", ",", ",", ",", ",", "h") // t = 5, focus L1 n1
	q := m.tr.sess.st.Trace().Seq
	wh := m.tr.sess.st.Net().Layers[0].WH
	r := 0.0
	for k, h := range q.A[1][3] {
		r += wh[k] * h
	}
	s := screen(t, m)
	if want := "W_h·h=(" + panes.Num(r) + ")"; !strings.Contains(s, want) {
		t.Fatalf("the z line lacks %q:\n%s", want, s)
	}
	for range 10 + 1 + 6 { // to the backward pass at t = 4
		press(m, ",")
	}
	if s := screen(t, m); !strings.Contains(s, "Σ W_h·δ_{t+1}") || !strings.Contains(s, "W_hᵀδ_{t+1}") {
		t.Fatalf("the δ lines lack the W_hᵀδ_{t+1} term:\n%s", s)
	}
}

// The sample key (") on the text preset shows text the net wrote, drawn in
// a command; on other data it says what it is for.
func TestSampleTextKey(t *testing.T) {
	m := newTestModel(t, Options{Preset: "text"}, 120, 40)
	pressSettle(m, "e", "\"")
	s := screen(t, m)
	if !strings.Contains(s, "the net writes (epoch 1") {
		t.Fatalf("no sample after \":\n%s", s)
	}
	txt := m.tr.txt.text
	if len([]rune(txt)) != sampleLen || !strings.Contains(s, strings.ReplaceAll(txt, "\n", "⏎")[:40]) {
		t.Fatalf("sample %q not shown:\n%s", txt, s)
	}
	press(m, "esc")
	if strings.Contains(screen(t, m), "the net writes") {
		t.Fatal("esc does not hide the sample")
	}
	// While a run goes on, the sample stays on screen.
	press(m, "r")
	pressSettle(m, "\"")
	m.tr.sess.version++ // the run's next chunk changes the weights
	if !m.tr.run.on || !strings.Contains(screen(t, m), "the net writes") {
		t.Fatalf("no sample while running (run on: %v):\n%s", m.tr.run.on, screen(t, m))
	}
	press(m, "r")
	x := newTestModel(t, Options{Preset: "xor"}, 120, 40)
	pressSettle(x, "\"")
	if s := screen(t, x); !strings.Contains(s, "sample text: for text data") {
		t.Fatalf("on xor the key does not say what it is for:\n%s", s)
	}
}
