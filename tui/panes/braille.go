package panes

import "math"

// braille is a layer of 2×4 dots per cell (U+2800 block) with one SGR per
// cell: the last line drawn through a cell sets its colour.
type braille struct {
	w, h  int
	bits  []uint8
	sgr   []string
	marks []string // a glyph that replaces the dots of a cell ("" for none)
}

func newBraille(w, h int) *braille {
	return (&braille{}).reset(w, h)
}

// reset makes b a blank w×h layer, reusing its buffers when big enough.
func (b *braille) reset(w, h int) *braille {
	w, h = max(w, 0), max(h, 0)
	n := w * h
	if cap(b.bits) < n {
		b.bits, b.sgr, b.marks = make([]uint8, n), make([]string, n), make([]string, n)
	} else {
		b.bits, b.sgr, b.marks = b.bits[:n], b.sgr[:n], b.marks[:n]
		clear(b.bits)
		clear(b.sgr)
		clear(b.marks)
	}
	b.w, b.h = w, h
	return b
}

// dotBit[dy][dx] is the bit of dot (dx, dy) within a braille cell.
func dotBit(dx, dy int) uint8 {
	switch dy {
	case 0:
		return [2]uint8{0x01, 0x08}[dx]
	case 1:
		return [2]uint8{0x02, 0x10}[dx]
	case 2:
		return [2]uint8{0x04, 0x20}[dx]
	}
	return [2]uint8{0x40, 0x80}[dx]
}

// dot sets pixel (px, py), clipped.
func (b *braille) dot(px, py int, sgr string) {
	if px < 0 || py < 0 || px >= 2*b.w || py >= 4*b.h {
		return
	}
	i := (py/4)*b.w + px/2
	b.bits[i] |= dotBit(px%2, py%4)
	b.sgr[i] = sgr
}

// line draws from (x0, y0) to (x1, y1) in pixels, one dot in every `every`.
// Only the steps that can fall on the layer are walked, so an end far off
// it (a diverging curve) costs no more than one on it.
func (b *braille) line(x0, y0, x1, y1, every int, sgr string) {
	dx, dy := x1-x0, y1-y0
	n := max(abs(dx), abs(dy))
	if n == 0 {
		b.dot(x0, y0, sgr)
		return
	}
	every = max(every, 1)
	lo, hi := 0.0, float64(n)
	// Step i is at x0 + dx·i/n (rounded): keep the i whose x and y lie
	// within a pixel of the layer.
	clip := func(p0, d, size int) {
		if d == 0 {
			if p0 < 0 || p0 >= size {
				lo, hi = 1, 0
			}
			return
		}
		a := float64(-1-p0) * float64(n) / float64(d)
		c := float64(size-p0) * float64(n) / float64(d)
		lo, hi = max(lo, min(a, c)), min(hi, max(a, c))
	}
	clip(x0, dx, 2*b.w)
	clip(y0, dy, 4*b.h)
	if lo > hi {
		return
	}
	first := max(int(math.Floor(lo)), 0)
	first -= first % every
	for i := first; i <= min(int(math.Ceil(hi)), n); i++ {
		if i%every != 0 {
			continue
		}
		x := x0 + (dx*i+sign(dx)*n/2)/n
		y := y0 + (dy*i+sign(dy)*n/2)/n
		b.dot(x, y, sgr)
	}
}

// polyline joins points 0..n−1 with lines: at(i) is point i in pixels,
// and !ok breaks the line there (a point after a break starts with a dot).
func (b *braille) polyline(n int, at func(i int) (x, y int, ok bool), sgr string) {
	prevX, prevY, joined := 0, 0, false
	for i := range n {
		x, y, ok := at(i)
		switch {
		case !ok:
		case joined:
			b.line(prevX, prevY, x, y, 1, sgr)
		default:
			b.dot(x, y, sgr)
		}
		prevX, prevY, joined = x, y, ok
	}
}

// mark puts a glyph in cell (x, y) in place of its dots.
func (b *braille) mark(x, y int, glyph string) {
	if x >= 0 && y >= 0 && x < b.w && y < b.h {
		b.marks[y*b.w+x] = glyph
	}
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// mergeInto draws the dots into the empty cells of c.
func (b *braille) mergeInto(c *canvas) {
	for i, bits := range b.bits {
		if c.ch[i] != "" {
			continue
		}
		if m := b.marks[i]; m != "" {
			c.ch[i], c.st[i] = m, ""
			continue
		}
		if bits != 0 {
			c.ch[i] = brailleGlyph(bits)
			c.st[i] = b.sgr[i]
		}
	}
}

// brailleGlyph is the braille pattern with the given dots, without
// allocating: all 256 patterns are slices of one constant string.
func brailleGlyph(bits uint8) string {
	// U+2800 + bits is E2 A0|A1|A2|A3 80+…: three bytes each.
	i := int(bits) * 3
	return braillePatterns[i : i+3]
}
