package figures

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"backprop/datasets"
	"backprop/network"
)

// Hidden grid: lines per axis of the input plane, and points along each.
const hiddenGridLines, hiddenGridSteps = 11, 80

// Hidden is the Hidden space pane as a figure: the training points and
// the input plane's grid lines mapped through the network to the
// activations of neurons i and j of hidden layer l (network.MapHidden),
// and the lines the next layer draws in that plane where it is linear in
// them (network.NextLines: the decision line when the next layer is the
// output). Bounded activations show their whole range (tanh −1…1, sigmoid
// 0…1); others the extent of the points and lines. Default size 780 × 600.
func Hidden(net *network.Network, ds *datasets.Dataset, l, i, j int, o Options) (*Figure, error) {
	lo, hi, err := planeOf("hidden space", net, ds)
	if err != nil {
		return nil, err
	}
	if l < 1 || l >= len(net.Sizes)-1 || i < 0 || j < 0 || i == j || i >= net.Sizes[l] || j >= net.Sizes[l] {
		return nil, fmt.Errorf("figures: hidden space: no neurons %d and %d in hidden layer %d of %v", i+1, j+1, l, net.Sizes)
	}
	step := max(1, (ds.Train.Len()+maxPoints-1)/maxPoints)
	var xs, ys [][]float64
	for k := 0; k < ds.Train.Len(); k += step {
		xs, ys = append(xs, ds.Train.Input(k, nil)), append(ys, ds.Train.Y[k])
	}
	h, err := network.MapHidden(net, l, xs, lo, hi, hiddenGridLines, hiddenGridSteps)
	if err != nil {
		return nil, err
	}
	f, err := newFigure("hidden", o, 780, 600)
	if err != nil {
		return nil, err
	}
	st := f.st
	act := net.Layers[l-1].Act
	var alo, ahi [2]float64
	alo[0], ahi[0] = h.Range(act, i)
	alo[1], ahi[1] = h.Range(act, j)
	p := st.plot("", neuronName(l, i), neuronName(l, j))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = alo[0], ahi[0], alo[1], ahi[1]
	grid := draw.LineStyle{Color: st.pal.Subtle, Width: vg.Points(0.6), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
	for _, ln := range h.Lines {
		xy := make(plotter.XYs, 0, len(ln.A))
		for _, a := range ln.A {
			if finiteF(a[i]) && finiteF(a[j]) {
				xy = append(xy, plotter.XY{X: a[i], Y: a[j]})
			}
		}
		if line, err := plotter.NewLine(xy); err == nil && len(xy) > 1 {
			line.LineStyle = grid
			p.Add(line)
		}
	}
	nc := max(len(ds.Classes), 2)
	for k, a := range h.Points {
		d := dot{edge: st.pal.Page, width: 0.8, fill: st.pal.Class(network.ClassOf(ys[k]), nc)}
		if ds.Kind == datasets.Regression {
			d.fill = st.pal.Diverging(math.Tanh(ys[k][0]))
		}
		if s := scatter(plotter.XYs{{X: a[i], Y: a[j]}}, d, 3.6); s != nil {
			p.Add(s)
		}
	}
	legend, foot := st.hiddenLegend(p, net, ds, l, alo, ahi)
	f.draw = func(c draw.Canvas) {
		c = st.header(c, fmt.Sprintf("Hidden space of layer %d", l))
		c = st.footnote(c, foot)
		col := vg.Length(190)
		p.Draw(squareIn(inset(c, 4, col, 2, 2)))
		side := c
		side.Min.X = c.Max.X - col + 14
		legend.Top, legend.Left = true, true
		legend.Draw(inset(side, 0, 4, 0, 10))
	}
	return f, nil
}

// hiddenLegend adds the next layer's lines to p, and returns the legend
// (the classes, the grid, the lines) and the footnote saying what the
// lines are or why there is none.
func (st *style) hiddenLegend(p *plot.Plot, net *network.Network, ds *datasets.Dataset, l int, lo, hi [2]float64) (plot.Legend, string) {
	leg := plot.NewLegend()
	leg.TextStyle = st.text(tickSize, st.pal.Ink)
	leg.TextStyle.XAlign, leg.TextStyle.YAlign = draw.XLeft, draw.YBottom
	leg.ThumbnailWidth = 14
	leg.Padding = 4
	if ds.Kind != datasets.Regression {
		nc := max(len(ds.Classes), 2)
		for k := range nc {
			name := fmt.Sprintf("class %d", k)
			if k < len(ds.Classes) && ds.Classes[k] != fmt.Sprint(k) {
				name += ": " + ds.Classes[k]
			}
			leg.Add(name, swatch{st.pal.Class(k, nc)})
		}
	}
	leg.Add("input grid line", lineThumb{draw.LineStyle{Color: st.pal.Subtle, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}})
	lines, decision, err := network.NextLines(net, l)
	next := fmt.Sprintf("layer %d", l+1)
	if err != nil {
		if net.Sizes[l] > 2 {
			return leg, fmt.Sprintf("No line: %s reads all %d neurons of layer %d, not only these two.", next, net.Sizes[l], l)
		}
		return leg, "No line: " + next + " has more than 2 outputs."
	}
	style := draw.LineStyle{Color: st.pal.Ink, Width: vg.Points(1.6)}
	for _, ln := range lines {
		a, b, ok := clipSegment(ln.W[0], ln.W[1], ln.C, lo, hi)
		if !ok {
			continue
		}
		if s, err := plotter.NewLine(plotter.XYs{{X: a[0], Y: a[1]}, {X: b[0], Y: b[1]}}); err == nil {
			s.LineStyle = style
			p.Add(s)
		}
	}
	if decision {
		leg.Add("decision line (output = ½)", lineThumb{style})
		return leg, "The output layer draws a line in this plane: points on either side get either class."
	}
	leg.Add(fmt.Sprintf("z = 0 of %s's neurons", next), lineThumb{style})
	return leg, fmt.Sprintf("Each line is where a neuron of %s crosses its midpoint.", next)
}

// clipSegment is the segment of w0·a + w1·b = c inside the box lo..hi.
func clipSegment(w0, w1, c float64, lo, hi [2]float64) (p, q [2]float64, ok bool) {
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

func finiteF(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
