package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"backprop/network"
	"backprop/tui/panes"
)

// surfaceModel is the deep-sigmoid preset after three mini-batches with
// the Surface pane (6) shown and its command delivered.
func surfaceModel(t testing.TB, w, h int, keys ...string) *Model {
	m := newTestModel(t, Options{Preset: "deep-sigmoid"}, w, h)
	pressSettle(m, append([]string{"6", "b", "b", "b"}, keys...)...)
	return m
}

// TestGoldenSurface: the Surface and Gradients panes at both sizes (at
// 120×40 both show in the middle column), the 1-D slice, and the gradient
// check in the Inspector.
func TestGoldenSurface(t *testing.T) {
	for _, c := range []struct {
		name string
		w, h int
		keys []string
	}{
		{"surface/80x24", 80, 24, []string{"<", "<", "<", "<"}},
		{"gradients/80x24", 80, 24, []string{"7"}},
		{"both/120x40", 120, 40, []string{"<", "<", "<", "<"}},
		{"slice/120x40", 120, 40, []string{"<", "<", "<", "W", "W", "W", "W", "W", "W", "W", "W"}},
		{"gradcheck/120x40", 120, 40, []string{"V"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := surfaceModel(t, c.w, c.h, c.keys...)
			golden.RequireEqual(t, screen(t, m))
		})
	}
}

// TestSurfaceStepIsTheUpdate: the step the Surface pane draws is the
// stepper's last update of the two parameters, and the map's centre is
// the engine's cost at the current weights.
func TestSurfaceStepIsTheUpdate(t *testing.T) {
	m := surfaceModel(t, 120, 40, "<", "<", "<", "<", "<", "<")
	tr := m.tr
	v := tr.surfaceView()
	if v.Surf == nil || v.Step == nil {
		t.Fatalf("no surface (%v) or no step (%v): %q", v.Surf != nil, v.Step != nil, v.Note)
	}
	st := tr.sess.st
	p := v.Surf.P
	last := st.Trace().Last
	in := st.Net().Layers[p[0].Layer].In
	if got, want := v.Step[0][0], last[p[0].Layer].OldW[p[0].J*in+p[0].K]; got != want {
		t.Fatalf("step starts at %v, the update's old w %v", got, want)
	}
	if got, want := v.Step[1][1], last[p[1].Layer].NewB[p[1].J]; got != want {
		t.Fatalf("step ends at b %v, the update's new b %v", got, want)
	}
	want := st.Net().Evaluate(network.Set{X: pick(st.Train().X, st.Batch()), Y: pick(st.Train().Y, st.Batch())}).Loss
	if c := v.Surf.At(v.Surf.Cols/2, v.Surf.Rows/2); c != want || v.Surf.Cost != want {
		t.Fatalf("centre %v, cost %v; Evaluate over the batch %v", c, v.Surf.Cost, want)
	}
	r, _ := tr.layout(120, 40).Pane(PaneSurface)
	cells := panes.StepCells(v.Surf, v.Step[0], v.Step[1], r.W-2, r.H-5)
	if len(cells) < 2 {
		t.Fatalf("step of %d cells at zoom 6", len(cells))
	}
	lines := strings.Split(screen(t, m), "\n")
	first := cells[0]
	if got := []rune(lines[r.Y+2+first[1]])[r.X+1+first[0]]; got != '○' {
		t.Fatalf("cell %v of the step's start shows %q, want ○\n%s", first, got, strings.Join(lines, "\n"))
	}
}

func pick(v [][]float64, idx []int) [][]float64 {
	var r [][]float64
	for _, i := range idx {
		r = append(r, v[i])
	}
	return r
}

// TestSurfaceLeavesTheStepper: computing the panes changes nothing of
// the training (the model file is byte-identical).
func TestSurfaceLeavesTheStepper(t *testing.T) {
	m := newTestModel(t, Options{Preset: "deep-sigmoid"}, 120, 40)
	pressSettle(m, "b")
	before := modelJSON(t, m)
	pressSettle(m, "6", "<", "W", "B", "V", "7")
	if after := modelJSON(t, m); after != before {
		t.Fatal("the panes changed the stepper")
	}
}

func modelJSON(t *testing.T, m *Model) string {
	var b strings.Builder
	if err := m.tr.sess.st.Model().Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// BenchmarkViewSurface: View at 120×40 with the Surface and Gradients
// panes shown (their grids computed).
func BenchmarkViewSurface(b *testing.B) {
	m := surfaceModel(b, 120, 40)
	m.View()
	b.ResetTimer()
	for range b.N {
		m.View()
	}
}

var _ = fmt.Sprint
