package panes

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"backprop/network"
	"backprop/themes"
)

// Unrolled is Topology's variant for a sequence set: the network drawn
// across the time steps of the current sequence, one column per step. Rows:
// the step numbers (the cursor's t highlighted), the input x_t, each
// hidden layer's activations h_t as a heat strip (two neurons a cell) with
// → marking the recurrent edges W_h from step t−1 to t, the output ŷ_t,
// the target y_t (· for none), and ‖∂C/∂h_t‖ of the first hidden layer as
// a bar scaled to its largest value, so that its fading with distance from
// the targets shows. Values the phases have not reached in this sequence
// are shown as blanks.
func Unrolled(in Input) string {
	c := in.canvas()
	st := in.Styles
	tr := in.Trace
	if tr == nil || tr.Seq == nil || in.Net == nil || in.W < 8 || in.H < 4 || !seqOK(tr.Seq, len(in.Net.Layers)) {
		c.text(0, 0, "no sequence loaded yet", st.SGR.Dim)
		return c.String()
	}
	q := tr.Seq
	L := len(in.Net.Layers)
	lab := 4
	cw := 3
	if in.W-lab >= 4*q.T {
		cw = 4
	}
	ns := max((in.W-lab)/cw, 1)
	first := clamp(q.Time-ns/2, 0, max(q.T-ns, 0))
	last := min(first+ns, q.T)
	colX := func(t int) int { return lab + (t-first)*cw }
	fwd, back := seqReached(in.Pos, q)

	y := 0
	c.text(0, y, "t", st.SGR.Dim)
	for t := first; t < last; t++ {
		s, sgr := strconv.Itoa(t+1), st.SGR.Dim
		if t == q.Time {
			sgr = st.SGR.Focus
		}
		c.text(colX(t)+cw-1-len(s), y, s, sgr)
		if t == q.Time && len(s) <= cw-2 {
			c.put(colX(t)+cw-2-len(s), y, "▸", sgr) // visible without colour too
		}
	}
	y++
	c.text(0, y, "x", st.SGR.Text)
	for t := first; t < last; t++ {
		if in.Pos.Phase != network.PhaseIdle {
			c.textRight(colX(t)+cw, y, seqLabel(in, q.X[t], cw-1), st.SGR.Text)
		}
	}
	y++
	rows := in.H - y - 4 // ŷ, y, ∂h and the legend
	for l := 0; l < L-1 && rows > 0; l++ {
		n := drawHiddenRows(in, c, y, l, min(rows, (in.Net.Layers[l].Out+1)/2), first, last, colX, cw, layerFwd(in.Pos, q, l, fwd))
		y += n
		rows -= n
	}
	c.text(0, y, "ŷ", st.SGR.Text)
	c.text(0, y+1, "y", st.SGR.Text)
	for t := first; t < last; t++ {
		if layerFwd(in.Pos, q, L-1, fwd)(t) {
			c.textRight(colX(t)+cw, y, seqLabel(in, q.A[L][t], cw-1), st.SGR.Accent)
		}
		if in.Pos.Phase != network.PhaseIdle {
			lbl := "·"
			if q.Y[t] != nil {
				lbl = seqLabel(in, q.Y[t], cw-1)
			}
			c.textRight(colX(t)+cw, y+1, lbl, st.SGR.Dim)
		}
	}
	drawGradRow(in, c, y+2, first, last, colX, cw, back)
	legend := fmt.Sprintf("t %d/%d · → W_h h_{t−1} · ∂h = ‖∂C/∂h_t‖", q.Time+1, q.T)
	if first > 0 || last < q.T {
		legend += fmt.Sprintf(" · steps %d–%d shown", first+1, last)
	}
	c.text(0, in.H-1, legend, st.SGR.Dim)
	return c.String()
}

// seqReached says which steps' forward values (fwd) and backward values
// (back) the phases have computed in the current sequence.
func seqReached(p network.Pos, q *network.SeqTrace) (fwd, back func(t int) bool) {
	switch p.Phase {
	case network.PhaseIdle, network.PhaseLoad:
		return func(int) bool { return false }, func(int) bool { return false }
	case network.PhaseForward:
		return func(t int) bool { return t <= q.Time }, func(int) bool { return false }
	case network.PhaseCost:
		return func(int) bool { return true }, func(int) bool { return false }
	case network.PhaseOutputDelta, network.PhaseBackward:
		return func(int) bool { return true }, func(t int) bool { return t > q.Time || t == q.Time && p.Phase == network.PhaseBackward && p.Layer == 0 }
	}
	return func(int) bool { return true }, func(int) bool { return true }
}

