package panes

import (
	"fmt"
	"math"
	"strings"

	"backprop/network"
	"backprop/themes"
)

// SurfaceView is what the Surface pane draws: the cost over two
// parameters of the live network (network.CostSurface, computed by the
// trainer in a command), the step just applied and the recent trajectory.
type SurfaceView struct {
	// Surf is the surface, nil until one is computed.
	Surf *network.Surface
	// Samples names what C averages over ("the batch of 10", "200
	// training samples").
	Samples string
	// Step is the last update of the two parameters, from Step[0] (before)
	// to Step[1] (after); nil before the first update or when the
	// parameters changed since.
	Step *[2][2]float64
	// Trail is the parameters' values at the last updates, oldest first.
	Trail [][2]float64
	// Busy: a newer surface is being computed (Surf is an older one).
	Busy bool
	// Note replaces the drawing (no parameter focused, a step layer, …).
	Note string
}

// ParamName is a parameter as the panes write it, Nielsen's w^l_jk and
// b^l_j with 1-based layer, neuron and input: w²₁₃, b²₁.
func ParamName(p network.Param) string {
	if p.IsBias() {
		return "b" + sup(p.Layer+1) + sub(p.J+1)
	}
	return "w" + sup(p.Layer+1) + sub(p.J+1) + sub(p.K+1)
}

// sup writes a non-negative integer as Unicode superscript digits.
func sup(n int) string {
	digits := []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")
	var b strings.Builder
	for _, r := range fmt.Sprint(n) {
		b.WriteRune(digits[r-'0'])
	}
	return b.String()
}

// SurfaceGrid is the grid the Surface pane draws at w × h cells (inside
// its border): a point per cell of the map (odd counts, so that one lies
// on the current values), or 2w points along a slice.
func SurfaceGrid(w, h int, slice bool) (cols, rows int) {
	if slice {
		return max(2*w+1, 3), 1
	}
	return max(w-(1-w%2), 1), max(mapRows(h)-(1-mapRows(h)%2), 1)
}

// mapRows is the rows of the map: the pane less its title and caption
// (two rows from a pane of 10).
func mapRows(h int) int { return max(h-captionRows(h)-1, 1) }

func captionRows(h int) int {
	if h >= 10 {
		return 2
	}
	return 1
}

// Surface draws the cost surface pane.
func Surface(in Input) string {
	v := in.Surface
	switch {
	case v == nil:
		return message(in, "no surface")
	case v.Note != "":
		return message(in, v.Note)
	case v.Surf == nil:
		return message(in, "computing C over the grid…")
	}
	st := in.styles()
	c := in.canvas()
	s := v.Surf
	title := surfaceTitle(v, st)
	c.draw(0, 0, title)
	if s.Slice() {
		drawSlice(c, st, v, in.W, mapRows(in.H))
	} else {
		drawMap(c, st, v, in.W, mapRows(in.H))
	}
	if in.H >= 3 {
		first, second := surfaceCaption(v, st)
		if captionRows(in.H) == 2 {
			c.draw(0, in.H-2, first)
			c.draw(0, in.H-1, second)
		} else {
			c.draw(0, in.H-1, append(append(first, seg{text: "  "}), second...))
		}
	}
	return c.String()
}

// surfaceTitle: "C(w²₁₃, b²₁) over the batch of 10 ±2".
func surfaceTitle(v *SurfaceView, st *themes.Styles) line {
	s := v.Surf
	var l line
	name := "C(" + ParamName(s.P[0])
	if !s.Slice() {
		name += ", " + ParamName(s.P[1])
	}
	l.add(name+")", st.SGR.Title)
	l.opt(2, " over "+v.Samples, st.SGR.Dim, "")
	l.opt(1, fmt.Sprintf("  window ±%s", num(s.Radius[0])), st.SGR.Dim, "")
	if !s.Slice() && s.Radius[1] != s.Radius[0] {
		l.opt(1, fmt.Sprintf(", ±%s", num(s.Radius[1])), st.SGR.Dim, "")
	}
	if v.Busy {
		l.opt(1, "  …", st.SGR.Dim, "")
	}
	return l
}

// surfaceCaption: the cost at the point and the step (first), and the
// gradient there (second); on one row the two follow each other.
func surfaceCaption(v *SurfaceView, st *themes.Styles) (first, second line) {
	s := v.Surf
	first.add("C "+num(s.Cost), st.SGR.Text)
	if v.Step != nil {
		step := "  step ○→● Δ " + num(v.Step[1][0]-v.Step[0][0])
		if !s.Slice() {
			step += ", " + num(v.Step[1][1]-v.Step[0][1])
		}
		first.opt(1, step, st.SGR.Pos, "")
	}
	second.add("∂C/∂"+ParamName(s.P[0])+" "+num(s.Grad[0]), st.SGR.Accent)
	if !s.Slice() {
		second.add("  ∂C/∂"+ParamName(s.P[1])+" "+num(s.Grad[1]), st.SGR.Accent)
	} else {
		second.opt(1, " (the tangent's slope)", st.SGR.Dim, "")
	}
	return first, second
}

