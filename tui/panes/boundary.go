package panes

import (
	"fmt"
	"math"
	"slices"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// mapIntensity caps the heatmap's colour so the data points stand out.
const mapIntensity = 0.7

// Boundary draws what the network has learnt about its input space. For
// 2-D data: a heatmap of the output over the data's range (half blocks, two
// pixels per cell; colour = predicted class, intensity = confidence), with
// the training points ● and test points ○ in their class colour and the
// current sample ◉. For more inputs the same over the two inputs that tell
// the classes (or the target) apart best, the others held at their means;
// the caption names them. For image data (8×8 digits, 28×28 MNIST): the
// current sample as a picture, and the focused L1 neuron's input weights
// as a picture of what it looks for (blue positive, orange negative). For
// one input: the network's output as a curve over the input, with the
// samples as points (fit1D). For a sequence set: the current sequence
// against time (overTime).
func Boundary(in Input) string {
	if in.W <= 0 || in.H <= 0 {
		return ""
	}
	if !wellFormed(in.Net) || in.Data == nil {
		return message(in, "no data")
	}
	d := in.Data
	nin := in.Net.Inputs() // raw inputs: 2 for a point of the plane, whatever its features
	switch {
	case d.Train.Seq > 0:
		return overTime(in)
	case d.ImageW > 0 && d.ImageH > 0 && d.ImageW*d.ImageH == nin && in.NeuronMap:
		return receptiveFields(in)
	case d.ImageW > 0 && d.ImageH > 0 && d.ImageW*d.ImageH == nin:
		return images(in)
	case nin == 2 && in.NeuronMap && planeOK(in):
		return focusedMap(in)
	case nin >= 2 && len(d.Lo) == nin && len(d.Hi) == nin && netOK(in.Net, nin):
		return boundary2D(in)
	case nin == 1 && d.Train.Seq == 0 && in.Net.Features == nil && netOK(in.Net, 1):
		return fit1D(in)
	}
	return message(in, fmt.Sprintf("decision boundary: for data\nwith 2 inputs or more\n(this data has %d)", nin))
}

// The Boundary pane's names for what it draws besides a boundary.
const (
	FitName      = "Fit"      // data of one input: fit1D
	SequenceName = "Sequence" // a sequence set: overTime
)

// BoundaryName is the Boundary pane's name for what it draws on data d:
// SequenceName, FitName, else "Boundary". The trainer titles the pane and
// its tab with it.
func BoundaryName(net *network.Network, d *datasets.Dataset) string {
	switch {
	case net == nil || d == nil:
	case d.Train.Seq > 0:
		return SequenceName
	case net.Inputs() == 1 && net.Features == nil:
		return FitName
	}
	return "Boundary"
}

// outputLevel turns an output vector into (class, confidence) for
// classification, or (−1, value in [−1, 1]) for one unbounded output.
func outputLevel(net *network.Network, d *datasets.Dataset, out []float64) (int, float64) {
	if len(out) == 0 {
		return -1, 0
	}
	if len(out) == 1 {
		v := out[0]
		switch net.Layers[len(net.Layers)-1].Act {
		case network.Sigmoid, network.Step:
			return -1, 2*v - 1
		case network.Tanh:
			return -1, v
		}
		return -1, math.Tanh(v) // regression: squash for colour
	}
	best := 0
	for i, v := range out {
		if v > out[best] {
			best = i
		}
	}
	return best, out[best]
}

// grid returns the network's output levels over a gw × gh pixel grid of the
// view range, memoised in in.Cache. While training runs (large jumps of
// Pos.Steps between frames) it is computed at half resolution in each
// direction — a quarter of the forward passes — and at full resolution
// again as soon as the user steps by hand or pauses. For big networks it is
// not recomputed at all while running.
func grid(in Input, pl plane, gw, gh int) ([]int, []float64) {
	lo, hi := pl.lo, pl.hi
	key := weightsKey(in.Net, gw, gh, int(math.Float64bits(lo[0])), int(math.Float64bits(hi[0])),
		int(math.Float64bits(lo[1])), int(math.Float64bits(hi[1])), pl.i, pl.j)
	c := in.Cache
	scale := 1
	if c != nil {
		g := &c.grid
		reuse, s := g.plan(in, key, gw, gh, g.w == gw && g.h == gh && len(g.vals) == gw*gh)
		if reuse {
			return g.cls, g.vals
		}
		scale = s
	}
	cw, ch := (gw+scale-1)/scale, (gh+scale-1)/scale
	cls, vals := evalGrid(in, pl, cw, ch)
	if scale > 1 {
		cls, vals = upscale(cls, vals, cw, ch, gw, gh)
	}
	if c != nil {
		c.grid.done(in, key, gw, gh, scale)
		c.grid.cls, c.grid.vals = cls, vals
	}
	return cls, vals
}

// evalGrid runs the network on the centres of cw × ch pixels of the
// plane's view range, in batches: the kernels reuse each weight row across
// four inputs (Network.ForwardBatch; the same numbers as Forward).
func evalGrid(in Input, pl plane, cw, ch int) ([]int, []float64) {
	cls := make([]int, cw*ch)
	vals := make([]float64, cw*ch)
	ws := in.Cache.batchWorkspace(in.Net)
	n, d := cw*ch, len(pl.base)
	lo, hi := pl.lo, pl.hi
	xs := make([][]float64, 0, ws.Rows())
	k := in.Net.Sizes[0] // the point itself, or its input features φ(x)
	flat := make([]float64, k*ws.Rows())
	raw := make([]float64, d)
	for p0 := 0; p0 < n; p0 += ws.Rows() {
		xs = xs[:0]
		for p := p0; p < min(n, p0+ws.Rows()); p++ {
			px, py := p%cw, p/cw
			s := lo[0] + (float64(px)+0.5)/float64(cw)*(hi[0]-lo[0])
			t := hi[1] - (float64(py)+0.5)/float64(ch)*(hi[1]-lo[1])
			x := flat[k*(p-p0) : k*(p-p0)+k]
			if in.Net.Features != nil {
				in.Net.Features.Expand(x, pl.at(raw, s, t))
			} else {
				pl.at(x, s, t)
			}
			xs = append(xs, x)
		}
		for r, out := range in.Net.ForwardBatch(ws, xs) {
			cls[p0+r], vals[p0+r] = outputLevel(in.Net, in.Data, out)
		}
	}
	return cls, vals
}

// tracePoint is the traced sample as a point of the plane: its input x, or
// with input features (the trace holds φ(x)) the training row it came from.
func tracePoint(in Input) []float64 {
	if in.Trace == nil || in.Net == nil || in.Net.Features == nil {
		if in.Trace == nil {
			return nil
		}
		return in.Trace.X
	}
	if d := in.Data; d != nil && in.Pos.Index >= 0 && in.Pos.Index < len(d.Train.X) {
		return d.Train.X[in.Pos.Index]
	}
	return nil
}

// upscale stretches a cw × ch grid to gw × gh (nearest pixel).
func upscale(ccls []int, cvals []float64, cw, ch, gw, gh int) ([]int, []float64) {
	cls, vals := make([]int, gw*gh), make([]float64, gw*gh)
	for py := 0; py < gh; py++ {
		for px := 0; px < gw; px++ {
			q := min(py*ch/gh, ch-1)*cw + min(px*cw/gw, cw-1)
			cls[py*gw+px], vals[py*gw+px] = ccls[q], cvals[q]
		}
	}
	return cls, vals
}

// pixelSGR is the colour of one heatmap pixel as fg and bg sequences.
func pixelSGR(st *themes.Styles, cls, n int, v float64) (string, string) {
	if cls < 0 {
		t := math.Copysign(math.Min(math.Abs(v), 1)*mapIntensity, v)
		return st.DivFg(t), st.DivBg(t)
	}
	return st.ClassShade(cls, n, v*mapIntensity)
}

// heatmap is the network's output over the plane's view range: gw × gh
// pixels of (class, level), two pixels per cell vertically.
type heatmap struct {
	cls    []int
	vals   []float64
	gw, gh int
	n      int // classes (2 when the data names none)
	pl     plane
}

// boundary2D draws the heatmap, the data points and the sample, and under
// them a caption — the axes and the legend — wrapped to the width.
func boundary2D(in Input) string {
	st := in.styles()
	d := in.Data
	c := in.canvas()
	pl := inputPlane(in)
	var caption []line
	if in.H >= 6 {
		caption = layLines(boundaryCaption(st, d, pl, in.W), in.W, max(in.H/3, 1), 0)
	}
	mh := in.H - len(caption)
	hm := heatmap{gw: in.W, gh: 2 * mh, n: len(d.Classes), pl: pl}
	if hm.n == 0 {
		hm.n = 2
	}
	if hm.gw <= 0 || hm.gh <= 0 {
		return c.String()
	}
	hm.cls, hm.vals = grid(in, pl, hm.gw, hm.gh)
	if in.Discrete {
		hm.vals = discrete(hm.cls, hm.vals)
	}
	drawHeatmap(c, st, hm)
	plotPoints(c, st, d, hm, d.Train.X, d.Train.Y, "●")
	if !in.HideTest {
		plotPoints(c, st, d, hm, d.Test.X, d.Test.Y, "○")
	}
	if pt := tracePoint(in); in.inputDone() && len(pt) >= 2 {
		if px, py, ok := toPixel(pl, pt, hm.gw, hm.gh); ok {
			c.put(px, py/2, "◉", st.SGR.Focus)
		}
	}
	c.drawLines(0, mh, caption)
	return c.String()
}

// discrete is the heatmap of the predicted class alone: full intensity
// for a class, ±1 by the sign of a single output's level (a copy; the
// cached grid is left as it is).
func discrete(cls []int, vals []float64) []float64 {
	out := make([]float64, len(vals))
	for i, v := range vals {
		switch {
		case cls[i] >= 0:
			out[i] = 1
		case v >= 0:
			out[i] = 1
		default:
			out[i] = -1
		}
	}
	return out
}

// drawHeatmap draws hm in half blocks (upper pixel: foreground, lower:
// background; mono: a shade per cell).
func drawHeatmap(c *canvas, st *themes.Styles, hm heatmap) {
	for y := 0; y < hm.gh/2; y++ {
		for x := 0; x < hm.gw; x++ {
			ti, bi := (2*y)*hm.gw+x, (2*y+1)*hm.gw+x
			if st.Mono {
				c.put(x, y, monoPixel(hm.cls[ti], hm.vals[ti], hm.n), "")
				continue
			}
			fg, _ := pixelSGR(st, hm.cls[ti], hm.n, hm.vals[ti])
			_, bg := pixelSGR(st, hm.cls[bi], hm.n, hm.vals[bi])
			c.put2(x, y, "▀", fg, bg)
		}
	}
}

// plotPoints draws data points over the heatmap: glyph ● (train) or ○
// (test) in the class colour, or for regression the target's sign colour
// (mono: o/x or the class digit, +/− for regression).
func plotPoints(c *canvas, st *themes.Styles, d *datasets.Dataset, hm heatmap, xs, ys [][]float64, glyph string) {
	regression := d.Kind == datasets.Regression
	for i, p := range xs {
		if len(p) < 2 || i >= len(ys) {
			continue
		}
		px, py, ok := toPixel(hm.pl, p, hm.gw, hm.gh)
		if !ok {
			continue
		}
		bg := pixelBg(st, hm.cls, hm.vals, hm.gw, px, py, hm.n)
		switch {
		case regression && st.Mono:
			c.put(px, py/2, themes.Sign(regressionLevel(ys[i])), st.SGR.Bold)
		case regression:
			c.put2(px, py/2, glyph, st.DivFg(regressionLevel(ys[i])), bg)
		case st.Mono:
			c.put(px, py/2, monoPoint(network.ClassOf(ys[i]), glyph == "○"), st.SGR.Bold)
		default:
			c.put2(px, py/2, glyph, st.ClassFg(network.ClassOf(ys[i]), hm.n), bg)
		}
	}
}

// regressionLevel squashes a regression target into [−1, 1] for colour
// (NaN when there is none).
func regressionLevel(y []float64) float64 {
	if len(y) == 0 {
		return math.NaN()
	}
	return math.Tanh(y[0])
}

// boundaryCaption: the axes — the view range, and for more than two
// inputs which two they are — then the legend of colours and glyphs: on
// one line when it fits in w cells.
func boundaryCaption(st *themes.Styles, d *datasets.Dataset, pl plane, w int) []line {
	var axes, legend line
	name := func(f int) string {
		if f < len(d.Features) && d.Features[f] != "" {
			return d.Features[f]
		}
		return "x" + sub(f+1)
	}
	if pl.slice {
		axes.add("→ "+name(pl.i), st.SGR.Text).add("  ↑ "+name(pl.j), st.SGR.Text)
		axes.add("  · other inputs at their mean", st.SGR.Dim)
	} else {
		axes.add(fmt.Sprintf("x₁ %s…%s  x₂ %s…%s", num2(pl.lo[0]), num2(pl.hi[0]), num2(pl.lo[1]), num2(pl.hi[1])), st.SGR.Dim)
	}
	n := max(len(d.Classes), 2)
	switch {
	case d.Kind == datasets.Regression:
		legend.add("colour = output ", st.SGR.Dim).add("−", st.SGR.Neg).add("…", st.SGR.Dim).add("+", st.SGR.Pos)
		legend.add("  ● target  ◉ sample", st.SGR.Dim)
	case st.Mono:
		legend.add("o/x train  ", st.SGR.Dim)
		if len(d.Test.X) > 0 {
			legend.add("◦ test  ", st.SGR.Dim)
		}
		legend.add("◉ sample", st.SGR.Dim)
	default:
		for k := 0; k < min(n, 4); k++ {
			legend.add("●", st.ClassFg(k, n)).add(" "+className(d, k)+"  ", st.SGR.Dim)
		}
		if len(d.Test.X) > 0 {
			legend.add("○ test  ", st.SGR.Dim)
		}
		legend.add("◉", st.SGR.Focus).add(" sample", st.SGR.Dim)
	}
	if one := append(append(slices.Clone(axes), seg{text: "  "}), legend...); one.width() <= w {
		return []line{one}
	}
	return []line{axes, legend}
}

// pixelBg keeps a point's cell background the heatmap colour under it.
func pixelBg(st *themes.Styles, cls []int, vals []float64, gw, px, py, n int) string {
	i := py*gw + px
	if i < 0 || i >= len(vals) {
		return ""
	}
	_, bg := pixelSGR(st, cls[i], n, vals[i])
	return bg
}

// toPixel maps a data point to a heatmap pixel of the plane.
func toPixel(pl plane, p []float64, gw, gh int) (int, int, bool) {
	s, t, ok := pl.coords(p)
	wx, wy := pl.hi[0]-pl.lo[0], pl.hi[1]-pl.lo[1]
	if !ok || !(wx > 0) || !(wy > 0) || !finite(s) || !finite(t) {
		return 0, 0, false
	}
	px := int(math.Floor((s - pl.lo[0]) / wx * float64(gw)))
	py := int(math.Floor((pl.hi[1] - t) / wy * float64(gh)))
	if px < 0 || py < 0 || px >= gw || py >= gh {
		return 0, 0, false
	}
	return px, py, true
}

// monoPixel is a heatmap cell without colour: shade by output level for
// one output, a faint class pattern otherwise.
func monoPixel(cls int, v float64, n int) string {
	if cls < 0 {
		return themes.Shade(((v + 1) / 2) * 0.75)
	}
	if n <= 1 {
		return " "
	}
	return themes.Shade(float64(cls) / float64(n-1) * 0.75)
}

// monoPoint is a point's glyph without colour: o/x for two classes, the
// class digit otherwise.
func monoPoint(k int, hollow bool) string {
	if hollow {
		return "◦"
	}
	switch {
	case k == 0:
		return "o"
	case k == 1:
		return "x"
	case k < 10:
		return string(rune('0' + k))
	}
	return "*"
}

// images draws the current sample and the focused L1 neuron's weights,
// side by side or one above the other, whichever draws them larger, each
// with a caption under it when there is room.
func images(in Input) string {
	st := in.styles()
	d := in.Data
	c := in.canvas()
	capRows := 0
	if in.H >= 4 {
		capRows = 1
	}
	const gap = 2
	im, ok := fitImage(st, d.ImageW, d.ImageH, (in.W-gap)/2, in.H-capRows)
	x2, y2 := im.dw+gap, 0 // where the second picture goes
	if tall, ok2 := fitImage(st, d.ImageW, d.ImageH, in.W, (in.H-2*capRows-1)/2); ok2 && (!ok || tall.dw > im.dw) {
		im, ok = tall, true
		x2, y2 = 0, im.dh+capRows+1
	}
	if !ok {
		return message(in, "too small for images")
	}
	var x []float64
	if in.Trace != nil {
		x = in.Trace.X
	}
	lo, hi := rangeOf(d.Lo, d.Hi)
	drawImage(c, st, 0, 0, im, func(i int) (float64, bool) {
		v := at1(x, i)
		if !finite(v) {
			return 0, false
		}
		return (v - lo) / (hi - lo), true
	}, false)
	j := -1
	if in.Focus.Layer == 1 {
		j = in.Focus.Neuron
	}
	drawReceptiveField(in, st, c, im, x2, y2, j)
	if capRows > 0 && im.dh < in.H {
		// each caption in its picture's column, in the rows under it
		colW, rows := in.W, y2-im.dh-1 // stacked
		if y2 == 0 {
			colW, rows = x2-1, in.H-im.dh // side by side
		}
		drawCaption(c, 0, im.dh, colW, rows, sampleCaption(in, st))
		if j >= 0 && y2+im.dh < in.H {
			var r line
			r.add(fmt.Sprintf("L1 n%d weights", j+1), st.SGR.Dim)
			drawCaption(c, x2, y2+im.dh, colW, in.H-y2-im.dh, r)
		}
	}
	return c.String()
}

// drawCaption writes l from (x, y) in a column w cells wide: wrapped in at
// most rows rows, the last one shortened with "…" if even that is not
// enough.
func drawCaption(c *canvas, x, y, w, rows int, l line) {
	if w <= 0 || rows <= 0 {
		return
	}
	for i, r := range layLines([]line{l}, w, rows, 2) {
		if i >= rows {
			break
		}
		end := x
		for _, s := range r {
			end = c.text(end, y+i, s.text, s.sgr)
		}
		if end > x+w { // shortened: blank what spills into the next column
			for k := x + w - 1; k < end && k < c.w; k++ {
				c.put(k, y+i, "", "")
			}
			c.put(x+w-1, y+i, "…", "")
		}
	}
}

// imageFit is how an iw×ih image is drawn: dw×dh cells of py pixels each
// vertically (2: half blocks; 1: mono).
type imageFit struct {
	iw, ih, dw, dh, py int
}

// fitImage scales an iw×ih image into at most availW × availH cells: a
// whole factor when it can grow, any factor when it must shrink.
func fitImage(st *themes.Styles, iw, ih, availW, availH int) (imageFit, bool) {
	im := imageFit{iw: iw, ih: ih, py: 2}
	if st.Mono {
		im.py = 1
	}
	s := math.Min(float64(availW)/float64(iw), float64(availH*im.py)/float64(ih))
	if s >= 1 {
		s = math.Floor(s)
	}
	im.dw, im.dh = int(float64(iw)*s), int(float64(ih)*s)/im.py
	return im, im.dw >= 1 && im.dh >= 1
}

// drawReceptiveField draws L1 neuron j's input weights as an image at
// (x2, y2) (blue positive, orange negative), or says to focus one.
func drawReceptiveField(in Input, st *themes.Styles, c *canvas, im imageFit, x2, y2, j int) {
	l1 := in.Net.Layers[0]
	if j >= 0 && j < l1.Out && len(l1.W) >= (j+1)*l1.In {
		row := l1.W[j*l1.In : (j+1)*l1.In]
		mx := maxAbs(row)
		if mx == 0 {
			mx = 1
		}
		drawImage(c, st, x2, y2, im, func(i int) (float64, bool) {
			return at1(row, i) / mx, true
		}, true)
		return
	}
	if x2 < in.W {
		mid := y2 + im.dh/2
		c.text(x2, mid-1, "focus an L1", st.SGR.Dim)
		c.text(x2, mid, "neuron to see", st.SGR.Dim)
		c.text(x2, mid+1, "its weights", st.SGR.Dim)
	}
}

// sampleCaption: "sample 7 → 7 ✓" (or "probe …"), the prediction once the
// forward pass has reached the output.
func sampleCaption(in Input, st *themes.Styles) line {
	var l line
	if in.Probe != "" {
		l.add("probe", st.SGR.Accent)
	} else {
		l.add("sample", st.SGR.Dim)
	}
	if !in.inputDone() || in.Trace == nil || len(in.Trace.Y) == 0 {
		return l
	}
	k := network.ClassOf(in.Trace.Y)
	l.add(" "+className(in.Data, k), st.SGR.Text)
	L := len(in.Net.Layers)
	if in.forwardDone(L-1, layerSize(in.Net, L)-1) && L < len(in.Trace.A) && len(in.Trace.A[L]) > 0 {
		p := network.ClassOf(in.Trace.A[L])
		l.add(" → "+className(in.Data, p), st.SGR.Bold)
		if p == k {
			l.add(" ✓", st.SGR.OK)
		} else {
			l.add(" ✗", st.SGR.Error)
		}
	}
	return l
}

// rangeOf is the overall [lo, hi] of per-feature bounds (0..1 when absent).
func rangeOf(los, his []float64) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range los {
		lo = math.Min(lo, v)
	}
	for _, v := range his {
		hi = math.Max(hi, v)
	}
	if !finite(lo) || !finite(hi) || hi <= lo {
		return 0, 1
	}
	return lo, hi
}

