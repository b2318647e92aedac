package panes

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// pane is one of the package's drawing functions.
type pane struct {
	name string
	fn   func(Input) string
}

func allPanes() []pane {
	return []pane{
		{"topology", Topology}, {"inspector", Inspector}, {"activations", Activations},
		{"weights", Weights}, {"loss", Loss}, {"boundary", Boundary}, {"sample", Sample},
	}
}

// cases are the named inputs of the golden and invariant tests.
func cases(w, h int) []struct {
	name string
	in   Input
} {
	mono := xorInput(network.PhaseAccumulate, w, h)
	mono.Styles = themes.Mono()
	idle := xorInput(network.PhaseIdle, w, h)
	idle.Trace = nil
	idle.History, idle.BatchLosses = nil, nil
	bias := xorInput(network.PhaseUpdate, w, h)
	bias.Focus = Focus{Layer: 2, Neuron: 0, Weight: -1}
	return []struct {
		name string
		in   Input
	}{
		{"xor-load", xorInput(network.PhaseLoad, w, h)},
		{"xor-forward", xorInput(network.PhaseForward, w, h)},
		{"xor-backward", xorInput(network.PhaseBackward, w, h)},
		{"xor-update", xorInput(network.PhaseUpdate, w, h)},
		{"xor-bias", bias},
		{"xor-mono", mono},
		{"digits", digitsInput(w, h)},
		{"nil-trace", idle},
	}
}

// checkSize fails unless out is exactly w×h cells.
func checkSize(t *testing.T, what string, out string, w, h int) {
	t.Helper()
	if w <= 0 || h <= 0 {
		if out != "" {
			t.Errorf("%s: %d×%d should be empty, got %q", what, w, h, out)
		}
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%s: %d lines, want %d", what, len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("%s: line %d is %d cells, want %d: %q", what, i, got, w, ansi.Strip(l))
		}
	}
}

func TestSizeInvariant(t *testing.T) {
	ws := []int{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 80, 120, 200}
	hs := []int{0, 1, 2, 3, 5, 8, 13, 24, 40, 60}
	if testing.Short() {
		ws, hs = []int{1, 3, 13, 80}, []int{1, 3, 13, 24}
	}
	for _, p := range allPanes() {
		for _, w := range ws {
			for _, h := range hs {
				for _, c := range cases(w, h) {
					checkSize(t, fmt.Sprintf("%s %s %d×%d", p.name, c.name, w, h), p.fn(c.in), w, h)
				}
			}
		}
	}
}

// TestOddInputs feeds inputs that are broken in ways a live session can
// produce: no network, no styles, NaN everywhere, focus out of range,
// divergence, perceptron rule, regression data, mismatched shapes.
func TestOddInputs(t *testing.T) {
	type mod struct {
		name string
		f    func(*Input)
	}
	mods := []mod{
		{"zero", func(in *Input) { *in = Input{W: in.W, H: in.H} }},
		{"no styles", func(in *Input) { in.Styles = nil }},
		{"no data", func(in *Input) { in.Data = nil }},
		{"nan", func(in *Input) {
			for _, l := range in.Net.Layers {
				l.W[0] = math.NaN()
				l.B[0] = math.Inf(1)
			}
			in.Trace.Z[0][0] = math.NaN()
			in.Trace.A[1][0] = math.Inf(-1)
			in.Trace.Cost = math.NaN()
			in.History = append(in.History, network.EpochStats{Epoch: 5, TrainLoss: math.NaN(), TestLoss: math.Inf(1)})
			in.BatchLosses = []float64{math.NaN()}
		}},
		{"focus far", func(in *Input) { in.Focus = Focus{Layer: 9, Neuron: 99, Weight: 99} }},
		{"focus negative", func(in *Input) { in.Focus = Focus{Layer: -1, Neuron: -5, Weight: -7} }},
		{"diverged", func(in *Input) {
			in.Status = network.Diverged
			in.Div = &network.Divergence{Layer: 1, What: "weights", Pos: in.Pos}
		}},
		{"perceptron", func(in *Input) {
			in.Hyper.Rule = network.Perceptron
			in.Trace.YHat, in.Trace.Err = []float64{1}, []float64{0}
		}},
		{"short trace", func(in *Input) {
			in.Trace.Z, in.Trace.A, in.Trace.Delta = nil, in.Trace.A[:1], nil
			in.Trace.X, in.Trace.Y = nil, nil
		}},
		{"wrong data", func(in *Input) {
			in.Data = digitsData() // 64 inputs for a 2-input network
		}},
		{"empty sets", func(in *Input) { in.Data.Train.X, in.Data.Train.Y = nil, nil }},
		{"flat range", func(in *Input) { in.Data.Lo, in.Data.Hi = []float64{1, 1}, []float64{1, 1} }},
		{"one epoch", func(in *Input) { in.History = in.History[:1]; in.BatchLosses = in.BatchLosses[:1] }},
		{"huge batch", func(in *Input) { in.Hyper.Batch = 1 << 30 }},
		{"momentum l2", func(in *Input) { in.Hyper.Opt, in.Hyper.L2, in.Hyper.Mu = network.Momentum, 0.1, 0.9 }},
		{"malformed net", func(in *Input) {
			in.Net.Layers[0].W = in.Net.Layers[0].W[:1]
			in.Net.Layers[1].B = nil
			in.Net.Sizes = []int{7}
		}},
		{"nil layer", func(in *Input) { in.Net.Layers[1] = nil }},
	}
	for _, m := range mods {
		for _, ph := range []network.Phase{network.PhaseIdle, network.PhaseForward, network.PhaseBackward, network.PhaseUpdate, network.PhaseEpochEnd} {
			for _, sz := range [][2]int{{1, 1}, {9, 4}, {40, 12}, {120, 40}} {
				in := xorInput(ph, sz[0], sz[1])
				m.f(&in)
				for _, p := range allPanes() {
					checkSize(t, fmt.Sprintf("%s %s %v %v", p.name, m.name, ph, sz), p.fn(in), sz[0], sz[1])
				}
			}
		}
	}
}

