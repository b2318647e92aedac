package themes

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/lucasb-eyer/go-colorful"
)

// RampSteps is the number of levels in the activation ramp, and on each side
// of the diverging (weight) scale.
const RampSteps = 16

// Seqs are raw SGR prefixes for building many cells with a strings.Builder
// instead of one lipgloss Render per cell. Each ends a run with Reset. In
// mono they are empty (or plain bold/reverse).
type Seqs struct {
	Text, Dim, Accent, Pos, Neg, Error, OK, Warn string
	Title, Phase, Focus, Selected, Bold, Reverse string
}

// Reset ends any SGR prefix.
const Reset = ansi.ResetStyle

// Styles holds every style the UI draws with. Build it with New or Mono; it
// is read-only afterwards and safe to share between goroutines.
type Styles struct {
	Palette Palette
	IsDark  bool
	// Mono: no colours. Panes then show sign with glyphs (+/−) and intensity
	// with shades (Shade).
	Mono bool

	Text, Dim, Bold, Accent lipgloss.Style
	Title                   lipgloss.Style // app and section titles
	Error, OK, Warn         lipgloss.Style
	Pos, Neg                lipgloss.Style // positive and negative weight text
	Focus                   lipgloss.Style // the focused neuron or weight
	Selected                lipgloss.Style // a selected row (launcher, menus)
	Phase                   lipgloss.Style // the phase in progress

	// Pane and PaneFocused are bordered boxes. In lipgloss v2 Width/Height
	// include the border: use GetHorizontalFrameSize to find the inside.
	Pane, PaneFocused           lipgloss.Style
	PaneTitle, PaneTitleFocused lipgloss.Style

	StatusBar, StatusKey, StatusValue lipgloss.Style
	HelpKey, HelpDesc, HelpSep        lipgloss.Style
	Prompt, Input                     lipgloss.Style

	// SGR holds the raw sequences of the plain styles above.
	SGR Seqs

	// Chart holds xterm-256 colour indices (for asciigraph) of the loss
	// chart's train and test series and its axis; 0 in mono.
	Chart struct{ Train, Test, Axis uint8 }

	classes []color.Color
	clsFg   []string
	clsLvFg [][]string // [class][level]: background → class colour
	clsLvBg [][]string
	greyFg  []string
	greyBg  []string
	ramp    []color.Color // RampSteps, low → high
	div     []color.Color // 2·RampSteps+1, Neg → neutral → Pos
	rampFg  []string
	rampBg  []string
	divFg   []string
	divBg   []string
}