// drawImage draws an image scaled by im at (x0, y0). value returns a
// level in [0, 1] (grey) or, diverging, in [−1, 1].
func drawImage(c *canvas, st *themes.Styles, x0, y0 int, im imageFit, value func(int) (float64, bool), diverging bool) {
	for cy := 0; cy < im.dh; cy++ {
		for cx := 0; cx < im.dw; cx++ {
			if st.Mono {
				v, ok := im.pixel(cx, cy, value)
				c.put(x0+cx, y0+cy, monoImageGlyph(v, ok, diverging), "")
				continue
			}
			top, ok1 := im.pixel(cx, 2*cy, value)
			bot, ok2 := im.pixel(cx, 2*cy+1, value)
			var fg, bg string
			if diverging {
				fg, bg = st.DivFg(top), st.DivBg(bot)
			} else {
				fg, bg = st.GreyFg(top), st.GreyBg(bot)
			}
			if !ok1 {
				fg = st.SGR.Dim
			}
			if !ok2 {
				bg = ""
			}
			c.put2(x0+cx, y0+cy, "▀", fg, bg)
		}
	}
}

// pixel is display pixel (cx, py)'s value: the mean over the source
// pixels it covers (a box filter: downscaled 28×28 digits keep their thin
// strokes), or the one it falls in when enlarging; ok is false when none
// has a value.
func (im imageFit) pixel(cx, py int, value func(int) (float64, bool)) (float64, bool) {
	x0s, y0s := cx*im.iw/im.dw, py*im.ih/(im.dh*im.py)
	x1s, y1s := max((cx+1)*im.iw/im.dw, x0s+1), max((py+1)*im.ih/(im.dh*im.py), y0s+1)
	sum, n := 0.0, 0
	for iy := y0s; iy < min(y1s, im.ih); iy++ {
		for ix := x0s; ix < min(x1s, im.iw); ix++ {
			if v, ok := value(iy*im.iw + ix); ok {
				sum += v
				n++
			}
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// monoImageGlyph draws a pixel without colour: a shade of grey, or for a
// diverging value + (≥ 0.3), − (≤ −0.3) or · (|v| ≥ 0.1).
func monoImageGlyph(v float64, ok, diverging bool) string {
	switch {
	case !ok:
		return " "
	case !diverging:
		return themes.Shade(v)
	case v >= 0.3:
		return "+"
	case v <= -0.3:
		return "−"
	case math.Abs(v) >= 0.1:
		return "·"
	}
	return " "
}

// className is the name of class k.
func className(d *datasets.Dataset, k int) string {
	if d != nil && k >= 0 && k < len(d.Classes) {
		return d.Classes[k]
	}
	return fmt.Sprint(k)
}