func TestGolden(t *testing.T) {
	type g struct {
		pane  pane
		cases []string
		sizes [][2]int
	}
	some := []string{"xor-update", "xor-mono", "digits", "nil-trace"}
	all := []string{"xor-load", "xor-forward", "xor-backward", "xor-update", "xor-bias", "xor-mono", "digits", "nil-trace"}
	ps := allPanes()
	table := []g{
		{ps[0], all, [][2]int{{40, 12}, {80, 24}}},
		{ps[1], all, [][2]int{{80, 12}}},
		{ps[1], []string{"xor-forward", "digits"}, [][2]int{{40, 12}}},
		{ps[2], some, [][2]int{{40, 8}, {80, 10}}},
		{ps[3], append(some, "xor-bias"), [][2]int{{40, 8}, {80, 12}}},
		{ps[4], some, [][2]int{{40, 10}, {80, 16}}},
		{ps[5], some, [][2]int{{40, 12}, {80, 24}}},
		{ps[6], some, [][2]int{{40, 12}, {80, 20}}},
	}
	for _, row := range table {
		for _, sz := range row.sizes {
			for _, c := range cases(sz[0], sz[1]) {
				if !contains(row.cases, c.name) {
					continue
				}
				name := fmt.Sprintf("%s_%s_%dx%d", row.pane.name, c.name, sz[0], sz[1])
				t.Run(name, func(t *testing.T) {
					golden.RequireEqual(t, ansi.Strip(row.pane.fn(c.in)))
				})
			}
		}
	}
}

// TestGoldenANSI keeps one coloured screen with its escape codes, so a
// change of colours or styling is noticed too.
func TestGoldenANSI(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 30, 5)
	golden.RequireEqual(t, Weights(in))
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestMonoHasNoColour(t *testing.T) {
	for _, c := range cases(80, 24) {
		c.in.Styles = themes.Mono()
		for _, p := range allPanes() {
			out := p.fn(c.in)
			if strings.Contains(out, "\x1b[38;") || strings.Contains(out, "\x1b[48;") || strings.Contains(out, ";5;") {
				t.Errorf("%s %s: mono output has colour: %q", p.name, c.name, out)
			}
		}
	}
	// And colour themes do use colour.
	in := xorInput(network.PhaseUpdate, 80, 24)
	if !strings.Contains(Topology(in), "\x1b[38;2;") {
		t.Error("dark topology has no colour")
	}
}

// TestMonoSigns: without colour, weight signs are glyphs.
func TestMonoSigns(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 40, 8)
	in.Styles = themes.Mono()
	out := ansi.Strip(Weights(in))
	if !strings.Contains(out, "+") || !strings.Contains(out, "−") {
		t.Errorf("mono Hinton shows no +/−:\n%s", out)
	}
	out = ansi.Strip(Topology(xorMono(60, 16)))
	if !strings.Contains(out, "+") || !strings.Contains(out, "−") {
		t.Errorf("mono topology shows no +/−:\n%s", out)
	}
}

func xorMono(w, h int) Input {
	in := xorInput(network.PhaseAccumulate, w, h)
	in.Styles = themes.Mono()
	return in
}

