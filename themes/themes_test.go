package themes

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of a and b, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestBuiltinsBuild(t *testing.T) {
	for _, name := range Names() {
		for _, dark := range []bool{true, false} {
			s, err := Pick(name, dark, false)
			if err != nil {
				t.Fatalf("Pick(%q, %v): %v", name, dark, err)
			}
			if got := s.Title.Render("x"); ansi.Strip(got) != "x" {
				t.Errorf("%s: Title renders %q", name, got)
			}
			if s.Mono != (name == MonoName) {
				t.Errorf("%s: Mono = %v", name, s.Mono)
			}
			if !s.Mono {
				if len(s.ramp) != RampSteps || len(s.div) != 2*RampSteps+1 {
					t.Errorf("%s: ramp %d, div %d", name, len(s.ramp), len(s.div))
				}
			}
		}
	}
}

func TestContrast(t *testing.T) {
	// Minimum WCAG contrast against the palette's background, per colour.
	type req struct {
		what string
		get  func(Palette) color.Color
		min  float64
	}
	reqs := []req{
		{"Fg", func(p Palette) color.Color { return p.Fg }, 7},
		{"Subtle", func(p Palette) color.Color { return p.Subtle }, 3},
		{"Accent", func(p Palette) color.Color { return p.Accent }, 3},
		{"Pos", func(p Palette) color.Color { return p.Pos }, 3},
		{"Neg", func(p Palette) color.Color { return p.Neg }, 3},
		{"Error", func(p Palette) color.Color { return p.Error }, 3},
		{"OK", func(p Palette) color.Color { return p.OK }, 3},
		{"ActHigh", func(p Palette) color.Color { return p.ActHigh }, 3},
	}
	for _, name := range []string{Dark, Light, HighContrast, Colorblind} {
		for _, dark := range []bool{true, false} {
			p, _ := ByName(name)
			if name == Light && dark || name == Dark && !dark {
				continue // fixed themes are tested on their own background
			}
			s := New(p, dark)
			for _, r := range reqs {
				min := r.min
				if name == HighContrast {
					min = math.Max(min, 7)
				}
				if c := contrast(r.get(s.Palette), s.Palette.Bg); c < min {
					t.Errorf("%s (dark=%v): %s contrast %.2f < %.1f", name, dark, r.what, c, min)
				}
			}
			// The palette really is for the background it claims.
			if bgDark := luminance(s.Palette.Bg) < 0.2; bgDark != dark {
				t.Errorf("%s (dark=%v): background luminance %.2f", name, dark, luminance(s.Palette.Bg))
			}
			// Pos and Neg must be told apart.
			if d := colorDistance(s.Palette.Pos, s.Palette.Neg); d < 0.3 {
				t.Errorf("%s: Pos and Neg too close (%.2f)", name, d)
			}
		}
	}
}

func colorDistance(a, b color.Color) float64 {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) float64 { return (float64(x) - float64(y)) / 0xffff }
	return math.Sqrt(d(ar, br)*d(ar, br) + d(ag, bg)*d(ag, bg) + d(ab, bb)*d(ab, bb))
}

func TestRampAndDiverging(t *testing.T) {
	p, _ := ByName(Dark)
	s := New(p, true)
	tests := []struct {
		name string
		got  color.Color
		want color.Color
	}{
		{"ramp 0 is ActLow", s.Ramp(0), p.ActLow},
		{"ramp 1 is ActHigh", s.Ramp(1), p.ActHigh},
		{"ramp clamps below", s.Ramp(-5), p.ActLow},
		{"ramp clamps above", s.Ramp(7), p.ActHigh},
		{"ramp NaN is low", s.Ramp(math.NaN()), p.ActLow},
		{"div +1 is Pos", s.Diverging(1), p.Pos},
		{"div −1 is Neg", s.Diverging(-1), p.Neg},
		{"div clamps", s.Diverging(-9), p.Neg},
		{"div NaN is middle", s.Diverging(math.NaN()), s.div[RampSteps]},
	}
	for _, tt := range tests {
		if colorDistance(tt.got, tt.want) > 0.01 {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// The zero of the diverging scale is closer to the background than either end.
	mid := s.Diverging(0)
	if colorDistance(mid, p.Bg) >= colorDistance(p.Pos, p.Bg) || colorDistance(mid, p.Bg) >= colorDistance(p.Neg, p.Bg) {
		t.Errorf("Diverging(0) = %v is not near the background", mid)
	}
	// The ramp's luminance grows monotonically from low to high.
	prev := -1.0
	for i := range RampSteps {
		l := luminance(s.Ramp(float64(i) / (RampSteps - 1)))
		if l < prev-1e-9 {
			t.Errorf("ramp step %d luminance %.3f < %.3f", i, l, prev)
		}
		prev = l
	}
	if got := s.RampFg(1); !strings.HasPrefix(got, "\x1b[38;") {
		t.Errorf("RampFg(1) = %q", got)
	}
	if got := s.DivBg(-1); !strings.HasPrefix(got, "\x1b[48;") {
		t.Errorf("DivBg(-1) = %q", got)
	}
}

func TestMono(t *testing.T) {
	s := Mono()
	if !s.Mono {
		t.Fatal("Mono().Mono is false")
	}
	if _, ok := s.Ramp(0.5).(lipgloss.NoColor); !ok {
		t.Errorf("mono Ramp gives a colour: %v", s.Ramp(0.5))
	}
	if s.RampFg(0.5) != "" || s.DivBg(-0.3) != "" {
		t.Error("mono SGR sequences are not empty")
	}
	for name, st := range map[string]lipgloss.Style{
		"Text": s.Text, "Title": s.Title, "Pos": s.Pos, "Neg": s.Neg, "Focus": s.Focus,
		"StatusBar": s.StatusBar, "Weight": s.Weight(0.9, 1), "Error": s.Error,
	} {
		out := st.Render("x")
		if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("mono %s emits a colour: %q", name, out)
		}
	}
	if !s.Weight(0.9, 1).GetBold() || s.Weight(0.1, 1).GetBold() {
		t.Error("mono Weight should be bold exactly for large magnitudes")
	}
}

func TestPick(t *testing.T) {
	tests := []struct {
		name     string
		isDark   bool
		mono     bool
		wantName string
		wantMono bool
		wantErr  bool
	}{
		{"", true, false, Dark, false, false},
		{"", false, false, Light, false, false},
		{"colorblind", false, false, Colorblind, false, false},
		{"dark", false, true, MonoName, true, false},
		{"mono", true, false, MonoName, true, false},
		{"solarized", true, false, "", false, true},
	}
	for _, tt := range tests {
		s, err := Pick(tt.name, tt.isDark, tt.mono)
		if (err != nil) != tt.wantErr {
			t.Errorf("Pick(%q): err %v", tt.name, err)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), "high-contrast") {
				t.Errorf("error does not list valid names: %v", err)
			}
			continue
		}
		if s.Palette.Name != tt.wantName || s.Mono != tt.wantMono {
			t.Errorf("Pick(%q, %v, %v) = %s mono=%v", tt.name, tt.isDark, tt.mono, s.Palette.Name, s.Mono)
		}
	}
	// The light variant of a two-variant theme is really used.
	p, _ := ByName(Colorblind)
	if New(p, false).Palette.Bg == New(p, true).Palette.Bg {
		t.Error("colorblind light and dark share a background")
	}
}

