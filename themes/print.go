package themes

import (
	"fmt"
	"image/color"
	"math"
	"strings"
)

// Print is a theme's colours for figures on paper and slides (package
// figures draws with it): the palette's light variant on a white page,
// the same meanings as on the screen (Pos and Neg for sign, the class
// colours, the loss chart's train and test colours), and continuous
// scales where the screen has steps.
type Print struct {
	Name string

	Page   color.Color // the background: white
	Ink    color.Color // text, axes, point outlines
	Subtle color.Color // grid lines, secondary text
	Pos    color.Color // positive weight; class 1 of two
	Neg    color.Color // negative weight; class 0 of two
	Train  color.Color // the training series (the screen's Chart.Train)
	Test   color.Color // the test series (the screen's Chart.Test)

	classes []color.Color // as Styles.Class
	neutral color.Color   // the diverging scale's middle
}

// ForPrint returns the print colours of the theme called name: "" (light),
// any built-in theme (dark and light both give the light palette; the
// others their light variant), or "mono" (greys: Pos black, Neg grey).
func ForPrint(name string) (Print, error) {
	if !Valid(name) {
		return Print{}, fmt.Errorf("themes: unknown theme %q (valid: %s)", name, strings.Join(Names(), ", "))
	}
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	if name == MonoName {
		black, grey := hex("#000000"), hex("#8C8C8C")
		return Print{Name: MonoName, Page: white, Ink: black, Subtle: hex("#8C8C8C"), Pos: black, Neg: grey,
			Train: black, Test: grey, classes: []color.Color{grey, black, hex("#4D4D4D"), hex("#BFBFBF")},
			neutral: white}, nil
	}
	if name == "" || name == Dark {
		name = Light
	}
	p, _ := ByName(name)
	s := New(p, false) // the light variant
	lp := s.Palette
	return Print{
		Name: name, Page: white, Ink: lp.Fg, Subtle: lp.Subtle, Pos: lp.Pos, Neg: lp.Neg,
		Train: lp.Accent, Test: lp.Neg, classes: s.classes,
		// Close to the page, so that "no opinion" reads as blank paper.
		neutral: blend(white, lp.Subtle, 0.08),
	}, nil
}

// Class is the colour of class i of n, as Styles.Class: two classes are
// Neg (class 0) and Pos (class 1).
func (p Print) Class(i, n int) color.Color {
	s := Styles{classes: p.classes}
	return p.classes[s.classIndex(i, n)]
}

// ClassShade is class i's colour at intensity t ∈ [0, 1] (clamped),
// blended from the page: t = 0 is the page, t = 1 the class colour.
func (p Print) ClassShade(i, n int, t float64) color.Color {
	return blend(p.Page, p.Class(i, n), clamp01(t))
}

// Diverging maps v ∈ [−1, 1] (clamped; NaN → 0) continuously to Neg ←
// neutral → Pos, the neutral middle close to the page.
func (p Print) Diverging(v float64) color.Color {
	if math.IsNaN(v) {
		v = 0
	}
	v = math.Max(-1, math.Min(1, v))
	if v < 0 {
		return blend(p.neutral, p.Neg, -v)
	}
	return blend(p.neutral, p.Pos, v)
}

// Grey is the page → ink ramp at t ∈ [0, 1] (clamped), for pictures.
func (p Print) Grey(t float64) color.Color { return blend(p.Page, p.Ink, clamp01(t)) }

// Mix blends a into b by t ∈ [0, 1] in CIE L*a*b* (the blend every ramp
// here uses).
func Mix(a, b color.Color, t float64) color.Color { return blend(a, b, clamp01(t)) }