func TestTopologyHitRoundTrip(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {120, 40}, {20, 6}, {9, 4}} {
		for _, in := range []Input{xorInput(network.PhaseUpdate, sz[0], sz[1]), digitsInput(sz[0], sz[1])} {
			g := topoLayout(in)
			for l, col := range g.cols {
				for j := 0; j < col.n; j++ {
					y, _ := col.neuronY(j)
					f, ok := TopologyHit(in, col.x, y)
					if !ok || f.Layer != l {
						t.Fatalf("%v: neuron L%d n%d at (%d,%d): hit %v %v", sz, l, j, col.x, y, f, ok)
					}
					if col.img != nil { // a picture: a pixel of the same row
						if y2, _ := col.neuronY(f.Neuron); y2 != y {
							t.Fatalf("%v: input %d at (%d,%d) hit pixel %d of row %d", sz, j, col.x, y, f.Neuron, y2)
						}
						continue
					}
					want := j
					if col.collapsed {
						want = (j / (2 * col.g)) * 2 * col.g // a click hits a cell: its first neuron
					}
					if f.Neuron != want {
						t.Fatalf("%v: L%d n%d at (%d,%d) hit neuron %d, want %d", sz, l, j, col.x, y, f.Neuron, want)
					}
					// The focus moved there is drawn highlighted at the same place.
					in2 := in
					in2.Focus = f
					g2 := topoLayout(in2)
					if y2, _ := g2.cols[l].neuronY(f.Neuron); y2 != y {
						t.Fatalf("layout moved with the focus")
					}
				}
			}
			// Cells far from any column hit nothing.
			if _, ok := TopologyHit(in, -5, 0); ok {
				t.Error("hit outside the pane")
			}
			if _, ok := TopologyHit(in, 0, in.H+3); ok {
				t.Error("hit below the pane")
			}
		}
	}
	if _, ok := TopologyHit(Input{W: 10, H: 10}, 1, 1); ok {
		t.Error("hit without a network")
	}
}

// TestTopologyHitDrawn: every node glyph drawn is a hit, and empty cells
// between columns are not.
func TestTopologyHitDrawn(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 60, 16)
	in.Circles = true
	in.Focus = Focus{Layer: 1, Neuron: 1}
	rows := strings.Split(ansi.Strip(Topology(in)), "\n")
	nodes := 0
	for y, row := range rows {
		for x, r := range []rune(row) {
			if strings.ContainsRune("○◔◑◕●·", r) && y > 0 && y < len(rows)-1 {
				nodes++
				if _, ok := TopologyHit(in, x, y); !ok {
					t.Errorf("node %q at (%d,%d) is not a hit", r, x, y)
				}
			}
		}
	}
	if nodes != 5 {
		t.Errorf("drew %d nodes, want 5:\n%s", nodes, strings.Join(rows, "\n"))
	}
	if _, ok := TopologyHit(in, 20, 8); ok {
		t.Error("an edge cell is a hit")
	}
}

func TestInspectorShowsTraceNumbers(t *testing.T) {
	tests := []struct {
		phase   network.Phase
		want    []func(tr *network.Trace, in Input) string // substrings
		notWant []string
		marked  string // text of the line marked ▸
	}{
		{network.PhaseLoad, []func(*network.Trace, Input) string{
			func(tr *network.Trace, in Input) string { return "x = (0.00, 1.00)" },
		}, []string{"sigmoid(−"}, "x = "},
		{network.PhaseForward, []func(*network.Trace, Input) string{
			func(tr *network.Trace, in Input) string { return "= " + num(tr.Z[0][0]) },
			func(tr *network.Trace, in Input) string { return "= " + num(tr.A[1][0]) },
		}, []string{"δ = (Σ w·δ′)·σ'(z) = ("}, ""},
		{network.PhaseCost, []func(*network.Trace, Input) string{
			func(tr *network.Trace, in Input) string {
				return "C = ½‖y − a‖² = ½(1.000 − " + num(tr.A[2][0])
			},
			func(tr *network.Trace, in Input) string { return num(tr.Cost) },
		}, nil, "C = "},
		{network.PhaseBackward, []func(*network.Trace, Input) string{
			func(tr *network.Trace, in Input) string { return num(tr.Delta[0][0]) },
		}, nil, "δ = "},
		{network.PhaseAccumulate, []func(*network.Trace, Input) string{
			func(tr *network.Trace, in Input) string {
				return "∂C/∂w₁ = δ·x₁ = " + paren(tr.Delta[0][0]) + "·" + paren(tr.X[0])
			},
		}, nil, "∂C/∂w₁"},
		{network.PhaseUpdate, []func(*network.Trace, Input) string{
			func(tr *network.Trace, in Input) string {
				return num(tr.Last[0].OldW[0]) + " → " + num(tr.Last[0].NewW[0])
			},
			func(tr *network.Trace, in Input) string { return "η=0.5 m=4" },
		}, []string{"after the mini-batch"}, "w₁ ← w₁"},
	}
	for _, tt := range tests {
		in := xorInput(tt.phase, 100, 14)
		out := ansi.Strip(Inspector(in))
		for _, f := range tt.want {
			if s := f(in.Trace, in); !strings.Contains(out, s) {
				t.Errorf("%v: missing %q in\n%s", tt.phase, s, out)
			}
		}
		for _, s := range tt.notWant {
			if strings.Contains(out, s) {
				t.Errorf("%v: unexpected %q in\n%s", tt.phase, s, out)
			}
		}
		if tt.marked != "" && !strings.Contains(out, "▸ "+tt.marked) {
			t.Errorf("%v: line %q not marked in\n%s", tt.phase, tt.marked, out)
		}
	}
}

