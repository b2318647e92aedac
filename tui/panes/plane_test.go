package panes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// fourInputs is a 4-input, 2-class set whose class is decided by inputs 1
// and 3; inputs 0 and 2 are noise.
func fourInputs() *datasets.Dataset {
	rng := rand.New(rand.NewPCG(3, 4))
	d := &datasets.Dataset{Name: "four", Kind: datasets.Classification, Classes: []string{"a", "b"},
		Features: []string{"noise1", "signal1", "noise2", "signal2"}}
	for i := 0; i < 200; i++ {
		x := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64() + 3, rng.NormFloat64()}
		y := 0.0
		if x[1]+x[3] > 0 {
			y = 1
			x[1] += 1.5
			x[3] += 1.5
		}
		d.Train.X = append(d.Train.X, x)
		d.Train.Y = append(d.Train.Y, []float64{y})
	}
	d.Lo, d.Hi = datasets.Bounds(d.Train, d.Test)
	return d
}

// TestBoundaryOverTheTellingInputs: for data of more than two inputs the
// Boundary pane draws the network over the two inputs that tell the classes
// apart (the others at their training means), says which in its caption,
// and each heatmap pixel is the network's output at that point.
func TestBoundaryOverTheTellingInputs(t *testing.T) {
	d := fourInputs()
	if i, j := mostTelling(d); i != 1 || j != 3 {
		t.Fatalf("mostTelling = %d, %d; want the signals 1, 3", i, j)
	}
	net := handNet([]int{4, 3, 1}, []network.Activation{network.Tanh, network.Sigmoid}, 5)
	in := Input{Net: net, Data: d, Styles: themes.Mono(), W: 40, H: 16, Cache: &Cache{}}
	out := ansi.Strip(Boundary(in))
	for _, want := range []string{"→ signal1", "↑ signal2", "other inputs at their mean"} {
		if !strings.Contains(out, want) {
			t.Errorf("caption lacks %q:\n%s", want, out)
		}
	}
	pl := inputPlane(in)
	means := trainMeans(d, 4)
	if pl.base[0] != means[0] || pl.base[2] != means[2] {
		t.Errorf("others not at their means: %v vs %v", pl.base, means)
	}
	const gw, gh = 10, 6
	_, vals := evalGrid(in, pl, gw, gh)
	for py := 0; py < gh; py++ {
		for px := 0; px < gw; px++ {
			s := pl.lo[0] + (float64(px)+0.5)/gw*(pl.hi[0]-pl.lo[0])
			u := pl.hi[1] - (float64(py)+0.5)/gh*(pl.hi[1]-pl.lo[1])
			x := []float64{means[0], s, means[2], u}
			_, want := outputLevel(net, d, net.Forward(net.NewWorkspace(), x))
			if got := vals[py*gw+px]; math.Abs(got-want) > 1e-12 {
				t.Fatalf("pixel (%d,%d) = %g, want %g", px, py, got, want)
			}
		}
	}
}

// TestWeightsShowsEveryLayer: a small network's Weights pane shows every
// layer's weights as numbers (on xor at 120×40 it was one row of glyphs
// and blank space when the output was focused).
func TestWeightsShowsEveryLayer(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 34, 21)
	in.Focus = Focus{Layer: 2, Neuron: 0, Weight: 0}
	out := ansi.Strip(Weights(in))
	for li, l := range in.Net.Layers {
		if !strings.Contains(out, "W of L"+string(rune('1'+li))) {
			t.Errorf("layer %d missing:\n%s", li+1, out)
		}
		for _, w := range append(append([]float64{}, l.W...), l.B...) {
			if !strings.Contains(out, fitNum(w, 5)) {
				t.Errorf("L%d: %s not shown:\n%s", li+1, fitNum(w, 5), out)
			}
		}
	}
}

