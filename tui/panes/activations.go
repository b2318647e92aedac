package panes

import (
	"fmt"
	"math"
	"strconv"

	"backprop/network"
	"backprop/themes"
)

// bars are eight heights, from a sliver to a full cell.
func bar(t float64) string {
	switch int(math.Round(math.Max(0, math.Min(1, t)) * 7)) {
	case 0:
		return "▁"
	case 1:
		return "▂"
	case 2:
		return "▃"
	case 3:
		return "▄"
	case 4:
		return "▅"
	case 5:
		return "▆"
	case 6:
		return "▇"
	}
	return "█"
}

// Activations shows each layer's activations a as a row of bars (height and
// colour = level; one bar per neuron, or the mean of a group when the layer
// is wider than the pane), with the values when they fit, and a second row
// of the weighted inputs z (height = |z|, colour = sign) when there is room.
// Neurons the current sample has not reached show "·"; the focused neuron
// is highlighted.
func Activations(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	st := in.styles()
	c := in.canvas()
	nc := layerCount(in.Net)
	withZ := in.H >= 2*nc-1 // the inputs have no z
	y := 0
	for l := 0; l < nc && y < in.H; l++ {
		y = drawLayerRows(in, st, c, viewLayer(in, l), y, withZ && l > 0)
	}
	return c.String()
}

// ActivationsRows is the rows the Activations pane has something to show
// in: a row for the inputs, and a row of a and one of z for every layer.
func ActivationsRows(in Input) int {
	if _, ok := unready(in); !ok {
		return 0
	}
	return 2*layerCount(in.Net) - 1
}

// WeightsRows is the rows the Weights pane has something to show in at
// width in.W: every layer's block and the focused weight's value.
func WeightsRows(in Input) int {
	if _, ok := unready(in); !ok {
		return 0
	}
	return allLayerRows(in.Net, in.W) + 1
}

// barLabelW is the width of the Activations pane's row labels.
const barLabelW = 4

// drawLayerRows draws layer v's rows from row y, the a row and (withZ) the
// z row under it, and returns the next free row.
func drawLayerRows(in Input, st *themes.Styles, c *canvas, v layerView, y int, withZ bool) int {
	lab, labSGR := "x", st.SGR.Dim
	if v.l > 0 {
		lab = "L" + strconv.Itoa(v.l)
	}
	if v.l == in.Focus.Layer {
		labSGR = st.SGR.Title
	}
	c.text(0, y, lab, labSGR)
	if withZ {
		c.text(0, y+1, " z", st.SGR.Dim)
	}
	bw := in.W - barLabelW
	if bw <= 0 {
		return y + 1 + b2i(withZ)
	}
	used := drawBars(c, st, barLabelW, y, bw, v.n, in.Focus, v.l, v.done, v.barLevel, activationBar(st))
	focus := -1
	if v.l == in.Focus.Layer {
		focus = in.Focus.Neuron
	}
	drawBarValues(c, st, in.W, y, used, "a", v.a, v, st.SGR.Text, focus)
	y++
	if withZ && y < in.H {
		var z []float64
		if tr := tr0(in.Trace); v.l-1 < len(tr.Z) {
			z = tr.Z[v.l-1]
		}
		zs := maxAbs(z)
		if zs == 0 {
			zs = 1
		}
		level := func(j int) float64 { return at1(z, j) / zs }
		used := drawBars(c, st, barLabelW, y, bw, v.n, in.Focus, v.l, v.done, level, signedBar(st))
		drawBarValues(c, st, in.W, y, used, "z", z, v, st.SGR.Dim, -1)
		y++
	}
	return y
}

// activationBar draws a level t ∈ [0, 1] as a bar of the activation ramp.
func activationBar(st *themes.Styles) func(float64) (string, string) {
	return func(t float64) (string, string) {
		if st.Mono {
			return bar(t), ""
		}
		return bar(t), st.RampFg(glyphLevel(t))
	}
}

// signedBar draws v ∈ [−1, 1] as a bar of height |v| coloured by sign
// (mono: reversed when negative).
func signedBar(st *themes.Styles) func(float64) (string, string) {
	return func(v float64) (string, string) {
		g := bar(math.Abs(v))
		if st.Mono {
			if v < 0 {
				return g, st.SGR.Reverse
			}
			return g, ""
		}
		return g, st.DivFg(math.Copysign(math.Max(math.Abs(v), 0.35), v))
	}
}

