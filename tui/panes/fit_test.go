package panes

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// lineData is y = x on [−1, 1]: n training samples.
func lineData(n int) *datasets.Dataset {
	d := &datasets.Dataset{Name: "line", Kind: datasets.Regression, Features: []string{"x"}, Targets: []string{"y"},
		Lo: []float64{-1}, Hi: []float64{1}}
	for i := range n {
		x := -1 + 2*float64(i)/float64(n-1)
		d.Train.X = append(d.Train.X, []float64{x})
		d.Train.Y = append(d.Train.Y, []float64{x})
	}
	return d
}

// fitInput is a 1→1 linear network y = w·x + b over lineData.
func fitInput(w, b float64, n, width, height int) Input {
	net := &network.Network{Sizes: []int{1, 1}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 1, Out: 1, Act: network.Linear, W: []float64{w}, B: []float64{b}},
	}}
	return Input{Net: net, Data: lineData(n), Styles: themes.Mono(), W: width, H: height}
}

// plotRows is the pane's rows above the caption, without styles.
func plotRows(t *testing.T, out string) []string {
	t.Helper()
	var rows []string
	for _, r := range strings.Split(ansi.Strip(out), "\n") {
		if strings.HasPrefix(r, "→") {
			break
		}
		rows = append(rows, r)
	}
	if len(rows) < 4 {
		t.Fatalf("%d plot rows:\n%s", len(rows), ansi.Strip(out))
	}
	return rows
}

// dots reports whether s holds a braille dot between cells lo and hi.
func dots(s string, lo, hi int) bool {
	r := []rune(s)
	for i := lo; i < min(hi, len(r)); i++ {
		if r[i] > 0x2800 && r[i] <= 0x28ff {
			return true
		}
	}
	return false
}

// TestFitCurve: with one input, Boundary draws y = f(x) over the input's
// range: the identity rises from the bottom left to the top right, and its
// mirror falls.
func TestFitCurve(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    float64
	}{{"rising", 1}, {"falling", -1}} {
		in := fitInput(tc.w, 0, 3, 30, 12)
		out := Boundary(in)
		checkSize(t, tc.name, out, 30, 12)
		rows := plotRows(t, out)
		top, bottom := rows[0], rows[len(rows)-1]
		rises := dots(top, 22, 30) && dots(bottom, 0, 8) && !dots(top, 0, 8) && !dots(bottom, 22, 30)
		falls := dots(top, 0, 8) && dots(bottom, 22, 30) && !dots(top, 22, 30) && !dots(bottom, 0, 8)
		if tc.w > 0 && !rises || tc.w < 0 && !falls {
			t.Errorf("%s: the curve is not where y = %gx is:\n%s", tc.name, tc.w, strings.Join(rows, "\n"))
		}
		if s := ansi.Strip(out); !strings.Contains(s, "→ x −1.00…1.00") || !strings.Contains(s, "↑ output") {
			t.Errorf("%s: no axes in the caption:\n%s", tc.name, s)
		}
		in.Standardized = true
		if s := ansi.Strip(Boundary(in)); !strings.Contains(s, "→ x (z-score) −1.00…1.00") {
			t.Errorf("%s: standardised input not said:\n%s", tc.name, s)
		}
	}
}

// TestFitPoints: a few samples are drawn as ● at (x, y); many as dots;
// the current sample as ◉.
func TestFitPoints(t *testing.T) {
	in := fitInput(0, 5, 3, 30, 12) // a flat curve far above the data
	out := ansi.Strip(Boundary(in))
	if n := strings.Count(out, "●"); n != 3+1 { // the samples and the legend's
		t.Errorf("%d ●, want 3 samples and the legend's:\n%s", n, out)
	}
	rows := plotRows(t, Boundary(in))
	if !strings.Contains(rows[len(rows)-1], "●") {
		t.Errorf("the sample y = −1 is not on the bottom row:\n%s", strings.Join(rows, "\n"))
	}
	// 200 samples in a 30×12 pane: dots, and the legend says so.
	in = fitInput(0, 0, 200, 30, 12)
	if out := ansi.Strip(Boundary(in)); strings.Contains(out, "●") || !strings.Contains(out, "⠂ train") {
		t.Errorf("many samples are not drawn as dots:\n%s", out)
	}
	// The current sample.
	in = fitInput(1, 0, 3, 30, 12)
	in.Trace = &network.Trace{X: []float64{0}, Y: []float64{0}}
	in.Pos.Phase = network.PhaseUpdate
	if out := ansi.Strip(Boundary(in)); !strings.Contains(out, "◉") {
		t.Errorf("no ◉ for the current sample:\n%s", out)
	}
}

