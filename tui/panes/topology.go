package panes

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"backprop/internal/numfmt"
	"backprop/network"
	"backprop/themes"
)

// maxAllEdges is the largest layer pair whose every edge is drawn; bigger
// pairs show the focused neuron's strongest focusEdges, or their outline.
const (
	maxAllEdges = 64
	focusEdges  = 8 // the focused neuron's strongest edges, in a bigger pair
)

// column is where one layer's neurons are drawn.
type column struct {
	x, n      int
	collapsed bool // drawn as a heat strip of half-block slots
	// img: the inputs are a picture (digits, MNIST), drawn as one from
	// x0 to x (its right edge)
	img      *imageFit
	x0       int
	g        int // neurons per slot (collapsed)
	slots    int // number of slots (collapsed)
	y0, step int // first row, rows between neurons (not collapsed)
	rows     int // rows used
	tw, th   int // a neuron map tile's size (0: a circle node)
}

// width is the cells one neuron takes across: a tile's, or 1.
func (c *column) width() int { return max(c.tw, 1) }

// mid is the column of the neuron's centre (headers centre on it).
func (c *column) mid() int { return c.x + c.width()/2 }

type topoGeom struct {
	cols        []column
	top, bottom int // node rows
	header      bool
	legend      int  // legend row, or −1
	legend2     bool // the tile legend takes two rows (legend and the next)
	labelL      int  // width of the input value labels
	labelR      int  // width of the output value labels
	// maps is every neuron's map over the plane (2-D data; else nil), at
	// the tiles' size when tiled (the columns are drawn as map tiles).
	maps  *network.Grid
	tiled bool
}

// topoLayout places the columns and neurons of in.Net in in.W × in.H.
func topoLayout(in Input) topoGeom {
	g := topoGeom{top: 0, bottom: in.H - 1, legend: -1}
	nc := layerCount(in.Net)
	if nc == 0 || in.W <= 0 || in.H <= 0 || !wellFormed(in.Net) {
		return g
	}
	if in.H >= 4 {
		g.header = true
		g.top = 1
	}
	if in.H >= 10 && in.W >= 30 {
		g.legend = in.H - 1
		g.bottom = in.H - 2
	}
	R := g.bottom - g.top + 1
	in0 := layerSize(in.Net, 0)
	if in.W >= 30 && in0 <= R {
		g.labelL = 6
	}
	if in.W >= 36 && layerSize(in.Net, nc-1) <= R {
		g.labelR = 11
		if in.W < 50 {
			g.labelR = 6
		}
	}
	left, right := g.labelL+1, in.W-2-g.labelR
	if right < left {
		left, right = 0, in.W-1
		g.labelL, g.labelR = 0, 0
	}
	g.cols = make([]column, nc)
	if tileLayout(in, &g) {
		return g
	}
	img := inputImage(in, R)
	if img != nil && right-img.dw-1 > left+4*(nc-1) {
		g.cols[0].img = img
		left = img.dw - 1 // the picture's right edge
	}
	for i := range g.cols {
		c := &g.cols[i]
		c.n = layerSize(in.Net, i)
		if nc == 1 {
			c.x = left
		} else {
			c.x = left + i*(right-left)/(nc-1)
		}
		switch {
		case c.img != nil:
			c.x0, c.rows = 0, c.img.dh
			c.y0 = g.top + (R-c.rows)/2
		case c.n <= 0:
		case c.n <= R:
			c.step = 1
			if c.n > 1 {
				c.step = clamp((R-1)/(c.n-1), 1, 5)
			}
			c.rows = (c.n-1)*c.step + 1
			c.y0 = g.top + (R-c.rows)/2
		default:
			c.collapsed = true
			c.g = (c.n + 2*R - 1) / (2 * R)
			c.slots = (c.n + c.g - 1) / c.g
			c.rows = (c.slots + 1) / 2
			c.y0 = g.top + (R-c.rows)/2
		}
	}
	return g
}

