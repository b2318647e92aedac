package figures

import (
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

// maxTiles bounds the small pictures of one figure.
const maxTiles = 256

// Neurons shows what every neuron computes.
//
//   - 2-D data: every hidden and output neuron's activation a^l_j over the
//     input plane (network.EvalGrid), one row of maps per layer, with the
//     line z = 0 where the neuron switches. A first-layer neuron is a
//     half-plane; later ones combine them: this is how the hidden layer
//     builds the boundary out of simple pieces.
//   - Images (8×8 digits, 28×28 MNIST): every first-layer neuron's
//     receptive field, its incoming weights w¹_jk laid out as the picture
//     they multiply.
//
// Colours: Pos above the neuron's midpoint (a > ½ for sigmoid, a > 0
// otherwise; a positive weight), Neg below. Maps of unbounded
// activations (ReLU, linear) and each receptive field are scaled to their
// own largest magnitude. The default size follows the number of neurons.
// Other data is ErrNot2D.
func Neurons(net *network.Network, ds *datasets.Dataset, o Options) (*Figure, error) {
	if net == nil || ds == nil || len(net.Sizes) == 0 {
		return nil, fmt.Errorf("figures: no network or no data")
	}
	if ds.ImageW > 0 && ds.ImageH > 0 && ds.ImageW*ds.ImageH == net.Sizes[0] && net.Features == nil {
		return receptiveFields(net, ds, o)
	}
	if net.Inputs() != 2 {
		return nil, fmt.Errorf("figures: the neurons figure %w (a map over the input plane x₁, x₂) or images (receptive fields); %s has %d inputs and is not a picture", ErrNot2D, ds.Name, net.Inputs())
	}
	return neuronMaps(net, ds, o)
}

// tile is one small picture of a tiled figure.
type tile struct {
	p        *plot.Plot
	row, col int
}

// tileLayout is where tiles go: rows × cols squares of side pt points,
// each row optionally labelled at its left.
type tileLayout struct {
	rows, cols int
	labels     []string // per row ("" for none)
	labelW     vg.Length
}

// tiledSize is the default pixel size of a tiled figure of tiles of side
// px pixels, with room for a header and a footnote.
func (l tileLayout) tiledSize(px int) (int, int) {
	w := int(l.labelW*DPI/72) + l.cols*(px+10) + 30
	h := 90 + l.rows*(px+26) + 30
	return min(max(w, 480), 2400), min(max(h, 320), 2400)
}

// draw places the tiles in c, each a square with its title above.
func (l tileLayout) draw(st *style, c draw.Canvas, tiles []tile) {
	c = inset(c, 8+l.labelW, 8, 0, 0)
	titleH := vg.Length(tickSize) * 1.6
	cellW := (c.Max.X - c.Min.X) / vg.Length(l.cols)
	cellH := (c.Max.Y - c.Min.Y) / vg.Length(l.rows)
	side := min(cellW-6, cellH-titleH-6)
	if side < 4 {
		return
	}
	for r, lab := range l.labels {
		if lab == "" {
			continue
		}
		ts := st.text(tickSize, st.pal.Ink)
		ts.XAlign = draw.XRight
		y := c.Max.Y - vg.Length(r)*cellH - titleH - side/2
		c.FillText(ts, vg.Point{X: c.Min.X - 8, Y: y}, lab)
	}
	for _, t := range tiles {
		x0 := c.Min.X + vg.Length(t.col)*cellW + (cellW-side)/2
		y1 := c.Max.Y - vg.Length(t.row)*cellH
		tc := c
		tc.Min = vg.Point{X: x0, Y: y1 - titleH - side}
		tc.Max = vg.Point{X: x0 + side, Y: y1}
		t.p.Draw(tc)
		dc := t.p.DataCanvas(tc)
		dc.SetLineStyle(draw.LineStyle{Color: st.pal.Subtle, Width: 0.5})
		dc.Stroke(dc.Rectangle.Path())
	}
}

// tilePlot is a small plot without axes, titled.
func (st *style) tilePlot(title string) *plot.Plot {
	p := st.plot(title, "", "")
	p.Title.TextStyle = st.text(tickSize, st.pal.Ink)
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = 2
	p.HideAxes()
	return p
}

// neuronScale maps a neuron's activation to [−1, 1] for the diverging
// colours: sigmoid, step and softmax around ½; tanh as it is; unbounded
// ones by the largest |a| of the map (span).
func neuronScale(act network.Activation, span float64) func(a float64) float64 {
	switch act {
	case network.Sigmoid, network.Step, network.Softmax:
		return func(a float64) float64 { return 2*a - 1 }
	case network.Tanh:
		return func(a float64) float64 { return a }
	}
	span = math.Max(span, 1e-12)
	return func(a float64) float64 { return a / span }
}

// switchLevel is the activation at z = 0 (where the neuron switches), or
// NaN when there is none to draw (softmax depends on the whole layer).
func switchLevel(act network.Activation) float64 {
	switch act {
	case network.Sigmoid, network.Step:
		return 0.5
	case network.Softmax:
		return math.NaN()
	}
	return 0
}

func neuronMaps(net *network.Network, ds *datasets.Dataset, o Options) (*Figure, error) {
	lo, hi, err := planeOf("neurons", net, ds)
	if err != nil {
		return nil, err
	}
	const perRow = 8
	lay := tileLayout{labelW: 70}
	type slot struct{ l, j, row, col int }
	var slots []slot
	shown, total := 0, 0
	for l := 1; l < len(net.Sizes); l++ {
		total += net.Sizes[l]
		for j := 0; j < net.Sizes[l] && shown < maxTiles; j++ {
			if j%perRow == 0 {
				label := ""
				if j == 0 {
					label = fmt.Sprintf("layer %d\n%s", l, net.Layers[l-1].Act)
					if l == len(net.Sizes)-1 {
						label = fmt.Sprintf("output\n%s", net.Layers[l-1].Act)
					}
				}
				lay.labels = append(lay.labels, label)
				lay.rows++
			}
			slots = append(slots, slot{l, j, lay.rows - 1, j % perRow})
			lay.cols = max(lay.cols, j%perRow+1)
			shown++
		}
	}
	dw, dh := lay.tiledSize(128)
	f, err := newFigure("neurons", o, dw, dh)
	if err != nil {
		return nil, err
	}
	st := f.st
	n := gridSide(float64(f.Height)/f.scale/float64(lay.rows), net.NumParams())
	n = max(n, 48)
	g, err := network.EvalGrid(net, lo, hi, n, n)
	if err != nil {
		return nil, err
	}
	var tiles []tile
	constant := 0
	for _, s := range slots {
		act := net.Layers[s.l-1].Act
		v := g.A[s.l][s.j]
		a0, a1 := g.Range(s.l, s.j)
		title := neuronName(s.l, s.j)
		if !(a1-a0 > 1e-9*math.Max(1, math.Abs(a1))) {
			title += " · constant"
			constant++
		}
		scale := neuronScale(act, math.Max(math.Abs(a0), math.Abs(a1)))
		p := st.tilePlot(title)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo[0], hi[0], lo[1], hi[1]
		p.Add(plotter.NewImage(raster(g.Rows, g.Cols, func(r, c int) color.Color {
			return st.pal.Diverging(0.9 * scale(v[r*g.Cols+c]))
		}), lo[0], lo[1], hi[0], hi[1]))
		if lv := switchLevel(act); !math.IsNaN(lv) && a0 < lv && a1 > lv {
			c := plotter.NewContour(newField(g, v), []float64{lv}, nil)
			c.LineStyles = []draw.LineStyle{{Color: st.pal.Ink, Width: 0.8}}
			p.Add(c)
		}
		tiles = append(tiles, tile{p, s.row, s.col})
	}
	foot := "each map: one neuron's activation a over the plane x₁, x₂ · blue: above its midpoint (a > ½ for sigmoid, a > 0 otherwise), orange: below · line: z = 0"
	if shown < total {
		foot = fmt.Sprintf("the first %d of %d neurons · ", shown, total) + foot
	}
	if constant > 0 {
		foot += fmt.Sprintf(" · %d constant over the plane (dead or saturated)", constant)
	}
	f.draw = func(c draw.Canvas) {
		c = st.header(c, "What each neuron computes")
		c = st.footnote(c, foot)
		lay.draw(st, c, tiles)
	}
	return f, nil
}

func receptiveFields(net *network.Network, ds *datasets.Dataset, o Options) (*Figure, error) {
	l1 := net.Layers[0]
	shown := min(l1.Out, maxTiles)
	cols := int(math.Ceil(math.Sqrt(float64(shown))))
	rows := (shown + cols - 1) / cols
	lay := tileLayout{rows: rows, cols: cols, labels: make([]string, rows)}
	px := 110
	if ds.ImageW >= 20 {
		px = 96
	}
	dw, dh := lay.tiledSize(px)
	f, err := newFigure("neurons", o, dw, dh)
	if err != nil {
		return nil, err
	}
	st := f.st
	// W¹ as a matrix: row j holds the weights into neuron j, one per pixel.
	w := mat.NewDense(l1.Out, l1.In, l1.W)
	k := max(1, 96/ds.ImageW)
	var tiles []tile
	for j := range shown {
		p := st.tilePlot(neuronName(1, j))
		img := receptiveImage(st, w.RawRowView(j), ds.ImageW, ds.ImageH)
		p.Add(plotter.NewImage(upscale(img, k), 0, 0, float64(ds.ImageW), float64(ds.ImageH)))
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, float64(ds.ImageW), 0, float64(ds.ImageH)
		tiles = append(tiles, tile{p, j / cols, j % cols})
	}
	foot := fmt.Sprintf("each picture: the %d weights w into one neuron of layer 1, laid out as the %d×%d image they multiply · blue: positive (the pixel excites it), orange: negative · each scaled to its largest |w|",
		l1.In, ds.ImageW, ds.ImageH)
	if shown < l1.Out {
		foot = fmt.Sprintf("the first %d of %d neurons · ", shown, l1.Out) + foot
	}
	f.draw = func(c draw.Canvas) {
		c = st.header(c, "Receptive fields of layer 1")
		c = st.footnote(c, foot)
		lay.draw(st, c, tiles)
	}
	return f, nil
}

// receptiveImage is one neuron's incoming weights row as the w × h
// picture they multiply (pixel y·w + x of the input at (x, y), y = 0 the
// top), scaled to the largest |w|.
func receptiveImage(st *style, row []float64, w, h int) *image.RGBA {
	span := 0.0
	for _, v := range row {
		span = math.Max(span, math.Abs(v))
	}
	span = math.Max(span, 1e-12)
	return raster(h, w, func(r, c int) color.Color { return st.pal.Diverging(row[(h-1-r)*w+c] / span) })
}
