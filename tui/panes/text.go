package panes

import "unicode/utf8"

// seg is a run of text in one style. A segment with a drop level > 0 is
// optional: when the line is too wide, level 1 segments are dropped first,
// then level 2 ones, each replaced by alt.
type seg struct {
	text, sgr string
	drop      int
	alt       string
}

// line is a styled line of text built from segments.
type line []seg

func (l *line) add(text, sgr string) *line {
	*l = append(*l, seg{text: text, sgr: sgr})
	return l
}

// opt adds an optional segment (see seg) of drop level lvl.
func (l *line) opt(lvl int, text, sgr, alt string) *line {
	*l = append(*l, seg{text: text, sgr: sgr, drop: lvl, alt: alt})
	return l
}

// fit drops optional segments, level 1 then level 2, until l fits in w.
func (l line) fit(w int) line {
	for lvl := 1; lvl <= 2 && l.width() > w; lvl++ {
		out := make(line, 0, len(l))
		for _, s := range l {
			if s.drop == lvl {
				if s.alt != "" {
					out = append(out, seg{text: s.alt, sgr: s.sgr})
				}
				continue
			}
			out = append(out, s)
		}
		l = out
	}
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
		s.sgr = sgr
		out[i] = s
	}
	return out
}

// draw writes l on row y from x, clipping at the right edge with "…".
func (c *canvas) draw(x, y int, l line) {
	if y < 0 || y >= c.h {
		return
	}
	start := x
	l = l.fit(c.w - x)
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
