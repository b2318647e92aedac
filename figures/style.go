package figures

import (
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"backprop/themes"
)

// style is how one figure draws: its colours, fonts and titles.
type style struct {
	pal             themes.Print
	title, subtitle string
	grid            color.Color // grid lines: a whisper of Subtle
}

func newStyle(pal themes.Print, o Options) *style {
	return &style{pal: pal, title: o.Title, subtitle: o.Subtitle, grid: themes.Mix(pal.Page, pal.Subtle, 0.25)}
}

// Font sizes in points.
const (
	titleSize    = 14
	subtitleSize = 10.5
	labelSize    = 11
	tickSize     = 9
	smallSize    = 8.5
)

// text is a text style of the figures' one typeface (Liberation Sans,
// embedded in the plotting library: no system fonts are needed). There is
// no bold: vgpdf cannot find the bold face it registers ("undefined font:
// liberationsans-bold B"); titles are larger instead.
func (st *style) text(size vg.Length, c color.Color) text.Style {
	f := font.Font{Typeface: "Liberation", Variant: "Sans"}
	return text.Style{Color: c, Font: font.From(f, size), XAlign: draw.XCenter, YAlign: draw.YCenter,
		Handler: plot.DefaultTextHandler}
}

// plot is a plot.Plot in the figure's style: sans-serif labels, ink
// axes, a light grid, x and y labelled xl and yl.
func (st *style) plot(title, xl, yl string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = st.pal.Page
	p.Title.Text = title
	p.Title.TextStyle = st.text(labelSize, st.pal.Ink)
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = 4
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle = st.text(labelSize, st.pal.Ink)
		a.Label.TextStyle.YAlign = draw.YBottom // the y label is turned by the axis
		a.Tick.Label = st.text(tickSize, st.pal.Ink)
		a.Color = st.pal.Subtle
		a.Tick.Color = st.pal.Subtle
		a.Padding = 2
	}
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label.XAlign = draw.XRight
	p.X.Label.Text, p.Y.Label.Text = xl, yl
	p.Legend.TextStyle = st.text(tickSize, st.pal.Ink)
	p.Legend.TextStyle.XAlign, p.Legend.TextStyle.YAlign = draw.XLeft, draw.YBottom
	p.Legend.Padding = 2.5
	p.Legend.ThumbnailWidth = 22
	return p
}

// addGrid puts light grid lines under p's data.
func (st *style) addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = st.grid, st.grid
	g.Vertical.Width, g.Horizontal.Width = 0.5, 0.5
	p.Add(g)
}

// bare hides p's axes (tick marks, numbers, lines) but keeps its labels'
// space empty: for small maps whose coordinates the figure states once.
func bare(p *plot.Plot) {
	p.HideAxes()
}

// header draws the figure's title (its default, or the one the options
// set) and subtitle at the top of c and returns the space below them.
func (st *style) header(c draw.Canvas, def string) draw.Canvas {
	title := def
	if st.title != "" {
		title = st.title
	}
	top := c.Max.Y - 6
	if title != "" {
		ts := st.text(titleSize, st.pal.Ink)
		ts.YAlign = draw.YTop
		c.FillText(ts, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top}, title)
		top -= ts.Height(title) + 3
	}
	if st.subtitle != "" {
		ts := st.text(subtitleSize, st.pal.Subtle)
		ts.YAlign = draw.YTop
		c.FillText(ts, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top}, st.subtitle)
		top -= ts.Height(st.subtitle) + 3
	}
	c.Max.Y = top - 4
	return c
}

// footnote draws small text at the bottom of c, wrapped at its width
// (breaking after " · " where it can, else between words), and returns
// the space above it.
func (st *style) footnote(c draw.Canvas, s string) draw.Canvas {
	if s == "" {
		return c
	}
	ts := st.text(smallSize, st.pal.Subtle)
	ts.YAlign = draw.YBottom
	lines := wrap(s, c.Max.X-c.Min.X-16, ts.Width)
	y := c.Min.Y + 4
	for i := len(lines) - 1; i >= 0; i-- {
		c.FillText(ts, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: y}, lines[i])
		y += ts.Height(lines[i]) + 1
	}
	c.Min.Y = y + 6
	return c
}

// wrap splits s into lines no wider than w as measured by width: at
// " · " separators first, then at spaces.
func wrap(s string, w vg.Length, width func(string) vg.Length) []string {
	var lines []string
	for _, part := range strings.Split(s, " · ") {
		if n := len(lines); n > 0 && width(lines[n-1]+" · "+part) <= w {
			lines[n-1] += " · " + part
			continue
		}
		if width(part) <= w {
			lines = append(lines, part)
			continue
		}
		line := ""
		for _, word := range strings.Fields(part) {
			if line != "" && width(line+" "+word) > w {
				lines = append(lines, line)
				line = word
				continue
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		lines = append(lines, line)
	}
	return lines
}

// inset is c with margins.
func inset(c draw.Canvas, left, right, bottom, top vg.Length) draw.Canvas {
	c.Min.X += left
	c.Max.X -= right
	c.Min.Y += bottom
	c.Max.Y -= top
	return c
}

// Textbook names. Liberation Sans has the subscript digits ₀–₉ and the
// superscripts ¹–⁸; anything else is written l=… instead.

var (
	subDigits = []rune("₀₁₂₃₄₅₆₇₈₉")
	supDigits = map[rune]rune{'1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸'}
)

// sub writes n with subscript digits: sub(12) = "₁₂".
func sub(n int) string {
	var b strings.Builder
	for _, r := range strconv.Itoa(n) {
		if r == '-' {
			b.WriteRune('-')
			continue
		}
		b.WriteRune(subDigits[r-'0'])
	}
	return b.String()
}

// sup writes n with superscript digits, or "^n" when the font lacks one.
func sup(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for _, r := range s {
		c, ok := supDigits[r]
		if !ok {
			return "^" + s
		}
		b.WriteRune(c)
	}
	return b.String()
}

// neuronName is a^l_j (layer l, neuron j, both as the Inspector counts:
// neurons from 1): "a¹₃".
func neuronName(l, j int) string { return "a" + sup(l) + sub(j+1) }
