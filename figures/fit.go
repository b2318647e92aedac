package figures

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"backprop/datasets"
	"backprop/internal/plotaxis"
	"backprop/network"
)

// ErrNot1D is wrapped by the error of the fit figure for data that does not
// have one input.
var ErrNot1D = errors.New("needs data of one input")

// fitCurves is the most outputs Fit draws a curve for (one colour each), as
// the screen's Fit pane.
const fitCurves = 4

// fitSteps is how many points of x each curve is drawn through.
const fitSteps = 400

// Fit is the network's fit on data of one input x (sine, bump, a
// one-column CSV): its output y = f(x) as a curve over the data's range,
// with the training samples ● and test samples ○ at (x, target). For
// regression the first output's curve; for classes one curve per output
// (up to four) in the class colours, the samples at the output of their
// class (1), or at their 0/1 target for one output, with a dashed line at
// ½ where its predicted class changes. The y axis is the Fit pane's
// (plotaxis.Fit): the targets and the curve within half their span of
// them, so that a diverging fit does not flatten the data. Default size 780 × 520. Data of another shape
// is ErrNot1D.
func Fit(net *network.Network, ds *datasets.Dataset, o Options) (*Figure, error) {
	if ds == nil || net == nil || len(net.Sizes) == 0 {
		return nil, errors.New("figures: no network or no data")
	}
	if ds.Train.Seq > 0 {
		return nil, fmt.Errorf("figures: the fit figure %w, not sequences (a curve y = f(x)); %s is a sequence set", ErrNot1D, ds.Name)
	}
	if net.Inputs() != 1 || net.Features != nil {
		return nil, fmt.Errorf("figures: the fit figure %w (a curve y = f(x)); %s has %d inputs", ErrNot1D, ds.Name, net.Inputs())
	}
	lo, hi, ok := ds.InputRange(0)
	if !ok {
		return nil, fmt.Errorf("figures: %s has no finite input values to draw", ds.Name)
	}
	if !plottable(lo, hi) {
		return nil, fmt.Errorf("figures: %s: its inputs span %g…%g, too wide or too narrow to plot", ds.Name, lo, hi)
	}
	f, err := newFigure("fit", o, 780, 520)
	if err != nil {
		return nil, err
	}
	ft := fitter{st: f.st, ds: ds, lo: lo, hi: hi, classes: ds.Kind == datasets.Classification, ncls: max(len(ds.Classes), 2)}
	ft.sample(net)
	ft.axis()
	if !plottable(ft.ylo, ft.yhi) {
		return nil, fmt.Errorf("figures: %s: its targets span %g…%g, too wide or too narrow to plot", ds.Name, ft.ylo, ft.yhi)
	}
	p := f.st.plot("", "x", "y")
	f.st.addGrid(p)
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = ft.ylo, ft.yhi
	if err := ft.draw(p); err != nil {
		return nil, err
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = 6, -6
	foot := accuracyNote(net, ds)
	f.draw = func(c draw.Canvas) {
		c = f.st.header(c, "Fit: the network's output over its input")
		if foot != "" {
			c = f.st.footnote(c, foot)
		}
		c = inset(c, 6, 10, 4, 0)
		p.Draw(c)
	}
	return f, nil
}

// fitter holds one fit figure's data and its steps.
type fitter struct {
	st       *style
	ds       *datasets.Dataset
	lo, hi   float64 // the input's range
	ylo, yhi float64 // the output axis
	classes  bool
	ncls     int           // classes for colours (2 when the data names none)
	curves   []plotter.XYs // one per output drawn
}

// sample runs the network at fitSteps points of [lo, hi]: the first
// output for regression, up to fitCurves for classes.
func (ft *fitter) sample(net *network.Network) {
	nout := min(net.Sizes[len(net.Sizes)-1], fitCurves)
	if !ft.classes {
		nout = min(nout, 1)
	}
	ft.curves = make([]plotter.XYs, nout)
	ws := net.NewWorkspace()
	for i := range fitSteps {
		x := ft.lo + (ft.hi-ft.lo)*float64(i)/float64(fitSteps-1)
		out := net.Forward(ws, []float64{x})
		for k := range ft.curves {
			ft.curves[k] = append(ft.curves[k], plotter.XY{X: x, Y: out[k]})
		}
	}
}

// axis sets the y axis as the trainer's Fit pane does (plotaxis.Fit): the
// targets' range, widened by the curves where they stay near it.
func (ft *fitter) axis() {
	ys := make([][]float64, len(ft.curves))
	for k, c := range ft.curves {
		for _, p := range c {
			ys[k] = append(ys[k], p.Y)
		}
	}
	ft.ylo, ft.yhi = plotaxis.Fit(ft.ds, ft.classes, ys...)
}

// draw adds to p the line where one output's class changes, the samples
// (test, then training) and the curves over them, with their legend.
func (ft *fitter) draw(p *plot.Plot) error {
	st := ft.st
	if ft.classes && len(ft.curves) == 1 && ft.ylo < 0.5 && 0.5 < ft.yhi {
		l, err := plotter.NewLine(plotter.XYs{{X: ft.lo, Y: 0.5}, {X: ft.hi, Y: 0.5}})
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: st.pal.Subtle, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
		p.Add(l)
		p.Legend.Add("a = ½: the class changes", l)
	}
	ft.samples(p, ft.ds.Test, dot{fill: st.pal.Page, width: 2}, "test")
	ft.samples(p, ft.ds.Train, dot{edge: st.pal.Page, width: 0.8}, "training")
	for k, c := range ft.curves {
		col, name := st.pal.Train, "network output f(x)"
		if len(ft.curves) > 1 {
			col, name = st.pal.Class(k, ft.ncls), fmt.Sprintf("output %d", k+1)
			if k < len(ft.ds.Classes) {
				name = fmt.Sprintf("output %d (%s)", k+1, ft.ds.Classes[k])
			}
		}
		// Cut where the curve leaves the axis, so that no line is drawn
		// to a far-off point.
		for i, seg := range within(c, ft.ylo, ft.yhi) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				return err
			}
			l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(2)}
			p.Add(l)
			if i == 0 {
				p.Legend.Add(name, l)
			}
		}
	}
	return nil
}

