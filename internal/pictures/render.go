package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"os"
	"path/filepath"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// FontDir is where Debian's fonts-dejavu-core puts DejaVu Sans Mono, a
// monospace font with braille (Topology's edges) and box drawing.
const FontDir = "/usr/share/fonts/truetype/dejavu"

// fontSize is the text size in pixels: DejaVu Sans Mono's cells are then
// 9 × 18 pixels.
const fontSize = 15

// term draws terminal cells as pixels: each cell of an x/vt screen at its
// grid position, its glyph from a monospace font (bold from the bold
// face), and block and box-drawing characters as geometry, so that half
// blocks tile without seams and borders join.
type term struct {
	regular, bold, fallback font.Face
	cellW, cellH, ascent    int
	fg, bg                  color.Color // the colours of unstyled cells
}

// newTerm loads the fonts from dir: DejaVuSansMono.ttf, its bold, and
// DejaVuSans.ttf for what the monospace face lacks (Debian's 2.37 has no
// braille in the monospace face; DejaVu Sans has all 256 patterns, drawn
// here in their cell like every other glyph).
func newTerm(dir string, fg, bg color.Color) (*term, error) {
	load := func(name string) (font.Face, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%v (install Debian's fonts-dejavu-core, or pass -fonts DIR)", err)
		}
		f, err := opentype.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return opentype.NewFace(f, &opentype.FaceOptions{Size: fontSize, DPI: 72, Hinting: font.HintingFull})
	}
	t := &term{fg: fg, bg: bg}
	var err error
	if t.regular, err = load("DejaVuSansMono.ttf"); err != nil {
		return nil, err
	}
	if t.bold, err = load("DejaVuSansMono-Bold.ttf"); err != nil {
		return nil, err
	}
	if t.fallback, err = load("DejaVuSans.ttf"); err != nil {
		return nil, err
	}
	adv, _ := t.regular.GlyphAdvance('M')
	m := t.regular.Metrics()
	t.cellW = adv.Round()
	t.cellH = (m.Ascent + m.Descent).Ceil() + 1
	t.ascent = m.Ascent.Round()
	return t, nil
}

// screen is a snapshot of an emulator's cells.
type screen struct {
	w, h  int
	cells [][]uv.Cell // [y][x]
}

// capture writes a View's content into an x/vt emulator of w × h cells and
// returns its cells.
func capture(content string, w, h int) screen {
	emu := vt.NewEmulator(w, h)
	done := make(chan struct{})
	go func() { // the emulator answers queries on its input pipe; drain it
		_, _ = io.Copy(io.Discard, emu)
		close(done)
	}()
	_, _ = emu.WriteString("\x1b[20h") // LNM: "\n" also returns the carriage
	_, _ = emu.WriteString(content)
	s := screen{w: w, h: h, cells: make([][]uv.Cell, h)}
	for y := range h {
		s.cells[y] = make([]uv.Cell, w)
		for x := range w {
			if c := emu.CellAt(x, y); c != nil {
				s.cells[y][x] = *c
			}
		}
	}
	if c, ok := emu.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
	<-done
	_ = emu.Close()
	return s
}

// size is the picture size of a w × h screen: its cells and a margin of
// one cell width around them.
func (t *term) size(w, h int) (int, int) {
	return w*t.cellW + 2*t.cellW, h*t.cellH + 2*t.cellW
}

// render draws s with a margin of one cell width around it.
func (t *term) render(s screen) *image.RGBA {
	pad := t.cellW
	pw, ph := t.size(s.w, s.h)
	img := image.NewRGBA(image.Rect(0, 0, pw, ph))
	draw.Draw(img, img.Bounds(), image.NewUniform(t.bg), image.Point{}, draw.Src)
	for y, row := range s.cells {
		for x, c := range row {
			t.cell(img, pad+x*t.cellW, pad+y*t.cellH, c)
		}
	}
	return img
}

// colours are a cell's foreground and background after reverse and faint.
func (t *term) colours(st uv.Style) (fg, bg color.Color) {
	fg, bg = st.Fg, st.Bg
	if fg == nil {
		fg = t.fg
	}
	if bg == nil {
		bg = t.bg
	}
	if st.Attrs&uv.AttrReverse != 0 {
		fg, bg = bg, fg
	}
	if st.Attrs&uv.AttrFaint != 0 {
		fg = mix(fg, bg, 0.45)
	}
	return fg, bg
}

// cell draws one cell at pixel (px, py).
func (t *term) cell(img *image.RGBA, px, py int, c uv.Cell) {
	fg, bg := t.colours(c.Style)
	w := max(c.Width, 1)
	rect := image.Rect(px, py, px+w*t.cellW, py+t.cellH)
	draw.Draw(img, rect, image.NewUniform(bg), image.Point{}, draw.Src)
	r := []rune(c.Content)
	if len(r) == 0 || c.Content == " " {
		return
	}
	if len(r) == 1 && t.geometry(img, rect, r[0], fg, bg) {
		return
	}
	face := t.regular
	if c.Style.Attrs&uv.AttrBold != 0 {
		face = t.bold
	}
	if _, ok := face.GlyphAdvance(r[0]); !ok {
		face = t.fallback
	}
	t.glyph(img, rect, face, c.Content, fg, bg)
	if c.Style.Underline != uv.UnderlineNone {
		y := py + t.ascent + 3
		draw.Draw(img, image.Rect(px, y, rect.Max.X, y+1), image.NewUniform(fg), image.Point{}, draw.Src)
	}
}

// alphaLevels is how many shades a glyph's anti-aliased edge takes
// between background and ink: few enough that a screen stays within a
// 256-colour palette (a PNG a third the size), enough to look smooth.
const alphaLevels = 4

// glyph draws s in rect with face: its coverage rounded to alphaLevels
// steps, each pixel a blend of bg and fg. Glyphs wider than the cell
// (DejaVu Sans's braille) are clipped to it.
func (t *term) glyph(img *image.RGBA, rect image.Rectangle, face font.Face, s string, fg, bg color.Color) {
	mask := image.NewAlpha(image.Rect(0, 0, rect.Dx(), rect.Dy()))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: fixed.P(0, t.ascent+1)}
	d.DrawString(s)
	shades := make([]color.Color, alphaLevels+1)
	for i := range shades {
		shades[i] = mix(bg, fg, float64(i)/alphaLevels)
	}
	for y := range rect.Dy() {
		for x := range rect.Dx() {
			a := mask.AlphaAt(x, y).A
			if a == 0 {
				continue
			}
			img.Set(rect.Min.X+x, rect.Min.Y+y, shades[(int(a)*alphaLevels+127)/255])
		}
	}
}

// mix blends a toward b by t.
func mix(a, b color.Color, t float64) color.Color {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	f := func(x, y uint32) uint8 { return uint8((float64(x)*(1-t) + float64(y)*t) / 257) }
	return color.RGBA{f(ar, br), f(ag, bg), f(ab, bb), 0xff}
}
