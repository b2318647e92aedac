package panes

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"

	"backprop/themes"
)

// yLabelW is the width of the loss chart's y-axis labels.
const yLabelW = 6

// Loss charts the training loss (and the test loss when there is a test
// set) per epoch, or per mini-batch before the second epoch ends. The first
// line is a legend with the latest values and accuracy. The y axis spans
// the data with a small margin (never below 0), or with in.LogLoss the
// decades of the data on a log scale (values ≤ 0 are left out).
func Loss(in Input) string {
	if in.W <= 0 || in.H <= 0 {
		return ""
	}
	st := in.styles()
	var train, test []float64
	per := "epoch"
	if len(in.History) >= 2 {
		for _, h := range in.History {
			train = append(train, h.TrainLoss)
			test = append(test, h.TestLoss)
		}
	} else {
		per = "batch"
		train = append(train, in.BatchLosses...)
	}
	train = finiteOnly(train, in.LogLoss)
	test = finiteOnly(test, in.LogLoss)
	if len(train) == 0 {
		if in.LogLoss && len(in.History)+len(in.BatchLosses) > 0 {
			return message(in, "loss: nothing > 0 to draw\non a log scale")
		}
		return message(in, "loss: no data yet\nstep a mini-batch")
	}
	c := in.canvas()

	// Legend.
	var l line
	l.add("loss/"+per+" ", st.SGR.Dim)
	if in.LogLoss {
		l.add("log ", st.SGR.Dim)
	}
	l.add("━", st.SGR.Accent).add(" train "+num(train[len(train)-1]), st.SGR.Text)
	if len(test) > 0 {
		l.add("  ", "").add("━", st.SGR.Warn).add(" test "+num(test[len(test)-1]), st.SGR.Text)
	}
	if n := len(in.History); n > 0 {
		h := in.History[n-1]
		if finite(h.TrainAcc) {
			l.add("  acc "+pct(h.TrainAcc), st.SGR.Dim)
			if finite(h.TestAcc) {
				l.add("/"+pct(h.TestAcc), st.SGR.Dim)
			}
		}
	}
	top := c.drawLines(0, 0, layLines([]line{l}, in.W, max(in.H-4, 1), 2)) // the legend, wrapped

	ch, cw := in.H-top, in.W-yLabelW-2
	if ch < 2 || cw < 2 {
		if in.H > top {
			c.draw(0, top, line{{text: "(too small for the chart)", sgr: st.SGR.Dim}})
		}
		return c.String()
	}
	for i, row := range chart(in, st, train, test, ch, cw) {
		if top+i >= in.H {
			break
		}
		c.raw(top+i, row)
	}
	return c.String()
}

// chart plots the series with asciigraph, memoised in in.Cache by the
// series, the size and the styles.
func chart(in Input, st *themes.Styles, train, test []float64, ch, cw int) []string {
	key := seriesKey(train, test, ch, cw, in.W)
	if in.LogLoss {
		key = ^key
	}
	if c := in.Cache; c != nil && c.chart.key == key && c.chart.st == st && c.chart.rows != nil {
		return c.chart.rows
	}
	y := func(v float64) float64 { return v }
	label := yLabel
	if in.LogLoss {
		y = math.Log10
		label = func(v float64) string { return yLabel(math.Pow(10, v)) }
	}
	series := [][]float64{stretch(mapped(train, y))}
	colors := []asciigraph.AnsiColor{asciigraph.AnsiColor(st.Chart.Train)}
	if len(test) > 0 {
		series = append(series, stretch(mapped(test, y)))
		colors = append(colors, asciigraph.AnsiColor(st.Chart.Test))
	}
	lo, hi := yRange(series, !in.LogLoss)
	opts := []asciigraph.Option{
		asciigraph.Height(ch - 1),
		asciigraph.Width(cw),
		asciigraph.LowerBound(lo),
		asciigraph.UpperBound(hi),
		asciigraph.YAxisValueFormatter(label),
	}
	if !st.Mono {
		opts = append(opts, asciigraph.SeriesColors(colors...),
			asciigraph.AxisColor(asciigraph.AnsiColor(st.Chart.Axis)),
			asciigraph.LabelColor(asciigraph.AnsiColor(st.Chart.Axis)))
	} else if len(series) > 1 {
		opts = append(opts, asciigraph.SeriesChars(asciigraph.DefaultCharSet, dotted()))
	}
	rows := distinctLabels(strings.Split(asciigraph.PlotMany(series, opts...), "\n"))
	for i, r := range rows {
		rows[i] = fitRow(r, in.W)
	}
	if c := in.Cache; c != nil {
		c.chart.key, c.chart.st, c.chart.rows = key, st, rows
	}
	return rows
}