// New builds the styles of palette p for a dark (isDark) or light terminal
// background. On a light background, p.Light is used when set.
func New(p Palette, isDark bool) *Styles {
	if !isDark && p.Light != nil {
		p = *p.Light
	}
	p = fillDefaults(p, isDark)
	s := &Styles{Palette: p, IsDark: isDark}

	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	s.Text = fg(p.Fg)
	s.Dim = fg(p.Subtle)
	s.Bold = fg(p.Fg).Bold(true)
	s.Accent = fg(p.Accent)
	s.Title = fg(p.Accent).Bold(true)
	s.Error = fg(p.Error).Bold(true)
	s.OK = fg(p.OK)
	s.Warn = fg(p.Neg)
	s.Pos = fg(p.Pos)
	s.Neg = fg(p.Neg)
	s.Focus = lipgloss.NewStyle().Foreground(p.Bg).Background(p.Focus).Bold(true)
	s.Selected = fg(p.Fg).Background(p.Highlight).Bold(true)
	s.Phase = fg(p.Accent).Bold(true).Underline(true)

	s.Pane = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.Border)
	s.PaneFocused = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.Focus)
	s.PaneTitle = fg(p.Subtle).Bold(true)
	s.PaneTitleFocused = fg(p.Focus).Bold(true)

	bar := lipgloss.Blend1D(3, p.Bg, p.Highlight)[1]
	s.StatusBar = lipgloss.NewStyle().Foreground(p.Fg).Background(bar)
	s.StatusKey = lipgloss.NewStyle().Foreground(p.Accent).Background(bar).Bold(true)
	s.StatusValue = lipgloss.NewStyle().Foreground(p.Fg).Background(bar)
	s.HelpKey = fg(p.Accent).Bold(true)
	s.HelpDesc = fg(p.Subtle)
	s.HelpSep = fg(p.Border)
	s.Prompt = fg(p.Accent).Bold(true)
	s.Input = fg(p.Fg).Underline(true)

	sgr := func(c color.Color) string { return ansi.Style{}.ForegroundColor(c).String() }
	s.SGR = Seqs{
		Text:     sgr(p.Fg),
		Dim:      sgr(p.Subtle),
		Accent:   sgr(p.Accent),
		Pos:      sgr(p.Pos),
		Neg:      sgr(p.Neg),
		Error:    ansi.Style{}.Bold().ForegroundColor(p.Error).String(),
		OK:       sgr(p.OK),
		Warn:     sgr(p.Neg),
		Title:    ansi.Style{}.Bold().ForegroundColor(p.Accent).String(),
		Phase:    ansi.Style{}.Bold().Underline(true).ForegroundColor(p.Accent).String(),
		Focus:    ansi.Style{}.Bold().ForegroundColor(p.Bg).BackgroundColor(p.Focus).String(),
		Selected: ansi.Style{}.Bold().ForegroundColor(p.Fg).BackgroundColor(p.Highlight).String(),
		Bold:     ansi.Style{}.Bold().String(),
		Reverse:  ansi.Style{}.Reverse(true).String(),
	}

	s.Chart.Train = index256(p.Accent)
	s.Chart.Test = index256(p.Neg)
	s.Chart.Axis = index256(p.Subtle)

	s.classes = p.Classes
	if len(s.classes) == 0 {
		s.classes = defaultClasses(p, isDark)
	}
	s.clsFg, _ = seqs(s.classes)
	for _, cc := range s.classes {
		lv := make([]color.Color, ClassLevels)
		for i := range lv {
			lv[i] = blend(p.Bg, cc, float64(i+1)/ClassLevels)
		}
		fg, bg := seqs(lv)
		s.clsLvFg = append(s.clsLvFg, fg)
		s.clsLvBg = append(s.clsLvBg, bg)
	}
	grey := make([]color.Color, RampSteps)
	for i := range grey {
		grey[i] = blend(p.Bg, p.Fg, float64(i)/float64(RampSteps-1))
	}
	s.greyFg, s.greyBg = seqs(grey)

	neutral := blend(p.Bg, p.Subtle, 0.35)
	s.ramp = make([]color.Color, RampSteps)
	for i := range s.ramp {
		s.ramp[i] = blend(p.ActLow, p.ActHigh, float64(i)/float64(RampSteps-1))
	}
	s.div = make([]color.Color, 2*RampSteps+1)
	for i := 0; i <= RampSteps; i++ {
		t := float64(i) / RampSteps
		s.div[RampSteps-i] = blend(neutral, p.Neg, t)
		s.div[RampSteps+i] = blend(neutral, p.Pos, t)
	}
	s.rampFg, s.rampBg = seqs(s.ramp)
	s.divFg, s.divBg = seqs(s.div)
	return s
}

// Mono builds colourless styles for NO_COLOR and terminals without colour:
// bold, underline and reverse only, and Mono set so panes use glyphs.
func Mono() *Styles {
	s := &Styles{Palette: Palette{Name: MonoName}, IsDark: true, Mono: true}
	plain := lipgloss.NewStyle()
	s.Text, s.Dim = plain, plain
	s.Bold = plain.Bold(true)
	s.Accent = plain.Bold(true)
	s.Title = plain.Bold(true).Underline(true)
	s.Error = plain.Bold(true).Reverse(true)
	s.OK = plain.Bold(true)
	s.Warn = plain.Underline(true)
	s.Pos, s.Neg = plain, plain
	s.Focus = plain.Reverse(true).Bold(true)
	s.Selected = plain.Reverse(true)
	s.Phase = plain.Bold(true).Underline(true)
	s.Pane = plain.Border(lipgloss.NormalBorder())
	s.PaneFocused = plain.Border(lipgloss.ThickBorder())
	s.PaneTitle = plain
	s.PaneTitleFocused = plain.Bold(true).Underline(true)
	s.StatusBar = plain.Reverse(true)
	s.StatusKey = plain.Reverse(true).Bold(true)
	s.StatusValue = plain.Reverse(true)
	s.HelpKey = plain.Bold(true)
	s.HelpDesc, s.HelpSep = plain, plain
	s.Prompt = plain.Bold(true)
	s.Input = plain.Underline(true)
	s.SGR = Seqs{
		Bold:    ansi.Style{}.Bold().String(),
		Reverse: ansi.Style{}.Reverse(true).String(),
	}
	s.SGR.Accent = s.SGR.Bold
	s.SGR.Title = s.SGR.Bold
	s.SGR.Phase = ansi.Style{}.Bold().Underline(true).String()
	s.SGR.Warn = ansi.Style{}.Underline(true).String()
	s.SGR.Error = s.SGR.Reverse
	s.SGR.Focus = s.SGR.Reverse
	s.SGR.Selected = s.SGR.Reverse
	s.greyFg = make([]string, RampSteps)
	s.greyBg = make([]string, RampSteps)
	s.rampFg = make([]string, RampSteps)
	s.rampBg = make([]string, RampSteps)
	s.divFg = make([]string, 2*RampSteps+1)
	s.divBg = make([]string, 2*RampSteps+1)
	return s
}

