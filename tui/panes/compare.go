package panes

import (
	"math"
	"strings"

	"github.com/guptarohit/asciigraph"

	"backprop/network"
	"backprop/themes"
)

// CompareView is the Compare pane's content: the trainer's twins, forked
// from one session, in their order.
type CompareView struct {
	Twins []CompareTwin
	Focus int // the focused twin's index
}

// CompareTwin is one twin's legend entry and curves.
type CompareTwin struct {
	Name  string // "A"
	Color int    // its colour (themes.Styles.TwinFg), kept for its life
	// Label is the settings that differ between the twins ("η=0.3 adam");
	// "" when none do yet.
	Label       string
	History     []network.EpochStats
	BatchLosses []float64
	Status      network.Status
}

// CompareLegendTwin is the twin whose legend is at pane row y (inside its
// border) of a pane w cells wide, or −1: a click there focuses that twin.
func CompareLegendTwin(cv *CompareView, w, y int) int {
	if cv == nil {
		return -1
	}
	row := 1
	for i, tw := range cv.Twins {
		n := len(legendRows(tw, w))
		if y >= row && y < row+n {
			return i
		}
		row += n
	}
	return -1
}

// maxLegendRows bounds a twin's legend: its settings wrap onto at most
// this many rows.
const maxLegendRows = 3

// Compare overlays the twins' training loss and accuracy curves (test
// accuracy when there is a test set), per epoch — per mini-batch before
// any twin has two epochs — one colour per twin, under a legend of the
// settings that differ, the focused twin marked ▸ with its latest numbers.
func Compare(in Input) string {
	if in.W <= 0 || in.H <= 0 {
		return ""
	}
	cv := in.Compare
	if cv == nil || len(cv.Twins) < 2 {
		return message(in, "no twins yet\n\nA forks this network into\na twin: same weights, data\nand order. Change one\nsetting, step both, compare.")
	}
	st := in.styles()
	c := in.canvas()
	perEpoch, test := false, false
	for _, tw := range cv.Twins {
		perEpoch = perEpoch || len(tw.History) >= 2
		for _, h := range tw.History {
			test = test || finite(h.TestAcc)
		}
	}
	per := "batch"
	if perEpoch {
		per = "epoch"
	}
	c.draw(0, 0, line{{text: "twin  differs", sgr: st.SGR.Dim}})
	c.textRight(in.W, 0, "loss   acc", st.SGR.Dim)
	y := 1
	for i, tw := range cv.Twins {
		for _, l := range legendLines(st, tw, i == cv.Focus, in.W) {
			c.draw(0, y, l)
			y++
		}
	}
	rows := in.H - y
	acc := "train"
	if test {
		acc = "test"
	}
	lossSeries, accSeries := compareSeries(cv.Twins, perEpoch)
	cols := make([]int, len(cv.Twins))
	for i, tw := range cv.Twins {
		cols[i] = tw.Color
	}
	switch {
	case rows >= 10 && perEpoch:
		lh := (rows + 1) / 2
		compareChart(in, c, st, y, lh, "loss/"+per+" (train)", lossSeries, cols, &in.cacheCompare().loss)
		compareChart(in, c, st, y+lh, rows-lh, "accuracy/epoch ("+acc+")", accSeries, cols, &in.cacheCompare().acc)
	case rows >= 4:
		compareChart(in, c, st, y, rows, "loss/"+per+" (train)", lossSeries, cols, &in.cacheCompare().loss)
	}
	return c.String()
}

// legendLines is twin tw's legend: mark, name, colour swatch, the
// settings that differ, and its latest loss and accuracy at the right of
// the first row; settings that do not fit wrap onto rows of their own
// under the first (at most maxLegendRows in all).
func legendLines(st *themes.Styles, tw CompareTwin, focused bool, w int) []line {
	mark, sgr := " ", st.SGR.Text
	if focused {
		mark, sgr = "▸", st.SGR.Bold
	}
	head := mark + tw.Name + " "
	indent := cells(head) + 3
	stats, rows := legendStats(tw), legendRows(tw, w)
	var l line
	l.add(head, sgr).add(swatch(st, tw.Color), twinSGR(st, tw.Color)).add(" "+rows[0], sgr)
	if pad := w - l.width() - cells(stats); pad > 0 {
		l.add(strings.Repeat(" ", pad), "")
		statSGR := st.SGR.Text
		if tw.Status == network.Diverged {
			statSGR = st.SGR.Error
		}
		l.add(stats, statSGR)
	}
	out := []line{l}
	for _, r := range rows[1:] {
		var more line
		out = append(out, *more.add(strings.Repeat(" ", indent)+r, sgr))
	}
	return out
}

// legendStats is twin tw's latest loss and accuracy, or what it has.
func legendStats(tw CompareTwin) string {
	switch {
	case tw.Status == network.Diverged:
		return "diverged"
	case len(tw.History) > 0:
		h := tw.History[len(tw.History)-1]
		return num(h.TrainLoss) + " " + pctShort(h.TestAcc, h.TrainAcc)
	case len(tw.BatchLosses) > 0:
		return num(tw.BatchLosses[len(tw.BatchLosses)-1]) + "     —"
	}
	return "—"
}

// legendRows are twin tw's settings wrapped for a legend w cells wide:
// the first row beside the name and the stats, the others under it.
func legendRows(tw CompareTwin, w int) []string {
	label := tw.Label
	if label == "" {
		label = "same settings"
	}
	indent := cells(" "+tw.Name+" ") + 3
	return wrapWords(label, max(w-indent-cells(legendStats(tw))-1, 1), max(w-indent, 1), maxLegendRows)
}