// samples adds a set's samples at (x, level) in their class colours (ink
// for regression), every k-th beyond maxPoints, and a legend entry.
func (ft *fitter) samples(p *plot.Plot, set datasets.Set, proto dot, name string) {
	step := max(1, (set.Len()+maxPoints-1)/maxPoints)
	for i := 0; i < set.Len(); i += step {
		x, y := set.Input(i, nil), set.Y[i]
		if len(x) != 1 || len(y) == 0 {
			continue
		}
		v := plotaxis.Level(y, ft.classes)
		if !finiteV(v) || v < ft.ylo || v > ft.yhi {
			continue
		}
		col := ft.st.pal.Ink
		if ft.classes {
			k := 0
			switch {
			case len(y) > 1:
				k = network.ClassOf(y)
			case y[0] >= 0.5:
				k = 1
			}
			col = ft.st.pal.Class(k, ft.ncls)
		}
		d := proto
		if d.fill == nil {
			d.fill = col
		} else {
			d.edge = col
		}
		if s := scatter(plotter.XYs{{X: x[0], Y: v}}, d, 3); s != nil {
			p.Add(s)
		}
	}
	if set.Len() > 0 {
		if proto.fill == nil {
			proto.fill = ft.st.pal.Ink
		} else {
			proto.edge = ft.st.pal.Ink
		}
		p.Legend.Add(fmt.Sprintf("%s sample (%d)", name, set.Len()), glyphThumb{proto, 3})
	}
}

// within clips a curve to y ∈ [lo, hi]: the runs of it inside the band,
// each segment cut where it crosses an edge (so that a steep crossing is
// drawn, and nothing is drawn to a far-off point); non-finite points break
// the curve.
func within(c plotter.XYs, lo, hi float64) []plotter.XYs {
	var runs []plotter.XYs
	var run plotter.XYs
	end := func() {
		if len(run) > 1 {
			runs = append(runs, run)
		}
		run = nil
	}
	for i := 0; i+1 < len(c); i++ {
		a, b := c[i], c[i+1]
		if !finiteV(a.Y) || !finiteV(b.Y) {
			end()
			continue
		}
		if (a.Y < lo && b.Y < lo) || (a.Y > hi && b.Y > hi) {
			end() // wholly on one side (rounding must not make a crossing)
			continue
		}
		// The part of a→b inside the band, t0..t1, and its ends' y (an
		// edge's own value where it is cut there).
		t0, t1, y0, y1 := 0.0, 1.0, a.Y, b.Y
		if dy := b.Y - a.Y; dy == 0 {
			if a.Y < lo || a.Y > hi {
				end()
				continue
			}
		} else {
			// a rising segment enters at lo and leaves at hi, a falling one
			// the other way (by the sign, not by comparing the two t, which
			// rounding can make equal)
			tl, th, el, eh := (lo-a.Y)/dy, (hi-a.Y)/dy, lo, hi
			if dy < 0 {
				tl, th, el, eh = th, tl, hi, lo
			}
			if tl > t0 {
				t0, y0 = tl, el
			}
			if th < t1 {
				t1, y1 = th, eh
			}
			if t0 > t1 {
				end()
				continue
			}
		}
		at := func(t, y float64) plotter.XY { return plotter.XY{X: a.X + t*(b.X-a.X), Y: min(max(y, lo), hi)} }
		if t0 > 0 {
			end()
		}
		if len(run) == 0 {
			run = append(run, at(t0, y0))
		}
		run = append(run, at(t1, y1))
		if t1 < 1 {
			end()
		}
	}
	end()
	return runs
}

func finiteV(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// plottable reports whether an axis lo…hi can be drawn: its ends and
// span finite and within ±1e300, and the span not lost in the rounding
// of its ends (gonum/plot's ticks would loop or fail).
func plottable(lo, hi float64) bool {
	span := hi - lo
	return finiteV(span) && span > 0 && math.Abs(lo) < 1e300 && math.Abs(hi) < 1e300 &&
		span > 1e-9*math.Max(math.Abs(lo), math.Abs(hi))
}
