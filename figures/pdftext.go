package figures

import (
	"image"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfCanvas is a PDF canvas that writes the figures' Unicode labels with
// the PDF library's cp1252 fonts: vgpdf passes UTF-8 through to a cp1252
// font, so "x₂" came out as "xâ‚‚". Text is re-encoded to cp1252, and
// what cp1252 lacks is typeset by hand: subscript and superscript digits
// as small digits below or above the baseline, the arrow of "2→8→1" as a
// hyphen ("2-8-1"), the minus sign as an en dash.
type pdfCanvas struct {
	*vgpdf.Canvas
}

// script says where a run of text sits: on the baseline, below or above.
type script int

const (
	baseline script = iota
	lowered
	raised
)

// pdfRun is a piece of a label typeset one way.
type pdfRun struct {
	s   string // UTF-8
	pos script
}

var (
	subscripts   = "₀₁₂₃₄₅₆₇₈₉"
	superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹"
)

// pdfRuns splits s into runs of baseline text and sub- and superscript
// digits (as plain digits), with the characters cp1252 lacks replaced.
func pdfRuns(s string) []pdfRun {
	var runs []pdfRun
	add := func(r rune, pos script) {
		if n := len(runs); n > 0 && runs[n-1].pos == pos {
			runs[n-1].s += string(r)
			return
		}
		runs = append(runs, pdfRun{string(r), pos})
	}
	for _, r := range s {
		if i := strings.IndexRune(subscripts, r); i >= 0 {
			add(rune('0'+len([]rune(subscripts[:i]))), lowered)
			continue
		}
		if i := strings.IndexRune(superscripts, r); i >= 0 {
			add(rune('0'+len([]rune(superscripts[:i]))), raised)
			continue
		}
		switch r {
		case '→':
			r = '-'
		case '−':
			r = '–'
		}
		if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
			r = '?'
		}
		add(r, baseline)
	}
	return runs
}

// FillString draws str run by run, each re-encoded to cp1252.
func (c pdfCanvas) FillString(fnt font.Face, pt vg.Point, str string) {
	x := pt.X
	for _, run := range pdfRuns(str) {
		f, y := fnt, pt.Y
		switch run.pos {
		case lowered:
			f.Font.Size = fnt.Font.Size * 0.7
			y -= fnt.Font.Size * 0.15
		case raised:
			f.Font.Size = fnt.Font.Size * 0.7
			y += fnt.Font.Size * 0.4
		}
		enc, err := charmap.Windows1252.NewEncoder().String(run.s)
		if err != nil {
			enc = run.s
		}
		c.Canvas.FillString(f, vg.Point{X: x, Y: y}, enc)
		x += f.Width(run.s)
	}
}

// DrawImage draws img upside down, which vgpdf turns the right way up
// (it flips images: a PDF figure's maps came out mirrored top to bottom
// against their contour lines).
func (c pdfCanvas) DrawImage(rect vg.Rectangle, img image.Image) {
	b := img.Bounds()
	flipped := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			flipped.Set(x, b.Dy()-1-y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	c.Canvas.DrawImage(rect, flipped)
}