// wrapWords breaks s at spaces into rows of at most first cells (the
// first row) and rest cells (the others), at most n rows: a word longer
// than its row, or what the last row cannot hold, is cut with "…".
func wrapWords(s string, first, rest, n int) []string {
	var rows []string
	cur, room := "", first
	for _, word := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = word
		case cells(cur)+1+cells(word) <= room:
			cur += " " + word
		case len(rows)+1 < n:
			rows = append(rows, clip(cur, room))
			cur, room = word, rest
		default:
			cur += " " + word // the last row: cut below
		}
	}
	return append(rows, clip(cur, room))
}

// pctShort is the test accuracy (else the training one) in at most 5
// cells: 95.0%, 100%.
func pctShort(test, train float64) string {
	v := test
	if !finite(v) {
		v = train
	}
	if !finite(v) {
		return "    —"
	}
	if v >= 0.9995 {
		return " 100%"
	}
	return pct(v)
}

// clip cuts s to w cells, ending in "…".
func clip(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	return string(r[:w-1]) + "…"
}

// swatch is twin i's legend sample: its colour, or in mono its line style.
func swatch(st *themes.Styles, i int) string {
	if !st.Mono {
		return "━━"
	}
	h := monoChars(i).Horizontal
	return h + h
}

// twinSGR is twin i's colour; in mono the bold glyphs stand alone.
func twinSGR(st *themes.Styles, i int) string {
	if st.Mono {
		return st.SGR.Bold
	}
	return st.TwinFg(i)
}

// compareSeries are the twins' loss and accuracy series (NaN where a twin
// has no finite value, so a diverged twin's curve ends).
func compareSeries(twins []CompareTwin, perEpoch bool) (loss, acc [][]float64) {
	for _, tw := range twins {
		var l, a []float64
		if perEpoch {
			for _, h := range tw.History {
				l = append(l, h.TrainLoss)
				v := h.TestAcc
				if !finite(v) {
					v = h.TrainAcc
				}
				a = append(a, 100*v)
			}
		} else {
			l = append(l, tw.BatchLosses...)
		}
		loss, acc = append(loss, nanFor(l)), append(acc, nanFor(a))
	}
	return loss, acc
}

// nanFor replaces ±Inf with NaN (asciigraph leaves NaN out).
func nanFor(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		if finite(x) {
			out[i] = x
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// compareMemo is one chart of the Compare pane, memoised by its series,
// size and styles.
type compareMemo struct {
	key  uint64
	st   *themes.Styles
	rows []string
}

// cacheCompare is the Compare pane's memo (a throwaway one without a cache).
func (in *Input) cacheCompare() *compareCache {
	if in.Cache == nil {
		return &compareCache{}
	}
	return &in.Cache.compare
}

type compareCache struct{ loss, acc compareMemo }

// compareChart draws a title and the series overlaid in rows rows from y,
// one colour (mono: one line style) per twin.
func compareChart(in Input, c *canvas, st *themes.Styles, y, rows int, title string, series [][]float64, cols []int, memo *compareMemo) {
	c.draw(0, y, line{{text: title, sgr: st.SGR.Dim}})
	ch, cw := rows-1, in.W-yLabelW-2
	var drawn [][]float64
	var colors []asciigraph.AnsiColor
	var chars []asciigraph.CharSet
	for i, s := range series {
		if anyFinite(s) {
			drawn = append(drawn, stretch(s))
			colors = append(colors, asciigraph.AnsiColor(st.TwinChart(cols[i])))
			chars = append(chars, monoChars(cols[i]))
		}
	}
	if len(drawn) == 0 || ch < 2 || cw < 2 {
		if rows > 1 {
			c.draw(0, y+1, line{{text: "(nothing to draw yet)", sgr: st.SGR.Dim}})
		}
		return
	}
	key := seriesKey(flatten(drawn), nil, ch, cw, in.W) ^ uint64(len(drawn))
	if memo.key != key || memo.st != st || memo.rows == nil {
		lo, hi := yRange(drawn, true)
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return
		}
		opts := []asciigraph.Option{asciigraph.Height(ch - 1), asciigraph.Width(cw),
			asciigraph.LowerBound(lo), asciigraph.UpperBound(hi), asciigraph.YAxisValueFormatter(yLabel)}
		if st.Mono {
			opts = append(opts, asciigraph.SeriesChars(chars...))
		} else {
			opts = append(opts, asciigraph.SeriesColors(colors...),
				asciigraph.AxisColor(asciigraph.AnsiColor(st.Chart.Axis)),
				asciigraph.LabelColor(asciigraph.AnsiColor(st.Chart.Axis)))
		}
		rs := strings.Split(asciigraph.PlotMany(drawn, opts...), "\n")
		for i, r := range rs {
			rs[i] = fitRow(r, in.W)
		}
		memo.key, memo.st, memo.rows = key, st, rs
	}
	for i, r := range memo.rows {
		if i+1 >= rows {
			break
		}
		c.raw(y+1+i, r)
	}
}

// monoChars is twin i's line style without colour: solid, dotted,
// dashed, double.
func monoChars(i int) asciigraph.CharSet {
	cs := asciigraph.DefaultCharSet
	switch i % themes.MaxTwins {
	case 1:
		return dotted()
	case 2:
		cs.Horizontal, cs.VerticalLine = "╌", "╎"
	case 3:
		cs.Horizontal, cs.VerticalLine = "═", "║"
	}
	return cs
}

func anyFinite(v []float64) bool {
	for _, x := range v {
		if finite(x) {
			return true
		}
	}
	return false
}

func flatten(vs [][]float64) []float64 {
	var out []float64
	for _, v := range vs {
		out = append(out, v...)
		out = append(out, math.Inf(1)) // a separator, so lengths count
	}
	return out
}
