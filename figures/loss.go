package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"backprop/network"
)

// Loss is the learning curve: the cost C per epoch on the training and
// test sets (left) and the accuracy (right; left out when nothing was
// classified), from a history (network.Stepper.History, ReadHistory).
// The lowest test cost is marked: where it turns up again is where the
// network starts to overfit. logY draws C on a log scale. Default size
// 960 × 440.
func Loss(h []network.EpochStats, logY bool, o Options) (*Figure, error) {
	if len(h) == 0 {
		return nil, errors.New("figures: no epochs in the history yet (train at least one epoch)")
	}
	f, err := newFigure("loss", o, 960, 440)
	if err != nil {
		return nil, err
	}
	st := f.st
	series := func(get func(network.EpochStats) float64, positive bool) plotter.XYs {
		var xy plotter.XYs
		for _, e := range h {
			v := get(e)
			if math.IsNaN(v) || math.IsInf(v, 0) || (positive && v <= 0) {
				continue
			}
			xy = append(xy, plotter.XY{X: float64(e.Epoch), Y: v})
		}
		return xy
	}
	trainC := series(func(e network.EpochStats) float64 { return e.TrainLoss }, logY)
	testC := series(func(e network.EpochStats) float64 { return e.TestLoss }, logY)
	trainA := series(func(e network.EpochStats) float64 { return e.TrainAcc }, false)
	testA := series(func(e network.EpochStats) float64 { return e.TestAcc }, false)
	if len(trainC)+len(testC) == 0 {
		if logY {
			return nil, errors.New("figures: no positive cost to draw on a log scale")
		}
		return nil, errors.New("figures: the history has no cost values")
	}
	first, last := float64(h[0].Epoch), float64(h[len(h)-1].Epoch)

	cost := st.plot("cost C per epoch", "epoch", "C")
	if logY {
		cost.Title.Text = "cost C per epoch (log scale)"
		cost.Y.Scale = plot.LogScale{}
		cost.Y.Tick.Marker = logTicks{}
	}
	st.addGrid(cost)
	marks := len(h) <= 40
	if err := st.addSeries(cost, trainC, st.pal.Train, "train", marks); err != nil {
		return nil, err
	}
	if err := st.addSeries(cost, testC, st.pal.Test, "test", marks); err != nil {
		return nil, err
	}
	if len(testC) > 1 {
		best := testC[0]
		for _, p := range testC {
			if p.Y < best.Y {
				best = p
			}
		}
		s, err := plotter.NewScatter(plotter.XYs{best})
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Shape: draw.RingGlyph{}, Radius: 5, Color: st.pal.Ink}
		cost.Add(s)
		cost.Legend.Add(fmt.Sprintf("lowest test C (epoch %d)", int(best.X)), s)
	}
	fitY(cost, trainC, testC, logY, false)
	epochAxis(cost, first, last)

	panels := []*plot.Plot{cost}
	if len(trainA)+len(testA) > 0 {
		acc := st.plot("accuracy per epoch", "epoch", "accuracy")
		st.addGrid(acc)
		if err := st.addSeries(acc, trainA, st.pal.Train, "train", marks); err != nil {
			return nil, err
		}
		if err := st.addSeries(acc, testA, st.pal.Test, "test", marks); err != nil {
			return nil, err
		}
		fitY(acc, trainA, testA, false, true)
		epochAxis(acc, first, last)
		acc.Legend.Top = false
		panels = append(panels, acc)
	}
	for _, p := range panels {
		p.Legend.Top = p == cost
		p.Legend.XOffs = -6
		p.Legend.YOffs = 6
		if p == cost {
			p.Legend.YOffs = -6
		}
	}
	f.draw = func(c draw.Canvas) {
		c = st.header(c, "Learning curve")
		c = inset(c, 6, 10, 4, 0)
		t := draw.Tiles{Rows: 1, Cols: len(panels), PadX: 24}
		cs := plot.Align([][]*plot.Plot{panels}, t, c)
		for i, p := range panels {
			p.Draw(cs[0][i])
		}
	}
	return f, nil
}

// addSeries draws xy as a line (with dots when marks) in colour c, with
// a legend entry; an empty series is left out.
func (st *style) addSeries(p *plot.Plot, xy plotter.XYs, col color.Color, name string, marks bool) error {
	if len(xy) == 0 {
		return nil
	}
	l, s, err := plotter.NewLinePoints(xy)
	if err != nil {
		return err
	}
	l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.8)}
	if len(xy) == 1 || marks {
		s.GlyphStyle = draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: 2.2, Color: col}
		p.Add(l, s)
		p.Legend.Add(name, l, s)
		return nil
	}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// fitY makes p's y axis span the data with a margin (the screen's chart
// once ran down to 1e-16 for a loss between 0.44 and 0.73). Accuracy
// stays within [0, 1]; a linear cost does not go below 0.
func fitY(p *plot.Plot, a, b plotter.XYs, logY, accuracy bool) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, xy := range []plotter.XYs{a, b} {
		for _, v := range xy {
			lo, hi = math.Min(lo, v.Y), math.Max(hi, v.Y)
		}
	}
	if math.IsInf(lo, 0) {
		return
	}
	if logY {
		r := math.Max(hi/lo, 1.0001)
		pad := math.Pow(r, 0.05)
		p.Y.Min, p.Y.Max = lo/pad, hi*pad
		return
	}
	pad := 0.06 * (hi - lo)
	if pad == 0 {
		pad = math.Max(0.05*math.Abs(hi), 0.01)
	}
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	if lo >= 0 && p.Y.Min < 0 {
		p.Y.Min = 0
	}
	if accuracy {
		p.Y.Min, p.Y.Max = math.Max(p.Y.Min, 0), math.Min(p.Y.Max, 1.02)
	}
}

// epochAxis sets the x axis to the epochs first..last with whole-number
// ticks.
func epochAxis(p *plot.Plot, first, last float64) {
	if last <= first {
		first, last = first-0.5, last+0.5
	}
	p.X.Min, p.X.Max = first, last
	p.X.Tick.Marker = wholeTicks{}
}

// wholeTicks are evenly spaced whole-number ticks, every one labelled
// (an epoch 2.5 does not exist).
type wholeTicks struct{}

func (wholeTicks) Ticks(min, max float64) []plot.Tick {
	step := niceStep((max-min)/6, true)
	var out []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+1e-9; v += step {
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return out
}

// niceStep is the smallest 1, 2 or 5 × 10ᵏ that is at least raw (at
// least 1 when whole).
func niceStep(raw float64, whole bool) float64 {
	if !(raw > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			if whole && m*p < 1 {
				return 1
			}
			return m * p
		}
	}
	return 10 * p
}

// logTicks marks 1…9 × 10ᵏ and labels 1, 2 and 5 × 10ᵏ when the range
// spans a couple of decades (plot.LogTicks labels only powers of ten,
// which leaves a loss between 0.06 and 0.7 with one number), powers of
// ten otherwise.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	labelled := func(m int) bool { return m == 1 }
	switch {
	case hi-lo <= 1:
		labelled = func(m int) bool { return true }
	case hi-lo <= 3:
		labelled = func(m int) bool { return m == 1 || m == 2 || m == 5 }
	}
	var out []plot.Tick
	for k := lo; k <= hi; k++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, float64(k))
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled(m) {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			out = append(out, t)
		}
	}
	return out
}