func TestInspectorTruncatesLongSums(t *testing.T) {
	in := digitsInput(70, 12) // 64 terms
	in.Focus = Focus{Layer: 1, Neuron: 5, Weight: 40}
	out := ansi.Strip(Inspector(in))
	l1 := in.Net.Layers[0]
	focused := paren(l1.W[5*64+40]) + "·" + paren(in.Trace.X[40])
	if !strings.Contains(out, focused) || !strings.Contains(out, "…") {
		t.Errorf("focused term %q or … missing:\n%s", focused, out)
	}
	if !strings.Contains(out, "= "+num(in.Trace.Z[0][5])) {
		t.Errorf("z value missing:\n%s", out)
	}
}

func TestNextLabel(t *testing.T) {
	net := handNet([]int{2, 3, 1}, []network.Activation{network.Sigmoid, network.Sigmoid}, 1)
	d := xorData()
	tests := []struct {
		pos  network.Pos
		rule network.Rule
		want string
	}{
		{network.Pos{Phase: network.PhaseIdle}, network.Backprop, "load sample"},
		{network.Pos{Phase: network.PhaseLoad}, network.Backprop, "forward L1 n1"},
		{network.Pos{Phase: network.PhaseForward, Layer: 0, Neuron: 1}, network.Backprop, "forward L1 n3"},
		{network.Pos{Phase: network.PhaseForward, Layer: 0, Neuron: 2}, network.Backprop, "forward L2 n1"},
		{network.Pos{Phase: network.PhaseForward, Layer: 1, Neuron: 0}, network.Backprop, "cost"},
		{network.Pos{Phase: network.PhaseForward, Layer: 1, Neuron: 0}, network.Perceptron, "update weights"},
		{network.Pos{Phase: network.PhaseCost}, network.Backprop, "output δ"},
		{network.Pos{Phase: network.PhaseOutputDelta, Layer: 1}, network.Backprop, "backward L1 n1"},
		{network.Pos{Phase: network.PhaseBackward, Layer: 0, Neuron: 0}, network.Backprop, "backward L1 n2"},
		{network.Pos{Phase: network.PhaseBackward, Layer: 0, Neuron: 2}, network.Backprop, "accumulate ∂C"},
		{network.Pos{Phase: network.PhaseAccumulate, Sample: 0}, network.Backprop, "load sample"},
		{network.Pos{Phase: network.PhaseAccumulate, Sample: 1}, network.Backprop, "update weights"},
		{network.Pos{Phase: network.PhaseUpdate, Batch: 0}, network.Backprop, "load sample"},
		{network.Pos{Phase: network.PhaseUpdate, Batch: 1}, network.Backprop, "end of epoch"},
		{network.Pos{Phase: network.PhaseEpochEnd}, network.Backprop, "load sample"},
	}
	for _, tt := range tests {
		in := Input{Net: net, Data: d, Pos: tt.pos, Hyper: network.Hyper{Batch: 2, Rule: tt.rule}}
		if got := nextLabel(in); got != tt.want {
			t.Errorf("after %s: next %q, want %q", stepLabel(tt.pos), got, tt.want)
		}
	}
}

func TestNum(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {0.5, "0.500"}, {-0.31, "−0.310"}, {1234.5, "1234"}, {-12345, "−1.234e+04"},
		{0.0004, "4.0e−04"}, {math.NaN(), "NaN"}, {math.Inf(-1), "−Inf"},
	} {
		if got := num(tt.v); got != tt.want {
			t.Errorf("num(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	if sub(12) != "₁₂" || sub(0) != "₀" {
		t.Error("subscript digits")
	}
}

func TestLossSeries(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 60, 12)
	out := ansi.Strip(Loss(in))
	if !strings.Contains(out, "loss/epoch") || !strings.Contains(out, "train 0.120") {
		t.Errorf("epoch series legend wrong:\n%s", out)
	}
	in.History = in.History[:1]
	out = ansi.Strip(Loss(in))
	if !strings.Contains(out, "loss/batch") || !strings.Contains(out, "train 0.100") {
		t.Errorf("batch series legend wrong:\n%s", out)
	}
	in.BatchLosses = nil
	in.History = nil
	if out := ansi.Strip(Loss(in)); !strings.Contains(out, "no data yet") {
		t.Errorf("empty loss:\n%s", out)
	}
	// Test series appears when there is one.
	d := digitsInput(60, 12)
	if out := ansi.Strip(Loss(d)); !strings.Contains(out, "test 1.600") {
		t.Errorf("no test series:\n%s", out)
	}
}

