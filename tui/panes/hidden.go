package panes

import (
	"fmt"
	"math"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// The Hidden space pane: the training points and the input plane's grid
// lines drawn at the activations of two neurons of one hidden layer
// (network.MapHidden), with the lines the next layer draws there
// (network.NextLines). It shows why a hidden layer makes XOR separable:
// the layer bends the plane until one straight line splits the classes.

// HiddenView is what the Hidden space pane draws: hidden layer Layer
// (1 ≤ Layer < L) and its neurons I and J (0-based) on the x and y axes.
type HiddenView struct {
	Layer, I, J int
}

// Grid lines the pane maps per axis, and the steps along each.
const (
	hiddenLines = 7
	hiddenSteps = 48
	// hiddenMaxPoints caps the training points drawn (a large CSV set is
	// thinned evenly).
	hiddenMaxPoints = 2000
)

// hiddenMemo memoises the mapped points and lines, keyed by the weights,
// the layer and the data.
type hiddenMemo struct {
	progress
	key   uint64
	data  *datasets.Dataset
	steps int
	h     *network.HiddenSpace
	ys    [][]float64 // the targets of the points mapped
	// lines holds the decision line's dots (the grid's are in Cache.dots)
	lines braille
}

// hiddenSpace returns the mapped points and grid lines of in.Hidden.Layer,
// from the cache while the weights are unchanged; while training runs fast
// on a big network it keeps the last map (as the Boundary does).
func hiddenSpace(in Input) (*network.HiddenSpace, [][]float64, error) {
	d, l := in.Data, in.Hidden.Layer
	xs, ys := thin(d.Train.X, d.Train.Y, hiddenMaxPoints)
	key := weightsKey(in.Net, l, len(xs))
	var m *hiddenMemo
	if in.Cache != nil {
		m = &in.Cache.hidden
		manual := m.manual(in)
		cost := (len(xs) + 2*hiddenLines*(hiddenSteps+1)) * (in.Net.NumParams() + 200)
		if m.h != nil && m.data == d && m.h.Layer == l &&
			(m.key == key || !manual && in.Pos.Steps >= m.steps && cost > 20_000_000) {
			return m.h, m.ys, nil
		}
	}
	pl := inputPlane(in)
	h, err := network.MapHidden(in.Net, l, xs, pl.lo, pl.hi, hiddenLines, hiddenSteps)
	if err != nil {
		return nil, nil, err
	}
	if m != nil {
		m.key, m.data, m.steps, m.h, m.ys = key, d, in.Pos.Steps, h, ys
	}
	return h, ys, nil
}

// thin keeps at most n of the points, evenly spread.
func thin(xs, ys [][]float64, n int) ([][]float64, [][]float64) {
	if len(xs) > len(ys) {
		xs = xs[:len(ys)]
	}
	if len(xs) <= n {
		return xs, ys[:len(xs)]
	}
	tx, ty := make([][]float64, n), make([][]float64, n)
	for i := range n {
		k := i * len(xs) / n
		tx[i], ty[i] = xs[k], ys[k]
	}
	return tx, ty
}

// Hidden draws the Hidden space pane.
func Hidden(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	net, d := in.Net, in.Data
	switch {
	case d == nil || !planeOK(in):
		inputs := fmt.Sprintf("%d inputs", net.Inputs())
		if net.Inputs() == 1 {
			inputs = "one input"
		}
		return message(in, "Hidden space\nneeds 2-D data\n(this network\nhas "+inputs+")")
	case len(net.Sizes) < 3:
		return message(in, "no hidden layer\nto look through:\ng adds one")
	case in.Hidden == nil:
		return message(in, "no hidden layer chosen")
	}
	v := *in.Hidden
	size := net.Sizes[v.Layer]
	if v.Layer < 1 || v.Layer >= len(net.Sizes)-1 || v.I == v.J || max(v.I, v.J) >= size || min(v.I, v.J) < 0 {
		return message(in, fmt.Sprintf("L%d has %d neuron:\na plane needs 2\n(n adds one)", v.Layer, size))
	}
	h, ys, err := hiddenSpace(in)
	if err != nil {
		return message(in, err.Error())
	}
	return drawHidden(in, v, h, ys)
}

// hiddenFrame is the rectangle of the (a_I, a_J) plane the pane shows.
type hiddenFrame struct {
	lo, hi [2]float64
	gw, gh int // pixels (braille dots)
}

// pixel is the braille dot of plane point (a, b), and whether it is inside.
func (f hiddenFrame) pixel(a, b float64) (int, int, bool) {
	px := int(math.Floor((a - f.lo[0]) / (f.hi[0] - f.lo[0]) * float64(f.gw)))
	py := int(math.Floor((f.hi[1] - b) / (f.hi[1] - f.lo[1]) * float64(f.gh)))
	ok := finite(a) && finite(b) && px >= 0 && py >= 0 && px < f.gw && py < f.gh
	return min(max(px, -1), f.gw), min(max(py, -1), f.gh), ok
}

// drawHidden draws the grid lines (dotted), the next layer's lines
// (solid), the points and the caption.
func drawHidden(in Input, v HiddenView, h *network.HiddenSpace, ys [][]float64) string {
	st, net, d := in.styles(), in.Net, in.Data
	c := in.canvas()
	caption := layLines(hiddenCaption(in, st, v), in.W, max(in.H/3, 1), 0)
	if in.H < 6 {
		caption = nil
	}
	mh := in.H - len(caption)
	if mh <= 0 {
		return c.String()
	}
	act := net.Layers[v.Layer-1].Act
	f := hiddenFrame{gw: 2 * in.W, gh: 4 * mh}
	f.lo[0], f.hi[0] = h.Range(act, v.I)
	f.lo[1], f.hi[1] = h.Range(act, v.J)
	grid, dl := newBraille(0, 0), newBraille(0, 0) // the grid's dots; the next layer's lines'
	if in.Cache != nil {
		grid, dl = &in.Cache.dots, &in.Cache.hidden.lines
	}
	grid.reset(in.W, mh)
	dl.reset(in.W, mh)
	for _, ln := range h.Lines {
		sgr := st.SGR.Dim
		for s := 1; s < len(ln.A); s++ {
			x0, y0, ok0 := f.pixel(ln.A[s-1][v.I], ln.A[s-1][v.J])
			x1, y1, ok1 := f.pixel(ln.A[s][v.I], ln.A[s][v.J])
			if ok0 || ok1 {
				grid.line(x0, y0, x1, y1, 2, sgr)
			}
		}
	}
	drawNextLines(dl, f, net, v, st.SGR.Accent)
	drawHiddenPoints(c, st, d, f, h.Points, ys, v)
	if x := tracePoint(in); in.inputDone() && len(x) == 2 {
		if s, err := network.MapHidden(net, v.Layer, [][]float64{x}, f.lo, f.hi, 0, 0); err == nil {
			if px, py, ok := f.pixel(s.Points[0][v.I], s.Points[0][v.J]); ok {
				c.put(px/2, py/4, "◉", st.SGR.Focus)
			}
		}
	}
	dl.mergeInto(c)
	grid.mergeInto(c)
	c.drawLines(0, mh, caption)
	return c.String()
}

// drawNextLines draws the lines of network.NextLines clipped to the frame.
func drawNextLines(b *braille, f hiddenFrame, net *network.Network, v HiddenView, sgr string) {
	lines, _, err := network.NextLines(net, v.Layer)
	if err != nil {
		return
	}
	for _, ln := range lines {
		w0, w1 := ln.W[v.I], ln.W[v.J] // I, J are 0 and 1 here (2 neurons)
		p, q, ok := clipLine(w0, w1, ln.C, f.lo, f.hi)
		if !ok {
			continue
		}
		x0, y0, _ := f.pixel(p[0], p[1])
		x1, y1, _ := f.pixel(q[0], q[1])
		b.line(min(x0, f.gw-1), min(y0, f.gh-1), min(x1, f.gw-1), min(y1, f.gh-1), 1, sgr)
	}
}

// clipLine is the segment of w0·a + w1·b = c inside the box lo..hi.
func clipLine(w0, w1, c float64, lo, hi [2]float64) (p, q [2]float64, ok bool) {
	var pts [][2]float64
	if w1 != 0 {
		for _, a := range []float64{lo[0], hi[0]} {
			if b := (c - w0*a) / w1; b >= lo[1] && b <= hi[1] {
				pts = append(pts, [2]float64{a, b})
			}
		}
	}
	if w0 != 0 {
		for _, b := range []float64{lo[1], hi[1]} {
			if a := (c - w1*b) / w0; a >= lo[0] && a <= hi[0] {
				pts = append(pts, [2]float64{a, b})
			}
		}
	}
	if len(pts) < 2 {
		return p, q, false
	}
	return pts[0], pts[len(pts)-1], true
}

// drawHiddenPoints draws the mapped points in their class colours (mono:
// o/x), regression targets by sign.
func drawHiddenPoints(c *canvas, st *themes.Styles, d *datasets.Dataset, f hiddenFrame, pts, ys [][]float64, v HiddenView) {
	n := max(len(d.Classes), 2)
	for i, a := range pts {
		px, py, ok := f.pixel(a[v.I], a[v.J])
		if !ok || i >= len(ys) {
			continue
		}
		x, y := px/2, py/4
		switch {
		case d.Kind == datasets.Regression && st.Mono:
			c.put(x, y, themes.Sign(regressionLevel(ys[i])), st.SGR.Bold)
		case d.Kind == datasets.Regression:
			c.put(x, y, "●", st.DivFg(regressionLevel(ys[i])))
		case st.Mono:
			c.put(x, y, monoPoint(network.ClassOf(ys[i]), false), st.SGR.Bold)
		default:
			c.put(x, y, "●", st.ClassFg(network.ClassOf(ys[i]), n))
		}
	}
}

// hiddenCaption: the axes (the two neurons, their activation and range),
// what the solid line is, and the keys.
func hiddenCaption(in Input, st *themes.Styles, v HiddenView) []line {
	net := in.Net
	var axes, note line
	act := actName(net.Layers[v.Layer-1].Act)
	axes.add("→ "+neuronName(v.Layer, v.I)+"  ↑ "+neuronName(v.Layer, v.J), st.SGR.Text)
	axes.add("  "+act+"  ⠒ input grid", st.SGR.Dim)
	lines, decision, err := network.NextLines(net, v.Layer)
	next := fmt.Sprintf("L%d", v.Layer+1)
	switch {
	case err == nil && decision:
		note.add("━", st.SGR.Accent).add(" decision line (output = ½)", st.SGR.Dim)
	case err == nil:
		note.add("━", st.SGR.Accent).add(fmt.Sprintf(" z = 0 of %s's %d neurons", next, len(lines)), st.SGR.Dim)
	case net.Sizes[v.Layer] > 2:
		note.add(fmt.Sprintf("no line: %s reads all %d of L%d's neurons", next, net.Sizes[v.Layer], v.Layer), st.SGR.Dim)
	default:
		note.add("no line: "+next+" has more than 2 outputs", st.SGR.Dim)
	}
	note.opt(1, "  E: next pair, I: next layer", st.SGR.Dim, "")
	return []line{axes, note}
}
