package panes

import (
	"fmt"
	"math"

	"backprop/internal/numfmt"
	"backprop/network"
	"backprop/themes"
)

// GradientsView is what the Gradients pane draws: network.GradientFlow at
// the recent steps (computed by the trainer in a command).
type GradientsView struct {
	// Flow holds one GradientFlow per recent step, oldest first; each has
	// one entry per layer, first layer first.
	Flow [][]network.LayerFlow
	// Samples names what the flow is measured over ("the batch of 10").
	Samples string
	// Note replaces the drawing (a step layer, …).
	Note string
	// Time is the latest flow back through time of each hidden layer, on
	// a sequence set (network.FlowThroughTime); nil otherwise. The pane
	// then draws ‖∂C_T/∂h_t‖ against t above the per-layer rows.
	Time []network.TimeFlow
}

// sparkGlyphs are the eight heights of a sparkline.
var sparkGlyphs = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// Gradients draws, per layer, ‖∂C/∂W‖ and ‖δ‖ over the recent steps on a
// log scale shared by all layers, the last values, the ratio to the output
// layer and the share of dead or saturated units, and marks a layer whose
// gradient is below 1e-3 of the output layer's as vanishing.
func Gradients(in Input) string {
	v := in.Gradients
	switch {
	case v == nil:
		return message(in, "no gradients")
	case v.Note != "":
		return message(in, v.Note)
	case len(v.Flow) == 0:
		return message(in, "measuring the gradients…")
	}
	st := in.styles()
	c := in.canvas()
	last := v.Flow[len(v.Flow)-1]
	L := len(last)
	top := timeSection(c, in, v) // gradients_time.go: 0 without one
	if top >= in.H-1 {
		return c.String()
	}
	H := in.H - top
	per := 1 // rows per layer: 3 (name, ∂C/∂W, δ), 2 or 1 as they fit
	switch {
	case H >= 2+3*L:
		per = 3
	case H >= 2+2*L:
		per = 2
	}
	var title line
	title.add("‖∂C/∂W‖ and ‖δ‖ per layer", st.SGR.Title)
	title.opt(2, ", log scale", st.SGR.Dim, "")
	if top == 0 {
		title.opt(1, ", over "+v.Samples, st.SGR.Dim, "")
	}
	c.draw(0, top, title)
	g := gradRows{flow: v.Flow, st: st, net: in.Net}
	g.lo, g.hi = logRange(v.Flow)
	g.spark = min(max(in.W-26, 0), len(v.Flow))
	y := top + 1
	for l := range L {
		rows := g.layer(l, per)
		if y+len(rows) > in.H-1 && !(l == L-1 && y+len(rows) <= in.H) {
			c.text(0, min(y, in.H-1), fmt.Sprintf("… %d more layers", L-l), st.SGR.Dim)
			y = in.H
			break
		}
		y = c.drawLines(0, y, rows)
	}
	if y < in.H {
		var legend line
		legend.add("vanishing: < 10⁻³", st.SGR.Dim)
		legend.opt(1, " × the output's ‖∂C/∂W‖", st.SGR.Dim, "")
		c.draw(0, in.H-1, legend)
	}
	return c.String()
}

// gradRows draws layers' rows.
type gradRows struct {
	flow   [][]network.LayerFlow
	st     *themes.Styles
	net    *network.Network
	spark  int
	lo, hi float64
}

// layer is layer l's rows: per 3 "L1 sigmoid  vanishing · sat 12%",
// "  ∂C/∂W ▁▂▃ 3.5e−5 ×4e−4", "  ‖δ‖   ▁▂▃ 1.4e−4"; per 2 the name and
// the gradient share a row; per 1 only that row.
func (g gradRows) layer(l, per int) []line {
	last := g.flow[len(g.flow)-1]
	f, st := last[l], g.st
	name := fmt.Sprintf("L%d", l+1)
	if g.net != nil && l < len(g.net.Layers) {
		name += " " + actShort(g.net.Layers[l].Act)
	}
	var status line
	if network.Vanishing(last, l) {
		status.add(" vanishing", st.SGR.Error)
	}
	switch {
	case f.Dead > 0:
		status.opt(1, " dead "+numfmt.F(100*f.Dead, 0)+"%", st.SGR.Warn, "")
	case f.Saturated > 0:
		status.opt(1, " saturated "+numfmt.F(100*f.Saturated, 0)+"%", st.SGR.Warn, "")
	}
	var grad, delta line
	grad.add(sparkline(g.flow, l, g.spark, g.lo, g.hi, func(f network.LayerFlow) float64 { return f.GradW }), st.SGR.Accent)
	grad.add(" "+num(f.GradW), st.SGR.Text)
	if out := last[len(last)-1].GradW; l < len(last)-1 && out > 0 {
		grad.opt(1, " ×"+num(f.GradW/out), st.SGR.Dim, "")
	}
	delta.add("  ‖δ‖   ", st.SGR.Dim)
	delta.add(sparkline(g.flow, l, g.spark, g.lo, g.hi, func(f network.LayerFlow) float64 { return f.Delta }), st.SGR.Dim)
	delta.add(" "+num(f.Delta), st.SGR.Dim)
	head := line{{text: fmt.Sprintf("%-7s", name), sgr: st.SGR.Text}}
	switch per {
	case 3:
		return []line{append(head, status...), append(line{{text: "  ∂C/∂W ", sgr: st.SGR.Dim}}, grad...), delta}
	case 2:
		return []line{append(append(head, grad...), status...), append(delta, status[min(1, len(status)):]...)}
	}
	return []line{append(append(head, grad...), status...)}
}

// sparkline is layer l's value over the last n steps, log10 scaled to
// lo..hi (a blank for 0).
func sparkline(flow [][]network.LayerFlow, l, n int, lo, hi float64, get func(network.LayerFlow) float64) string {
	s := ""
	for _, f := range flow[len(flow)-n:] {
		v := get(f[l])
		if !(v > 0) || !finite(v) {
			s += " "
			continue
		}
		t := 0.0
		if hi > lo {
			t = (math.Log10(v) - lo) / (hi - lo)
		}
		s += sparkGlyphs[clamp(int(t*float64(len(sparkGlyphs)-1)+0.5), 0, len(sparkGlyphs)-1)]
	}
	return s
}

// logRange is the range of log10 of every positive ‖∂C/∂W‖ and ‖δ‖.
func logRange(flow [][]network.LayerFlow) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, fs := range flow {
		for _, f := range fs {
			for _, v := range []float64{f.GradW, f.Delta} {
				if v > 0 && finite(v) {
					lo, hi = math.Min(lo, math.Log10(v)), math.Max(hi, math.Log10(v))
				}
			}
		}
	}
	return lo, hi
}