func TestBoundaryCache(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 40, 12)
	in.Cache = &Cache{}
	first := Boundary(in)
	key := in.Cache.grid.key
	vals := &in.Cache.grid.vals[0]
	if Boundary(in) != first || &in.Cache.grid.vals[0] != vals {
		t.Error("grid recomputed without a change")
	}
	// An edited weight changes the picture (manual step: recomputed).
	in.Net.Layers[1].W[0] += 5
	in.Pos.Steps++
	if Boundary(in) == first || in.Cache.grid.key == key {
		t.Error("grid not recomputed after a weight edit")
	}
	// Pane resized: recomputed at the new size.
	in.W, in.H = 30, 8
	checkSize(t, "resized", Boundary(in), 30, 8)
	if in.Cache.grid.w != 30 {
		t.Error("grid not resized")
	}
}

func TestConfusionThrottle(t *testing.T) {
	in := digitsInput(60, 24)
	in.Cache = &Cache{}
	m0, _, _, ok := metrics(in)
	if !ok {
		t.Fatal("no metrics")
	}
	// Running: a big jump of steps within the epoch keeps the cached matrix.
	in.Net.Layers[1].B[0] += 10
	in.Pos.Steps += 500
	m1, _, _, _ := metrics(in)
	if m1.Loss != m0.Loss {
		t.Error("recomputed while running within an epoch")
	}
	// Paused (same position next frame): recomputed.
	m2, _, _, _ := metrics(in)
	if m2.Loss == m0.Loss {
		t.Error("not recomputed once paused")
	}
	// A new epoch while running: recomputed.
	in.Net.Layers[1].B[1] += 10
	in.Pos.Steps += 500
	in.Pos.Epoch++
	m3, _, _, _ := metrics(in)
	if m3.Loss == m2.Loss {
		t.Error("not recomputed at a new epoch")
	}
}

func TestWindow(t *testing.T) {
	for _, tt := range []struct{ n, vis, f, want int }{
		{10, 20, 5, 0}, {100, 10, 0, 0}, {100, 10, 50, 45}, {100, 10, 99, 90}, {100, 10, -1, 0}, {5, 0, 3, 0},
	} {
		if got := window(tt.n, tt.vis, tt.f); got != tt.want {
			t.Errorf("window(%d,%d,%d) = %d, want %d", tt.n, tt.vis, tt.f, got, tt.want)
		}
	}
}

// FuzzPanes draws every pane with arbitrary sizes, focus and position.
func FuzzPanes(f *testing.F) {
	f.Add(40, 12, 1, 0, 0, uint8(2), 0, 0, false)
	f.Add(1, 1, -3, 99, -9, uint8(9), 5, 7, true)
	f.Add(200, 3, 2, 0, -1, uint8(5), 0, 1, false)
	f.Fuzz(func(t *testing.T, w, h, fl, fn, fw int, ph uint8, layer, neuron int, digits bool) {
		w, h = w%220, h%70
		in := xorInput(network.Phase(ph%9), w, h)
		if digits {
			in = digitsInput(w, h)
			in.Pos.Phase = network.Phase(ph % 9)
		}
		in.Focus = Focus{Layer: fl, Neuron: fn, Weight: fw}
		in.Pos.Layer, in.Pos.Neuron = layer, neuron
		for _, p := range allPanes() {
			checkSize(t, p.name, p.fn(in), w, h)
		}
		if x, y := fl, fn; true {
			TopologyHit(in, x, y)
		}
	})
}

func ExampleTopology() {
	in := xorInput(network.PhaseUpdate, 56, 10)
	in.Styles = themes.Mono()
	in.Circles = true // (2-D data gets neuron map tiles where they fit)
	for _, l := range strings.Split(ansi.Strip(Topology(in)), "\n") {
		fmt.Println(strings.TrimRight(l, " "))
	}
	// Output:
	// inputs 2           L1 sigmoid 2      L2 sigmoid 1
	//
	//   0.00 ◔⠂⠂⡂⠂⠂⠂⠂⠂−⠂⠂⠂⠂⠂⢂⡢[◔]⠢⠤⢄⣀⡀
	//             ⠄      ⢀⠤⠒⠁        ⠈⠉⠑+⠢⠤⢄⣀⡀
	//               ⠁ −⠔⠊⠁                   ⠈⡉⠕⠒◕ 0.65 y=1
	//              ⡠⠔⠊  ⠂               −⠄⠄⠂⠁⠁
	//          ⢀⡠⠒⠉       ⠁ ⠄      ⡀⠄⠂⠂⠁
	//   1.00 ◕⠚⠓⠒⠒⠒⠒⠒⠒−⠒⠒⠒⠒⠒⠒⠒⠓○⠂⠁⠁
	//
	// ○◔◑◕● act +/− weight ⠒⠒ strong ⠐⠐ weak
}

