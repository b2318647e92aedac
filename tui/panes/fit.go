package panes

import (
	"fmt"
	"math"

	"backprop/datasets"
	"backprop/internal/plotaxis"
	"backprop/network"
	"backprop/themes"
)

// fitCurves is the most outputs Fit draws a curve for (one colour each).
const fitCurves = 4

// fit1D is Boundary for data with one input: the fit itself. The network's
// output y = f(x) is drawn as a curve over the input's range (for classes
// one curve per output, up to fitCurves, in its class colour; for
// regression the first output), the training samples
// as ● and the test samples as ○ at (x, target), and the current sample as
// ◉. The output axis covers the targets and as much of the curve as lies
// within half their span of them; a dotted line marks y = 0 or, for a
// single 0/1 output, the 0.5 where the predicted class changes.
func fit1D(in Input) string {
	st := in.styles()
	d := in.Data
	c := in.canvas()
	lo, hi, ok := d.InputRange(0)
	if !ok {
		return message(in, "no data to fit")
	}
	if in.W < 2 {
		return c.String()
	}
	p := fitPlot{lo: lo, hi: hi, pw: 2 * in.W, classes: d.Kind == datasets.Classification, n: max(len(d.Classes), 2),
		dense: len(d.Train.X)+shownTest(in) > in.W*in.H/6}
	outs := fitOutputs(in, lo, hi, p.pw, p.classes)
	p.ylo, p.yhi = plotaxis.Fit(d, p.classes, outs...)
	var caption []line
	if in.H >= 6 {
		off, offOK := offAxis(p.ylo, p.yhi, outs...)
		caption = layLines(fitCaption(in, st, p, off, offOK), in.W, max(in.H/3, 1), 0)
	}
	mh := in.H - len(caption)
	p.ph = 4 * mh
	if p.ph < 4 {
		return c.String()
	}
	b := in.braille().reset(in.W, mh)
	ref, refOK := 0.0, !p.classes
	if p.classes && len(outs) == 1 {
		ref, refOK = 0.5, true // where a single output's class changes
	}
	if refOK && p.ylo < ref && ref < p.yhi {
		b.line(0, p.py(ref), p.pw-1, p.py(ref), 3, st.SGR.Dim)
	}
	// The samples first: test, then training (which wins a shared cell),
	// then the curve over them.
	if !in.HideTest {
		p.samples(c, b, st, d.Test, "○", true)
	}
	p.samples(c, b, st, d.Train, "●", false)
	for k, ys := range outs {
		sgr := st.SGR.Accent
		if len(outs) > 1 {
			sgr = st.ClassFg(k, p.n)
		}
		p.curve(b, ys, sgr)
	}
	if tr := in.Trace; tr != nil && in.inputDone() && len(tr.X) == 1 && len(tr.Y) > 0 {
		if x, y, ok := p.cell(tr.X[0], p.level(tr.Y)); ok {
			c.put(x, y, "◉", st.SGR.Focus)
		}
	}
	b.mergeInto(c)
	c.drawLines(0, mh, caption)
	return c.String()
}

// shownTest is how many test samples are drawn.
func shownTest(in Input) int {
	if in.HideTest {
		return 0
	}
	return len(in.Data.Test.X)
}

// fitPlot maps the input's range [lo, hi] and the output axis [ylo, yhi]
// onto pw × ph braille pixels.
type fitPlot struct {
	lo, hi, ylo, yhi float64
	pw, ph           int
	classes          bool // targets are classes (one-hot, or one 0/1 output)
	n                int  // classes for colours (2 when the data names none)
	dense            bool // samples as dots rather than ● and ○
}

func (p fitPlot) px(x float64) int {
	return pixel((x - p.lo) / (p.hi - p.lo) * float64(p.pw-1))
}

func (p fitPlot) py(v float64) int {
	return pixel((p.yhi - v) / (p.yhi - p.ylo) * float64(p.ph-1))
}

// pixel rounds a pixel coordinate, held within a million pixels of the
// plot so that a far-off value stays a small int (braille.line walks only
// the part of a line on the plot).
func pixel(f float64) int {
	if f != f { // NaN: off the plot
		return -1e6
	}
	return int(math.Round(min(max(f, -1e6), 1e6)))
}

// level is where a target is drawn (plotaxis.Level).
func (p fitPlot) level(y []float64) float64 { return plotaxis.Level(y, p.classes) }

// cell is the cell of point (x, v), and whether it lies in the plot.
func (p fitPlot) cell(x, v float64) (int, int, bool) {
	if !finite(x) || !finite(v) {
		return 0, 0, false
	}
	px, py := p.px(x), p.py(v)
	return px / 2, py / 4, px >= 0 && px < p.pw && py >= 0 && py < p.ph
}

