package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"backprop/network"
	"backprop/themes"
)

// maxSquares is the most weights a layer's Hinton diagram draws as
// squares; a bigger layer is drawn as a colour map instead (a square per
// weight would be a dot, and its SVG megabytes).
const maxSquares = 12000

// Weights is a Hinton diagram per layer: the weight w^l_jk (from neuron k
// of layer l−1 to neuron j of layer l) is a square in row j, column k
// whose area is proportional to |w| and whose colour is its sign (Pos,
// Neg); the biases b^l_j are a column of their own. Each layer is scaled
// to its largest |w| or |b|. Default size 1000 × 520.
func Weights(net *network.Network, o Options) (*Figure, error) {
	if net == nil || len(net.Layers) == 0 {
		return nil, errors.New("figures: no network")
	}
	f, err := newFigure("weights", o, 1000, 520)
	if err != nil {
		return nil, err
	}
	st := f.st
	net = net.Clone() // the figure keeps the weights as they are now
	var panels []*plot.Plot
	mapped := 0
	for l, layer := range net.Layers {
		w := mat.NewDense(layer.Out, layer.In, layer.W)
		b := mat.NewVecDense(layer.Out, layer.B)
		if !finite(layer.W) || !finite(layer.B) {
			return nil, fmt.Errorf("figures: layer %d has weights that are not finite (the network diverged)", l+1)
		}
		span := math.Max(math.Max(mat.Max(w), -mat.Min(w)), math.Max(mat.Max(b), -mat.Min(b)))
		span = math.Max(span, 1e-12)
		name := strconv.Itoa(l + 1)
		p := st.plot(fmt.Sprintf("w%s and b%s: layer %d, %d → %d, %s", sup(l+1), sup(l+1), l+1, layer.In, layer.Out, layer.Act),
			fmt.Sprintf("k: neuron of layer %d", l), fmt.Sprintf("j: neuron of layer %s", name))
		if l == 0 {
			p.X.Label.Text = "k: input"
		}
		// Columns 0..In−1 are the weights, In+0.5 the bias after a gap.
		p.X.Min, p.X.Max = -0.5, float64(layer.In)+1
		p.Y.Min, p.Y.Max = -0.5, float64(layer.Out)-0.5
		p.X.Tick.Marker = indexTicks{n: layer.In, bias: float64(layer.In) + 0.5}
		p.Y.Tick.Marker = indexTicks{n: layer.Out, flip: true, bias: math.NaN()}
		p.Title.TextStyle = st.text(tickSize+0.5, st.pal.Ink)
		p.Title.TextStyle.YAlign = draw.YTop
		h := hinton{w: w, b: b, span: span, st: st, squares: layer.In*layer.Out <= maxSquares}
		if !h.squares {
			mapped++
		}
		p.Add(h)
		panels = append(panels, p)
	}
	foot := "square area proportional to |w| (|b| for the bias column) · blue: positive, orange: negative · each layer scaled to its largest |w| or |b|"
	if mapped > 0 {
		foot += " · layers of more than " + strconv.Itoa(maxSquares) + " weights: colour only"
	}
	f.draw = func(c draw.Canvas) {
		c = st.header(c, "Weights and biases (Hinton diagram)")
		c = st.footnote(c, foot)
		c = inset(c, 4, 8, 0, 0)
		hintonRow(c, panels, net)
	}
	return f, nil
}

// hintonRow lays the layers' panels out side by side with one cell size
// for all, as large as fits, so that a weight looks the same size in
// every layer; each panel is centred vertically.
func hintonRow(c draw.Canvas, panels []*plot.Plot, net *network.Network) {
	const gap = 24
	// The room each plot takes around its data (title, ticks, labels),
	// measured on a trial canvas.
	padW, padH := make([]vg.Length, len(panels)), make([]vg.Length, len(panels))
	var sumPad, sumCols, maxRows float64
	for i, p := range panels {
		dc := p.DataCanvas(c)
		padW[i] = (c.Max.X - c.Min.X) - (dc.Max.X - dc.Min.X)
		padH[i] = (c.Max.Y - c.Min.Y) - (dc.Max.Y - dc.Min.Y)
		sumPad += float64(padW[i])
		sumCols += float64(net.Layers[i].In) + 1.5
		maxRows = math.Max(maxRows, float64(net.Layers[i].Out))
	}
	maxPadH := vg.Length(0)
	for _, h := range padH {
		maxPadH = max(maxPadH, h)
	}
	w := float64(c.Max.X-c.Min.X) - sumPad - gap*float64(len(panels)-1)
	maxRows = math.Max(maxRows, 4)
	cell := math.Min(w/sumCols, float64(c.Max.Y-c.Min.Y-maxPadH)/maxRows)
	cell = math.Min(cell, 40)
	if cell <= 0 {
		return
	}
	used := cell*sumCols + sumPad + gap*float64(len(panels)-1)
	x := c.Min.X + vg.Length(math.Max(0, float64(c.Max.X-c.Min.X)-used)/2)
	for i, p := range panels {
		// A short layer (one output) keeps square cells in a taller
		// panel, so its axis label fits: empty rows above and below.
		rows := float64(net.Layers[i].Out)
		shown := math.Max(rows, math.Min(maxRows, math.Ceil(160/cell)))
		p.Y.Min, p.Y.Max = -0.5-(shown-rows)/2, rows-0.5+(shown-rows)/2
		pw := padW[i] + vg.Length(cell*(float64(net.Layers[i].In)+1.5))
		ph := padH[i] + vg.Length(cell*shown)
		pc := c
		pc.Min.X, pc.Max.X = x, x+pw
		mid := (c.Min.Y + c.Max.Y) / 2
		pc.Min.Y, pc.Max.Y = mid-ph/2, mid+ph/2
		p.Draw(pc)
		x += pw + gap
	}
}