// TestBoundaryColours: a network that says class 1 exactly when x₁ > 0.5
// paints the left of the map in class 0's colour (Neg) and the right in
// class 1's (Pos), and draws each training point in its class colour.
func TestBoundaryColours(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 40, 10)
	in.Net = &network.Network{Sizes: []int{2, 1}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 2, Out: 1, Act: network.Sigmoid, W: []float64{20, 0}, B: []float64{-10}},
	}}
	st := in.Styles
	rows := strings.Split(Boundary(in), "\n")
	left, right := st.DivFg(-mapIntensity), st.DivFg(mapIntensity)
	if left == right {
		t.Fatal("test needs distinct colours")
	}
	for y, row := range rows {
		if !strings.Contains(row, "▀") {
			continue // the caption
		}
		if !strings.HasPrefix(row, left) {
			t.Errorf("row %d does not start in class 0's colour: %q", y, row[:min(40, len(row))])
		}
		if !strings.Contains(row, right) {
			t.Errorf("row %d has no class 1 colour", y)
		}
	}
	if !strings.Contains(Boundary(in), st.ClassFg(1, 2)+st.DivBg(mapIntensity)+"●") {
		t.Error("a class-1 point is not drawn in class 1's colour on the class-1 region")
	}
}

// TestBoundaryRegression: 2-D regression data is coloured by the output's
// sign and its legend says so.
func TestBoundaryRegression(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 60, 10)
	in.Data.Kind, in.Data.Classes = datasets.Regression, nil
	in.Data.Train.Y = [][]float64{{-2}, {0.5}, {1}, {3}}
	in.Net.Layers[1].Act = network.Linear
	out := Boundary(in)
	checkSize(t, "regression", out, 60, 10)
	if s := ansi.Strip(out); !strings.Contains(s, "colour = output") {
		t.Errorf("legend:\n%s", s)
	}
	if !strings.Contains(out, in.Styles.DivFg(math.Tanh(-2))) {
		t.Error("the negative target is not drawn in the negative colour")
	}
}

func TestBrailleGlyph(t *testing.T) {
	for b := 0; b < 256; b++ {
		if got, want := brailleGlyph(uint8(b)), string(rune(0x2800+b)); got != want {
			t.Fatalf("brailleGlyph(%#x) = %q, want %q", b, got, want)
		}
	}
}

// TestScratchReuse: drawing panes one after another through one Cache (as
// the core does) gives the same screens as fresh buffers.
func TestScratchReuse(t *testing.T) {
	c := &Cache{}
	for _, sz := range [][2]int{{80, 24}, {30, 8}, {120, 40}} {
		for _, p := range allPanes() {
			in := xorInput(network.PhaseUpdate, sz[0], sz[1])
			fresh := p.fn(in)
			in.Cache = c
			if got := p.fn(in); got != fresh {
				t.Fatalf("%s %v differs with the scratch buffers", p.name, sz)
			}
		}
	}
}

// TestBoundaryPointsOnEdges: points on the data's bounds are drawn.
func TestBoundaryPointsOnEdges(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 40, 12)
	in.Data.Lo, in.Data.Hi = []float64{0, 0}, []float64{1, 1}
	in.Trace = nil
	out := ansi.Strip(Boundary(in))
	if n := strings.Count(out, "●"); n != 4+2 {
		t.Errorf("%d ● drawn, want 4 points + 2 in the legend:\n%s", n, out)
	}
}

// TestInspectorNarrowKeepsValues: in a narrow pane the optional parts of
// the equations go first; the values themselves stay.
func TestInspectorNarrowKeepsValues(t *testing.T) {
	for _, w := range []int{36, 46, 60} {
		in := xorInput(network.PhaseAccumulate, w, 12)
		in.Focus = Focus{Layer: 2, Neuron: 0, Weight: 1}
		tr := in.Trace
		out := ansi.Strip(Inspector(in))
		for _, want := range []string{
			"= " + num(tr.Z[1][0]), "= " + num(tr.A[2][0]), "= " + num(tr.Cost),
			"= " + num(tr.Delta[1][0]), "= " + num(tr.Delta[1][0]*tr.A[1][1]),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("width %d: %q missing:\n%s", w, want, out)
			}
		}
		if strings.Contains(out, "…\n") {
			t.Errorf("width %d: a line is clipped:\n%s", w, out)
		}
	}
}

// TestConfusionShades: a matrix too wide for counts is drawn with shades.
func TestConfusionShades(t *testing.T) {
	in := digitsInput(80, 20)
	in.Pos.Phase = network.PhaseAccumulate
	if out := ansi.Strip(Sample(in)); !strings.Contains(out, "↓  0 1 2") {
		t.Errorf("wide pane: no counts header:\n%s", out)
	}
	in.W, in.H = 16, 30 // tall enough for the lines, wrapped, and the matrix
	out := ansi.Strip(Sample(in))
	if strings.Contains(out, "enlarge") || !strings.ContainsAny(out, "░▒▓█") {
		t.Errorf("narrow pane: no shaded matrix:\n%s", out)
	}
}