// samples draws a set's samples at (x, target): as glyph in their cells,
// or as dots when dense; in the class's colour for classes, else the
// training colour (dim for test samples).
func (p fitPlot) samples(c *canvas, b *braille, st *themes.Styles, s datasets.Set, glyph string, test bool) {
	for i, x := range s.X {
		if i >= len(s.Y) || len(x) < 1 || len(s.Y[i]) < 1 {
			continue
		}
		y := s.Y[i]
		sgr := st.SGR.Neg
		switch {
		case p.classes:
			sgr = st.ClassFg(network.ClassOf(y), p.n)
		case test:
			sgr = st.SGR.Dim
		}
		cx, cy, ok := p.cell(x[0], p.level(y))
		switch {
		case !ok:
		case p.dense:
			b.dot(p.px(x[0]), p.py(p.level(y)), sgr)
		default:
			c.put(cx, cy, glyph, sgr)
		}
	}
}

// curve draws one output's values, one a pixel column, joined by lines
// (broken where a value is not finite).
func (p fitPlot) curve(b *braille, ys []float64, sgr string) {
	b.polyline(len(ys), func(px int) (int, int, bool) { return px, p.py(ys[px]), finite(ys[px]) }, sgr)
}

// fitOutputs runs the network at the centres of pw columns of [lo, hi] and
// returns each output's values (at most fitCurves outputs for classes, the
// first output for regression).
func fitOutputs(in Input, lo, hi float64, pw int, classes bool) [][]float64 {
	net := in.Net
	nout := min(net.Sizes[len(net.Sizes)-1], fitCurves)
	if !classes {
		nout = min(nout, 1) // the axis and the samples are target 1's
	}
	outs := make([][]float64, nout)
	for k := range outs {
		outs[k] = make([]float64, pw)
	}
	ws := in.Cache.batchWorkspace(net)
	xs := make([][]float64, 0, ws.Rows())
	flat := make([]float64, ws.Rows())
	for p0 := 0; p0 < pw; p0 += ws.Rows() {
		xs = xs[:0]
		for p := p0; p < min(pw, p0+ws.Rows()); p++ {
			flat[p-p0] = lo + (float64(p)+0.5)/float64(pw)*(hi-lo)
			xs = append(xs, flat[p-p0:p-p0+1])
		}
		for r, out := range net.ForwardBatch(ws, xs) {
			for k := range outs {
				outs[k][p0+r] = out[k]
			}
		}
	}
	return outs
}

// fitCaption: the axes, then the legend.
// off is the output value farthest off the axis, when offOK.
func fitCaption(in Input, st *themes.Styles, p fitPlot, off float64, offOK bool) []line {
	d := in.Data
	name := "x₁"
	if len(d.Features) > 0 && d.Features[0] != "" {
		name = d.Features[0]
	}
	if in.Standardized {
		name += " (z-score)" // the input standardised, as the Sample pane says
	}
	var axes, legend line
	axes.add(fmt.Sprintf("→ %s %s…%s", name, num2(p.lo), num2(p.hi)), st.SGR.Dim)
	what := "output"
	if nout := in.Net.Sizes[len(in.Net.Sizes)-1]; nout > 1 && !p.classes {
		what = fmt.Sprintf("output 1 of %d", nout)
	}
	axes.add(fmt.Sprintf("  ↑ %s %s…%s", what, num2(p.ylo), num2(p.yhi)), st.SGR.Dim)
	if nout := in.Net.Sizes[len(in.Net.Sizes)-1]; nout > 1 && d.Kind == datasets.Classification {
		n := max(len(d.Classes), 2)
		for k := 0; k < min(nout, fitCurves); k++ {
			legend.add("⠒", st.ClassFg(k, n)).add(" "+className(d, k)+"  ", st.SGR.Dim)
		}
	} else {
		legend.add("⠒", st.SGR.Accent).add(" network  ", st.SGR.Dim)
	}
	train, test := "●", "○"
	if p.dense { // the samples are dots
		train, test = "⠂", "⠂"
	}
	trainSGR := st.SGR.Neg
	if d.Kind == datasets.Classification {
		trainSGR = st.SGR.Text
	}
	// Two spaces between entries: a wrap never parts a mark from its name.
	legend.add(train, trainSGR).add(" train  ", st.SGR.Dim)
	if len(d.Test.X) > 0 && !in.HideTest {
		legend.add(test, st.SGR.Dim).add(" test  ", st.SGR.Dim)
	}
	legend.add("◉", st.SGR.Focus).add(" sample", st.SGR.Dim)
	if legend.width() > in.W && len(legend) > 1 && legend[1].text == " network  " {
		legend[1].text = " net  " // the legend on one line
	}
	if offOK {
		var note line
		note.add("curve off the chart ("+num(off)+")", st.SGR.Warn)
		return []line{axes, note, legend}
	}
	return []line{axes, legend}
}

// offAxis is the value of vs farthest outside [lo, hi], or a value that is
// not finite (which no curve can show); ok is false when every value lies
// on the axis.
func offAxis(lo, hi float64, vs ...[]float64) (off float64, ok bool) {
	dist := 0.0
	for _, v := range vs {
		for _, x := range v {
			switch {
			case math.IsNaN(x) || math.IsInf(x, 0):
				return x, true
			case max(lo-x, x-hi) > dist:
				off, dist, ok = x, max(lo-x, x-hi), true
			}
		}
	}
	return off, ok
}