// inputImage is how the inputs are drawn when they are a picture: fitted
// into R rows and at most a quarter of the pane's width (nil otherwise).
func inputImage(in Input, R int) *imageFit {
	d := in.Data
	if d == nil || d.ImageW <= 0 || d.ImageH <= 0 || d.ImageW*d.ImageH != layerSize(in.Net, 0) {
		return nil
	}
	im, ok := fitImage(in.styles(), d.ImageW, d.ImageH, in.W/4, R)
	if !ok || im.dw < 4 {
		return nil
	}
	return &im
}

// neuronY is the row of neuron j in column c (and, collapsed, its slot).
func (c *column) neuronY(j int) (y, slot int) {
	if c.tw > 0 {
		return c.y0 + j*c.step + (c.th-1)/2, j
	}
	if c.img != nil {
		im := c.img
		return c.y0 + min((j/im.iw)*im.dh/im.ih, im.dh-1), j
	}
	if c.collapsed {
		slot = j / c.g
		return c.y0 + slot/2, slot
	}
	return c.y0 + j*c.step, j
}

// pixelY is the braille-pixel row (4 per cell) of neuron j's edge ends.
func (c *column) pixelY(j int) int {
	y, slot := c.neuronY(j)
	if c.collapsed {
		return 4*y + 2*(slot%2) + 1
	}
	if c.tw > 0 && c.th%2 == 0 {
		return 4*y + 3 // between the two middle rows
	}
	return 4*y + 1
}

