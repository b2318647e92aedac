package panes

import (
	"fmt"
	"math"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// Neuron maps: every neuron's activation over the input plane, as in
// TensorFlow Playground. One network.EvalGrid gives every neuron's map at
// once; Topology draws them as small tiles and Boundary the focused one
// full-size. Both grids are memoised in the Cache, keyed by the weights.

// gridMemo is the state both plane grids (the Boundary's output grid and
// the neuron maps) keep to decide when to recompute (see plan).
type gridMemo struct {
	progress
	key   uint64
	w, h  int // pixels asked for
	steps int
	scale int // 1: full resolution, 2: half (while running)
}

// plan decides whether a gw × gh grid with weights key can be reused
// (fits: the memo holds a grid of that size) and, if not, at what scale
// to compute it: half resolution in each direction while training runs
// (large jumps of Pos.Steps between frames), full again as soon as the
// user steps by hand or pauses; for big networks not at all while running.
func (m *gridMemo) plan(in Input, key uint64, gw, gh int, fits bool) (reuse bool, scale int) {
	manual := m.manual(in)
	if fits && m.key == key && (m.scale == 1 || !manual) {
		return true, m.scale
	}
	// A forward pass costs about its multiply-adds plus a fixed overhead.
	cost := gw * gh * (in.Net.NumParams() + 200)
	if fits && !manual && in.Pos.Steps >= m.steps && cost > 20_000_000 {
		return true, m.scale
	}
	if !manual && gw*gh > 400 {
		return false, 2
	}
	return false, 1
}

// done records a grid computed for key at scale.
func (m *gridMemo) done(in Input, key uint64, gw, gh, scale int) {
	m.key, m.w, m.h, m.steps, m.scale = key, gw, gh, in.Pos.Steps, scale
}

// planeOK reports whether in's network takes points of the plane and the
// data has a 2-D range to draw them over.
func planeOK(in Input) bool {
	d := in.Data
	return d != nil && netOK(in.Net, 2) && len(d.Lo) == 2 && len(d.Hi) == 2
}

// neuronGrid returns every neuron's activation over a gw × gh pixel grid
// of the view range, memoised in slot (nil: computed afresh). full asks
// for full resolution always (small tiles); otherwise the Boundary's
// policy (gridMemo.plan) applies. nil when the grid cannot be made.
func neuronGrid(in Input, slot *neuronMemo, gw, gh int, full bool) *network.Grid {
	if gw <= 0 || gh <= 0 || !planeOK(in) {
		return nil
	}
	pl := inputPlane(in) // two inputs: the data's range and a margin
	lo, hi := pl.lo, pl.hi
	key := weightsKey(in.Net, gw, gh, int(math.Float64bits(lo[0])), int(math.Float64bits(hi[0])),
		int(math.Float64bits(lo[1])), int(math.Float64bits(hi[1])))
	scale := 1
	if slot != nil {
		fits := slot.g != nil && slot.w == gw && slot.h == gh
		reuse, s := slot.plan(in, key, gw, gh, fits)
		if reuse {
			return slot.g
		}
		if !full {
			scale = s
		}
	}
	g, err := network.EvalGrid(in.Net, lo, hi, (gw+scale-1)/scale, (gh+scale-1)/scale)
	if err != nil {
		return nil
	}
	if slot != nil {
		slot.done(in, key, gw, gh, scale)
		slot.g = g
	}
	return g
}

// neuronMemo is one memoised neuron grid.
type neuronMemo struct {
	gridMemo
	g *network.Grid
}

// sample is the value of neuron (l, j) at display pixel (px, py) of a
// gw × gh picture (py = 0 at the top), from the nearest grid point.
func sample(g *network.Grid, l, j, px, py, gw, gh int) float64 {
	c := min(px*g.Cols/gw, g.Cols-1)
	r := g.Rows - 1 - min(py*g.Rows/gh, g.Rows-1)
	return g.At(l, j, c, r)
}

// neuronScale maps neuron (l, j)'s activation to [−1, 1] for the
// diverging colours (as figures.Neurons does): sigmoid, step and softmax
// around ½, tanh as it is, the inputs and unbounded activations by the
// largest |a| over the map.
func neuronScale(net *network.Network, g *network.Grid, l, j int) func(a float64) float64 {
	act := network.Linear
	if l > 0 {
		act = net.Layers[l-1].Act
	}
	switch act {
	case network.Sigmoid, network.Step, network.Softmax:
		return func(a float64) float64 { return 2*a - 1 }
	case network.Tanh:
		return func(a float64) float64 { return a }
	}
	lo, hi := g.Range(l, j)
	span := math.Max(math.Max(math.Abs(lo), math.Abs(hi)), 1e-12)
	if !finite(span) {
		span = 1
	}
	return func(a float64) float64 { return a / span }
}

// constantNote says how hidden neuron (l, j) is constant over the plane —
// "dead: a = 0 everywhere" (a ReLU), "saturated: a ≈ 1.00 everywhere" (a
// sigmoid or tanh), "constant: …" otherwise — or "" when it varies (or is
// an input or an output neuron).
func constantNote(net *network.Network, g *network.Grid, l, j int) string {
	if l <= 0 || l >= len(net.Sizes)-1 || g == nil {
		return ""
	}
	lo, hi := g.Range(l, j)
	if !finite(lo) || !finite(hi) || hi-lo > 1e-4*math.Max(1, math.Max(math.Abs(lo), math.Abs(hi))) {
		return ""
	}
	v := fitNum((lo+hi)/2, 5)
	switch net.Layers[l-1].Act {
	case network.ReLU, network.LeakyReLU:
		if hi <= 0 {
			return "dead: a = " + v + " everywhere"
		}
	case network.Sigmoid, network.Tanh:
		if math.Abs(hi) > 0.9 {
			return "saturated: a ≈ " + v + " everywhere"
		}
	}
	return "constant: a ≈ " + v + " everywhere"
}

// drawNeuronMap draws neuron (l, j) of g into tw × th cells at (x0, y0):
// half blocks, two pixels per cell (mono: a shade per cell), coloured on
// the diverging scale with intensity capped as the Boundary's heatmap.
// Only the top ph pixel rows are drawn (ph < 2·th leaves a gap under a
// tile).
func drawNeuronMap(c *canvas, st *themes.Styles, net *network.Network, g *network.Grid, l, j, x0, y0, tw, th, ph int) {
	scale := neuronScale(net, g, l, j)
	level := func(px, py, gh int) float64 {
		v := scale(sample(g, l, j, px, py, tw, gh))
		if !finite(v) {
			return 0
		}
		return math.Max(-1, math.Min(1, v)) * mapIntensity
	}
	for y := range th {
		for x := range tw {
			switch {
			case st.Mono:
				c.put(x0+x, y0+y, monoPixel(-1, level(x, y, th)/mapIntensity, 2), "")
			case 2*y+1 >= ph:
				c.put(x0+x, y0+y, "▀", st.DivFg(level(x, 2*y, ph)))
			default:
				c.put2(x0+x, y0+y, "▀", st.DivFg(level(x, 2*y, ph)), st.DivBg(level(x, 2*y+1, ph)))
			}
		}
	}
}

// neuronName is "L2 n3" (or "x1" for an input).
func neuronName(l, j int) string {
	if l == 0 {
		return fmt.Sprintf("x%d", j+1)
	}
	return fmt.Sprintf("L%d n%d", l, j+1)
}

// focusedMap draws the focused neuron's activation over the whole plane,
// full-size in the Boundary pane, with the data points over it and a
// caption that names the neuron, its range and whether it is dead or
// saturated.
func focusedMap(in Input) string {
	st := in.styles()
	d := in.Data
	c := in.canvas()
	mh := in.H
	if in.H >= 6 {
		mh-- // caption row
	}
	if in.W <= 0 || mh <= 0 {
		return c.String()
	}
	l, j := in.Focus.Layer, in.Focus.Neuron
	if l < 0 || l >= len(in.Net.Sizes) || j < 0 || j >= in.Net.Sizes[l] {
		return message(in, "focus a neuron to see its map")
	}
	var slot *neuronMemo
	if in.Cache != nil {
		slot = &in.Cache.focusMap
	}
	g := neuronGrid(in, slot, in.W, 2*mh, false)
	if g == nil {
		return message(in, "no map for this network")
	}
	drawNeuronMap(c, st, in.Net, g, l, j, 0, 0, in.W, mh, 2*mh)
	hm := heatmap{gw: in.W, gh: 2 * mh, n: max(len(d.Classes), 2)}
	pl := inputPlane(in)
	if !in.HideTest {
		plotPointsOver(c, st, d, pl, hm, d.Test.X, d.Test.Y, "○")
	}
	plotPointsOver(c, st, d, pl, hm, d.Train.X, d.Train.Y, "●")
	if mh < in.H {
		c.draw(0, in.H-1, focusedCaption(in, st, g))
	}
	return c.String()
}

// focusedCaption: "L1 n3 tanh  a −0.98…0.97  ■ − ■ +" or the neuron's
// dead/saturated note.
func focusedCaption(in Input, st *themes.Styles, g *network.Grid) line {
	var l line
	li, j := in.Focus.Layer, in.Focus.Neuron
	name := neuronName(li, j)
	if li > 0 {
		name += " " + actName(in.Net.Layers[li-1].Act)
	}
	l.add(name+"  ", st.SGR.Title)
	if note := constantNote(in.Net, g, li, j); note != "" {
		return *l.add(note, st.SGR.Error)
	}
	lo, hi := g.Range(li, j)
	l.add(fmt.Sprintf("a %s…%s  ", fitNum(lo, 5), fitNum(hi, 5)), st.SGR.Dim)
	l.add("■", st.DivFg(-1)).add(" low ", st.SGR.Dim).add("■", st.DivFg(1)).add(" high", st.SGR.Dim)
	return l
}

// plotPointsOver draws data points on a map that is not the heatmap hm's
// colours: the points keep the cell's background already drawn.
func plotPointsOver(c *canvas, st *themes.Styles, d *datasets.Dataset, pl plane, hm heatmap, xs, ys [][]float64, glyph string) {
	for i, p := range xs {
		if len(p) < 2 || i >= len(ys) {
			continue
		}
		px, py, ok := toPixel(pl, p, hm.gw, hm.gh)
		if !ok {
			continue
		}
		x, y := px, py/2
		if !c.in(x, y) {
			continue
		}
		bg := c.bg[y*c.w+x]
		switch {
		case d.Kind == datasets.Regression && st.Mono:
			c.put(x, y, themes.Sign(regressionLevel(ys[i])), st.SGR.Bold)
		case d.Kind == datasets.Regression:
			c.put2(x, y, glyph, st.DivFg(regressionLevel(ys[i])), bg)
		case st.Mono:
			c.put(x, y, monoPoint(network.ClassOf(ys[i]), glyph == "○"), st.SGR.Bold)
		default:
			c.put2(x, y, glyph, st.ClassFg(network.ClassOf(ys[i]), hm.n), bg)
		}
	}
}
