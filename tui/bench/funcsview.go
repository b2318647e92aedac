package bench

import (
	"fmt"
	"math"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"backprop/internal/numfmt"
	"backprop/themes"
	"backprop/tui/widget"
)

// FuncsKeys is the functions bench's key table (help and the README are
// generated from it). It leaves q, ?, esc, T and ctrl+c to the app.
type FuncsKeys struct {
	Next, Prev                key.Binding // focus the next / previous step
	Left, Right               key.Binding // move the step by 1/50 of the range
	LeftBig, RightBig         key.Binding // by 1/10
	Up, Down, UpBig, DownBig  key.Binding // its height ±0.1, ±0.5
	Add, Bump, Delete         key.Binding
	BiasUp, BiasDown          key.Binding
	Steeper, Softer           key.Binding
	Target, Open, Undo, Clear key.Binding
	Train                     key.Binding
}

// DefaultFuncsKeys returns the functions bench's keys.
func DefaultFuncsKeys() FuncsKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return FuncsKeys{
		Next:     b([]string{"tab"}, "tab", "next step"),
		Prev:     b([]string{"shift+tab"}, "shift+tab", "previous step"),
		Left:     b([]string{"left", "h"}, "←/h", "step left"),
		Right:    b([]string{"right", "l"}, "→/l", "step right"),
		LeftBig:  b([]string{"shift+left", "H"}, "H", "step far left"),
		RightBig: b([]string{"shift+right", "L"}, "L", "step far right"),
		Up:       b([]string{"up", "k"}, "↑/k", "height +0.1"),
		Down:     b([]string{"down", "j"}, "↓/j", "height −0.1"),
		UpBig:    b([]string{"shift+up", "K"}, "K", "height +0.5"),
		DownBig:  b([]string{"shift+down", "J"}, "J", "height −0.5"),
		Add:      b([]string{"n"}, "n", "add a step"),
		Bump:     b([]string{"b"}, "b", "add a bump (2 steps)"),
		Delete:   b([]string{"x", "delete"}, "x", "remove the step"),
		BiasUp:   b([]string{"]"}, "]", "output bias +0.1"),
		BiasDown: b([]string{"["}, "[", "output bias −0.1"),
		Steeper:  b([]string{"W"}, "W", "steeper (w ×3)"),
		Softer:   b([]string{"w"}, "w", "softer (w ÷3)"),
		Target:   b([]string{"d"}, "d", "next target"),
		Open:     b([]string{"o"}, "o", "target from a CSV"),
		Undo:     b([]string{"u", "ctrl+z"}, "u", "undo"),
		Clear:    b([]string{"R"}, "R", "remove all steps"),
		Train:    b([]string{"g", "enter"}, "g/enter", "fine-tune in the trainer"),
	}
}

// ShortHelp is the one-line help.
func (k FuncsKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Bump, k.Add, k.Next, k.Left, k.Up, k.Target, k.Train}
}

// HelpGroups is every binding as titled help.
func (k FuncsKeys) HelpGroups() []widget.HelpGroup {
	return []widget.HelpGroup{
		{Title: "Steps", Rows: []widget.HelpRow{
			widget.Row("", k.Add),
			widget.Row("", k.Bump),
			widget.Row("", k.Delete),
			widget.Row("next/previous step", k.Next, k.Prev),
			widget.Row("move the step", k.Left, k.Right),
			widget.Row("move it far", k.LeftBig, k.RightBig),
			widget.Row("height ±0.1", k.Up, k.Down),
			widget.Row("height ±0.5", k.UpBig, k.DownBig),
		}},
		{Title: "The function", Rows: []widget.HelpRow{
			widget.Row("output bias ∓0.1", k.BiasDown, k.BiasUp),
			widget.Row("steepness w ×3/÷3", k.Steeper, k.Softer),
			widget.Row("", k.Target),
			widget.Row("", k.Open),
			widget.Row("", k.Undo),
			widget.Row("", k.Clear),
			widget.Row("", k.Train),
		}},
	}
}

// cell is one character of the chart with its SGR prefix.
type cell struct{ ch, sgr string }

// View draws the bench in w×h cells: the title, the chart of the target
// (dots) and f (line) with the steps marked under it, the focused step's
// numbers, the MSE.
func (f Funcs) View(w, h int) string {
	if w <= 0 || h <= 0 || f.styles == nil {
		return ""
	}
	st := f.styles
	t := f.Target()
	title := st.Title.Render("Functions by hand") + " · f(x) = b + Σ hₖ σ(w(x − sₖ))"
	var foot []string
	foot = append(foot, f.focusLine(), f.scoreLine())
	if f.note != "" {
		foot = append(foot, st.Warn.Render(f.note))
	}
	if f.prompt != nil {
		foot = append(foot, f.prompt.Lines(st, w, 3)...)
	}
	ch := h - 1 - len(foot) - 1 // title, foot, the step markers
	var chart []string
	if ch >= 3 && w >= 20 {
		chart = f.chart(t, w, ch)
	}
	lines := append([]string{title}, chart...)
	lines = append(lines, foot...)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}

