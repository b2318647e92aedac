package figures

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"backprop/datasets"
	"backprop/network"
)

// ErrNot2D is wrapped by the errors of the figures over the input plane
// (boundary, neuron maps) for data that is not 2-D.
var ErrNot2D = errors.New("needs 2-D data")

// planeOf checks that ds is 2-D data the network takes, and returns the
// plotted range: the data's bounds with a 10% margin, so that points on
// the edges sit inside the map (as the screen's Boundary pane).
func planeOf(kind string, net *network.Network, ds *datasets.Dataset) (lo, hi [2]float64, err error) {
	if ds == nil || net == nil || len(net.Sizes) == 0 {
		return lo, hi, errors.New("figures: no network or no data")
	}
	if net.Inputs() != 2 || len(ds.Lo) != 2 || len(ds.Hi) != 2 {
		return lo, hi, fmt.Errorf("figures: the %s figure %w (a map over the input plane x₁, x₂); %s has %d inputs", kind, ErrNot2D, ds.Name, net.Inputs())
	}
	for i := range 2 {
		m := 0.1 * (ds.Hi[i] - ds.Lo[i])
		if !(m > 0) || math.IsInf(m, 0) {
			m = 0.5
		}
		lo[i], hi[i] = ds.Lo[i]-m, ds.Hi[i]+m
		if math.IsNaN(lo[i]) || math.IsInf(lo[i], 0) || math.IsNaN(hi[i]) || math.IsInf(hi[i], 0) {
			return lo, hi, fmt.Errorf("figures: %s: the range of x%s is not finite", ds.Name, sub(i+1))
		}
	}
	return lo, hi, nil
}

// gridSide is the resolution of a map of side pixels: about one grid
// point per two pixels, within [24, 160], and fewer for a big network so
// that a figure stays well under a second.
func gridSide(side float64, params int) int {
	n := int(side / 2)
	for n > 24 && n*n*(params+50) > 40_000_000 {
		n = n * 3 / 4
	}
	return max(24, min(n, 160))
}

// field is one neuron's values over a Grid as plotter.GridXYZ, for the
// contour plotter: a Rows × Cols mat.Dense (row r at x₂ = X2(r)) that
// shares the grid's slice.
type field struct {
	m *mat.Dense
	g *network.Grid
}

func newField(g *network.Grid, v []float64) field {
	return field{m: mat.NewDense(g.Rows, g.Cols, v), g: g}
}

func (f field) Dims() (c, r int)   { r, c = f.m.Dims(); return c, r }
func (f field) Z(c, r int) float64 { return f.m.At(r, c) }
func (f field) X(c int) float64    { return f.g.X1(c) }
func (f field) Y(r int) float64    { return f.g.X2(r) }
func (f field) Min() float64       { return mat.Min(f.m) }
func (f field) Max() float64       { return mat.Max(f.m) }

// raster paints a Rows × Cols map pixel by pixel, colour(r, c) at grid
// point (c, r); image row 0 is the top of the plane (the largest x₂).
func raster(rows, cols int, colour func(r, c int) color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, cols, rows))
	for r := range rows {
		for c := range cols {
			img.Set(c, rows-1-r, colour(r, c))
		}
	}
	return img
}

// upscale enlarges img k times with square pixels, so that a viewer's
// smoothing cannot blur an 8 × 8 picture into a smudge.
func upscale(img *image.RGBA, k int) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := range b.Dy() * k {
		for x := range b.Dx() * k {
			out.SetRGBA(x, y, img.RGBAAt(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	return out
}

// dot is a glyph: a disc filled with fill and outlined with edge.
type dot struct {
	fill, edge color.Color
	width      vg.Length
}

func (d dot) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	if d.fill != nil {
		c.SetColor(d.fill)
		var p vg.Path
		p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
		p.Arc(pt, sty.Radius, 0, 2*math.Pi)
		p.Close()
		c.Fill(p)
	}
	if d.edge != nil && d.width > 0 {
		c.SetLineStyle(draw.LineStyle{Color: d.edge, Width: d.width})
		var p vg.Path
		p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
		p.Arc(pt, sty.Radius, 0, 2*math.Pi)
		p.Close()
		c.Stroke(p)
	}
}

// scatter is a scatter plotter of xy drawn with glyph g at radius r (nil
// when xy is empty).
func scatter(xy plotter.XYs, g draw.GlyphDrawer, r vg.Length) *plotter.Scatter {
	if len(xy) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return nil // NaN or Inf points are not drawn
	}
	s.GlyphStyle = draw.GlyphStyle{Shape: g, Radius: r}
	return s
}

// squareIn is the largest square centred in c.
func squareIn(c draw.Canvas) draw.Canvas {
	w, h := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	if w > h {
		d := (w - h) / 2
		c.Min.X, c.Max.X = c.Min.X+d, c.Max.X-d
	} else {
		d := (h - w) / 2
		c.Min.Y, c.Max.Y = c.Min.Y+d, c.Max.Y-d
	}
	return c
}

// planePlot is a plot of the plane lo..hi with axes x₁ and x₂.
func (st *style) planePlot(title string, lo, hi [2]float64) *plot.Plot {
	p := st.plot(title, "x₁", "x₂")
	p.X.Min, p.X.Max = lo[0], hi[0]
	p.Y.Min, p.Y.Max = lo[1], hi[1]
	return p
}