func TestNextCycles(t *testing.T) {
	seen := map[string]bool{}
	n := ""
	for range Names() {
		n = Next(n)
		seen[n] = true
	}
	if len(seen) != len(Names()) {
		t.Errorf("Next visits %v", seen)
	}
}

func TestMonoProfile(t *testing.T) {
	for p, want := range map[colorprofile.Profile]bool{
		colorprofile.NoTTY: true, colorprofile.ASCII: true, colorprofile.ANSI: false,
		colorprofile.ANSI256: false, colorprofile.TrueColor: false,
	} {
		if MonoProfile(p) != want {
			t.Errorf("MonoProfile(%v) = %v", p, !want)
		}
	}
}

func TestSignShade(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		sign string
	}{{1, "+"}, {0, "+"}, {-0.1, "−"}, {math.NaN(), "?"}} {
		if got := Sign(tt.v); got != tt.sign {
			t.Errorf("Sign(%v) = %q", tt.v, got)
		}
	}
	if Shade(0) != " " || Shade(1) != "█" || Shade(0.5) != "▒" || Shade(math.NaN()) != " " {
		t.Error("Shade levels wrong")
	}
}

func TestPartialPalette(t *testing.T) {
	s := New(Palette{Name: "mine", Pos: color.RGBA{0, 0, 255, 255}}, true)
	if s.Palette.Fg == nil || s.Palette.Neg == nil {
		t.Fatal("nil colours not filled in")
	}
	if colorDistance(s.Diverging(1), color.RGBA{0, 0, 255, 255}) > 0.01 {
		t.Error("custom Pos not used")
	}
}

func ExamplePick() {
	s, err := Pick("colorblind", true, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	// A weight of −0.8 on a scale of ±1: orange, strong.
	w := s.Weight(-0.8, 1).Render("−0.80")
	fmt.Println(ansi.Strip(w), s.Palette.Name, s.Mono)

	_, err = Pick("neon", true, false)
	fmt.Println(err)
	// Output:
	// −0.80 colorblind false
	// themes: unknown theme "neon" (valid: dark, light, high-contrast, colorblind, mono)
}

func TestClassColours(t *testing.T) {
	p, _ := ByName(Dark)
	s := New(p, true)
	if colorDistance(s.Class(0, 2), p.Neg) > 0.01 || colorDistance(s.Class(1, 2), p.Pos) > 0.01 {
		t.Error("two classes should use Neg and Pos")
	}
	for i := range 10 {
		for j := range i {
			if colorDistance(s.Class(i, 10), s.Class(j, 10)) < 0.05 {
				t.Errorf("classes %d and %d of 10 look alike", i, j)
			}
		}
	}
	if s.ClassFg(3, 10) == "" || Mono().ClassFg(3, 10) != "" || Mono().GreyBg(0.5) != "" {
		t.Error("class/grey SGR wrong for colour or mono")
	}
}

// BenchmarkNew: building a Styles blends the ramps in Lab space; callers
// build one per theme change, not per frame.
func BenchmarkNew(b *testing.B) {
	p, _ := ByName(Colorblind)
	for b.Loop() {
		_ = New(p, true)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}
