package panes

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/network"
	"backprop/themes"
)

// TestTileEqualsActivation: each tile pixel Topology draws is neuron (l, j)'s
// activation computed directly (ProbeTrace, the stepper's own forward pass)
// at that pixel's point of the plane, coloured on the diverging scale.
func TestTileEqualsActivation(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 80, 24)
	in.Cache = &Cache{}
	_ = Topology(in)
	g := topoLayout(in)
	if !g.tiled || g.maps == nil {
		t.Fatal("xor at 80×24 is not tiled")
	}
	st := in.styles()
	c := newCanvas(in.W, in.H)
	checked := 0
	for l := range g.cols {
		col := &g.cols[l]
		for j := 0; j < col.n; j++ {
			y0 := col.y0 + j*col.step
			drawNeuronMap(c, st, in.Net, g.maps, l, j, col.x, y0, col.tw, col.th, 2*col.th)
			for py := 0; py < 2*col.th; py++ {
				for px := 0; px < col.tw; px++ {
					cc, r := px*g.maps.Cols/col.tw, g.maps.Rows-1-py*g.maps.Rows/(2*col.th)
					x := []float64{g.maps.X1(cc), g.maps.X2(r)}
					tr := in.Net.ProbeTrace(x, []float64{0})
					a := tr.A[l][j]
					if got := g.maps.At(l, j, cc, r); math.Float64bits(got) != math.Float64bits(a) {
						t.Fatalf("L%d n%d at %v: grid %v, forward %v", l, j, x, got, a)
					}
					lo, hi := g.maps.Range(l, j)
					var want float64
					switch {
					case l == 0:
						want = a / math.Max(math.Abs(lo), math.Abs(hi))
					default: // sigmoid
						want = 2*a - 1
					}
					want = math.Max(-1, math.Min(1, want)) * mapIntensity
					i := (y0+py/2)*c.w + col.x + px
					got := c.st[i]
					exp := st.DivFg(want)
					if py%2 == 1 {
						got, exp = c.bg[i], st.DivBg(want)
					}
					if got != exp {
						t.Fatalf("L%d n%d pixel (%d,%d): colour %q, want %q (a = %v)", l, j, px, py, got, exp, a)
					}
					checked++
				}
			}
		}
	}
	if checked < 5*32 {
		t.Errorf("checked %d pixels", checked)
	}
}

// TestTilesChangeWithWeights: an edit redraws the tiles (the memo is keyed
// by the weights).
func TestTilesChangeWithWeights(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 80, 24)
	in.Cache = &Cache{}
	before := Topology(in)
	in.Net.Layers[0].W[0] += 3
	if Topology(in) == before {
		t.Error("tiles unchanged after a weight edit")
	}
}

// TestDeadNeuronMarked: a ReLU whose bias keeps z < 0 over the whole plane
// is dead: its tile carries ×, the circles mode a ⊘, the focused map says so.
func TestDeadNeuronMarked(t *testing.T) {
	in := xorInput(network.PhaseUpdate, 80, 24)
	in.Net.Layers[0].Act = network.ReLU
	in.Net.Layers[0].B[1] = -100
	in.Cache = &Cache{}
	if out := ansi.Strip(Topology(in)); strings.Count(out, "×") != 2 { // the tile and the legend
		t.Errorf("dead tile not marked:\n%s", out)
	}
	in.Circles = true
	if out := ansi.Strip(Topology(in)); !strings.Contains(out, "⊘") {
		t.Errorf("dead circle not marked:\n%s", out)
	}
	in.NeuronMap, in.Focus = true, Focus{Layer: 1, Neuron: 1}
	if out := ansi.Strip(Boundary(in)); !strings.Contains(out, "dead: a = 0") {
		t.Errorf("focused map does not say dead:\n%s", out)
	}
	in.Net.Layers[0].Act, in.Net.Layers[0].B[1] = network.Sigmoid, 100
	if out := ansi.Strip(Boundary(in)); !strings.Contains(out, "saturated: a ≈ 1") {
		t.Errorf("focused map does not say saturated:\n%s", out)
	}
}

// TestGoldenNeuronMaps keeps the new views: the tiles (colour and mono),
// the focused neuron's full-size map, the discretized output without test
// points, and the digits' receptive fields.
func TestGoldenNeuronMaps(t *testing.T) {
	type view struct {
		name string
		draw func() string
	}
	xor := func(w, h int) Input { in := xorInput(network.PhaseUpdate, w, h); in.Cache = &Cache{}; return in }
	views := []view{
		{"topology_tiles_60x16", func() string { return Topology(xor(60, 16)) }},
		{"topology_tiles_mono_60x16", func() string { in := xor(60, 16); in.Styles = themes.Mono(); return Topology(in) }},
		{"boundary_focused_40x12", func() string { in := xor(40, 12); in.NeuronMap = true; return Boundary(in) }},
		{"boundary_discrete_notest_40x12", func() string {
			in := xor(40, 12)
			in.Discrete, in.HideTest = true, true
			return Boundary(in)
		}},
		{"boundary_fields_60x16", func() string { in := digitsInput(60, 16); in.NeuronMap = true; return Boundary(in) }},
		{"boundary_fields_onto_L2_60x16", func() string {
			in := digitsInput(60, 16)
			in.NeuronMap, in.Focus = true, Focus{Layer: 2, Neuron: 3}
			return Boundary(in)
		}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			out := v.draw()
			checkSize(t, v.name, out, lipWidth(out), strings.Count(out, "\n")+1)
			golden.RequireEqual(t, ansi.Strip(out))
		})
	}
	// The colours of the tiles too.
	t.Run("ansi", func(t *testing.T) { golden.RequireEqual(t, Topology(xor(40, 12))) })
}

func lipWidth(s string) int { return ansi.StringWidth(strings.SplitN(s, "\n", 2)[0]) }