// TopologyHit maps a cell (x, y) relative to the Topology pane to the neuron
// drawn there, keeping in.Focus.Weight where it is still valid.
func TopologyHit(in Input, x, y int) (Focus, bool) {
	g := topoLayout(in)
	for l := range g.cols {
		c := &g.cols[l]
		if c.img != nil && x >= c.x0 && x <= c.x && y >= c.y0 && y < c.y0+c.rows {
			im := c.img
			// the first pixel row drawn from this row on (as neuronY)
			r := min(((y-c.y0)*im.ih+im.dh-1)/im.dh, im.ih-1)
			j := r*im.iw + min((x-c.x0)*im.iw/im.dw, im.iw-1)
			return Focus{Layer: 0, Neuron: j, Weight: 0}, true
		}
		if c.img != nil { // a click beside the image (its step is 0)
			continue
		}
		if c.n == 0 || x < c.x-1 || x > c.x+c.width() || y < c.y0 || y >= c.y0+c.rows {
			continue
		}
		var j int
		if c.tw > 0 {
			j = (y - c.y0) / c.step
			if (y-c.y0)%c.step >= c.th {
				continue
			}
		} else if c.collapsed {
			j = 2 * (y - c.y0) * c.g
		} else {
			d := y - c.y0
			j = (d + c.step/2) / c.step
			if abs(d-j*c.step) > (c.step-1)/2 {
				continue
			}
		}
		if j < 0 || j >= c.n {
			continue
		}
		w := in.Focus.Weight
		if l == 0 || w >= layerSize(in.Net, l-1) || w < -1 {
			w = 0
		}
		return Focus{Layer: l, Neuron: j, Weight: w}, true
	}
	return Focus{}, false
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// edge is one drawn connection in braille pixels.
type edge struct {
	x0, y0, x1, y1 int
	w, r           float64 // weight, |w|/max
	emph           bool
	outline        bool // a bundle's outer edge: faint, no weight
}

// Topology draws the network: layer columns of neurons coloured and filled
// by activation (○ ◔ ◑ ◕ ●), edges coloured by the weight's sign with dots
// as dense as its magnitude, the focused neuron highlighted and the layer in
// progress marked → (forward) or ← (backward). Layers taller than the pane
// become heat strips of half blocks.
func Topology(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	st := in.styles()
	c := in.canvas()
	g := topoLayout(in)
	if g.header {
		drawHeaders(in, st, c, &g)
	}
	for l := range g.cols {
		drawColumn(in, st, c, &g, l)
	}
	if g.labelL > 0 && (in.Trace != nil || in.Net.Features != nil) {
		drawInputValues(in, st, c, &g)
	}
	if g.labelR > 0 && in.Trace != nil {
		drawOutputValues(in, st, c, &g)
	}
	drawEdges(in, st, c, &g)
	if g.legend >= 0 && g.tiled {
		drawTileLegend(st, c, g.legend, g.legend2)
	} else if g.legend >= 0 {
		drawLegend(st, c, g.legend)
	}
	if in.Status == network.Diverged {
		c.text(0, 0, " diverged ", st.SGR.Error)
	}
	return c.String()
}

// drawHeaders writes each column's header on row 0: centred over its
// column (the inputs' ends at it), each the longest label that fits
// without touching its neighbours.
func drawHeaders(in Input, st *themes.Styles, c *canvas, g *topoGeom) {
	prevEnd := -1
	for l := range g.cols {
		col := &g.cols[l]
		room := headerRoom(g, l, in.W)
		sgr := headerStyle(in, st, l)
		for _, lab := range headerLabels(in, l) {
			n := len([]rune(lab))
			x := clamp(col.mid()-n/2, 0, max(in.W-n, 0))
			if l == 0 {
				x = max(0, col.x+col.width()-n)
			}
			if n <= max(room, 1) && x > prevEnd && x+n <= in.W {
				c.text(x, 0, lab, sgr)
				prevEnd = x + n
				break
			}
		}
	}
}

// headerRoom is the width column l's header may take: the gap to its
// neighbours' columns, less a space on each side.
func headerRoom(g *topoGeom, l, w int) int {
	room := w
	if l > 0 {
		room = min(room, g.cols[l].mid()-g.cols[l-1].mid()-2)
	}
	if l+1 < len(g.cols) {
		room = min(room, g.cols[l+1].mid()-g.cols[l].mid()-2)
	}
	return room
}

// headerStyle: the layer in progress, else the focused one, else dim.
func headerStyle(in Input, st *themes.Styles, l int) string {
	if active, _ := in.activeLayer(); l-1 == active && active >= 0 {
		return st.SGR.Phase
	}
	if l == in.Focus.Layer {
		return st.SGR.Title
	}
	return st.SGR.Dim
}

// drawInputValues writes the sample's input values left of the inputs, or
// with input features their names (x₁², sin x₂: the Inspector shows the
// focused one's value).
func drawInputValues(in Input, st *themes.Styles, c *canvas, g *topoGeom) {
	col := &g.cols[0]
	sgr := st.SGR.Text
	if !in.inputDone() {
		sgr = st.SGR.Dim
	}
	var names []string
	if in.Net.Features != nil {
		names, sgr = in.Net.InputNames(), st.SGR.Text
	}
	for k := 0; k < col.n; k++ {
		y, _ := col.neuronY(k)
		if k < len(names) {
			c.textRight(col.x-1, y, fitText(names[k], g.labelL-1), sgr)
			continue
		}
		c.textRight(col.x-1, y, fitNum(at1(in.Trace.X, k), g.labelL-1), sgr)
	}
}

// fitText cuts s to w cells (w ≥ 1).
func fitText(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	if w <= 1 {
		return string(r[:max(w, 0)])
	}
	return string(r[:w-1]) + "…"
}

// drawOutputValues writes the outputs' values ("?" until computed) right
// of the output layer, and the targets "y=…" when there is room.
func drawOutputValues(in Input, st *themes.Styles, c *canvas, g *topoGeom) {
	tr := in.Trace
	L := len(in.Net.Layers)
	col := &g.cols[L]
	for j := 0; j < col.n; j++ {
		y, _ := col.neuronY(j)
		x := col.x + col.width() + 1
		if in.forwardDone(L-1, j) {
			x = c.text(x, y, fitNum(at(tr.A, L, j), 5), st.SGR.Text)
		} else {
			x = c.text(x, y, "?", st.SGR.Dim)
		}
		if g.labelR >= 11 && in.inputDone() {
			if yv := at1(tr.Y, j); finite(yv) {
				c.text(x+1, y, "y="+fitNum(yv, 3), st.SGR.Dim)
			}
		}
	}
}

// drawEdges draws every layer's edges in a braille layer under the nodes
// and labels, weakest first and the focused neuron's last (on top).
func drawEdges(in Input, st *themes.Styles, c *canvas, g *topoGeom) {
	bl := in.braille()
	var es []edge
	for li, layer := range in.Net.Layers {
		es = layerEdges(in, g, li, layer, es[:0])
		slices.SortFunc(es, func(a, b edge) int {
			if a.emph != b.emph {
				if a.emph {
					return 1
				}
				return -1
			}
			return cmp.Compare(a.r, b.r)
		})
		for _, e := range es {
			drawEdge(bl, st, e, len(es))
		}
	}
	bl.mergeInto(c)
}

// drawEdge draws one edge: every pixel when strong, every 2nd or 4th when
// weak; coloured by sign (mono: bold when focused, a +/− mark in the
// middle when there are few edges).
func drawEdge(bl *braille, st *themes.Styles, e edge, count int) {
	if e.outline {
		bl.line(e.x0, e.y0, e.x1, e.y1, 3, st.SGR.Dim)
		return
	}
	every := 1
	switch {
	case e.r >= 0.5:
	case e.r >= 0.2:
		every = 2
	default:
		every = 4
	}
	t := math.Max(e.r, 0.35)
	if e.emph {
		t = math.Max(e.r, 0.7)
	}
	sgr := st.DivFg(math.Copysign(t, e.w))
	if st.Mono && e.emph {
		sgr = st.SGR.Bold
	}
	bl.line(e.x0, e.y0, e.x1, e.y1, every, sgr)
	if st.Mono && (e.r >= 0.3 || e.emph) && count <= 24 {
		mx, my := (e.x0+e.x1)/4, (e.y0+e.y1)/8
		bl.mark(mx, my, themes.Sign(e.w))
	}
}

// headerLabels are the labels for column l, longest first.
func headerLabels(in Input, l int) []string {
	n := strconv.Itoa(layerSize(in.Net, l))
	active, dir := in.activeLayer()
	arrow := ""
	if l-1 == active && active >= 0 {
		arrow = "→"
		if dir < 0 {
			arrow = "←"
		}
	}
	if l == 0 && in.Net.Features != nil {
		return []string{"features " + n, "φ(x) " + n, "φ(x)", "φ"}
	}
	if l == 0 {
		return []string{"inputs " + n, "in " + n, "in", "x"}
	}
	act := in.Net.Layers[l-1].Act
	name := "L" + strconv.Itoa(l)
	return []string{
		arrow + name + " " + actName(act) + " " + n,
		arrow + name + " " + actShort(act) + " " + n,
		arrow + name + " " + n,
		arrow + name,
		name,
		strconv.Itoa(l),
	}
}

// fillGlyph shows an activation level t ∈ [0, 1] as a circle's fill.
func fillGlyph(t float64) string {
	switch int(math.Round(math.Max(0, math.Min(1, t)) * 4)) {
	case 0:
		return "○"
	case 1:
		return "◔"
	case 2:
		return "◑"
	case 3:
		return "◕"
	}
	return "●"
}

// drawColumn draws the neurons of column l: nodes, or a heat strip when
// the column is collapsed.
func drawColumn(in Input, st *themes.Styles, c *canvas, g *topoGeom, l int) {
	col := &g.cols[l]
	v := viewLayer(in, l)
	if col.tw > 0 {
		drawTiles(in, st, c, col, g.maps, l)
		return
	}
	if col.img != nil {
		drawInputImage(in, st, c, col, v)
		return
	}
	if col.collapsed {
		drawHeatStrip(in, st, c, col, v)
		return
	}
	active, dir := in.activeLayer()
	for j := 0; j < col.n; j++ {
		y, _ := col.neuronY(j)
		glyph, sgr := nodeGlyph(st, v, j)
		if constantNote(in.Net, g.maps, l, j) != "" {
			glyph, sgr = "⊘", st.SGR.Error // dead or saturated over the plane
		}
		if in.Focus.Layer == l && j == in.Focus.Neuron {
			c.put(col.x-1, y, "[", st.SGR.Title)
			c.put(col.x+1, y, "]", st.SGR.Title)
			if glyph == "·" {
				glyph = "○"
			}
			sgr = st.SGR.Focus
		}
		c.put(col.x, y, glyph, sgr)
		if l-1 == active && active >= 0 && j == in.Pos.Neuron {
			if dir > 0 && c.get(col.x-1, y) == "" {
				c.put(col.x-1, y, "▸", st.SGR.Accent)
			} else if dir < 0 && c.get(col.x+1, y) == "" {
				c.put(col.x+1, y, "◂", st.SGR.Accent)
			}
		}
	}
}

// nodeGlyph is neuron j's circle, filled by its level ("·" before the
// sample computes it, "!" when not finite).
func nodeGlyph(st *themes.Styles, v layerView, j int) (glyph, sgr string) {
	if !v.done(j) {
		return "·", st.SGR.Dim
	}
	if !finite(at1(v.a, j)) {
		return "!", st.SGR.Error
	}
	t := v.fill(j)
	if st.Mono {
		return fillGlyph(t), ""
	}
	return fillGlyph(t), st.RampFg(glyphLevel(t))
}

// drawHeatStrip draws a collapsed column as half blocks, two slots per
// cell (upper: foreground, lower: background; mono: a shade of their
// mean), with ▸ ◂ around the focused neuron's cell.
func drawHeatStrip(in Input, st *themes.Styles, c *canvas, col *column, v layerView) {
	for s := 0; s < col.slots; s += 2 {
		y := col.y0 + s/2
		top := slotLevel(col, s, v.fill, v.done)
		bot := -1.0
		if s+1 < col.slots {
			bot = slotLevel(col, s+1, v.fill, v.done)
		}
		switch {
		case st.Mono:
			t := top
			if bot >= 0 {
				t = (top + bot) / 2
			}
			c.put(col.x, y, themes.Shade(math.Max(t, 0)), "")
		case bot < 0:
			c.put(col.x, y, "▀", st.RampFg(math.Max(top, 0)))
		default:
			c.put2(col.x, y, "▀", st.RampFg(math.Max(top, 0)), st.RampBg(math.Max(bot, 0)))
		}
	}
	if in.Focus.Layer == v.l {
		y, _ := col.neuronY(clamp(in.Focus.Neuron, 0, col.n-1))
		c.put(col.x-1, y, "▸", st.SGR.Title)
		c.put(col.x+1, y, "◂", st.SGR.Title)
	}
}

// drawInputImage draws the sample's inputs as the picture they are (blank
// before the sample is loaded).
func drawInputImage(in Input, st *themes.Styles, c *canvas, col *column, v layerView) {
	lo, hi := rangeOf(in.Data.Lo, in.Data.Hi)
	drawImage(c, st, col.x0, col.y0, *col.img, func(i int) (float64, bool) {
		if !v.done(i) {
			return 0, false
		}
		a := at1(v.a, i)
		if !finite(a) {
			return 0, false
		}
		return (a - lo) / (hi - lo), true
	}, false)
}

// slotLevel is the mean level of the neurons in slot s, or 0 when none of
// them is computed yet.
func slotLevel(col *column, s int, level func(int) float64, done func(int) bool) float64 {
	sum, n := 0.0, 0
	for j := s * col.g; j < min((s+1)*col.g, col.n); j++ {
		if done(j) {
			if v := level(j); finite(v) {
				sum += v
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// layerEdges lists the edges of Layers[li] to draw (see maxAllEdges).
func layerEdges(in Input, g *topoGeom, li int, layer *network.Layer, es []edge) []edge {
	src, dst := &g.cols[li], &g.cols[li+1]
	if layer == nil || src.n == 0 || dst.n == 0 || len(layer.W) < layer.In*layer.Out {
		return es
	}
	x0, x1 := 2*(src.x+src.width()-1)+2, 2*dst.x-1
	if x1 <= x0 {
		return es
	}
	mx := maxAbs(layer.W)
	if mx == 0 {
		mx = 1
	}
	mk := func(k, j int, w float64, emph bool) edge {
		return edge{x0: x0, y0: src.pixelY(k), x1: x1, y1: dst.pixelY(j), w: w, r: math.Min(math.Abs(w)/mx, 1), emph: emph}
	}
	fd := in.Focus.Layer == li+1 && in.Focus.Neuron >= 0 && in.Focus.Neuron < layer.Out
	fs := in.Focus.Layer == li && in.Focus.Neuron >= 0 && in.Focus.Neuron < layer.In
	if layer.In*layer.Out <= maxAllEdges && !src.collapsed && !dst.collapsed {
		for j := 0; j < layer.Out; j++ {
			for k := 0; k < layer.In; k++ {
				w := layer.W[j*layer.In+k]
				if !finite(w) {
					continue
				}
				emph := fd && j == in.Focus.Neuron || fs && k == in.Focus.Neuron
				es = append(es, mk(k, j, w, emph))
			}
		}
		return es
	}
	// A pair too wide to draw every edge: the focused neuron's strongest
	// edges, or, without a focused neuron, the bundle's outline (its
	// outer edges, faint) so the columns still read as connected.
	switch {
	case fd:
		j := in.Focus.Neuron
		row := layer.W[j*layer.In : (j+1)*layer.In]
		for _, k := range strongestOf(row, focusEdges) {
			es = append(es, mk(k, j, row[k], true))
		}
	case fs:
		k := in.Focus.Neuron
		colW := make([]float64, layer.Out)
		for j := range colW {
			colW[j] = layer.W[j*layer.In+k]
		}
		for _, j := range strongestOf(colW, focusEdges) {
			es = append(es, mk(k, j, colW[j], true))
		}
	default:
		es = append(es, edge{x0: x0, y0: src.pixelY(0), x1: x1, y1: dst.pixelY(0), outline: true},
			edge{x0: x0, y0: 4*(src.y0+src.rows-1) + 2, x1: x1, y1: 4*(dst.y0+dst.rows-1) + 2, outline: true})
	}
	return es
}

// strongestOf is the indices of the n largest |v| (finite), largest first.
func strongestOf(v []float64, n int) []int {
	idx := make([]int, 0, len(v))
	for i, x := range v {
		if finite(x) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(math.Abs(v[b]), math.Abs(v[a])) })
	return idx[:min(n, len(idx))]
}

// drawLegend explains colours and glyphs on row y.
func drawLegend(st *themes.Styles, c *canvas, y int) {
	x := c.text(0, y, "○◔◑◕●", st.RampFg(0.8))
	x = c.text(x, y, " act ", st.SGR.Dim)
	if st.Mono {
		x = c.text(x, y, "+", "")
		x = c.text(x, y, "/", st.SGR.Dim)
		x = c.text(x, y, "−", "")
		x = c.text(x, y, " weight ", st.SGR.Dim)
	} else {
		x = c.text(x, y, "⠒⠒", st.DivFg(1))
		x = c.text(x, y, " + ", st.SGR.Dim)
		x = c.text(x, y, "⠒⠒", st.DivFg(-1))
		x = c.text(x, y, " − ", st.SGR.Dim)
	}
	x = c.text(x, y, "⠒⠒", st.SGR.Dim)
	x = c.text(x, y, " strong ", st.SGR.Dim)
	x = c.text(x, y, "⠐⠐", st.SGR.Dim)
	c.text(x, y, " weak", st.SGR.Dim)
}

// fitNum formats v in at most w cells: two decimals, else fewer digits,
// else without the leading zero (.03, −.5), and only when nothing fits its
// sign alone.
func fitNum(v float64, w int) string {
	if math.Abs(v) < 0.005 {
		v = 0
	}
	cands := []string{num2(v), numfmt.G(v, 2), numfmt.G(v, 1)}
	for _, s := range cands {
		if len([]rune(s)) <= w {
			return s
		}
	}
	for _, s := range cands {
		var ok bool
		for _, sign := range []string{"", "−", "-"} {
			if rest, found := strings.CutPrefix(s, sign+"0."); found {
				s, ok = sign+"."+rest, true
				break
			}
		}
		if ok && len([]rune(s)) <= w {
			return s
		}
	}
	// a compact exponent: −1e7 rather than −1e+07
	for _, s := range cands[1:] {
		mant, exp, ok := strings.Cut(s, "e")
		if !ok {
			continue
		}
		sign := ""
		if strings.HasPrefix(exp, "−") || strings.HasPrefix(exp, "-") {
			sign = "−"
		}
		if c := mant + "e" + sign + strings.TrimLeft(exp, "+−-0"); len([]rune(c)) <= w {
			return c
		}
	}
	if v < 0 {
		return "−"
	}
	return "+"
}
