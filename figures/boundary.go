package figures

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"backprop/datasets"
	"backprop/network"
)

// maxPoints bounds the data points drawn per set (every k-th beyond it),
// so that an SVG of a big data set stays small.
const maxPoints = 2000

// Boundary is the decision boundary of a network on 2-D data: the output
// over the plane as colour, the training points ● and test points ○ in
// their class colours, and the decision contour.
//
//   - One output (two classes): colour Neg ← page → Pos as a runs 0 → ½ → 1
//     (the page colour is "undecided"), contour a = ½ (network.ClassOf's
//     threshold); a colour bar reads a.
//   - Several outputs (softmax): the colour of the class argmax_k a_k, its
//     intensity the confidence a_k (from 1/K to 1); contours where the
//     winning class changes (a_k = max_{i≠k} a_i).
//   - Regression: the first output's value on a diverging scale with a
//     colour bar, contours at its quartiles.
//
// Default size 780 × 600. Data that is not 2-D is ErrNot2D.
func Boundary(net *network.Network, ds *datasets.Dataset, o Options) (*Figure, error) {
	lo, hi, err := planeOf("boundary", net, ds)
	if err != nil {
		return nil, err
	}
	f, err := newFigure("boundary", o, 780, 600)
	if err != nil {
		return nil, err
	}
	st := f.st
	n := gridSide(0.85*float64(f.Height)/f.scale, net.NumParams())
	g, err := network.EvalGrid(net, lo, hi, n, n)
	if err != nil {
		return nil, err
	}
	m := st.outputMap(net, ds, g)
	p := st.planePlot("", lo, hi)
	p.Add(plotter.NewImage(raster(g.Rows, g.Cols, m.colour), lo[0], lo[1], hi[0], hi[1]))
	for _, c := range m.contours {
		p.Add(c)
	}
	legend := st.addPoints(p, ds, m)
	if m.contours != nil {
		legend.Add(m.contourName, lineThumb{m.contours[0].LineStyles[0]})
	}
	foot := accuracyNote(net, ds)
	f.draw = func(c draw.Canvas) {
		c = st.header(c, "Decision boundary")
		c = st.footnote(c, foot)
		col := vg.Length(190)
		plotArea := inset(c, 4, col, 2, 2)
		p.Draw(squareIn(plotArea))
		side := c
		side.Min.X = c.Max.X - col + 14
		legend.Top, legend.Left = true, true
		legend.Draw(inset(side, 0, 4, 0, 10))
		if m.bar != nil {
			bar := side
			bar.Max.Y = side.Min.Y + (side.Max.Y-side.Min.Y)*0.5
			bar.Max.X = bar.Min.X + 64 // the label, the numbers and a 22 pt bar
			bar = inset(bar, 0, 0, 24, 0)
			m.bar.Draw(bar)
		}
	}
	return f, nil
}

// outputMap is how Boundary colours the plane and draws its contours.
type outputMap struct {
	colour      func(r, c int) color.Color
	contours    []*plotter.Contour
	contourName string
	bar         *plot.Plot // a colour bar, or nil
	// pointColour is a sample's colour by its target.
	pointColour func(y []float64) color.Color
	classes     []string // legend names; nil for regression
}