// focusLine names the focused step: its place, height, and the neuron's
// w and b = −w·s.
func (f Funcs) focusLine() string {
	st := f.styles
	if f.focus < 0 || f.focus >= len(f.steps) {
		return st.Dim.Render("no steps yet: b adds a bump (two opposite steps), n one step")
	}
	s := f.steps[f.focus]
	return st.Accent.Render(fmt.Sprintf("step %d/%d", f.focus+1, len(f.steps))) +
		fmt.Sprintf(" s = %s  h = %s", numfmt.F(s.S, 2), numfmt.F(s.H, 2)) +
		st.Dim.Render(fmt.Sprintf("  (w = %s, b = −w·s = %s)", numfmt.G(f.W(), 3), numfmt.F(-f.W()*s.S, 1)))
}

// scoreLine: the target, the MSE (and the best so far), w and the bias.
func (f Funcs) scoreLine() string {
	st := f.styles
	m := f.MSE()
	s := "target " + f.Target().Title + "  " + st.Accent.Render("MSE "+numfmt.G(m, 3))
	if f.best < m {
		s += st.Dim.Render(" (best " + numfmt.G(f.best, 3) + ")")
	}
	t := f.Target()
	return s + st.Dim.Render(fmt.Sprintf("  x %s…%s  w %s  b %s", numfmt.F(t.Lo, 1), numfmt.F(t.Hi, 1), numfmt.G(f.W(), 3), numfmt.F(f.b, 2)))
}

// chart draws the target's points and f over the target's x range in
// w × rows cells (a row of step markers under them).
func (f Funcs) chart(t Target, w, rows int) []string {
	st := f.styles
	const lab = 6 // y labels
	cw := w - lab
	gw, gh := 2*cw, 4*rows
	ylo, yhi := yRange(t)
	xAt := func(px int) float64 { return t.Lo + (float64(px)+0.5)/float64(gw)*(t.Hi-t.Lo) }
	row := func(y float64) int {
		return int(math.Floor((yhi - y) / (yhi - ylo) * float64(gh)))
	}
	col := func(x float64) int { return int(math.Floor((x - t.Lo) / (t.Hi - t.Lo) * float64(gw))) }
	bits := make([]uint8, cw*rows)
	sgr := make([]string, cw*rows)
	dot := func(px, py int, s string) {
		if px >= 0 && py >= 0 && px < gw && py < gh {
			i := (py/4)*cw + px/2
			bits[i] |= dotBits[py%4][px%2]
			sgr[i] = s
		}
	}
	for i, x := range t.X {
		dot(col(x), row(t.Y[i]), st.SGR.Dim)
	}
	prev := row(f.Value(xAt(0)))
	for px := range gw {
		y := row(f.Value(xAt(px)))
		lo, hi := min(prev, y), max(prev, y)
		for py := lo; py <= hi; py++ {
			dot(px, max(-1, min(py, gh)), st.SGR.Accent)
		}
		prev = y
	}
	out := make([]string, 0, rows+1)
	for r := range rows {
		var b strings.Builder
		label := ""
		switch r {
		case 0:
			label = numfmt.F(yhi, 1)
		case rows - 1:
			label = numfmt.F(ylo, 1)
		case row(0) / 4:
			label = "0"
		}
		b.WriteString(strings.Repeat(" ", max(lab-1-ansi.StringWidth(label), 0)) + label + "┤")
		for c := range cw {
			i := r*cw + c
			if bits[i] == 0 {
				b.WriteByte(' ')
				continue
			}
			b.WriteString(sgr[i] + string(rune(0x2800+int(bits[i]))) + themes.Reset)
		}
		out = append(out, b.String())
	}
	return append(out, f.markers(t, lab, cw, gw, col))
}

// markers is the row under the chart: ▲ at each step going up, ▼ down
// (the focused one highlighted), the range's low end under the labels.
func (f Funcs) markers(t Target, lab, cw, gw int, col func(float64) int) string {
	st := f.styles
	cells := make([]cell, cw)
	for i := range cells {
		cells[i] = cell{"─", st.SGR.Dim}
	}
	for k, s := range f.steps {
		c := min(max(col(s.S)/2, 0), cw-1)
		g := "▲"
		if s.H < 0 {
			g = "▼"
		}
		if k == f.focus {
			cells[c] = cell{g, st.SGR.Focus}
		} else if cells[c].ch == "─" {
			cells[c] = cell{g, st.SGR.Accent}
		}
	}
	var b strings.Builder
	lo := numfmt.F(t.Lo, 1)
	b.WriteString(strings.Repeat(" ", max(lab-ansi.StringWidth(lo), 0)) + lo)
	for _, c := range cells {
		b.WriteString(c.sgr + c.ch + themes.Reset)
	}
	return b.String()
}

// dotBits[dy][dx] is the bit of braille dot (dx, dy).
var dotBits = [4][2]uint8{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// yRange is the chart's y range: the target's, padded by a quarter, 0
// included.
func yRange(t Target) (float64, float64) {
	lo, hi := 0.0, 0.0
	for _, y := range t.Y {
		if !math.IsNaN(y) && !math.IsInf(y, 0) {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
	}
	if hi-lo < 1e-9 {
		hi = lo + 1
	}
	pad := (hi - lo) / 4
	return lo - pad, hi + pad
}