// levels is how many contour bands the map has.
const levels = 8

// costLevel maps costs to [0, 1]: linear between the grid's extremes, or
// logarithmic when they span more than a factor of 20.
type costLevel struct {
	lo, hi float64
	log    bool
}

func newCostLevel(cs []float64) costLevel {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range cs {
		if finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	cl := costLevel{lo: lo, hi: hi}
	if lo > 0 && hi/lo > 20 {
		cl.log, cl.lo, cl.hi = true, math.Log(lo), math.Log(hi)
	}
	return cl
}

// t is v's place in [0, 1] (NaN for a non-finite cost).
func (cl costLevel) t(v float64) float64 {
	if !finite(v) {
		return math.NaN()
	}
	if cl.log {
		v = math.Log(v)
	}
	if !(cl.hi > cl.lo) {
		return 0
	}
	return (v - cl.lo) / (cl.hi - cl.lo)
}

// band is the contour band of t: 0 … levels−1.
func band(t float64) int {
	if math.IsNaN(t) {
		return -1
	}
	return min(int(t*levels), levels-1)
}

// drawMap draws the surface as a heatmap with contour lines between
// bands, then the trajectory, the step and the current point.
func drawMap(c *canvas, st *themes.Styles, v *SurfaceView, w, h int) {
	s := v.Surf
	cl := newCostLevel(s.C)
	at := func(x, y int) float64 { // the grid point under cell (x, y)
		gc := min(x*s.Cols/max(w, 1), s.Cols-1)
		gr := s.Rows - 1 - min(y*s.Rows/max(h, 1), s.Rows-1)
		return cl.t(s.At(gc, gr))
	}
	for y := range h {
		for x := range w {
			t := at(x, y)
			b := band(t)
			edge := x+1 < w && band(at(x+1, y)) != b || y+1 < h && band(at(x, y+1)) != b
			glyph := " "
			if edge {
				glyph = "·"
			}
			if st.Mono {
				if !edge {
					glyph = themes.Shade(float64(b) / (levels - 1) * 0.75)
				}
				c.put(x, 1+y, glyph, "")
				continue
			}
			c.put2(x, 1+y, glyph, st.SGR.Dim, st.RampBg(float64(b)/(levels-1)))
		}
	}
	cell := func(p [2]float64) (int, int, bool) { return mapCell(s, p, w, h) }
	for _, p := range v.Trail {
		if x, y, ok := cell(p); ok {
			c.put(x, 1+y, "∘", st.SGR.Accent)
		}
	}
	if v.Step != nil {
		drawStep(c, st, cell, v.Step)
	}
	if x, y, ok := cell(s.Centre); ok {
		c.put(x, 1+y, "●", st.SGR.Focus)
	}
}

// mapCell is the cell of the map at parameter values p.
func mapCell(s *network.Surface, p [2]float64, w, h int) (int, int, bool) {
	fx := (p[0] - (s.Centre[0] - s.Radius[0])) / (2 * s.Radius[0])
	fy := (p[1] - (s.Centre[1] - s.Radius[1])) / (2 * s.Radius[1])
	if !(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) {
		return 0, 0, false
	}
	x := int(math.Round(fx * float64(w-1)))
	y := h - 1 - int(math.Round(fy*float64(h-1)))
	return x, y, true
}

// StepCells is where the Surface pane draws a step from old to new on a
// map of w × h cells: the cells it passes, old first, new last (fewer
// when a point lies outside the window).
func StepCells(s *network.Surface, old, new [2]float64, w, h int) [][2]int {
	x0, y0, ok0 := mapCell(s, old, w, h)
	x1, y1, ok1 := mapCell(s, new, w, h)
	if !ok0 || !ok1 {
		return nil
	}
	n := max(abs(x1-x0), abs(y1-y0))
	cells := [][2]int{{x0, y0}}
	for i := 1; i <= n; i++ {
		cells = append(cells, [2]int{x0 + (x1-x0)*i/n, y0 + (y1-y0)*i/n})
	}
	return cells
}

// drawStep draws the step as arrows from the old point (○) towards the
// new one.
func drawStep(c *canvas, st *themes.Styles, cell func([2]float64) (int, int, bool), step *[2][2]float64) {
	x0, y0, ok0 := cell(step[0])
	x1, y1, ok1 := cell(step[1])
	if !ok0 || !ok1 {
		return
	}
	n := max(abs(x1-x0), abs(y1-y0))
	arrow := arrowGlyph(x1-x0, y1-y0)
	if n == 0 { // within one cell: the direction of the values
		dx, dy := step[1][0]-step[0][0], step[1][1]-step[0][1]
		arrow = arrowGlyph(int(math.Round(1000*dx/math.Max(math.Abs(dx), math.Abs(dy)))),
			-int(math.Round(1000*dy/math.Max(math.Abs(dx), math.Abs(dy)))))
	}
	for i := 1; i < n; i++ {
		c.put(x0+(x1-x0)*i/n, 1+y0+(y1-y0)*i/n, arrow, st.SGR.Pos)
	}
	switch {
	case n > 0:
		c.put(x0, 1+y0, "○", st.SGR.Pos)
	case arrow != "": // too small to draw: its direction, pointing at the point
		ax, ay := x1, y1
		switch arrow {
		case "→", "↗", "↘":
			ax--
		case "←", "↖", "↙":
			ax++
		}
		switch arrow {
		case "↑", "↗", "↖":
			ay++
		case "↓", "↘", "↙":
			ay--
		}
		c.put(ax, 1+ay, arrow, st.SGR.Pos)
	}
}

// arrowGlyph is the arrow pointing along (dx, dy) in cells (y down).
func arrowGlyph(dx, dy int) string {
	switch {
	case dx == 0 && dy == 0:
		return ""
	case abs(dx) >= 2*abs(dy):
		return map[bool]string{true: "→", false: "←"}[dx > 0]
	case abs(dy) >= 2*abs(dx):
		return map[bool]string{true: "↓", false: "↑"}[dy > 0]
	case dx > 0 && dy < 0:
		return "↗"
	case dx < 0 && dy < 0:
		return "↖"
	case dx > 0:
		return "↘"
	}
	return "↙"
}

// drawSlice plots C along one parameter in braille with the tangent at the
// current point, whose slope is ∂C/∂w.
func drawSlice(c *canvas, st *themes.Styles, v *SurfaceView, w, h int) {
	s := v.Surf
	if w < 8 || h < 2 {
		return
	}
	gw := w
	b := newBraille(gw, h)
	cl := newCostLevel(s.C)
	cl.log = false
	cl.lo, cl.hi = math.Inf(1), math.Inf(-1)
	for _, x := range s.C {
		if finite(x) {
			cl.lo, cl.hi = math.Min(cl.lo, x), math.Max(cl.hi, x)
		}
	}
	if !(cl.hi > cl.lo) {
		cl.hi = cl.lo + 1
	}
	pw, ph := 2*gw, 4*h
	py := func(cost float64) int { return ph - 1 - pixel(cl.t(cost)*float64(ph-1)) }
	px := func(u float64) int {
		return pixel((u - (s.Centre[0] - s.Radius[0])) / (2 * s.Radius[0]) * float64(pw-1))
	}
	for x := range pw { // the tangent C₀ + ∂C/∂w·(u − u₀), dotted
		u := s.Centre[0] + (2*float64(x)/float64(pw-1)-1)*s.Radius[0]
		if t := cl.t(s.Cost + s.Grad[0]*(u-s.Centre[0])); t >= 0 && t <= 1 && x%2 == 0 {
			b.dot(x, py(s.Cost+s.Grad[0]*(u-s.Centre[0])), st.SGR.Accent)
		}
	}
	prevX, prevY := -1, 0
	for i := range s.Cols {
		c := s.At(i, 0)
		if !finite(c) { // a cost of ±Inf or NaN (ln 0): the curve breaks there
			prevX = -1
			continue
		}
		x, y := px(s.U(i)), py(c)
		if prevX >= 0 {
			b.line(prevX, prevY, x, y, 1, st.SGR.Text)
		}
		prevX, prevY = x, y
	}
	if v.Step != nil {
		old := v.Step[0][0]
		i := int(math.Round((old - (s.Centre[0] - s.Radius[0])) / (2 * s.Radius[0]) * float64(s.Cols-1)))
		if i >= 0 && i < s.Cols {
			b.mark(px(old)/2, py(s.At(i, 0))/4, "○")
		}
	}
	b.mark(px(s.Centre[0])/2, py(s.Cost)/4, "●")
	plot := newCanvas(gw, h)
	b.mergeInto(plot)
	c.blit(plot, 0, 1)
	c.textRight(w, 1, num(cl.hi), st.SGR.Dim)
	c.textRight(w, h, num(cl.lo), st.SGR.Dim)
}

// blit copies src's cells into c from (x0, y0).
func (c *canvas) blit(src *canvas, x0, y0 int) {
	for y := range src.h {
		for x := range src.w {
			if i := y*src.w + x; src.ch[i] != "" && c.in(x0+x, y0+y) {
				j := (y0+y)*c.w + x0 + x
				c.ch[j], c.st[j], c.bg[j] = src.ch[i], src.st[i], src.bg[i]
			}
		}
	}
}