// outputMap builds the colouring of g's output for ds's kind of target.
func (st *style) outputMap(net *network.Network, ds *datasets.Dataset, g *network.Grid) outputMap {
	out := g.Output()
	K := len(out)
	line := draw.LineStyle{Color: st.pal.Ink, Width: vg.Points(1.6)}
	contour := func(v []float64, level float64) *plotter.Contour {
		fl := newField(g, v)
		if math.IsNaN(fl.Min()) || math.IsNaN(fl.Max()) || fl.Min() > level || fl.Max() < level {
			return nil // no crossing (or no numbers): nothing to draw
		}
		c := plotter.NewContour(fl, []float64{level}, nil)
		c.LineStyles = []draw.LineStyle{line}
		return c
	}
	var m outputMap
	switch {
	case ds.Kind == datasets.Regression:
		v := out[0]
		span := 0.0
		for _, x := range v {
			if !math.IsNaN(x) {
				span = math.Max(span, math.Abs(x))
			}
		}
		span = math.Max(span, 1e-12)
		m.colour = func(r, c int) color.Color { return st.pal.Diverging(0.8 * v[r*g.Cols+c] / span) }
		m.pointColour = func(y []float64) color.Color { return st.pal.Diverging(y[0] / span) }
		fl := newField(g, v)
		if !math.IsNaN(fl.Min()) && fl.Min() < fl.Max() {
			c := plotter.NewContour(fl, nil, nil)
			c.Levels = quartiles(fl.Min(), fl.Max())
			c.LineStyles = []draw.LineStyle{{Color: st.pal.Subtle, Width: vg.Points(0.8)}}
			m.contours = []*plotter.Contour{c}
			m.contourName = "output contours"
		}
		m.bar = st.colourBar(func(t float64) color.Color { return st.pal.Diverging(0.8 * t) }, -span, span, "a (output)")
	case K == 1:
		a := out[0]
		m.colour = func(r, c int) color.Color { return st.pal.Diverging(0.8 * (2*a[r*g.Cols+c] - 1)) }
		if c := contour(a, 0.5); c != nil {
			m.contours = []*plotter.Contour{c}
		}
		m.contourName = "decision boundary, a = 0.5"
		m.bar = st.colourBar(func(t float64) color.Color { return st.pal.Diverging(0.8 * t) }, 0, 1, "a (output)")
	default:
		m.colour = func(r, c int) color.Color {
			p := r*g.Cols + c
			best := 0
			for k := range K {
				if out[k][p] > out[best][p] {
					best = k
				}
			}
			t := (out[best][p] - 1/float64(K)) / (1 - 1/float64(K))
			return st.pal.ClassShade(best, K, 0.12+0.6*t)
		}
		for k := range K {
			margin := make([]float64, len(out[k]))
			for p := range margin {
				other := math.Inf(-1)
				for i := range K {
					if i != k {
						other = math.Max(other, out[i][p])
					}
				}
				margin[p] = out[k][p] - other
			}
			if c := contour(margin, 0); c != nil {
				m.contours = append(m.contours, c)
			}
		}
		m.contourName = "decision boundaries"
	}
	if ds.Kind != datasets.Regression {
		nc := max(K, 2)
		m.pointColour = func(y []float64) color.Color { return st.pal.Class(network.ClassOf(y), nc) }
		m.classes = make([]string, nc)
		for i := range m.classes {
			m.classes[i] = fmt.Sprintf("class %d", i)
			if i < len(ds.Classes) && ds.Classes[i] != fmt.Sprint(i) {
				m.classes[i] = fmt.Sprintf("class %d: %s", i, ds.Classes[i])
			}
		}
	}
	return m
}

// quartiles are the levels at ¼, ½ and ¾ of lo..hi.
func quartiles(lo, hi float64) []float64 {
	return []float64{lo + (hi-lo)/4, lo + (hi-lo)/2, lo + 3*(hi-lo)/4}
}