// Pick resolves a --theme value: "" chooses dark or light from isDark,
// "mono" or mono=true (NO_COLOR, no colour support) gives Mono. An unknown
// name is an error that lists the valid ones.
func Pick(name string, isDark, mono bool) (*Styles, error) {
	if !Valid(name) {
		return nil, fmt.Errorf("themes: unknown theme %q (valid: %s)", name, strings.Join(Names(), ", "))
	}
	if mono || name == MonoName {
		return Mono(), nil
	}
	if name == "" {
		name = Light
		if isDark {
			name = defaultOnDark
		}
	}
	p, _ := ByName(name)
	return New(p, isDark), nil
}

// Next returns the theme after name in Names, wrapping around (for a
// "cycle theme" key). An unknown or empty name gives the first.
func Next(name string) string {
	names := Names()
	for i, n := range names {
		if n == name {
			return names[(i+1)%len(names)]
		}
	}
	return names[0]
}

// MonoProfile reports whether a terminal colour profile has no colours, so
// the UI should be monochrome (NO_COLOR gives colorprofile.ASCII).
func MonoProfile(p colorprofile.Profile) bool { return p <= colorprofile.ASCII }

// Ramp maps an activation level t ∈ [0, 1] (clamped; NaN → 0) to the
// activation colour, ActLow → ActHigh. Mono returns lipgloss.NoColor{}.
func (s *Styles) Ramp(t float64) color.Color {
	if s.Mono {
		return lipgloss.NoColor{}
	}
	return s.ramp[rampIndex(t)]
}

// Diverging maps v ∈ [−1, 1] (clamped; NaN → 0) to Neg ← neutral → Pos, so
// that 0 is close to the background. Mono returns lipgloss.NoColor{}.
func (s *Styles) Diverging(v float64) color.Color {
	if s.Mono {
		return lipgloss.NoColor{}
	}
	return s.div[divIndex(v)]
}

// Weight styles a weight v relative to the largest magnitude max: colour by
// sign, intensity ∝ |v|/max. Mono: bold when |v| ≥ max/2.
func (s *Styles) Weight(v, max float64) lipgloss.Style {
	r := ratio(v, max)
	if s.Mono {
		return lipgloss.NewStyle().Bold(math.Abs(r) >= 0.5)
	}
	return lipgloss.NewStyle().Foreground(s.div[divIndex(r)])
}

// RampFg and RampBg are the raw SGR sequences of Ramp(t) as foreground and
// background ("" in mono).
func (s *Styles) RampFg(t float64) string { return s.rampFg[rampIndex(t)] }
func (s *Styles) RampBg(t float64) string { return s.rampBg[rampIndex(t)] }

// GreyFg and GreyBg are SGR sequences of a background → foreground grey
// ramp at t ∈ [0, 1], for drawing images ("" in mono).
func (s *Styles) GreyFg(t float64) string { return s.greyFg[rampIndex(t)] }
func (s *Styles) GreyBg(t float64) string { return s.greyBg[rampIndex(t)] }

// Class is the colour of class i (of n classes): two classes use Neg and Pos
// (class 0 orange-ish, class 1 blue-ish, as in TF Playground); more use a
// qualitative palette, cycling. Mono returns lipgloss.NoColor{}.
func (s *Styles) Class(i, n int) color.Color {
	if s.Mono {
		return lipgloss.NoColor{}
	}
	return s.classes[s.classIndex(i, n)]
}

// ClassFg is the SGR sequence of Class(i, n) ("" in mono).
func (s *Styles) ClassFg(i, n int) string {
	if s.Mono {
		return ""
	}
	return s.clsFg[s.classIndex(i, n)]
}

// ClassLevels is the number of intensities of ClassShade.
const ClassLevels = 8

// ClassShade returns SGR sequences (foreground, background) of class i's
// colour at intensity t ∈ [0, 1], blended from the background; "" in mono.
func (s *Styles) ClassShade(i, n int, t float64) (fg, bg string) {
	if s.Mono {
		return "", ""
	}
	ci := s.classIndex(i, n)
	lv := int(clamp01(t)*(ClassLevels-1) + 0.5)
	return s.clsLvFg[ci][lv], s.clsLvBg[ci][lv]
}

func (s *Styles) classIndex(i, n int) int {
	if i < 0 {
		i = -i
	}
	if n == 2 && len(s.classes) >= 2+2 {
		return i % 2 // the first two entries are Neg, Pos
	}
	if len(s.classes) > 2 {
		return 2 + i%(len(s.classes)-2)
	}
	return i % len(s.classes)
}

