package themes

import (
	"image/color"
	"math"
	"testing"
)

func TestForPrint(t *testing.T) {
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	for _, name := range append([]string{""}, Names()...) {
		p, err := ForPrint(name)
		if err != nil {
			t.Fatalf("ForPrint(%q): %v", name, err)
		}
		if luminance(p.Page) != 1 {
			t.Errorf("%q: page is not white", name)
		}
		// Everything drawn on the page reads on it.
		for what, c := range map[string]color.Color{"Ink": p.Ink, "Pos": p.Pos, "Neg": p.Neg, "Train": p.Train, "Test": p.Test} {
			if r := contrast(c, white); r < 3 {
				t.Errorf("%q: %s contrast %.2f on white < 3", name, what, r)
			}
		}
		if d := colorDistance(p.Pos, p.Neg); d < 0.3 {
			t.Errorf("%q: Pos and Neg too close (%.2f)", name, d)
		}
		if colorDistance(p.Train, p.Test) < 0.3 {
			t.Errorf("%q: train and test series too close", name)
		}
		// The diverging scale: ends are the sign colours, the middle is
		// nearly the page, and it is continuous.
		if colorDistance(p.Diverging(1), p.Pos) > 0.01 || colorDistance(p.Diverging(-1), p.Neg) > 0.01 {
			t.Errorf("%q: diverging ends are not Pos and Neg", name)
		}
		if luminance(p.Diverging(0)) < 0.8 || luminance(p.Diverging(math.NaN())) != luminance(p.Diverging(0)) {
			t.Errorf("%q: diverging middle luminance %.2f", name, luminance(p.Diverging(0)))
		}
		if p.Diverging(0.50) == p.Diverging(0.51) && name != MonoName {
			t.Errorf("%q: diverging scale is stepped", name)
		}
		if colorDistance(p.ClassShade(1, 2, 0), p.Page) > 0.01 || colorDistance(p.ClassShade(1, 2, 1), p.Class(1, 2)) > 0.01 {
			t.Errorf("%q: ClassShade does not run page → class", name)
		}
		if colorDistance(p.Class(0, 3), p.Class(1, 3)) < 0.1 || colorDistance(p.Class(1, 3), p.Class(2, 3)) < 0.1 {
			t.Errorf("%q: three classes not told apart", name)
		}
		if colorDistance(p.Grey(0), p.Page) > 0.01 || colorDistance(p.Grey(1), p.Ink) > 0.01 {
			t.Errorf("%q: Grey does not run page → ink", name)
		}
	}
	// The screen's meanings: class 1 of two is Pos, as Styles.Class.
	p, _ := ForPrint(Colorblind)
	s := New(func() Palette { q, _ := ByName(Colorblind); return q }(), false)
	if p.Class(1, 2) != s.Class(1, 2) || p.Pos != s.Palette.Pos {
		t.Error("print colours are not the screen's light ones")
	}
	if _, err := ForPrint("neon"); err == nil {
		t.Error("unknown theme accepted")
	}
}
