package panes

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"backprop/network"
)

// The Gradients pane on a sequence set: how much of the last step's error
// reaches each earlier h_t, ‖∂C_T/∂h_t‖ (network.TimeFlow.Last), one bar
// per t on a log scale (three decades at least) with its value, or a sparkline over t when the
// steps do not fit the rows. Each step back multiplies it by W_hᵀ and σ':
// the bars shrink towards t = 1 when the gradient vanishes.

// partialBlocks are a bar's last cell, in eighths.
var partialBlocks = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// timeFlowShown is the hidden layer the pane draws through time: the first
// recurrent one (nil: none).
func timeFlowShown(v *GradientsView) *network.TimeFlow {
	for i := range v.Time {
		if v.Time[i].Recurrent && len(v.Time[i].Last) > 0 {
			return &v.Time[i]
		}
	}
	return nil
}

// timeSection draws the flow through time from row 0 and returns the rows
// it took (with a blank row after it); 0 when there is none.
func timeSection(c *canvas, in Input, v *GradientsView) int {
	f := timeFlowShown(v)
	if f == nil {
		if len(v.Time) > 0 && in.H > 4 {
			c.text(0, 0, "no recurrent layer: no error flows back", in.styles().SGR.Dim)
			c.text(0, 1, "through time (each step learns alone)", in.styles().SGR.Dim)
			return 3
		}
		return 0
	}
	st := in.styles()
	T := len(f.Last)
	L := 0
	if len(v.Flow) > 0 {
		L = len(v.Flow[len(v.Flow)-1])
	}
	var title line
	if in.W >= 31 {
		title.add("‖∂C_T/∂h_t‖ back through time", st.SGR.Title)
	} else { // a narrow pane (80×24) keeps the words whole
		title.add("‖∂C_T/∂h_t‖ through time", st.SGR.Title)
	}
	title.opt(3, fmt.Sprintf(", L%d", f.Layer+1), st.SGR.Dim, "")
	title.opt(2, ", log scale", st.SGR.Dim, "")
	title.opt(1, ", over "+v.Samples, st.SGR.Dim, "")
	c.draw(0, 0, title)
	lo, hi := logSpan(f.Last)
	lo = math.Min(lo, hi-3) // at least three decades: a small spread stays small
	// one row per t when the per-layer rows (a title, one row each, the
	// legend) still fit under the bars, the fade line and a blank row
	var y int
	if 1+T+2+(2+L) <= in.H {
		y = timeBars(c, in, f.Last, lo, hi, 1)
	} else {
		y = timeSpark(c, in, f.Last, lo, hi, 1)
	}
	if y < in.H {
		c.draw(0, y, fadeLine(in, f.Last))
		y++
	}
	return y + 1
}

// timeBars draws one row per t from row y: "t 3 ███▍    1.2e−3".
func timeBars(c *canvas, in Input, last []float64, lo, hi float64, y int) int {
	st := in.styles()
	T := len(last)
	lw := len(fmt.Sprint(T)) + 2
	bw := max(in.W-lw-8, 1)
	for t, v := range last {
		if y >= in.H {
			break
		}
		c.text(0, y, fmt.Sprintf("t%-*d", lw-1, t+1), st.SGR.Dim)
		if !(v > 0) || !finite(v) {
			c.text(lw, y, "· nothing reaches it", st.SGR.Dim)
			y++
			continue
		}
		frac := 1.0
		if hi > lo {
			frac = (math.Log10(v) - lo) / (hi - lo)
		}
		eighths := max(int(frac*float64(bw*8)+0.5), 1)
		bar := strings.Repeat("█", eighths/8) + partialBlocks[eighths%8]
		x := c.text(lw, y, bar, st.SGR.Accent)
		c.text(max(x+1, lw+bw+1), y, num(v), st.SGR.Text)
		y++
	}
	return y
}

// timeSpark draws "t1 ▁▂▃▅▇ t10" from row y (the steps bucketed to the
// width, each bucket's mean), and the first and last values under it.
func timeSpark(c *canvas, in Input, last []float64, lo, hi float64, y int) int {
	st := in.styles()
	T := len(last)
	left, right := "t1 ", fmt.Sprintf(" t%d", T)
	n := max(min(T, in.W-len(left)-len(right)), 1)
	var b strings.Builder
	for i := range n {
		a, e := i*T/n, max((i+1)*T/n, i*T/n+1)
		s := 0.0
		for _, v := range last[a:e] {
			s += v
		}
		m := s / float64(e-a)
		if !(m > 0) || !finite(m) {
			b.WriteString(" ")
			continue
		}
		frac := 0.0
		if hi > lo {
			frac = (math.Log10(m) - lo) / (hi - lo)
		}
		b.WriteString(sparkGlyphs[clamp(int(frac*float64(len(sparkGlyphs)-1)+0.5), 0, len(sparkGlyphs)-1)])
	}
	x := c.text(0, y, left, st.SGR.Dim)
	x = c.text(x, y, b.String(), st.SGR.Accent)
	c.text(x, y, right, st.SGR.Dim)
	if y+1 < in.H {
		var l line
		l.add("t1 "+num(last[0]), st.SGR.Text)
		l.add(fmt.Sprintf(" … t%d %s", T, num(last[T-1])), st.SGR.Text)
		l.opt(1, " (log scale)", st.SGR.Dim, "")
		c.draw(0, y+1, l)
		return y + 2
	}
	return y + 1
}

// fadeLine says how much of the last step's gradient reaches t = 1:
// "t1 gets ×2.1e−5 of t10's: it fades".
func fadeLine(in Input, last []float64) line {
	st := in.styles()
	T := len(last)
	var l line
	a, b := last[0], last[T-1]
	if T < 2 || !(b > 0) {
		return l
	}
	r := a / b
	verdict, sgr := "", st.SGR.Text
	switch {
	case r < 1e-3:
		verdict, sgr = ": it vanishes", st.SGR.Error
	case r < 0.1:
		verdict, sgr = ": it fades", st.SGR.Warn
	case r > 10:
		verdict, sgr = ": it grows", st.SGR.Warn
	}
	head := fmt.Sprintf("t1 gets ×%s of t%d's", num(r), T)
	if utf8.RuneCountInString(head+verdict) > in.W { // a narrow pane keeps the verdict whole
		head = fmt.Sprintf("t1: ×%s of t%d's", num(r), T)
	}
	l.add(head, st.SGR.Text)
	if verdict != "" {
		l.add(verdict, sgr)
	}
	return l
}

// logSpan is the range of log10 of the positive finite values.
func logSpan(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if x > 0 && finite(x) {
			lo, hi = math.Min(lo, math.Log10(x)), math.Max(hi, math.Log10(x))
		}
	}
	return lo, hi
}
