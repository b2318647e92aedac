package figures

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"

	"backprop/datasets"
	"backprop/network"
)

// lineNet is the 1→1 linear network y = w·x + b.
func lineNet(w, b float64) *network.Network {
	return &network.Network{Sizes: []int{1, 1}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 1, Out: 1, Act: network.Linear, W: []float64{w}, B: []float64{b}},
	}}
}

// TestFitFigure: the fit of a one-input network draws in every format, on
// regression and on classes, and a curve far off the targets' axis is cut,
// not drawn to its far-off points.
func TestFitFigure(t *testing.T) {
	sine, err := datasets.Load(datasets.Spec{Name: "sine", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(lineNet(0.3, 0), sine, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkFormats(t, f, 780, 520)

	cls := &datasets.Dataset{Name: "step", Kind: datasets.Classification, Features: []string{"x"}, Targets: []string{"y"},
		Lo: []float64{-1}, Hi: []float64{1}}
	for i := range 20 {
		x := -1 + 2*float64(i)/19
		y := 0.0
		if x > 0 {
			y = 1
		}
		cls.Train.X = append(cls.Train.X, []float64{x})
		cls.Train.Y = append(cls.Train.Y, []float64{y})
	}
	sig := lineNet(4, 0)
	sig.Layers[0].Act = network.Sigmoid
	if f, err = Fit(sig, cls, Options{}); err != nil {
		t.Fatal(err)
	}
	checkFormats(t, f, 780, 520)

	// y = 1e9·x: the steep crossing is drawn from edge to edge of the
	// axis, and nothing beyond it.
	runs := within(lineFit(t, 1e9, sine), -1.5, 1.5)
	if len(runs) != 1 || len(runs[0]) != 2 || runs[0][0].Y != -1.5 || runs[0][1].Y != 1.5 {
		t.Fatalf("runs %v, want one from y = −1.5 to 1.5", runs)
	}
	// y = x on [−π, π] within [−1, 1]: one run, its ends on the edges.
	runs = within(lineFit(t, 1, sine), -1, 1)
	if len(runs) != 1 || runs[0][0].Y != -1 || runs[0][len(runs[0])-1].Y != 1 {
		t.Fatalf("y = x: %d runs, want one from −1 to 1", len(runs))
	}
	for _, r := range runs {
		for _, p := range r {
			if math.Abs(p.Y) > 1 {
				t.Errorf("point (%g, %g) off the axis drawn", p.X, p.Y)
			}
		}
	}
	if f, err = Fit(lineNet(1e9, 0), sine, Options{}); err != nil {
		t.Fatal(err)
	}
	checkFormats(t, f, 780, 520)
}

// lineFit is y = w·x sampled over the data's range as Fit samples it.
func lineFit(t *testing.T, w float64, ds *datasets.Dataset) plotter.XYs {
	t.Helper()
	lo, hi, ok := ds.InputRange(0)
	if !ok {
		t.Fatal("no range")
	}
	var c plotter.XYs
	for i := range fitSteps {
		x := lo + (hi-lo)*float64(i)/float64(fitSteps-1)
		c = append(c, plotter.XY{X: x, Y: w * x})
	}
	return c
}

func TestFitFigureErrors(t *testing.T) {
	net, ds, _ := trained(t, "iris", []int{4, 3, 3}, []network.Activation{network.Tanh, network.Softmax}, 1)
	err := second(Fit(net, ds, Options{}))
	if !errors.Is(err, ErrNot1D) || !strings.Contains(err.Error(), "iris has 4 inputs") {
		t.Errorf("fit of iris: %v", err)
	}
	empty := &datasets.Dataset{Name: "empty", Kind: datasets.Regression, Features: []string{"x"}, Targets: []string{"y"}}
	if err := second(Fit(lineNet(1, 0), empty, Options{})); err == nil || !strings.Contains(err.Error(), "no finite input values") {
		t.Errorf("fit of no samples: %v", err)
	}
}

// TestWithinSameSide: a segment wholly above or below the band draws
// nothing, however far off one end is (rounding once made a crossing of
// (0, 1e17)→(1, 2) over [−1, 1]).
func TestWithinSameSide(t *testing.T) {
	for _, c := range []plotter.XYs{
		{{X: 0, Y: 1e17}, {X: 1, Y: 2}},
		{{X: 0, Y: -1e308}, {X: 1, Y: -3}},
		{{X: 0, Y: 1e308}, {X: 1, Y: 1e308}},
	} {
		if runs := within(c, -1, 1); len(runs) != 0 {
			t.Errorf("%v: drew %v", c, runs)
		}
	}
	// one far-off end, the other inside: a run from the edge, on the band
	runs := within(plotter.XYs{{X: 0, Y: 1e17}, {X: 1, Y: 0}}, -1, 1)
	if len(runs) != 1 || runs[0][0].Y != 1 || runs[0][1].Y != 0 {
		t.Errorf("far end: %v", runs)
	}
}

// TestFitFigureRanges: inputs too wide or too narrow to plot are an error,
// never a hang; a single huge value is widened around itself.
func TestFitFigureRanges(t *testing.T) {
	data := func(xs ...float64) *datasets.Dataset {
		d := &datasets.Dataset{Name: "wide", Kind: datasets.Regression, Features: []string{"x"}, Targets: []string{"y"}}
		for _, x := range xs {
			d.Train.X = append(d.Train.X, []float64{x})
			d.Train.Y = append(d.Train.Y, []float64{0})
		}
		return d
	}
	for _, xs := range [][]float64{{-1e308, 1e308}, {-1e307, 1e307}} {
		if err := second(Fit(lineNet(1, 0), data(xs...), Options{})); err == nil || !strings.Contains(err.Error(), "too wide or too narrow") {
			t.Errorf("%v: %v", xs, err)
		}
	}
	if _, err := Fit(lineNet(0, 0), data(1e17, 1e17), Options{}); err != nil {
		t.Errorf("a single value 1e17: %v", err)
	}
}