// addPoints draws ds's training points ● and test points ○ on p in their
// colours and returns a legend of the classes and the two kinds of point.
func (st *style) addPoints(p *plot.Plot, ds *datasets.Dataset, m outputMap) plot.Legend {
	train := dot{edge: st.pal.Page, width: 0.8}
	test := dot{fill: st.pal.Page, width: 2}
	draw1 := func(set datasets.Set, proto dot, r vg.Length) {
		step := max(1, (set.Len()+maxPoints-1)/maxPoints)
		for i := 0; i < set.Len(); i += step {
			x, y := set.Input(i, nil), set.Y[i]
			if len(x) < 2 || len(y) == 0 {
				continue
			}
			d := proto
			if d.fill == nil {
				d.fill = m.pointColour(y)
			} else {
				d.edge = m.pointColour(y)
			}
			if s := scatter(plotter.XYs{{X: x[0], Y: x[1]}}, d, r); s != nil {
				p.Add(s)
			}
		}
	}
	draw1(ds.Train, train, 3.2)
	draw1(ds.Test, test, 3.2)

	leg := plot.NewLegend()
	leg.TextStyle = st.text(tickSize, st.pal.Ink)
	leg.TextStyle.XAlign, leg.TextStyle.YAlign = draw.XLeft, draw.YBottom
	leg.ThumbnailWidth = 14
	leg.Padding = 4
	for i, name := range m.classes {
		leg.Add(name, swatch{st.pal.Class(i, len(m.classes))})
	}
	ink := st.pal.Ink
	if ds.Train.Len() > 0 {
		leg.Add(fmt.Sprintf("training point (%d)", ds.Train.Len()), glyphThumb{dot{fill: ink, edge: st.pal.Page, width: 0.8}, 3.2})
	}
	if ds.Test.Len() > 0 {
		leg.Add(fmt.Sprintf("test point (%d)", ds.Test.Len()), glyphThumb{dot{fill: st.pal.Page, edge: ink, width: 2}, 3.2})
	}
	return leg
}

// swatch is a legend thumbnail: a square of one colour.
type swatch struct{ c color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	side := c.Max.Y - c.Min.Y
	r := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: c.Min.Y}, Max: vg.Point{X: c.Min.X + side, Y: c.Max.Y}}
	c.SetColor(s.c)
	c.Fill(r.Path())
}

// glyphThumb is a legend thumbnail: one glyph.
type glyphThumb struct {
	g draw.GlyphDrawer
	r vg.Length
}

func (t glyphThumb) Thumbnail(c *draw.Canvas) {
	side := c.Max.Y - c.Min.Y
	c.DrawGlyphNoClip(draw.GlyphStyle{Shape: t.g, Radius: t.r}, vg.Point{X: c.Min.X + side/2, Y: (c.Min.Y + c.Max.Y) / 2})
}

// lineThumb is a legend thumbnail: a short line.
type lineThumb struct{ s draw.LineStyle }

func (t lineThumb) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(t.s, c.Min.X, y, c.Max.X, y)
}

// colourBar is a vertical bar of colour(t), t from −1 to 1, labelled
// with values lo..hi on its right.
func (st *style) colourBar(colour func(t float64) color.Color, lo, hi float64, label string) *plot.Plot {
	const steps = 256
	img := raster(steps, 1, func(r, _ int) color.Color { return colour(2*(float64(r)+0.5)/steps - 1) })
	p := st.plot("", "", label)
	p.Add(plotter.NewImage(img, 0, lo, 1, hi))
	p.HideX()
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min, p.Y.Max = lo, hi
	p.Y.Padding = 0
	return p
}

// accuracyNote is "train accuracy 1.000 · test accuracy 0.970" (or the
// cost C for regression): what the picture shows, in numbers.
func accuracyNote(net *network.Network, ds *datasets.Dataset) string {
	s := ""
	for _, part := range []struct {
		name string
		set  datasets.Set
	}{{"train", ds.Train}, {"test", ds.Test}} {
		if part.set.Len() == 0 {
			continue
		}
		set, err := net.Features.ExpandSet(network.Set(part.set))
		if err != nil {
			continue
		}
		met := net.Evaluate(set)
		if s != "" {
			s += "   ·   "
		}
		if ds.Kind == datasets.Regression || math.IsNaN(met.Accuracy) {
			s += fmt.Sprintf("%s C = %.4g", part.name, met.Loss)
		} else {
			s += fmt.Sprintf("%s accuracy %.3f (C = %.4g)", part.name, met.Accuracy, met.Loss)
		}
	}
	return s
}
