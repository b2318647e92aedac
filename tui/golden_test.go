package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"backprop/network"
)

// Golden screens: the View rendered through an x/vt emulator, compared with
// testdata/*.golden (regenerate with `go test ./tui -run Golden -update`).

func TestGoldenLauncher(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newTestModel(t, Options{}, sz[0], sz[1])
			press(m, "down", "down")
			golden.RequireEqual(t, screen(t, m))
		})
	}
}

func TestGoldenPresets(t *testing.T) {
	for _, preset := range []string{"xor", "iris", "digits"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s/%dx%d", preset, sz[0], sz[1]), func(t *testing.T) {
				m := newTestModel(t, Options{Preset: preset}, sz[0], sz[1])
				// a few samples in, then into the next sample's forward pass
				press(m, "s", "s", "s", "space", "space")
				golden.RequireEqual(t, screen(t, m))
			})
		}
	}
}

// TestGoldenXORPhases steps one phase at a time through a whole XOR sample
// and keeps one screen per phase, with the focus on the output neuron.
func TestGoldenXORPhases(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 120, 40)
	want := []network.Phase{
		network.PhaseLoad, network.PhaseForward, network.PhaseForward, network.PhaseCost,
		network.PhaseOutputDelta, network.PhaseBackward, network.PhaseAccumulate, network.PhaseUpdate,
	}
	for i, ph := range want {
		press(m, "space")
		p := m.tr.sess.st.Pos()
		if p.Phase != ph {
			t.Fatalf("step %d: phase %s, want %s", i+1, p.Phase, ph)
		}
		name := fmt.Sprintf("%d-%s", i+1, strings.ReplaceAll(ph.String(), " ", "-"))
		if ph == network.PhaseForward || ph == network.PhaseBackward {
			name += fmt.Sprintf("-L%d", p.Layer+1)
		}
		t.Run(name, func(t *testing.T) {
			golden.RequireEqual(t, screen(t, m))
		})
	}
}

func TestGoldenHelpAndTooSmall(t *testing.T) {
	t.Run("help", func(t *testing.T) {
		m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
		press(m, "?")
		golden.RequireEqual(t, screen(t, m))
	})
	t.Run("too-small", func(t *testing.T) {
		m := newTestModel(t, Options{Preset: "xor"}, 50, 10)
		golden.RequireEqual(t, screen(t, m))
	})
}

func TestGoldenBench(t *testing.T) {
	m := newTestModel(t, Options{Preset: "vacation"}, 80, 24)
	press(m, "3", "2", "s")
	golden.RequireEqual(t, screen(t, m))
}

// TestGoldenPrompt: the prompt at the bottom of the trainer — the old value
// selected with the keys under it; a refused answer with its reason; a long
// note (the data set names) wrapped over the rows above.
func TestGoldenPrompt(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range []struct {
			name string
			keys []string
		}{
			{"weight", []string{"w"}},
			{"refused", []string{"L", "a", "b", "c", "enter"}},
			{"dataset", []string{"d", "c"}},
		} {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, sz[0], sz[1]), func(t *testing.T) {
				m := newTestModel(t, Options{Preset: "xor"}, sz[0], sz[1])
				press(m, tc.keys...)
				golden.RequireEqual(t, screen(t, m))
			})
		}
	}
}