// defaultClasses: Neg and Pos for two classes, then Okabe–Ito's
// qualitative set (darkened yellow on light backgrounds).
func defaultClasses(p Palette, isDark bool) []color.Color {
	yellow := hex("#F0E442")
	if !isDark {
		yellow = hex("#A89400")
	}
	return []color.Color{
		p.Neg, p.Pos,
		hex("#E69F00"), hex("#56B4E9"), hex("#009E73"), yellow, hex("#0072B2"),
		hex("#D55E00"), hex("#CC79A7"), hex("#999999"), hex("#8C564B"), hex("#17BECF"),
	}
}

// DivFg and DivBg are the raw SGR sequences of Diverging(v) ("" in mono).
func (s *Styles) DivFg(v float64) string { return s.divFg[divIndex(v)] }
func (s *Styles) DivBg(v float64) string { return s.divBg[divIndex(v)] }

// Shade is a glyph for intensity t ∈ [0, 1]: ' ', '░', '▒', '▓', '█'. Used
// where colour is absent (mono) or as a second cue.
func Shade(t float64) string {
	switch int(clamp01(t)*4 + 0.5) {
	case 0:
		return " "
	case 1:
		return "░"
	case 2:
		return "▒"
	case 3:
		return "▓"
	}
	return "█"
}

// Sign is "+" for v ≥ 0 and "−" (U+2212) otherwise; NaN gives "?".
func Sign(v float64) string {
	switch {
	case math.IsNaN(v):
		return "?"
	case v < 0:
		return "−"
	}
	return "+"
}

func ratio(v, max float64) float64 {
	if max <= 0 || math.IsNaN(max) || math.IsInf(max, 0) {
		if v > 0 {
			return 1
		} else if v < 0 {
			return -1
		}
		return 0
	}
	return v / max
}

func clamp01(t float64) float64 {
	switch {
	case math.IsNaN(t) || t < 0:
		return 0
	case t > 1:
		return 1
	}
	return t
}

func rampIndex(t float64) int { return int(clamp01(t)*(RampSteps-1) + 0.5) }

func divIndex(v float64) int {
	if math.IsNaN(v) {
		v = 0
	}
	v = math.Max(-1, math.Min(1, v))
	return RampSteps + int(math.Round(v*RampSteps))
}

func blend(a, b color.Color, t float64) color.Color {
	ca, ok1 := colorful.MakeColor(a)
	cb, ok2 := colorful.MakeColor(b)
	if !ok1 || !ok2 {
		if t < 0.5 {
			return a
		}
		return b
	}
	r, g, bl := ca.BlendLab(cb, t).Clamped().RGB255()
	return color.RGBA{R: r, G: g, B: bl, A: 0xff}
}

// index256 is the nearest xterm-256 colour, avoiding 0 (which asciigraph
// takes as "default") and 188 (its stand-in for black).
func index256(c color.Color) uint8 {
	i := uint8(ansi.Convert256(c))
	switch i {
	case 0:
		return 16
	case 188:
		return 252
	}
	return i
}

func seqs(cs []color.Color) (fg, bg []string) {
	fg = make([]string, len(cs))
	bg = make([]string, len(cs))
	for i, c := range cs {
		fg[i] = ansi.Style{}.ForegroundColor(c).String()
		bg[i] = ansi.Style{}.BackgroundColor(c).String()
	}
	return fg, bg
}

// fillDefaults gives every nil colour of p a sensible value so that a
// hand-made palette with only a few colours still builds.
func fillDefaults(p Palette, isDark bool) Palette {
	base := lightPalette()
	if isDark {
		base = darkPalette()
	}
	for _, f := range []struct {
		dst *color.Color
		def color.Color
	}{
		{&p.Fg, base.Fg}, {&p.Bg, base.Bg}, {&p.Subtle, base.Subtle}, {&p.Accent, base.Accent},
		{&p.Pos, base.Pos}, {&p.Neg, base.Neg}, {&p.ActLow, base.ActLow}, {&p.ActHigh, base.ActHigh},
		{&p.Error, base.Error}, {&p.OK, base.OK}, {&p.Border, base.Border}, {&p.Focus, base.Focus},
		{&p.Highlight, base.Highlight},
	} {
		if *f.dst == nil {
			*f.dst = f.def
		}
	}
	return p
}

// MaxTwins is how many twins TwinFg and TwinChart tell apart.
const MaxTwins = 4

// TwinFg is the SGR sequence of twin i's colour ("" in mono): the
// qualitative (Okabe–Ito) entries of the class palette, so that the four
// twins the trainer keeps are told apart, colour-blind readers included.
func (s *Styles) TwinFg(i int) string {
	if s.Mono {
		return ""
	}
	return s.clsFg[s.twinIndex(i)]
}

// TwinChart is twin i's colour as an xterm-256 index for asciigraph (0 in
// mono).
func (s *Styles) TwinChart(i int) uint8 {
	if s.Mono {
		return 0
	}
	return index256(s.classes[s.twinIndex(i)])
}

func (s *Styles) twinIndex(i int) int { return s.classIndex(i, MaxTwins) }