// TestConfusionMistakes: when even shades do not fit, the pane lists the
// most frequent mistakes.
func TestConfusionMistakes(t *testing.T) {
	in := digitsInput(40, 9)
	in.Pos.Phase = network.PhaseAccumulate
	out := ansi.Strip(Sample(in))
	m, _, _, _ := metrics(in)
	best, bi, bj := 0, 0, 0
	for i, row := range m.Confusion {
		for j, v := range row {
			if i != j && v > best {
				best, bi, bj = v, i, j
			}
		}
	}
	if want := fmt.Sprintf("%d→%d ×%d", bi, bj, best); !strings.Contains(out, want) {
		t.Errorf("top mistake %q missing:\n%s", want, out)
	}
}

func TestInspectorDiverged(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 120, 6)
	in.Status = network.Diverged
	in.Div = &network.Divergence{Layer: 1, What: "weights", Pos: in.Pos}
	if out := ansi.Strip(Inspector(in)); !strings.Contains(out, "diverged: NaN/Inf in weights of L2") {
		t.Errorf("no divergence line:\n%s", out)
	}
	in.Div.Detail = "max |w| grew from 1 to 90 in one epoch"
	if out := ansi.Strip(Inspector(in)); !strings.Contains(out, "diverged in L2: max |w| grew") {
		t.Errorf("no divergence detail:\n%s", out)
	}
}

// TestLossCache: the memoised chart follows new epochs, sizes and themes.
func TestLossCache(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 50, 12)
	in.Cache = &Cache{}
	a := Loss(in)
	if Loss(in) != a {
		t.Fatal("same input, different chart")
	}
	in.History = append(in.History, network.EpochStats{Epoch: 5, TrainLoss: 0.5, TestLoss: math.NaN()})
	b := Loss(in)
	if b == a {
		t.Error("chart not redrawn for a new epoch")
	}
	fresh := in
	fresh.Cache = nil
	if Loss(fresh) != b {
		t.Error("cached chart differs from a fresh one")
	}
	in.Styles = themes.Mono()
	if Loss(in) == b {
		t.Error("chart not redrawn for a new theme")
	}
	in.W = 40
	checkSize(t, "resized", Loss(in), 40, 12)
}

func TestSampleBatch(t *testing.T) {
	in := xorInput(network.PhaseAccumulate, 60, 12)
	in.Batch = []int{3, 1, 0, 2}
	out := ansi.Strip(Sample(in))
	if !strings.Contains(out, "batch #3 #1 #0 #2") {
		t.Errorf("batch indices missing:\n%s", out)
	}
	// The current sample (Pos.Sample = 1) is highlighted.
	if !strings.Contains(Sample(in), in.Styles.SGR.Focus+"#1") {
		t.Error("current sample not highlighted")
	}
	in.Batch = make([]int, 500)
	in.W = 30
	checkSize(t, "long batch", Sample(in), 30, 12)
}

// TestGlyphsVisible: the dimmest activation glyph still stands out from the
// background in every colour theme.
func TestGlyphsVisible(t *testing.T) {
	lum := func(c interface{ RGBA() (r, g, b, a uint32) }) float64 {
		r, g, b, _ := c.RGBA()
		f := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*f(r) + 0.7152*f(g) + 0.0722*f(b)
	}
	for _, name := range []string{themes.Dark, themes.Light, themes.HighContrast, themes.Colorblind} {
		for _, dark := range []bool{true, false} {
			st, _ := themes.Pick(name, dark, false)
			a, b := lum(st.Ramp(glyphLevel(0))), lum(st.Palette.Bg)
			if a < b {
				a, b = b, a
			}
			if ratio := (a + 0.05) / (b + 0.05); ratio < 1.8 {
				t.Errorf("%s dark=%v: dimmest glyph contrast %.2f", name, dark, ratio)
			}
			// The weakest edge colour drawn (±0.35 of the diverging scale).
			for _, v := range []float64{-0.35, 0.35} {
				a, b := lum(st.Diverging(v)), lum(st.Palette.Bg)
				if a < b {
					a, b = b, a
				}
				if ratio := (a + 0.05) / (b + 0.05); ratio < 1.8 {
					t.Errorf("%s dark=%v: weakest edge %v contrast %.2f", name, dark, v, ratio)
				}
			}
		}
	}
}

