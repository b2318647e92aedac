package panes

import (
	"fmt"
	"strconv"

	"backprop/datasets"
	"backprop/internal/numfmt"
	"backprop/themes"
)

// Browse is what the Confusion pane draws: a confusion matrix computed by
// the caller (off the UI thread, on a copy of the network) with a cursor
// cell, and a list of samples — those in the cursor's cell, or the most
// confused ones — with one selected.
type Browse struct {
	// Conf[actual][predicted] counts the evaluated samples; nil: none yet.
	Conf     [][]int
	Set      string // "test" or "train"
	N        int    // samples evaluated
	Acc      float64
	Row, Col int // the cursor cell
	// Most: the list is the most-confused samples (every mistake, most
	// confident first) instead of the cursor cell's samples.
	Most bool
	List []BrowseItem
	Sel  int // index into List of the selected (probed) sample
	// Note is a dim remark, e.g. "evaluating…" or "as of epoch 2".
	Note string
}

// BrowseItem is one sample of a Browse list.
type BrowseItem struct {
	Index        int     // index in the evaluated set
	Target, Pred int     // classes
	Prob         float64 // the network's output for Pred
}

// Confusion draws in.Browse: a title, the matrix (counts when they fit,
// else shades) with the cursor cell highlighted, then the list.
func Confusion(in Input) string {
	if in.W <= 0 || in.H <= 0 {
		return ""
	}
	b := in.Browse
	if b == nil || b.Conf == nil {
		msg := "confusion matrix: evaluating…"
		if b != nil && b.Note != "" {
			msg = b.Note
		}
		return message(in, msg)
	}
	st := in.styles()
	c := in.canvas()
	k := len(b.Conf)
	title := layLines([]line{confusionTitle(st, b)}, in.W, max(min(2, in.H-k-2), 1), 2)
	y := drawConfusionMatrix(in, st, c, b, c.drawLines(0, 0, title))
	if y >= in.H {
		return c.String()
	}
	c.draw(0, y, browseListTitle(st, in.Data, b))
	drawBrowseList(in, st, c, b, y+1)
	return c.String()
}

// confusionTitle: "confusion test 1000 · acc 91.2% · as of epoch 2".
func confusionTitle(st *themes.Styles, b *Browse) line {
	var head line
	head.add("confusion", st.SGR.Title)
	head.add(fmt.Sprintf(" %s %d · acc ", b.Set, b.N), st.SGR.Dim).add(pct(b.Acc), st.SGR.Bold)
	if b.Note != "" {
		head.opt(1, " · "+b.Note, st.SGR.Dim, "")
	}
	return head
}

// drawConfusionMatrix draws the matrix from row y — the predicted classes'
// header when there is room, then one row per actual class — and returns
// the next free row.
func drawConfusionMatrix(in Input, st *themes.Styles, c *canvas, b *Browse, y int) int {
	d := in.Data
	k := len(b.Conf)
	labW, digits := confWidths(d, b.Conf)
	x0 := labW + 1
	cw := max(digits, labW) + 1
	counts := x0+k*cw <= in.W
	if !counts {
		cw = 2
	}
	if in.H >= k+4 {
		c.text(0, y, "↓", st.SGR.Dim)
		for j := range k {
			c.textRight(x0+(j+1)*cw, y, short(className(d, j)), st.SGR.Dim)
		}
		y++
	}
	for i := 0; i < k && y < in.H; i, y = i+1, y+1 {
		c.textRight(labW, y, short(className(d, i)), st.SGR.Dim)
		total := rowTotal(b.Conf[i])
		for j := range k {
			s, sgr := confCell(st, b.Conf[i][j], total, i == j, counts)
			if !b.Most && i == b.Row && j == b.Col {
				sgr = st.SGR.Focus
				if s == "·" {
					s = "0"
				}
			}
			c.textRight(x0+(j+1)*cw, y, s, sgr)
		}
	}
	return y
}

// browseListTitle: "most confused: 12 mistakes", or the cursor cell's
// "3→8 wrong: 4 samples".
func browseListTitle(st *themes.Styles, d *datasets.Dataset, b *Browse) line {
	var title line
	k := len(b.Conf)
	if b.Most {
		title.add("most confused: "+numfmt.Count(len(b.List), "mistake"), st.SGR.Title)
	} else if b.Row >= 0 && b.Row < k && b.Col >= 0 && b.Col < k {
		what := "right"
		if b.Row != b.Col {
			what = "wrong"
		}
		title.add(fmt.Sprintf("%s→%s", className(d, b.Row), className(d, b.Col)), st.SGR.Title)
		title.add(fmt.Sprintf(" %s: %s", what, numfmt.Count(b.Conf[b.Row][b.Col], "sample")), st.SGR.Dim)
	}
	return title
}

// drawBrowseList draws the list from row y, scrolled to keep the selected
// sample in view: "▸3/12 #417  3 → 8 0.91".
func drawBrowseList(in Input, st *themes.Styles, c *canvas, b *Browse, y int) {
	rows := in.H - y
	if rows <= 0 || len(b.List) == 0 {
		return
	}
	sel := max(0, min(b.Sel, len(b.List)-1))
	first := max(0, min(sel-rows/2, len(b.List)-rows))
	for r := first; r < len(b.List) && y < in.H; r, y = r+1, y+1 {
		it := b.List[r]
		var l line
		sgr := st.SGR.Text
		if r == sel {
			sgr = st.SGR.Focus
			l.add("▸", st.SGR.Accent)
		} else {
			l.add(" ", "")
		}
		l.add(fmt.Sprintf("%d/%d #%d", r+1, len(b.List), it.Index), sgr)
		l.add(fmt.Sprintf("  %s → %s", className(in.Data, it.Target), className(in.Data, it.Pred)), st.SGR.Text)
		l.add(" "+num2(it.Prob), st.SGR.Dim)
		c.draw(0, y, l.fit(in.W))
	}
}

// confWidths are the widest class label (at least 1) and the digits of the
// largest count (at least 1) of confusion matrix conf.
func confWidths(d *datasets.Dataset, conf [][]int) (labW, digits int) {
	labW, digits = 1, 1
	for i := range conf {
		labW = max(labW, len([]rune(short(className(d, i)))))
	}
	for _, row := range conf {
		for _, v := range row {
			digits = max(digits, len(strconv.Itoa(v)))
		}
	}
	return labW, digits
}

// rowTotal is Σ row: the samples of one actual class.
func rowTotal(row []int) int {
	total := 0
	for _, v := range row {
		total += v
	}
	return total
}

// confCell is the text and style of one confusion cell holding v of its
// row's total: the count when counts, else a shade of 0.25 + 0.75·v/total;
// "·" when empty. Hits on the diagonal are OK, the others errors.
func confCell(st *themes.Styles, v, total int, diag, counts bool) (s, sgr string) {
	sgr = st.SGR.Dim
	switch {
	case v > 0 && diag:
		sgr = st.SGR.OK
	case v > 0:
		sgr = st.SGR.Error
	}
	s = "·"
	switch {
	case v > 0 && counts:
		s = strconv.Itoa(v)
	case v > 0:
		s = themes.Shade(0.25 + 0.75*float64(v)/float64(max(total, 1)))
	}
	return s, sgr
}