// TestFitRange: a diverging curve widens the output axis by at most half
// the targets' span, so the data keep most of the height.
func TestFitRange(t *testing.T) {
	in := fitInput(1000, 0, 3, 30, 12)
	out := ansi.Strip(Boundary(in))
	if !strings.Contains(out, "↑ output −2.20…2.20") {
		t.Errorf("the axis is not the targets' −1…1 widened by half their span (and 5%%):\n%s", out)
	}
}

// TestFitClasses: one sigmoid output for two classes draws the dotted
// line at 0.5 where the predicted class changes, and keeps the axis 0…1.
func TestFitClasses(t *testing.T) {
	in := fitInput(0, 0, 3, 30, 12)
	in.Data.Kind, in.Data.Classes = datasets.Classification, []string{"0", "1"}
	in.Data.Train.Y = [][]float64{{0}, {1}, {1}}
	in.Net.Layers[0].Act = network.Sigmoid
	in.Net.Layers[0].W[0] = 0.001 // a flat curve just above 0.5
	out := ansi.Strip(Boundary(in))
	if !strings.Contains(out, "↑ output −0.05…1.05") {
		t.Errorf("the axis is not 0…1:\n%s", out)
	}
}

// seqInput is a text sequence "abc" → "bc·" (no target at the last step)
// with the network predicting "bb".
func seqInput(phase network.Phase) Input {
	d := &datasets.Dataset{Name: "text", Kind: datasets.Classification, Vocab: []rune("abc")}
	d.Train.Seq = 3
	oh := func(k int) []float64 { v := make([]float64, 3); v[k] = 1; return v }
	q := &network.SeqTrace{T: 3, Time: 1,
		X: [][]float64{oh(0), oh(1), oh(2)},
		Y: [][]float64{oh(1), oh(2), nil},
	}
	q.A = [][][]float64{q.X, {oh(1), oh(1), oh(0)}}
	net := &network.Network{Sizes: []int{3, 3}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 3, Out: 3, Act: network.Softmax, W: make([]float64, 9), B: make([]float64, 3)},
	}}
	return Input{Net: net, Data: d, Trace: &network.Trace{Seq: q}, Pos: network.Pos{Phase: phase},
		Styles: themes.Mono(), W: 40, H: 8}
}

// TestOverTimeText: a text sequence is drawn as its characters, targets
// and predictions, with the count of right predictions.
func TestOverTimeText(t *testing.T) {
	out := Boundary(seqInput(network.PhaseUpdate))
	checkSize(t, "text", out, 40, 8)
	s := ansi.Strip(out)
	for _, want := range []string{"x  abc", "y  bc·", "ŷ  bba", "right at 1 of 2 steps"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in:\n%s", want, s)
		}
	}
	if s := ansi.Strip(Boundary(seqInput(network.PhaseIdle))); !strings.Contains(s, "s loads a sequence") {
		t.Errorf("before a sequence is loaded:\n%s", s)
	}
}

// chartInput is a sequence of one input, 0 1 0, with targets · 0 1 and
// the outputs given, through a 1→1 sigmoid network.
func chartInput(outs ...float64) Input {
	in := seqInput(network.PhaseUpdate)
	in.Data.Vocab = nil
	q := in.Trace.Seq
	q.X = [][]float64{{0}, {1}, {0}}
	q.Y = [][]float64{nil, {0}, {1}}
	q.A = [][][]float64{q.X, {{outs[0]}, {outs[1]}, {outs[2]}}}
	in.Net = &network.Network{Sizes: []int{1, 1}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 1, Out: 1, Act: network.Sigmoid, W: []float64{1}, B: []float64{0}},
	}}
	return in
}

