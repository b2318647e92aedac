package panes

import (
	"slices"
	"strings"
)

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
		n += cells(s.text)
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

// token is a word of a line and the spaces after it, in one style.
type token struct {
	word, space, sgr string
}

// tokens splits l into words at spaces, each with its segment's style. A
// lone operator (· = + − → × …) is glued to the word after it, so a
// wrapped line starts with "· batch 3/4" rather than ending in "·".
func (l line) tokens() []token {
	var ts []token
	for _, s := range l {
		rest := s.text
		for rest != "" {
			i := strings.IndexByte(rest, ' ')
			if i < 0 {
				ts = append(ts, token{word: rest, sgr: s.sgr})
				break
			}
			j := i
			for j < len(rest) && rest[j] == ' ' {
				j++
			}
			if i == 0 && len(ts) > 0 { // leading spaces belong to the word before
				ts[len(ts)-1].space += rest[:j]
			} else {
				ts = append(ts, token{word: rest[:i], space: rest[i:j], sgr: s.sgr})
			}
			rest = rest[j:]
		}
	}
	return ts
}

// glued reports whether t is an operator that should start the row with
// the word after it.
func (t token) glued() bool {
	switch t.word {
	case "·", "=", "+", "−", "→", "×", "←", "…":
		return t.space != ""
	}
	return false
}

// wrap breaks l into rows of at most w cells; rows after the first start
// with indent spaces. It breaks between chunks (before " · ", after a
// double space) where a chunk fits on a row of its own, keeping "batch
// 3/4" and "y = (1.00)" whole, else at spaces; a word wider than a row is
// cut inside.
func (l line) wrap(w, indent int) []line {
	if l.width() <= w || w <= indent+1 {
		return []line{l}
	}
	r := rower{w: w, indent: indent}
	for _, ch := range chunks(l.tokens()) {
		if cw := width(ch); r.filled && r.curW+cw > w && indent+cw <= w {
			r.emit() // the chunk fits on a row of its own
		}
		for i, t := range ch {
			need := cells(t.word)
			if t.glued() && i+1 < len(ch) { // keep the operator with its word
				need += cells(t.space) + cells(ch[i+1].word)
			}
			if r.filled && r.curW+need > w {
				r.emit()
			}
			r.add(t)
		}
	}
	if r.filled {
		r.emit()
	}
	return r.rows
}

// chunks splits tokens before each "·" separator and after a gap of two
// spaces or more ("x = (…)  y = (…)").
func chunks(ts []token) [][]token {
	var out [][]token
	for i, t := range ts {
		if i == 0 || t.word == "·" || len(ts[i-1].space) >= 2 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], t)
	}
	return out
}

// width is the cells of a chunk without its trailing space.
func width(ts []token) int {
	n := 0
	for i, t := range ts {
		n += cells(t.word)
		if i < len(ts)-1 {
			n += cells(t.space)
		}
	}
	return n
}

// rower collects the rows of a wrapped line.
type rower struct {
	w, indent int
	rows      []line
	cur       line
	curW      int
	filled    bool // cur holds a word
}

// emit ends the current row and starts an indented one.
func (r *rower) emit() {
	if n := len(r.cur); n > 0 {
		r.cur[n-1].text = strings.TrimRight(r.cur[n-1].text, " ")
	}
	r.rows = append(r.rows, r.cur)
	r.cur, r.curW, r.filled = line{{text: strings.Repeat(" ", r.indent)}}, r.indent, false
}

// add puts t on the current row, cutting a word wider than a row.
func (r *rower) add(t token) {
	word := []rune(t.word)
	for r.curW+cells(string(word)) > r.w && r.curW < r.w {
		n := r.w - r.curW
		r.cur = append(r.cur, seg{text: string(word[:n]), sgr: t.sgr})
		word = word[n:]
		r.filled = true
		r.emit()
	}
	r.cur = append(r.cur, seg{text: string(word) + t.space, sgr: t.sgr})
	r.curW += cells(string(word)) + cells(t.space)
	r.filled = true
}

// layLines lays ls out in at most h rows of w cells: every line whole and
// wrapped when they all fit; else each line with its optional parts dropped
// (see fit), wrapped, and then as many of them whole again as the rows
// left allow (those that need the fewest more rows first, the lower ones
// first among equals: an Inspector's equations before the sample's y);
// else as many lines as there is room for wrapped, the others on one row
// each (cut). Continuation rows are indented by indent.
func layLines(ls []line, w, h, indent int) []line {
	whole := make([][]line, len(ls))
	short := make([][]line, len(ls))
	n := 0
	for i, l := range ls {
		whole[i] = l.wrap(w, indent)
		short[i] = l.fit(w).wrap(w, indent)
		n += len(short[i])
	}
	if n <= h {
		order := make([]int, len(ls))
		for i := range order {
			order[i] = len(ls) - 1 - i
		}
		extra := func(i int) int { return len(whole[i]) - len(short[i]) }
		slices.SortStableFunc(order, func(a, b int) int { return extra(a) - extra(b) })
		for _, i := range order {
			if n+extra(i) <= h {
				n += extra(i)
				short[i] = whole[i]
			}
		}
		var out []line
		for _, rows := range short {
			out = append(out, rows...)
		}
		return out
	}
	var out []line
	for i, l := range ls {
		l = l.fit(w)
		if rows := l.wrap(w, indent); len(out)+len(rows)+len(ls)-i-1 <= h {
			out = append(out, rows...)
		} else {
			out = append(out, l)
		}
	}
	return out
}

// wrapLines wraps every line of ls to w cells, dropping their optional
// parts first when drop is set (see fit).
func wrapLines(ls []line, w, indent int, drop bool) []line {
	var out []line
	for _, l := range ls {
		if drop {
			l = l.fit(w)
		}
		out = append(out, l.wrap(w, indent)...)
	}
	return out
}