// distinctLabels blanks a y-axis label that repeats the row's above (a
// flat range has more rows than printed values): each value is labelled
// once, on its top row.
func distinctLabels(rows []string) []string {
	prev := ""
	for i, r := range rows {
		at := strings.IndexAny(r, "┤┼")
		if at < 0 {
			continue
		}
		label := strings.TrimSpace(ansi.Strip(r[:at]))
		if label == prev && label != "" {
			rows[i] = blankText(r[:at]) + r[at:]
		}
		prev = label
	}
	return rows
}

// blankText is s with its visible characters turned to spaces and its
// escape sequences kept.
func blankText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := i + 1
			for j < len(s) && !(s[j] >= '@' && s[j] <= '~' && j > i+1) {
				j++
			}
			j = min(j+1, len(s))
			b.WriteString(s[i:j])
			i = j
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		b.WriteByte(' ')
		i += n
	}
	return b.String()
}

// seriesKey hashes the chart's data and size (FNV-1a).
func seriesKey(train, test []float64, ch, cw, w int) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	mix := func(v uint64) { h = (h ^ v) * prime }
	mix(uint64(ch))
	mix(uint64(cw))
	mix(uint64(w))
	mix(uint64(len(train)))
	for _, v := range train {
		mix(math.Float64bits(v))
	}
	mix(uint64(len(test)))
	for _, v := range test {
		mix(math.Float64bits(v))
	}
	return h
}

// fitRow clips or pads a styled (ANSI) row to exactly w cells.
func fitRow(s string, w int) string {
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "")
		n = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(w-n, 0))
}

// raw puts a styled row of exactly c.w cells (see fitRow) into row y: one
// pre-rendered cell followed by covered ones.
func (c *canvas) raw(y int, s string) {
	if y < 0 || y >= c.h || c.w == 0 {
		return
	}
	i := y * c.w
	c.ch[i] = s
	c.st[i], c.bg[i] = "", ""
	for x := 1; x < c.w; x++ {
		c.ch[i+x] = "\x00" // covered by the raw cell
		c.st[i+x], c.bg[i+x] = "", ""
	}
}

// finiteOnly drops NaN and ±Inf, and with positive values ≤ 0 too.
func finiteOnly(v []float64, positive bool) []float64 {
	out := v[:0:0]
	for _, x := range v {
		if finite(x) && (!positive || x > 0) {
			out = append(out, x)
		}
	}
	return out
}

// mapped is f applied to every value of v.
func mapped(v []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

// yRange is the chart's y axis: the series' extent with a margin of 5%
// on each side (one tenth of the value for a flat series), not below 0
// when floor0 and the data are not.
func yRange(series [][]float64, floor0 bool) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	pad := 0.05 * (hi - lo)
	if pad == 0 {
		pad = math.Max(0.1*math.Abs(hi), 1e-3)
	}
	lo0 := lo
	lo, hi = lo-pad, hi+pad
	if floor0 && lo0 >= 0 && lo < 0 {
		lo = 0
	}
	return lo, hi
}

// stretch makes a one-point series drawable (asciigraph needs two points
// to draw a line).
func stretch(v []float64) []float64 {
	if len(v) == 1 {
		return []float64{v[0], v[0]}
	}
	return v
}

// yLabel formats an axis value in yLabelW cells.
func yLabel(v float64) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if len(s) > yLabelW {
		s = strconv.FormatFloat(v, 'g', 2, 64)
	}
	if len(s) > yLabelW {
		s = strconv.FormatFloat(v, 'e', 0, 64)
	}
	if len(s) > yLabelW {
		s = s[:yLabelW]
	}
	return strings.Repeat(" ", yLabelW-len(s)) + s
}

// dotted is the mono test series' line.
func dotted() asciigraph.CharSet {
	cs := asciigraph.DefaultCharSet
	cs.Horizontal = "┄"
	cs.VerticalLine = "┆"
	return cs
}
