package figures

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxClasses bounds the confusion matrix drawn (its cells must be big
// enough to read).
const maxClasses = 60

// Confusion is a confusion matrix conf[actual][predicted] (network.Metrics'
// Confusion) with the count in every cell. A cell's colour is its share of
// its row (how the actual class was classified): Pos on the diagonal
// (right), Neg off it (wrong), blank for none. classes names the rows and
// columns (missing names are numbers). Default size 640 × 600, larger for
// many classes.
func Confusion(conf [][]int, classes []string, o Options) (*Figure, error) {
	K := len(conf)
	if K == 0 {
		return nil, errors.New("figures: no confusion matrix: the data has no classes (regression) or no samples")
	}
	if K > maxClasses {
		return nil, fmt.Errorf("figures: %d classes is more than a confusion matrix of %d can show", K, maxClasses)
	}
	total, right := 0, 0
	for i, row := range conf {
		if len(row) != K {
			return nil, fmt.Errorf("figures: confusion matrix row %d has %d cells, want %d", i, len(row), K)
		}
		for j, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("figures: confusion matrix [%d][%d] = %d", i, j, v)
			}
			total += v
			if i == j {
				right += v
			}
		}
	}
	side := max(600, min(2000, 140+46*K))
	f, err := newFigure("confusion", o, side+40, side)
	if err != nil {
		return nil, err
	}
	st := f.st
	names := make([]string, K)
	long := false
	for i := range names {
		names[i] = strconv.Itoa(i)
		if i < len(classes) && classes[i] != "" {
			names[i] = classes[i]
		}
		if r := []rune(names[i]); len(r) > 16 {
			names[i] = string(r[:15]) + "…"
		}
		long = long || len([]rune(names[i])) > 3
	}
	p := st.plot("", "predicted class", "actual class")
	p.X.Min, p.X.Max = -0.5, float64(K)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(K)-0.5
	p.X.Tick.Marker = nominal{names, false}
	p.Y.Tick.Marker = nominal{names, true}
	if long && K > 4 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YTop
	}
	own := make([][]int, K) // the figure keeps the counts as they are now
	for i := range conf {
		own[i] = append([]int(nil), conf[i]...)
	}
	p.Add(cells{conf: own, st: st, counts: K <= 30})
	foot := fmt.Sprintf("accuracy %.3f (%d of %d on the diagonal) · colour: share of the actual class's samples (its row), blue right, orange wrong",
		float64(right)/math.Max(1, float64(total)), right, total)
	f.draw = func(c draw.Canvas) {
		c = st.header(c, "Confusion matrix")
		c = st.footnote(c, foot)
		p.Draw(squareIn(inset(c, 8, 8, 0, 0)))
	}
	return f, nil
}

// nominal ticks name the classes at 0, 1, …; flip puts class 0 at the top
// (the rows of a matrix read downwards).
type nominal struct {
	names []string
	flip  bool
}

func (n nominal) Ticks(min, max float64) []plot.Tick {
	t := make([]plot.Tick, len(n.names))
	for i, s := range n.names {
		v := float64(i)
		if n.flip {
			v = float64(len(n.names) - 1 - i)
		}
		t[i] = plot.Tick{Value: v, Label: s}
	}
	return t
}

// cells draws the matrix: a coloured square per cell with its count.
type cells struct {
	conf   [][]int
	st     *style
	counts bool
}

func (m cells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	K := len(m.conf)
	cw := trX(1) - trX(0)
	ch := trY(1) - trY(0)
	size := vg.Length(math.Min(float64(cw), float64(ch)) * 0.32)
	ts := m.st.text(min(max(size, 6), 14), m.st.pal.Ink)
	small := m.st.text(min(max(size*0.7, 5), 10), m.st.pal.Ink)
	for i, row := range m.conf {
		n := 0
		for _, v := range row {
			n += v
		}
		for j, v := range row {
			x, y := trX(float64(j)), trY(float64(K-1-i))
			r := vg.Rectangle{Min: vg.Point{X: x - cw/2, Y: y - ch/2}, Max: vg.Point{X: x + cw/2, Y: y + ch/2}}
			share := 0.0
			if n > 0 {
				share = float64(v) / float64(n)
			}
			fill := m.st.pal.Page
			if v > 0 {
				t := 0.12 + 0.88*share
				if i == j {
					fill = m.st.pal.ClassShade(1, 2, t)
				} else {
					fill = m.st.pal.ClassShade(0, 2, t)
				}
			}
			c.SetColor(fill)
			c.Fill(r.Path())
			c.SetLineStyle(draw.LineStyle{Color: m.st.grid, Width: 0.5})
			c.Stroke(r.Path())
			if !m.counts {
				continue
			}
			ink := m.st.pal.Ink
			if v == 0 {
				ink = m.st.pal.Subtle
			}
			if v > 0 && share > 0.55 {
				ink = m.st.pal.Page // white on a dark cell
			}
			ts.Color, small.Color = ink, ink
			if n > 0 && cw > 40 {
				c.FillText(ts, vg.Point{X: x, Y: y + ts.Font.Size*0.45}, strconv.Itoa(v))
				c.FillText(small, vg.Point{X: x, Y: y - small.Font.Size*0.9}, fmt.Sprintf("%.0f%%", 100*share))
			} else {
				c.FillText(ts, vg.Point{X: x, Y: y}, strconv.Itoa(v))
			}
		}
	}
}