// TestWeightsRowsShareTheRest: when every layer does not fit, the focused
// layer's block comes first and the others fill the rows left, whole when
// they fit (a 1×8 output's two rows exactly), as windows of at least a
// title and two rows, else left out; the spiral net at 120×40 was L1's
// numbers over blank rows.
func TestWeightsRowsShareTheRest(t *testing.T) {
	circle := handNet([]int{2, 8, 1}, []network.Activation{network.Tanh, network.Sigmoid}, 1)
	spiral := handNet([]int{2, 16, 16, 1}, []network.Activation{network.Tanh, network.Tanh, network.Sigmoid}, 1)
	for _, tc := range []struct {
		name     string
		net      *network.Network
		rows, fl int
		want     []int
	}{
		{"circle all fit", circle, 12, 1, []int{10, 2}},
		{"circle output does not fit", circle, 11, 1, []int{10, 0}},
		{"circle output focused", circle, 11, 2, []int{9, 2}},
		{"spiral L1 focused", spiral, 20, 1, []int{18, 0, 2}},
		{"spiral L2 focused", spiral, 20, 2, []int{3, 17, 0}},
		{"spiral L1 focused, room for a window", spiral, 24, 1, []int{18, 6, 0}},
		{"too few rows for the focused layer", spiral, 5, 2, []int{0, 5, 0}},
	} {
		got := weightsRows(tc.net, 34, tc.rows, tc.fl)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: weightsRows(%d rows, L%d) = %v, want %v", tc.name, tc.rows, tc.fl, got, tc.want)
		}
		sum := 0
		for _, n := range got {
			sum += n
		}
		if sum > tc.rows {
			t.Errorf("%s: %v takes more than %d rows", tc.name, got, tc.rows)
		}
	}
	in := xorInput(network.PhaseUpdate, 34, 21)
	in.Net = spiral
	in.Focus = Focus{Layer: 2, Neuron: 0, Weight: 0}
	lines := strings.Split(ansi.Strip(Weights(in)), "\n")
	for _, want := range []string{"W of L1", "W of L2"} {
		if !strings.Contains(strings.Join(lines, "\n"), want) {
			t.Errorf("%s missing:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	for i, l := range lines[:len(lines)-1] {
		if strings.TrimSpace(l) == "" {
			t.Errorf("row %d blank while layers are left out:\n%s", i+1, strings.Join(lines, "\n"))
		}
	}
}

// TestPlaneWithFeatures: a network with input features φ(x) still draws
// the raw plane (x₁, x₂), not a slice of a 3-D input space.
func TestPlaneWithFeatures(t *testing.T) {
	fs, err := network.ParseFeatures("x1,x2,x1sq")
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Net: handNet([]int{3, 2, 1}, []network.Activation{network.Tanh, network.Sigmoid}, 1), Data: xorData(), W: 40, H: 20}
	in.Net.Features = fs
	if p := inputPlane(in); p.slice || len(p.base) != 2 {
		t.Errorf("plane with features: slice %v, %d inputs; want the raw plane of 2", p.slice, len(p.base))
	}
}

// TestInspectorNamesFeatures: with input features the Inspector calls
// the first layer's inputs φ(x), and ∂C/∂w₁ = δ·φ₁.
func TestInspectorNamesFeatures(t *testing.T) {
	in := xorInput(network.PhaseBackward, 120, 40)
	in.Focus = Focus{Layer: 1, Neuron: 0, Weight: 0}
	out := ansi.Strip(Inspector(in))
	if !strings.Contains(out, "x = (") || strings.Contains(out, "φ") {
		t.Fatalf("without features the inputs are x:\n%s", out)
	}
	fs, err := network.ParseFeatures("x1sq,x2sq")
	if err != nil {
		t.Fatal(err)
	}
	in.Net.Features = fs
	out = ansi.Strip(Inspector(in))
	for _, want := range []string{"φ(x) = (", "δ·φ₁"} {
		if !strings.Contains(out, want) {
			t.Errorf("with features the Inspector lacks %q:\n%s", want, out)
		}
	}
}