// indexTicks number neurons from 1 (as the Inspector does) at 0..n−1,
// every one when few, else at a round step; bias (unless NaN) is labelled
// "b". flip puts neuron 1 at the top.
type indexTicks struct {
	n    int
	flip bool
	bias float64
}

func (t indexTicks) Ticks(min, max float64) []plot.Tick {
	step := int(niceStep(float64(t.n)/8, true))
	var out []plot.Tick
	for i := 0; i < t.n; i++ {
		label := ""
		if (i+1)%step == 0 || (i == 0 && step >= 5) || step == 1 {
			label = strconv.Itoa(i + 1)
		}
		v := float64(i)
		if t.flip {
			v = float64(t.n - 1 - i)
		}
		if label == "" && t.n > 40 {
			continue // no minor tick per weight in a wide layer
		}
		out = append(out, plot.Tick{Value: v, Label: label})
	}
	if !math.IsNaN(t.bias) {
		out = append(out, plot.Tick{Value: t.bias, Label: "b"})
	}
	return out
}

// hinton draws one layer: squares (or colour cells) for W and b.
type hinton struct {
	w       *mat.Dense
	b       *mat.VecDense
	span    float64
	st      *style
	squares bool
}

func (h hinton) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	out, in := h.w.Dims()
	cell := vg.Length(math.Min(math.Abs(float64(trX(1)-trX(0))), math.Abs(float64(trY(1)-trY(0)))))
	// A light panel behind the squares, so that small ones read.
	bg := vg.Rectangle{Min: vg.Point{X: trX(-0.5), Y: trY(-0.5)}, Max: vg.Point{X: trX(float64(in) - 0.5), Y: trY(float64(out) - 0.5)}}
	c.SetColor(themes.Mix(h.st.pal.Page, h.st.pal.Subtle, 0.12))
	c.Fill(bg.Path())
	bb := vg.Rectangle{Min: vg.Point{X: trX(float64(in)), Y: trY(-0.5)}, Max: vg.Point{X: trX(float64(in) + 1), Y: trY(float64(out) - 0.5)}}
	c.Fill(bb.Path())
	if !h.squares {
		w := raster(out, in, func(r, k int) color.Color { return h.st.pal.Diverging(h.w.At(out-1-r, k) / h.span) })
		b := raster(out, 1, func(r, _ int) color.Color { return h.st.pal.Diverging(h.b.AtVec(out-1-r) / h.span) })
		plotter.NewImage(w, -0.5, -0.5, float64(in)-0.5, float64(out)-0.5).Plot(c, p)
		plotter.NewImage(b, float64(in), -0.5, float64(in)+1, float64(out)-0.5).Plot(c, p)
		return
	}
	square := func(x, y float64, v float64) {
		if v == 0 || math.IsNaN(v) {
			return
		}
		s := cell * 0.92 * vg.Length(math.Sqrt(math.Min(math.Abs(v)/h.span, 1))) / 2
		cx, cy := trX(x), trY(y)
		r := vg.Rectangle{Min: vg.Point{X: cx - s, Y: cy - s}, Max: vg.Point{X: cx + s, Y: cy + s}}
		if v > 0 {
			c.SetColor(h.st.pal.Pos)
		} else {
			c.SetColor(h.st.pal.Neg)
		}
		c.Fill(r.Path())
	}
	for j := range out {
		y := float64(out - 1 - j)
		for k := range in {
			square(float64(k), y, h.w.At(j, k))
		}
		square(float64(in)+0.5, y, h.b.AtVec(j))
	}
}

// finite reports whether every value of v is a number.
func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