// layerFwd is fwd for layer l: at the cursor's step of a Forward phase,
// only the layers up to the cursor's are computed.
func layerFwd(p network.Pos, q *network.SeqTrace, l int, fwd func(int) bool) func(int) bool {
	if p.Phase != network.PhaseForward {
		return fwd
	}
	return func(t int) bool { return t < q.Time || t == q.Time && l <= p.Layer }
}

// drawHiddenRows draws layer l's h_t as half-block heat strips in at most
// rows rows and returns the rows used.
func drawHiddenRows(in Input, c *canvas, y0, l, rows, first, last int, colX func(int) int, cw int, fwd func(int) bool) int {
	st := in.Styles
	layer := in.Net.Layers[l]
	q := in.Trace.Seq
	n := layer.Out
	per := max((n+2*rows-1)/(2*rows), 1) // neurons a half cell
	used := (n + 2*per - 1) / (2 * per)
	c.text(0, y0, fmt.Sprintf("h%d", l+1), st.SGR.Text)
	level := func(h []float64, s int) float64 {
		lo, hi := s*per, min((s+1)*per, n)
		if lo >= n {
			return -1
		}
		sum := 0.0
		for _, v := range h[lo:hi] {
			sum += v
		}
		return actLevel(layer.Act, sum/float64(hi-lo))
	}
	for t := first; t < last; t++ {
		if !fwd(t) {
			continue
		}
		h := q.A[l+1][t]
		x := colX(t) + cw - 2
		for r := range used {
			top, bot := level(h, 2*r), level(h, 2*r+1)
			switch {
			case st.Mono:
				c.put(x, y0+r, themes.Shade(math.Max(top, 0)), "")
			case bot < 0:
				c.put(x, y0+r, "▀", st.RampFg(top))
			default:
				c.put2(x, y0+r, "▀", st.RampFg(top), st.RampBg(bot))
			}
		}
		if layer.Recurrent() && t+1 < last && fwd(t+1) {
			c.put(x+1, y0+used/2, "→", st.SGR.Dim)
		}
	}
	if in.Focus.Layer == l+1 { // Focus.Layer 0 is the inputs
		c.put(2, y0+min(in.Focus.Neuron/(2*per), used-1), "▸", st.SGR.Title)
	}
	return used
}

// actLevel maps an activation value to 0..1 for the heat ramp.
func actLevel(act network.Activation, v float64) float64 {
	switch act {
	case network.Tanh:
		v = (v + 1) / 2
	case network.Sigmoid, network.Softmax:
	default:
		v = 1 / (1 + math.Exp(-v))
	}
	return math.Max(0, math.Min(1, v))
}

// drawGradRow draws ‖∂C/∂h_t‖ of the first hidden layer as bars.
func drawGradRow(in Input, c *canvas, y, first, last int, colX func(int) int, cw int, back func(int) bool) {
	st := in.Styles
	q := in.Trace.Seq
	c.text(0, y, "∂h", st.SGR.Text)
	if len(in.Net.Layers) < 2 {
		return
	}
	norms := make([]float64, q.T)
	top := 0.0
	for t := range q.T {
		if back(t) {
			norms[t] = l2(q.DH[0][t])
			top = math.Max(top, norms[t])
		}
	}
	bars := []rune("▁▂▃▄▅▆▇█")
	for t := first; t < last; t++ {
		if !back(t) {
			continue
		}
		k := 0
		if top > 0 {
			k = int(math.Round(norms[t] / top * float64(len(bars)-1)))
		}
		c.text(colX(t)+cw-2, y, string(bars[clamp(k, 0, len(bars)-1)]), st.SGR.Accent)
	}
}

func l2(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// stepLabel is a step's vector in w cells: its one value, or for one-hot
// (text) vectors the class or feature it picks.
func seqLabel(in Input, v []float64, w int) string {
	if len(v) == 1 {
		return fitNum(v[0], w)
	}
	best := 0
	for k, x := range v {
		if x > v[best] {
			best = k
		}
	}
	if in.Data != nil && best < len(in.Data.Classes) {
		return firstCells(in.Data.Classes[best], w)
	}
	return firstCells(strconv.Itoa(best), w)
}

func firstCells(s string, w int) string {
	s = strings.TrimSpace(s)
	if ansi.StringWidth(s) != cells(s) {
		return "�" // a wide character (CJK, emoji): the canvas holds a rune a cell
	}
	r := []rune(s)
	if len(r) > w {
		r = r[:w]
	}
	return string(r)
}