// TestOverTimeChart: one input and one output: a chart over t with the
// targets as ● where the steps have them.
func TestOverTimeChart(t *testing.T) {
	out := Boundary(chartInput(0.5, 0.2, 0.9))
	checkSize(t, "chart", out, 40, 8)
	s := ansi.Strip(out)
	if n := strings.Count(s, "●") + strings.Count(s, "◉"); n != 2+1 { // two targets and the legend's
		t.Errorf("%d target marks, want the 2 steps with targets and the legend's:\n%s", n, s)
	}
	if !strings.Contains(s, "→ t 1…3 (▸2)") {
		t.Errorf("no time axis:\n%s", s)
	}
}

// TestSampleNoTarget: a sequence's step without a target says so rather
// than showing class 0.
func TestSampleNoTarget(t *testing.T) {
	in := seqInput(network.PhaseUpdate)
	in.Trace.X, in.Trace.Y = in.Trace.Seq.X[2], []float64{0, 0, 0}
	in.Trace.HasTarget = false
	s := ansi.Strip(Sample(in))
	if !strings.Contains(s, "no target at this step") || strings.Contains(s, "\ntarget ") {
		t.Errorf("a step without a target:\n%s", s)
	}
	if !strings.Contains(s, "t 2/3") {
		t.Errorf("no time step in the position:\n%s", s)
	}
}

// TestFitFarOff: a curve far off the axis (w = 1e12) draws at once: the
// lines walk only their pixels on the plot.
func TestFitFarOff(t *testing.T) {
	for _, w := range []float64{1e7, 1e12, 1e300} {
		in := fitInput(w, 0, 3, 30, 12)
		out := Boundary(in)
		checkSize(t, "far off", out, 30, 12)
		if s := ansi.Strip(out); !strings.Contains(s, "curve off the chart") {
			t.Errorf("w = %g: the curve off the chart is not said:\n%s", w, s)
		}
	}
	if s := ansi.Strip(Boundary(fitInput(1, 0, 3, 30, 12))); strings.Contains(s, "curve off the chart") {
		t.Errorf("y = x on its own targets is said to leave the chart:\n%s", s)
	}
	s := ansi.Strip(Boundary(chartInput(0.5, 1e12, 38)))
	if !strings.Contains(s, "ŷ off the chart (1") {
		t.Errorf("an output off the chart is not said:\n%s", s)
	}
}

// TestLineClip: braille.line draws the same dots as walking every step
// of the line, for lines inside, across and outside the layer.
func TestLineClip(t *testing.T) {
	naive := func(b *braille, x0, y0, x1, y1, every int) {
		dx, dy := x1-x0, y1-y0
		n := max(abs(dx), abs(dy))
		if n == 0 {
			b.dot(x0, y0, "")
			return
		}
		for i := 0; i <= n; i++ {
			if i%every == 0 {
				b.dot(x0+(dx*i+sign(dx)*n/2)/n, y0+(dy*i+sign(dy)*n/2)/n, "")
			}
		}
	}
	for x0 := -12; x0 <= 20; x0 += 4 {
		for y0 := -13; y0 <= 24; y0 += 5 {
			for x1 := -9; x1 <= 22; x1 += 3 {
				for y1 := -15; y1 <= 26; y1 += 7 {
					for _, every := range []int{1, 2, 3} {
						a, b := newBraille(4, 3), newBraille(4, 3)
						a.line(x0, y0, x1, y1, every, "")
						naive(b, x0, y0, x1, y1, every)
						if string(a.bits) != string(b.bits) {
							t.Fatalf("line (%d,%d)→(%d,%d) every %d: %v, want %v", x0, y0, x1, y1, every, a.bits, b.bits)
						}
					}
				}
			}
		}
	}
}