// drawBarValues writes "sym" and the n values right of the bars, 6 cells
// each, when they all fit in the pane's width w: "?" before the sample
// computes them, the focused one (focus ≥ 0) highlighted.
func drawBarValues(c *canvas, st *themes.Styles, w, y, used int, sym string, vals []float64, v layerView, sgr string, focus int) {
	rest := w - barLabelW - used - 1
	if v.n <= 0 || v.n*6+2 > rest {
		return
	}
	x := c.text(barLabelW+used+1, y, sym, st.SGR.Dim)
	for j := 0; j < v.n; j++ {
		s, vs := "?", st.SGR.Dim
		if v.done(j) {
			s, vs = fitNum(at1(vals, j), 5), sgr
		}
		if j == focus {
			vs = st.SGR.Focus
		}
		c.textRight(x+6*(j+1), y, s, vs)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// drawBars draws n values in at most width cells from (x, y): one cell per
// neuron, or per group of neurons (their mean) when n > width. It returns
// the cells used.
func drawBars(c *canvas, st *themes.Styles, x, y, width, n int, f Focus, l int,
	done func(int) bool, value func(int) float64, glyph func(float64) (string, string)) int {
	if n <= 0 || width <= 0 {
		return 0
	}
	g := (n + width - 1) / width
	cells := (n + g - 1) / g
	for i := 0; i < cells; i++ {
		sum, cnt := 0.0, 0
		for j := i * g; j < min((i+1)*g, n); j++ {
			if done(j) {
				if v := value(j); finite(v) {
					sum += v
					cnt++
				}
			}
		}
		s, sgr := "·", st.SGR.Dim
		if cnt > 0 {
			s, sgr = glyph(sum / float64(cnt))
		}
		if f.Layer == l && f.Neuron/g == i {
			sgr = st.SGR.Focus
		}
		c.put(x+i, y, s, sgr)
	}
	return cells
}

// hinton is the glyph of a weight of relative magnitude r ∈ [0, 1].
func hinton(r float64) string {
	switch {
	case r < 0.1:
		return "·"
	case r < 0.35:
		return "▪"
	case r < 0.7:
		return "■"
	}
	return "█"
}

// Weights shows the weights of the network, one block per layer in order:
// the focused layer's whole when it fits (else a window around the focused
// neuron), then the other layers in the rows left (windows of their first
// neurons when they do not fit). A block has
// one row per neuron, one column per incoming weight and a last column for
// the bias: the numbers when they fit, else a Hinton diagram whose glyph
// grows with |w| (· ▪ ■ █, relative to the layer's largest) coloured by sign
// (mono: + and −). The focused neuron's row and weight are highlighted.
func Weights(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	st := in.styles()
	c := in.canvas()
	fl := clamp(in.Focus.Layer, 1, len(in.Net.Layers))
	for _, l := range in.Net.Layers {
		if l == nil || len(l.W) < l.In*l.Out || len(l.B) < l.Out {
			return message(in, "no weights")
		}
	}
	fj, fk := -1, -2
	if in.Focus.Layer == fl {
		fj, fk = in.Focus.Neuron, in.Focus.Weight
	}
	rows := in.H
	showVal := rows >= 3 && fj >= 0 // the last line shows the focused weight's value
	if showVal {
		rows--
	}
	y := 0
	for li, n := range weightsRows(in.Net, in.W, rows, fl) {
		if n == 0 {
			continue
		}
		j, k := -1, -2
		if li+1 == fl {
			j, k = fj, fk
		}
		y = drawWeightsBlock(c, st, li+1, in.Net.Layers[li], y, n, in.W, j, k, li+1 == fl)
	}
	if showVal && fj < in.Net.Layers[fl-1].Out {
		c.draw(0, in.H-1, focusedWeight(st, in.Net.Layers[fl-1], fj, fk))
	}
	return c.String()
}

// weightsRows shares rows between the layers' blocks: the focused layer
// fl's block first, then the others in order, each whole when it fits and
// else a window while at least 3 rows are left (a title and two rows);
// 0 leaves a layer out.
func weightsRows(net *network.Network, w, rows, fl int) []int {
	n := make([]int, len(net.Layers))
	block := func(l *network.Layer) int { return 1 + l.Out + b2i(numbersFit(l, w)) }
	n[fl-1] = min(block(net.Layers[fl-1]), rows)
	rest := rows - n[fl-1]
	for li, l := range net.Layers {
		if li+1 != fl && rest >= min(block(l), 3) {
			n[li] = min(block(l), rest)
			rest -= n[li]
		}
	}
	return n
}

// allLayerRows is the rows every layer's block takes in width w: a title,
// a header of numbers or not, a row per neuron.
func allLayerRows(net *network.Network, w int) int {
	n := 0
	for _, l := range net.Layers {
		n += 1 + l.Out
		if numbersFit(l, w) {
			n++
		}
	}
	return n
}

// numbersFit reports whether a layer's weights fit as numbers, 6 cells each.
func numbersFit(l *network.Layer, w int) bool {
	return len(strconv.Itoa(l.Out))+1+6*(l.In+1)+2 <= w
}

// drawWeightsBlock draws layer fl's title and weights from row y in at
// most rows rows, and returns the row after it.
func drawWeightsBlock(c *canvas, st *themes.Styles, fl int, layer *network.Layer, y, rows, w, fj, fk int, focused bool) int {
	mx := math.Max(maxAbs(layer.W), maxAbs(layer.B))
	if mx == 0 {
		mx = 1
	}
	title := weightsTitle(st, fl, layer, mx)
	if !focused {
		title = title.dim(st.SGR.Dim)
	}
	c.draw(0, y, title)
	y++
	rows--
	if numbersFit(layer, w) && rows >= 2 {
		return drawWeightNumbers(c, st, layer, y, rows, fj, fk, mx)
	}
	if rows <= 0 {
		return y
	}
	g := layoutHinton(w, rows, layer, fj, fk)
	for r := 0; r < rows && g.j0+r < layer.Out; r++ {
		drawHintonRow(c, st, layer, g, y+r, g.j0+r, fj, fk, mx)
	}
	if g.k0 > 0 {
		c.put(g.labW-1, y, "‹", st.SGR.Dim)
	}
	if g.k0+g.vis < g.cols {
		c.put(w-1, y, "›", st.SGR.Dim)
	}
	return y + min(rows, layer.Out)
}

// drawWeightNumbers draws a layer's weights and biases as numbers under a
// header (w₁ w₂ … │ b), the focused neuron's row and weight highlighted,
// and returns the row after them.
func drawWeightNumbers(c *canvas, st *themes.Styles, layer *network.Layer, y, rows, fj, fk int, mx float64) int {
	labW := len(strconv.Itoa(layer.Out)) + 1                              // "▸1"; each number has a space before it
	x := func(k int) int { return labW + 6*(k+1) + 2*b2i(k == layer.In) } // a column's right edge
	bar := labW + 6*layer.In + 1
	for k := 0; k <= layer.In; k++ {
		h := "w" + sub(k+1)
		if k == layer.In {
			c.put(bar, y, "│", st.SGR.Dim)
			h = "b"
		}
		c.textRight(x(k), y, h, st.SGR.Dim)
	}
	j0 := window(layer.Out, rows-1, fj)
	for r := 0; r < rows-1 && j0+r < layer.Out; r++ {
		j, yy := j0+r, y+1+r
		labSGR, lab := st.SGR.Dim, strconv.Itoa(j+1)
		if j == fj {
			labSGR, lab = st.SGR.Title, "▸"+lab
		}
		c.textRight(labW, yy, lab, labSGR)
		for k := 0; k <= layer.In; k++ {
			v := at1(layer.W, j*layer.In+k)
			if k == layer.In {
				v = layer.B[j]
				c.put(bar, yy, "│", st.SGR.Dim)
			}
			s, sgr := weightNumber(st, v, mx)
			if j == fj && (k == fk || k == layer.In && fk == -1) {
				sgr = st.SGR.Focus
			}
			c.textRight(x(k), yy, s, sgr)
		}
	}
	return y + min(rows, layer.Out+1)
}

// weightNumber is a weight as a number in 5 cells coloured by sign and
// size (mono: a + on positive ones, bold when large).
func weightNumber(st *themes.Styles, w, mx float64) (string, string) {
	r := math.Min(math.Abs(w)/mx, 1)
	s := fitNum(w, 5)
	switch {
	case !finite(w):
		return "!", st.SGR.Error
	case st.Mono:
		if w > 0 && len([]rune(s)) < 5 {
			s = "+" + s
		}
		if r >= 0.5 {
			return s, st.SGR.Bold
		}
		return s, ""
	}
	return s, st.DivFg(math.Copysign(math.Max(r, 0.45), w))
}

// weightsTitle: "W of L1 3×2 + bias · max |w| 1.9".
func weightsTitle(st *themes.Styles, fl int, layer *network.Layer, mx float64) line {
	var head line
	head.add(fmt.Sprintf("W of L%d", fl), st.SGR.Title)
	head.add(fmt.Sprintf(" %d×%d", layer.Out, layer.In), st.SGR.Dim).opt(2, " + bias", st.SGR.Dim, "")
	head.opt(1, " · max |w| "+num2(mx), st.SGR.Dim, "")
	return head
}

// hintonGrid is the window of a layer's weights (and biases) that the
// Weights pane shows.
type hintonGrid struct {
	labW   int // width of the row labels
	cw     int // cells per column: 2 when they fit with a gap
	cols   int // columns: the weights of a row and the bias
	vis    int // columns shown
	k0, j0 int // first column and row shown
}

// layoutHinton fits rows × (weights + bias) of layer in width w, keeping
// the focused neuron fj and weight fk (−1: the bias) in view.
func layoutHinton(w, rows int, layer *network.Layer, fj, fk int) hintonGrid {
	g := hintonGrid{labW: len(strconv.Itoa(layer.Out)) + 2, cw: 1, cols: layer.In + 1}
	avail := w - g.labW
	if 2*g.cols <= avail {
		g.cw = 2
	}
	g.vis = max(avail/g.cw, 0)
	kf := fk
	if fk == -1 {
		kf = layer.In // the bias column
	}
	g.k0 = window(g.cols, g.vis, kf)
	g.j0 = window(layer.Out, rows, fj)
	return g
}

// drawHintonRow draws neuron j's label and its weights' glyphs on row y.
func drawHintonRow(c *canvas, st *themes.Styles, layer *network.Layer, g hintonGrid, y, j, fj, fk int, mx float64) {
	labSGR, lab := st.SGR.Dim, strconv.Itoa(j+1)
	if j == fj {
		labSGR, lab = st.SGR.Title, "▸"+lab
	}
	c.textRight(g.labW-1, y, lab, labSGR)
	for q := 0; q < g.vis && g.k0+q < g.cols; q++ {
		k := g.k0 + q
		bias := k == layer.In
		w := at1(layer.W, j*layer.In+k)
		if bias {
			w = layer.B[j]
		}
		glyph, sgr := hintonCell(st, w, mx)
		if j == fj && (k == fk || bias && fk == -1) {
			sgr = st.SGR.Focus
		}
		x := g.labW + q*g.cw
		if bias && g.cw == 2 {
			c.put(x-1, y, "│", st.SGR.Dim)
		}
		c.put(x, y, glyph, sgr)
	}
}

// hintonCell is the glyph and style of weight w in a layer whose largest
// |w| is mx: size by magnitude, colour by sign (mono: + and −, bold when
// large), "!" when not finite.
func hintonCell(st *themes.Styles, w, mx float64) (glyph, sgr string) {
	r := math.Min(math.Abs(w)/mx, 1)
	glyph, sgr = hinton(r), st.DivFg(math.Copysign(math.Max(r, 0.45), w))
	switch {
	case !finite(w):
		return "!", st.SGR.Error
	case st.Mono:
		sgr = ""
		if r >= 0.1 {
			glyph = themes.Sign(w)
		}
		if r >= 0.5 {
			sgr = st.SGR.Bold
		}
	}
	return glyph, sgr
}

// focusedWeight: "w₂ of n1 = 0.73" (or the bias "b of n1 = …").
func focusedWeight(st *themes.Styles, layer *network.Layer, fj, fk int) line {
	var l line
	if fk >= 0 && fk < layer.In {
		l.add(fmt.Sprintf("w%s of n%d = ", sub(fk+1), fj+1), st.SGR.Dim)
		return *l.add(num(layer.W[fj*layer.In+fk]), st.SGR.Bold)
	}
	l.add(fmt.Sprintf("b of n%d = ", fj+1), st.SGR.Dim)
	return *l.add(num(layer.B[fj]), st.SGR.Bold)
}

// window returns the first index of a window of vis items over n that
// shows item f (f < 0: none in particular), starting at 0 when all fit.
func window(n, vis, f int) int {
	if vis <= 0 || n <= vis || f < 0 {
		return 0
	}
	return clamp(f-vis/2, 0, n-vis)
}
