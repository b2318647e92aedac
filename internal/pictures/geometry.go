package main

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Block elements and box drawing are drawn as shapes on the cell grid, not
// from the font: a font's half block leaves a seam where the line height
// exceeds its glyph, and its borders do not meet at every size.

// box says which arms a box-drawing character has from the cell's centre
// (0 none, 1 light, 2 heavy), and whether its corner is rounded or its
// lines dashed.
type box struct {
	left, right, up, down int
	round, dashed         bool
}

// boxes are the box-drawing characters the app draws (pane borders,
// asciigraph's axes and lines, tables).
var boxes = map[rune]box{
	'─': {left: 1, right: 1}, '│': {up: 1, down: 1},
	'┌': {right: 1, down: 1}, '┐': {left: 1, down: 1}, '└': {right: 1, up: 1}, '┘': {left: 1, up: 1},
	'├': {up: 1, down: 1, right: 1}, '┤': {up: 1, down: 1, left: 1},
	'┬': {left: 1, right: 1, down: 1}, '┴': {left: 1, right: 1, up: 1}, '┼': {left: 1, right: 1, up: 1, down: 1},
	'━': {left: 2, right: 2}, '┃': {up: 2, down: 2},
	'┏': {right: 2, down: 2}, '┓': {left: 2, down: 2}, '┗': {right: 2, up: 2}, '┛': {left: 2, up: 2},
	'┣': {up: 2, down: 2, right: 2}, '┫': {up: 2, down: 2, left: 2},
	'┳': {left: 2, right: 2, down: 2}, '┻': {left: 2, right: 2, up: 2}, '╋': {left: 2, right: 2, up: 2, down: 2},
	'╭': {right: 1, down: 1, round: true}, '╮': {left: 1, down: 1, round: true},
	'╰': {right: 1, up: 1, round: true}, '╯': {left: 1, up: 1, round: true},
	'┄': {left: 1, right: 1, dashed: true}, '┆': {up: 1, down: 1, dashed: true},
	'╌': {left: 1, right: 1, dashed: true}, '╎': {up: 1, down: 1, dashed: true},
}

// geometry draws r in rect if it is a block element or a box-drawing
// character it knows, and reports whether it did.
func (t *term) geometry(img *image.RGBA, rect image.Rectangle, r rune, fg, bg color.Color) bool {
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		draw.Draw(img, image.Rect(x0, y0, x1, y1).Intersect(rect), image.NewUniform(c), image.Point{}, draw.Src)
	}
	x0, y0, x1, y1 := rect.Min.X, rect.Min.Y, rect.Max.X, rect.Max.Y
	w, h := x1-x0, y1-y0
	switch {
	case r == '▀':
		fill(x0, y0, x1, y0+h/2, fg)
	case r >= '▁' && r <= '█': // lower eighths … full block
		n := int(r-'▁') + 1
		fill(x0, y1-h*n/8, x1, y1, fg)
	case r >= '▉' && r <= '▏': // left seven eighths … one eighth
		n := 8 - int(r-'▉') - 1
		fill(x0, y0, x0+w*n/8, y1, fg)
	case r == '▐':
		fill(x0+w/2, y0, x1, y1, fg)
	case r >= '░' && r <= '▓':
		fill(x0, y0, x1, y1, mix(bg, fg, 0.25*float64(r-'░'+1)))
	case r == '⏸': // pause (no DejaVu face has it): two bars
		fill(x0+w/5, y0+h/4, x0+w*2/5, y1-h/4, fg)
		fill(x1-w*2/5, y0+h/4, x1-w/5, y1-h/4, fg)
	case r == '⏵': // play: a triangle pointing right
		for y := y0 + h/4; y < y1-h/4; y++ {
			d := min(y-(y0+h/4), (y1-h/4)-1-y) // distance from the top or bottom
			fill(x0+w/5, y, x0+w/5+d*3/2+1, y+1, fg)
		}
	default:
		b, ok := boxes[r]
		if !ok {
			return false
		}
		t.boxDraw(img, rect, b, fg)
	}
	return true
}

// boxDraw draws the arms of b from the cell's centre to its edges.
func (t *term) boxDraw(img *image.RGBA, rect image.Rectangle, b box, fg color.Color) {
	cx, cy := rect.Min.X+rect.Dx()/2, rect.Min.Y+rect.Dy()/2
	set := func(x, y int) {
		if (image.Point{x, y}).In(rect) {
			img.Set(x, y, fg)
		}
	}
	hline := func(xa, xb, weight int) {
		for x := xa; x < xb; x++ {
			if b.dashed && (x-rect.Min.X)%3 == 2 {
				continue
			}
			for d := range weight {
				set(x, cy+d)
			}
		}
	}
	vline := func(ya, yb, weight int) {
		for y := ya; y < yb; y++ {
			if b.dashed && (y-rect.Min.Y)%4 == 3 {
				continue
			}
			for d := range weight {
				set(cx+d, y)
			}
		}
	}
	if b.round {
		t.corner(rect, b, set)
		return
	}
	heavy := max(b.left, b.right, b.up, b.down)
	if b.left > 0 {
		hline(rect.Min.X, cx+heavy, b.left)
	}
	if b.right > 0 {
		hline(cx, rect.Max.X, b.right)
	}
	if b.up > 0 {
		vline(rect.Min.Y, cy+heavy, b.up)
	}
	if b.down > 0 {
		vline(cy, rect.Max.Y, b.down)
	}
}

// corner draws a rounded corner: straight arms into a quarter circle.
func (t *term) corner(rect image.Rectangle, b box, set func(x, y int)) {
	cx, cy := rect.Min.X+rect.Dx()/2, rect.Min.Y+rect.Dy()/2
	hx, vy := 1, 1 // towards the horizontal and the vertical arm
	if b.left > 0 {
		hx = -1
	}
	if b.up > 0 {
		vy = -1
	}
	r := rect.Dx() / 2
	ox, oy := cx+hx*r, cy+vy*r // the arc's centre
	for x := ox; x >= rect.Min.X && x < rect.Max.X; x += hx {
		set(x, cy)
	}
	for y := oy; y >= rect.Min.Y && y < rect.Max.Y; y += vy {
		set(cx, y)
	}
	for i := 0; i <= 4*r; i++ {
		a := float64(i) / float64(4*r) * math.Pi / 2
		x := float64(ox) - float64(hx)*float64(r)*math.Cos(a)
		y := float64(oy) - float64(vy)*float64(r)*math.Sin(a)
		set(int(math.Round(x)), int(math.Round(y)))
	}
}