// TestVisibleRune: one cell per character, whatever the text holds.
func TestVisibleRune(t *testing.T) {
	for r, want := range map[rune]string{'a': "a", ' ': "␣", '\n': "⏎", '\t': "⇥", '語': "�", '😀': "�",
		0x200b: "�", 0x85: "�", 0x07: "�", 'é': "é"} {
		if got := visibleRune(r); got != want {
			t.Errorf("visibleRune(%U) = %q, want %q", r, got, want)
		}
	}
	// The Unrolled pane's labels too: one rune a cell.
	for s, want := range map[string]string{"語": "�", "ab": "ab", "abcd": "abc", " ⏎ ": "⏎"} {
		if got := firstCells(s, 3); got != want {
			t.Errorf("firstCells(%q, 3) = %q, want %q", s, got, want)
		}
	}
}

// TestOverTimeRightCount: predictions are right by class, not by glyph
// (two wide characters both show as �).
func TestOverTimeRightCount(t *testing.T) {
	in := seqInput(network.PhaseUpdate)
	in.Data.Vocab = []rune("語本文")
	s := ansi.Strip(Boundary(in))
	if !strings.Contains(s, "right at 1 of 2 steps") {
		t.Errorf("wide characters: %s", s)
	}
}

// TestOffAxis: the value named is the one farthest outside the axis (not
// the largest), 0 counts, and a value that is not finite is named first.
func TestOffAxis(t *testing.T) {
	for _, tc := range []struct {
		vs      []float64
		off     float64
		ok      bool
		comment string
	}{
		{[]float64{-1.9, 5, 11.9}, -1.9, true, "10.8 below beats 0.8 above"},
		{[]float64{0, 0}, 0, true, "0 is off an axis of 9…11"},
		{[]float64{9.5, 10.5}, 0, false, "all on the axis"},
		{[]float64{10, math.Inf(1)}, math.Inf(1), true, "+Inf"},
	} {
		off, ok := offAxis(8.9, 11.1, tc.vs)
		if off != tc.off || ok != tc.ok {
			t.Errorf("%s: offAxis(%v) = %v, %v; want %v, %v", tc.comment, tc.vs, off, ok, tc.off, tc.ok)
		}
	}
}

// TestBoundaryName: the pane is named for what Boundary draws.
func TestBoundaryName(t *testing.T) {
	plane := &network.Network{Sizes: []int{2, 1}, Layers: []*network.Layer{{In: 2, Out: 1, W: []float64{1, 1}, B: []float64{0}}}}
	withFeatures := fitInput(1, 0, 5, 40, 10).Net.Clone()
	withFeatures.Features = network.Features{network.FeatX1}
	for _, c := range []struct {
		name string
		in   Input
		want string
	}{
		{"one input", fitInput(1, 0, 5, 40, 10), "Fit"},
		{"sequence", chartInput(0.5, 0.2, 0.9), "Sequence"},
		{"plane", Input{Net: plane, Data: lineData(5)}, "Boundary"},
		{"one input with features", Input{Net: withFeatures, Data: lineData(5)}, "Boundary"},
		{"no net", Input{Data: lineData(5)}, "Boundary"},
		{"no data", Input{Net: plane}, "Boundary"},
	} {
		if got := BoundaryName(c.in.Net, c.in.Data); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestFitNum: a value takes the cells it is given, dropping its leading
// zero before it gives up its digits.
func TestFitNum(t *testing.T) {
	for _, c := range []struct {
		v    float64
		w    int
		want string
	}{
		{0.5, 3, "0.5"},
		{0.03, 3, ".03"},
		{-0.03, 4, "−.03"},
		{-0.03, 3, "−"},
		{0.03, 4, "0.03"},
		{0.001, 3, "0"},
		{12.5, 3, "12"},
		{-250, 3, "−"},
		{-1.2e7, 5, "−1e7"},
		{4.4e18, 4, "4e18"},
		{0.003, 4, "0.00"},
	} {
		if got := fitNum(c.v, c.w); got != c.want {
			t.Errorf("fitNum(%g, %d) = %q, want %q", c.v, c.w, got, c.want)
		}
	}
}
