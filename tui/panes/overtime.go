package panes

import (
	"fmt"
	"math"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"backprop/datasets"
	"backprop/internal/plotaxis"
	"backprop/network"
	"backprop/themes"
)

// overTime is Boundary for a sequence set: the current sequence against
// time. For one input and one output, a chart over t = 1…T of the input
// x_t (a dot a step), the target y_t (●, none where a step has no target) and
// the network's output ŷ_t (a line, as far as the phases have computed
// it), the cursor's step marked by a dotted column. For characters (a text
// set), the sequence as text: the input characters, the targets, and the
// predicted next characters, right ones in the OK colour and wrong ones in
// the error colour.
func overTime(in Input) string {
	tr := in.Trace
	if tr == nil || tr.Seq == nil || tr.Seq.T == 0 || in.Pos.Phase == network.PhaseIdle {
		return message(in, "over time: the sequence's\ninput, target and output\nat every step\n(s loads a sequence)")
	}
	if !seqOK(tr.Seq, len(in.Net.Layers)) {
		return message(in, "over time: no sequence") // a trace the stepper never makes
	}
	if in.Data != nil && len(in.Data.Vocab) > 0 {
		return overTimeText(in)
	}
	return overTimeChart(in)
}

// overTimeChart draws the chart of one input and the first output.
func overTimeChart(in Input) string {
	st := in.styles()
	c := in.canvas()
	q, L, out := seqOutputs(in)
	first := func(v []float64) float64 {
		if len(v) == 0 {
			return math.NaN()
		}
		return v[0]
	}
	xs, ys, outs := make([]float64, q.T), make([]float64, q.T), make([]float64, q.T)
	for t := range q.T {
		xs[t], ys[t], outs[t] = math.NaN(), math.NaN(), math.NaN()
		if len(q.X[t]) == 1 {
			xs[t] = q.X[t][0]
		}
		if t < len(q.Y) {
			ys[t] = first(q.Y[t])
		}
		if L < len(q.A) && t < len(q.A[L]) && out(t) {
			outs[t] = first(q.A[L][t])
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1) // the inputs' and targets' range
	for _, vs := range [][]float64{xs, ys} {
		for _, v := range vs {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	lo, hi = plotaxis.Widen(lo, hi, outs)
	var caption []line
	if in.H >= 6 {
		off, offOK := offAxis(lo, hi, finiteOnly(outs, false)) // NaN: steps not computed yet
		caption = layLines(overTimeCaption(st, q, lo, hi, off, offOK, in.W), in.W, max(in.H/3, 1), 0)
	}
	mh := in.H - len(caption)
	pw, ph := 2*in.W, 4*mh
	if pw < 4 || ph < 4 {
		return c.String()
	}
	toPx := func(t int) int {
		if q.T == 1 {
			return pw / 2
		}
		return int(math.Round(float64(t) / float64(q.T-1) * float64(pw-1)))
	}
	toPy := func(v float64) int { return pixel((hi - v) / (hi - lo) * float64(ph-1)) }
	b := in.braille().reset(in.W, mh)
	if px := toPx(q.Time); px >= 0 {
		b.line(px, 0, px, ph-1, 3, st.SGR.Dim)
	}
	for t, v := range xs { // the inputs as points: lines of 0/1 inputs would hide the output's
		if finite(v) {
			b.dot(toPx(t), toPy(v), st.SGR.Dim)
		}
	}
	b.polyline(q.T, func(t int) (int, int, bool) { return toPx(t), toPy(outs[t]), finite(outs[t]) }, st.SGR.Accent)
	for t, v := range ys {
		if finite(v) {
			c.put(toPx(t)/2, toPy(v)/4, "●", st.SGR.Text)
		}
	}
	if v := ys[q.Time]; finite(v) {
		c.put(toPx(q.Time)/2, toPy(v)/4, "◉", st.SGR.Focus)
	}
	b.mergeInto(c)
	c.drawLines(0, mh, caption)
	return c.String()
}

// seqOK reports whether q holds every step of a sequence through a net of
// L layers, its cursor on one of them (the stepper's traces always do).
func seqOK(q *network.SeqTrace, L int) bool {
	if q.T <= 0 || q.Time < 0 || q.Time >= q.T || len(q.X) < q.T || len(q.Y) < q.T || len(q.A) <= L {
		return false
	}
	for _, a := range q.A[:L+1] {
		if len(a) < q.T {
			return false
		}
	}
	return true
}

// seqOutputs is the trace's sequence, the network's layers, and which
// steps' outputs the phases have computed.
func seqOutputs(in Input) (*network.SeqTrace, int, func(t int) bool) {
	q, L := in.Trace.Seq, len(in.Net.Layers)
	fwd, _ := seqReached(in.Pos, q)
	return q, L, layerFwd(in.Pos, q, L-1, fwd)
}

// overTimeCaption: the axes and the legend.
// off is the output farthest off the axis, when offOK.
func overTimeCaption(st *themes.Styles, q *network.SeqTrace, lo, hi, off float64, offOK bool, w int) []line {
	var axes, legend line
	axes.add(fmt.Sprintf("→ t 1…%d (▸%d)  ↑ %s…%s", q.T, q.Time+1, num2(lo), num2(hi)), st.SGR.Dim)

	// Two spaces between entries: a wrap never parts a mark from its name.
	out, target, input := " output ŷ  ", " target y  ", " input x"
	if w < 33 { // the legend on one line
		out, target, input = " ŷ  ", " y  ", " x"
	}
	legend.add("⠒", st.SGR.Accent).add(out, st.SGR.Dim)
	legend.add("●", st.SGR.Text).add(target, st.SGR.Dim)
	legend.add("⠂", st.SGR.Dim).add(input, st.SGR.Dim)
	if offOK {
		var note line
		note.add("ŷ off the chart ("+num(off)+")", st.SGR.Warn)
		return []line{axes, note, legend}
	}
	return []line{axes, legend}
}

// overTimeText draws a text sequence as rows of characters: the inputs,
// the targets and the predictions, a window of steps around the cursor's.
func overTimeText(in Input) string {
	st := in.styles()
	c := in.canvas()
	q, L, out := seqOutputs(in)
	vocab := in.Data.Vocab
	char := func(v []float64) string {
		if len(v) == 0 {
			return ""
		}
		k := network.ClassOf(v)
		if k < 0 || k >= len(vocab) {
			return "?"
		}
		return visibleRune(vocab[k])
	}
	lab := 3
	n := max(in.W-lab, 1)
	first := clamp(q.Time-n/2, 0, max(q.T-n, 0))
	last := min(first+n, q.T)
	rows := []struct {
		name string
		at   func(t int) (string, string)
	}{
		{"x", func(t int) (string, string) { return char(q.X[t]), st.SGR.Text }},
		{"y", func(t int) (string, string) {
			if t >= len(q.Y) || q.Y[t] == nil {
				return "·", st.SGR.Dim
			}
			return char(q.Y[t]), st.SGR.Text
		}},
		{"ŷ", func(t int) (string, string) {
			if L >= len(q.A) || t >= len(q.A[L]) || !out(t) {
				return "", ""
			}
			p := char(q.A[L][t])
			switch {
			case t >= len(q.Y) || q.Y[t] == nil:
				return p, st.SGR.Dim
			case network.ClassOf(q.A[L][t]) == network.ClassOf(q.Y[t]):
				return p, st.SGR.OK
			}
			return p, st.SGR.Error
		}},
	}
	y := 0
	for _, r := range rows {
		if y >= in.H {
			break
		}
		c.text(0, y, r.name, st.SGR.Dim)
		for t := first; t < last; t++ {
			s, sgr := r.at(t)
			if t == q.Time && s != "" && r.name != "ŷ" { // ŷ keeps right/wrong
				sgr = st.SGR.Focus
			}
			c.put(lab+t-first, y, s, sgr)
		}
		y++
	}
	right, total := 0, 0
	for t := range q.T {
		if t < len(q.Y) && q.Y[t] != nil && L < len(q.A) && t < len(q.A[L]) && out(t) {
			total++
			if network.ClassOf(q.A[L][t]) == network.ClassOf(q.Y[t]) { // not the glyphs: two characters may both show as �
				right++
			}
		}
	}
	var ls []line
	var l line
	l.add(fmt.Sprintf("t %d/%d", q.Time+1, q.T), st.SGR.Dim)
	if total > 0 {
		l.add(fmt.Sprintf(" · next character right at %d of %d steps", right, total), st.SGR.Dim)
	}
	ls = append(ls, l)
	var legend line
	legend.add("x input · y target · ŷ predicted: ", st.SGR.Dim).add("right", st.SGR.OK).add(" ", "").add("wrong", st.SGR.Error)
	ls = append(ls, legend)
	if y+1 < in.H {
		c.drawLines(0, y+1, layLines(ls, in.W, in.H-y-1, 2))
	}
	return c.String()
}

// visibleRune shows a character in one cell: a space as ␣, a newline as ⏎,
// a tab as ⇥ (datasets.CharName), and what takes no cell or two (control
// and format characters, CJK, emoji) as �.
func visibleRune(r rune) string {
	name := datasets.CharName(r) // ␣, ⏎, ⇥ as the other panes show them
	if !unicode.IsPrint(r) && r != ' ' && r != '\n' && r != '\t' || ansi.StringWidth(name) != 1 {
		return "�"
	}
	return name
}