// TestBoundaryResolution: half resolution while training runs, full as soon
// as the position stops jumping.
func TestBoundaryResolution(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 60, 20)
	in.Cache = &Cache{}
	_ = Boundary(in)
	if in.Cache.grid.scale != 1 {
		t.Fatalf("first frame at scale %d", in.Cache.grid.scale)
	}
	// Running: weights change and hundreds of samples pass per frame.
	in.Net.Layers[1].B[0] += 0.5
	in.Pos.Steps += 500
	running := Boundary(in)
	if in.Cache.grid.scale != 2 {
		t.Fatalf("running frame at scale %d", in.Cache.grid.scale)
	}
	checkSize(t, "running", running, 60, 20)
	// Paused: the next frame redraws at full resolution.
	_ = Boundary(in)
	if in.Cache.grid.scale != 1 {
		t.Fatalf("paused frame at scale %d", in.Cache.grid.scale)
	}
	fresh := in
	fresh.Cache = nil
	if Boundary(fresh) != Boundary(in) {
		t.Error("full-resolution cached grid differs from a fresh one")
	}
}

// TestLossAxisSpansTheData: a loss between 0.44 and 0.73 gets an axis
// from just below 0.44 to just above 0.73 (it ran down to "1e-16"), and
// the log scale labels decades of the data; the cache tells them apart.
func TestLossAxisSpansTheData(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 60, 14)
	in.Cache = &Cache{}
	in.History = nil
	for i, v := range []float64{0.73, 0.61, 0.52, 0.47, 0.44} {
		in.History = append(in.History, network.EpochStats{Epoch: i + 1, TrainLoss: v, TestLoss: v + 0.01})
	}
	axis := func(out string) []float64 {
		var vals []float64
		for _, row := range strings.Split(ansi.Strip(out), "\n")[1:] {
			f := strings.Fields(row)
			if len(f) == 0 {
				continue
			}
			if v, err := strconv.ParseFloat(f[0], 64); err == nil {
				vals = append(vals, v)
			}
		}
		return vals
	}
	linear := Loss(in)
	vals := axis(linear)
	if len(vals) < 5 || slices.Min(vals) < 0.4 || slices.Min(vals) > 0.44 || slices.Max(vals) < 0.74 || slices.Max(vals) > 0.8 {
		t.Errorf("linear axis %v for a loss in 0.44..0.74:\n%s", vals, ansi.Strip(linear))
	}
	in.LogLoss = true
	logged := Loss(in)
	if logged == linear || !strings.Contains(ansi.Strip(logged), "loss/epoch log") {
		t.Errorf("log scale not drawn or not labelled:\n%s", ansi.Strip(logged))
	}
	vals = axis(logged)
	if len(vals) < 5 || slices.Min(vals) < 0.4 || slices.Max(vals) > 0.8 {
		t.Errorf("log axis %v:\n%s", vals, ansi.Strip(logged))
	}
	// On a log scale a loss of 0 cannot be drawn: it is left out.
	in.History = append(in.History, network.EpochStats{Epoch: 6, TrainLoss: 0, TestLoss: 0.3})
	checkSize(t, "log with a zero", Loss(in), 60, 14)
	in.History = []network.EpochStats{{Epoch: 1, TrainLoss: 0}, {Epoch: 2, TrainLoss: 0}}
	if out := ansi.Strip(Loss(in)); !strings.Contains(out, "nothing > 0") {
		t.Errorf("all-zero loss on a log scale:\n%s", out)
	}
}

// TestTopologyHitEveryCell: a click on any cell of the pane, beside an
// image input layer too (whose step is 0), never panics (the monkey found
// a divide by zero at 62×21).
func TestTopologyHitEveryCell(t *testing.T) {
	for _, sz := range [][2]int{{62, 21}, {80, 24}, {40, 12}, {120, 40}} {
		for _, in := range []Input{xorInput(network.PhaseUpdate, sz[0], sz[1]), digitsInput(sz[0], sz[1])} {
			for y := -1; y <= in.H; y++ {
				for x := -1; x <= in.W; x++ {
					TopologyHit(in, x, y)
				}
			}
		}
	}
}

// TestInspectorEarlierUpdateM: in the phases after an update, its dimmed
// line names the m it averaged, at most the training set's size, not the
// batch size set (xor: 4 samples under m = 10).
func TestInspectorEarlierUpdateM(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 100, 14)
	in.Hyper.Batch = 10
	in.Pos.Phase = network.PhaseLoad
	out := ansi.Strip(Inspector(in))
	if !strings.Contains(out, "η=0.5 m=4") || strings.Contains(out, "m=10") {
		t.Errorf("want m=4 (the 4 training samples):\n%s", out)
	}
	// m = 3 over 4 samples: batches of 3 and 1; in an epoch's first batch
	// the earlier update is the last, short one.
	in.Hyper.Batch = 3
	for _, c := range []struct{ batch, want int }{{0, 1}, {1, 3}} {
		in.Pos.Batch = c.batch
		if out := ansi.Strip(Inspector(in)); !strings.Contains(out, fmt.Sprintf("η=0.5 m=%d", c.want)) {
			t.Errorf("batch %d: want m=%d:\n%s", c.batch+1, c.want, out)
		}
	}
}
