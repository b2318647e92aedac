package panes

import "unicode/utf8"

// seg is a run of text in one style.
type seg struct{ text, sgr string }

// line is a styled line of text built from segments.
type line []seg

func (l *line) add(text, sgr string) *line {
	*l = append(*l, seg{text, sgr})
	return l
}

// width is the number of cells of l (every rune one cell).
func (l line) width() int {
	n := 0
	for _, s := range l {
		n += utf8.RuneCountInString(s.text)
	}
	return n
}

// dim restyles every segment of l with sgr.
func (l line) dim(sgr string) line {
	out := make(line, len(l))
	for i, s := range l {
		out[i] = seg{s.text, sgr}
	}
	return out
}

// draw writes l on row y from x, clipping at the right edge with "…".
func (c *canvas) draw(x, y int, l line) {
	if y < 0 || y >= c.h {
		return
	}
	start := x
	for _, s := range l {
		x = c.text(x, y, s.text, s.sgr)
	}
	if x > c.w && c.w > start {
		c.put(c.w-1, y, "…", "")
	}
}

// drawLines writes ls from row y0, one per row, and returns the next row.
func (c *canvas) drawLines(x, y0 int, ls []line) int {
	for i, l := range ls {
		c.draw(x, y0+i, l)
	}
	return y0 + len(ls)
}
