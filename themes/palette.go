// Package themes turns a small palette of colours named by meaning into the
// one Styles struct that every pane draws with.
//
// A Palette says what colours mean (text, accent, positive and negative
// weight, low and high activation, error, ok); New builds every lipgloss
// style and colour ramp from it once, so panes never pick colours themselves.
// Mono builds a colourless Styles for NO_COLOR and colourless terminals, in
// which panes show sign with glyphs (+/−) and intensity with shades.
//
// # Invariants
//
//   - No package-level mutable state: the built-in palettes are returned by
//     value from functions, and a *Styles is never modified after New.
//   - Colours are image/color values, as lipgloss v2 expects; the terminal's
//     colour profile (downsampling, NO_COLOR) is applied by the renderer.
package themes

import (
	"image/color"
	"slices"

	"charm.land/lipgloss/v2"
)

// Palette is a set of colours named by meaning.
type Palette struct {
	Name string

	Fg     color.Color // body text
	Bg     color.Color // the background it is designed for (blends, status bar; not painted elsewhere)
	Subtle color.Color // secondary text, grid lines, axis labels
	Accent color.Color // titles, keys, the phase in progress

	Pos color.Color // positive weight
	Neg color.Color // negative weight

	ActLow  color.Color // activation at the low end of the ramp
	ActHigh color.Color // activation at the high end of the ramp

	Error color.Color
	OK    color.Color

	Border    color.Color // pane borders
	Focus     color.Color // the focused pane's border and the focused neuron
	Highlight color.Color // background of a selected row or cell

	// Classes, when set, colours classes 0, 1, 2, … (see Styles.Class);
	// the first two are used for two-class data.
	Classes []color.Color

	// Light, when set, is the variant New uses on a light background.
	Light *Palette
}

// Theme names of the built-in palettes.
const (
	Dark          = "dark"
	Light         = "light"
	HighContrast  = "high-contrast"
	Colorblind    = "colorblind"
	MonoName      = "mono" // no colour; see Mono
	defaultOnDark = Dark
)

// Names lists the built-in theme names in a stable order ("mono" last).
func Names() []string {
	return []string{Dark, Light, HighContrast, Colorblind, MonoName}
}

// ByName returns the built-in palette called name. "mono" has no palette:
// callers use Mono (or Pick) for it, and ByName reports false.
func ByName(name string) (Palette, bool) {
	switch name {
	case Dark:
		return darkPalette(), true
	case Light:
		return lightPalette(), true
	case HighContrast:
		p := highContrastDark()
		l := highContrastLight()
		p.Light = &l
		return p, true
	case Colorblind:
		p := colorblindDark()
		l := colorblindLight()
		p.Light = &l
		return p, true
	}
	return Palette{}, false
}

// Valid reports whether name is a theme Pick accepts (a built-in or "").
func Valid(name string) bool {
	return name == "" || slices.Contains(Names(), name)
}

func hex(s string) color.Color { return lipgloss.Color(s) }

func darkPalette() Palette {
	return Palette{
		Name:      Dark,
		Fg:        hex("#E4E4E7"),
		Bg:        hex("#18181B"),
		Subtle:    hex("#8B8B94"),
		Accent:    hex("#C4A7FF"),
		Pos:       hex("#5FAFFF"), // blue
		Neg:       hex("#FF7B54"), // orange-red
		ActLow:    hex("#2A2F45"),
		ActHigh:   hex("#FFE066"),
		Error:     hex("#FF5F5F"),
		OK:        hex("#5FD787"),
		Border:    hex("#4B4B55"),
		Focus:     hex("#C4A7FF"),
		Highlight: hex("#33334A"),
	}
}

func lightPalette() Palette {
	return Palette{
		Name:      Light,
		Fg:        hex("#1F1F24"),
		Bg:        hex("#FAFAFA"),
		Subtle:    hex("#5F5F6B"),
		Accent:    hex("#6D28D9"),
		Pos:       hex("#1D5FBF"),
		Neg:       hex("#C2410C"),
		ActLow:    hex("#EEF0F6"),
		ActHigh:   hex("#B45309"),
		Error:     hex("#B91C1C"),
		OK:        hex("#15803D"),
		Border:    hex("#A1A1AA"),
		Focus:     hex("#6D28D9"),
		Highlight: hex("#E4E0F5"),
	}
}

func highContrastDark() Palette {
	return Palette{
		Name:      HighContrast,
		Fg:        hex("#FFFFFF"),
		Bg:        hex("#000000"),
		Subtle:    hex("#C8C8C8"),
		Accent:    hex("#FFFF00"),
		Pos:       hex("#00D7FF"),
		Neg:       hex("#FF5FAF"),
		ActLow:    hex("#000000"),
		ActHigh:   hex("#FFFFFF"),
		Error:     hex("#FF5F5F"),
		OK:        hex("#00FF87"),
		Border:    hex("#FFFFFF"),
		Focus:     hex("#FFFF00"),
		Highlight: hex("#0000AF"),
	}
}

func highContrastLight() Palette {
	return Palette{
		Name:      HighContrast,
		Fg:        hex("#000000"),
		Bg:        hex("#FFFFFF"),
		Subtle:    hex("#303030"),
		Accent:    hex("#00008B"),
		Pos:       hex("#0000C8"),
		Neg:       hex("#A00000"),
		ActLow:    hex("#FFFFFF"),
		ActHigh:   hex("#000000"),
		Error:     hex("#A00000"),
		OK:        hex("#005F00"),
		Border:    hex("#000000"),
		Focus:     hex("#00008B"),
		Highlight: hex("#FFFF87"),
	}
}

// colorblindDark uses the Okabe–Ito blue (#0072B2 family) and orange
// (#E69F00) as the diverging pair: safe for deuteranopia and protanopia.
func colorblindDark() Palette {
	return Palette{
		Name:      Colorblind,
		Fg:        hex("#E8E8E8"),
		Bg:        hex("#161616"),
		Subtle:    hex("#9A9A9A"),
		Accent:    hex("#56B4E9"), // Okabe–Ito sky blue
		Pos:       hex("#3A9BE0"), // lifted #0072B2 so it reads on black
		Neg:       hex("#E69F00"), // Okabe–Ito orange
		ActLow:    hex("#202830"),
		ActHigh:   hex("#F0E442"), // Okabe–Ito yellow
		Error:     hex("#F5793A"), // vermillion, lifted
		OK:        hex("#56B4E9"),
		Border:    hex("#505050"),
		Focus:     hex("#F0E442"),
		Highlight: hex("#2A3440"),
	}
}

func colorblindLight() Palette {
	return Palette{
		Name:      Colorblind,
		Fg:        hex("#1A1A1A"),
		Bg:        hex("#FAFAFA"),
		Subtle:    hex("#5A5A5A"),
		Accent:    hex("#0072B2"),
		Pos:       hex("#0072B2"), // Okabe–Ito blue
		Neg:       hex("#B86E00"), // darkened #E69F00 so it reads on white
		ActLow:    hex("#F2F2F2"),
		ActHigh:   hex("#0072B2"),
		Error:     hex("#D55E00"), // Okabe–Ito vermillion
		OK:        hex("#0072B2"),
		Border:    hex("#9A9A9A"),
		Focus:     hex("#D55E00"),
		Highlight: hex("#DCEBF5"),
	}
}
