package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/internal/numfmt"
	"backprop/network"
)

// subscripts for w₁, w₂, …
var subs = []string{"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"}

func sub(i int) string {
	if i >= 0 && i < len(subs) {
		return subs[i]
	}
	return strconv.Itoa(i)
}

// num prints v with at most two decimals and no trailing zeros: 0.4, −1.5, 2.
func num(v float64) string {
	return numfmt.F(math.Round(v*100)/100, -1)
}

// fixed prints v as a signed 5-wide number with two decimals.
func fixed(v float64) string {
	s := numfmt.F(v, 2)
	return strings.Repeat(" ", max(5-len([]rune(s)), 0)) + s
}

// pctOf prints a fraction as a whole percentage: 73%.
func pctOf(v float64) string { return numfmt.F(100*v, 0) + "%" }

func signed(v float64) string {
	if v > 0 {
		return "+" + num(v)
	}
	return num(v)
}

func vec(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = num(x)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// View draws the bench in a w×h box. Lines are cut to w; when h is short,
// spacing goes first, then the learning trace.
func (m Model) View(w, h int) string {
	if w <= 0 || h <= 0 || m.styles == nil {
		return ""
	}
	st := m.styles
	n := len(m.w)
	plot := n == 2 && w >= 60 && h >= 20
	leftW := w
	if plot {
		leftW = w - plotWidth - 2
	}

	var top, table []string
	blank := "\x00" // dropped first when short of height

	unit := "unit: " + st.Accent.Render(m.unit.String()) + " · η = " + num(m.eta)
	title := st.Title.Render("Perceptron bench") + " · " + m.prob.Title
	top = append(top, padBetween(title, unit, w), blank)

	top = append(top, m.inputsView(leftW, blank)...)

	// the weighted sum against the threshold, and the decision
	s := m.Z(m.x) - m.b
	top = append(top, m.barView(s, leftW))
	top = append(top, m.decisionView())
	top = append(top, blank)

	// the truth table
	table = m.tableView()
	learn := m.learnView(w)
	var last []string // kept when the learning trace is cut
	if m.note != "" {
		last = append(last, st.Warn.Render(m.note))
	}
	if m.prompt != nil {
		last = append(last, m.prompt.Lines(st, w, 3)...)
	}

	var lines []string
	lines = append(lines, top...)
	if plot {
		var ls []string
		for _, l := range dropBlanks(append(append([]string{}, top[2:]...), table...)) {
			l = ansi.Truncate(strings.TrimRight(strings.TrimPrefix(l, spare), " "), leftW, "…")
			ls = append(ls, l+strings.Repeat(" ", leftW-ansi.StringWidth(l)))
		}
		body := lipgloss.JoinHorizontal(lipgloss.Top, strings.Join(ls, "\n"), "  ", m.plotView())
		lines = append([]string{top[0], blank}, strings.Split(body, "\n")...)
	} else {
		lines = append(lines, table...)
	}
	// fit the height: drop spacing, then the learning trace from its top,
	// then cut
	fit := func() []string {
		out := append(append(append(append([]string{}, lines...), blank), learn...), last...)
		// drop only as many blank lines as needed, the lowest first,
		// then the spare ones
		for _, drop := range []func(string) bool{
			func(l string) bool { return l == blank },
			func(l string) bool { return strings.HasPrefix(l, spare) },
		} {
			for i := len(out) - 1; i >= 0 && len(out) > h; i-- {
				if drop(out[i]) {
					out = append(out[:i], out[i+1:]...)
				}
			}
		}
		return out
	}
	out := fit()
	for len(out) > h && len(learn) > 0 {
		learn = learn[1:]
		out = fit()
	}
	if len(out) > h {
		out = out[:h]
	}
	lines = out
	for i, l := range lines {
		if l == blank {
			l = ""
		}
		l = strings.TrimPrefix(l, spare)
		lines[i] = ansi.Truncate(strings.TrimRight(l, " "), w, "…")
	}
	return strings.Join(lines, "\n")
}

// inputsView is the inputs with their weights and θ with what it is:
// the note beside θ, or under it when leftW is narrow.
func (m Model) inputsView(leftW int, blank string) []string {
	st := m.styles
	n := len(m.w)
	out := []string{st.Dim.Render(fmt.Sprintf(" %-3s %-14s %-3s %s", "key", "input", "x", "weight (significance)"))}
	for k, in := range m.prob.Inputs {
		x := " " + num(m.x[k]) + " "
		if m.x[k] > 0 {
			x = st.Bold.Render("[1]")
		}
		out = append(out, fmt.Sprintf(" %-3s %-14s %s %s", "["+strconv.Itoa(k+1)+"]", in.Name, x, m.fieldView(k, "w"+sub(k+1)+" = ")))
	}
	// θ, and what it is: beside it, or under it when the column is narrow
	theta := fmt.Sprintf(" %-3s %-14s %3s %s", "", "", "", m.fieldView(n, "θ  = "))
	note := " threshold, bias b = −θ = " + num(m.b)
	if lipgloss.Width(theta+note) <= leftW {
		out = append(out, theta+st.Dim.Render(note), blank)
	} else {
		out = append(out, theta, strings.Repeat(" ", 25)+st.Dim.Render(note[1:]))
	}
	return out
}

// spare starts a line the view drops, after the blank ones, when short of
// height (the target rule, which the table's target column also shows).
const spare = "\x01"

func dropBlanks(ls []string) []string {
	out := ls[:0:0]
	for _, l := range ls {
		if l != "\x00" {
			out = append(out, l)
		}
	}
	return out
}

func padBetween(a, b string, w int) string {
	gap := w - lipgloss.Width(a) - lipgloss.Width(b)
	if gap < 1 {
		return a + " " + b
	}
	return a + strings.Repeat(" ", gap) + b
}

func (m Model) fieldName(i int) string {
	if i < len(m.w) {
		return "w" + sub(i+1) + " (" + m.prob.Inputs[i].Name + ")"
	}
	return "θ (threshold)"
}

// fieldView draws a weight or the threshold, marked when focused.
func (m Model) fieldView(i int, label string) string {
	st := m.styles
	v := m.field(i)
	val := fixed(v)
	if i < len(m.w) {
		switch {
		case v > 0:
			val = st.Pos.Render(val)
		case v < 0:
			val = st.Neg.Render(val)
		}
	}
	if i == m.focus {
		if m.prompt != nil {
			return "▸" + label + st.Input.Render(m.prompt.Value()+"_") + "◂"
		}
		return "▸" + st.Focus.Render(label+fixed(v)) + "◂"
	}
	return " " + label + val + " "
}

// barView draws Σ w·x as a bar with the threshold θ marked ┃.
func (m Model) barView(sum float64, w int) string {
	st := m.styles
	theta := -m.b
	label := "Σ w·x = " + fixed(sum) + " "
	right := "  θ = " + num(theta)
	bw := w - lipgloss.Width(label) - lipgloss.Width(right) - 1
	if bw < 5 {
		return label + right
	}
	bw = min(bw, 40)
	lo, hi := math.Min(0, theta), math.Max(1, theta)
	for k, wk := range m.w {
		_ = k
		if wk < 0 {
			lo += wk
		} else {
			hi += wk
		}
	}
	lo, hi = math.Min(lo, sum), math.Max(hi, sum)
	pad := (hi - lo) * 0.05
	lo, hi = lo-pad, hi+pad
	cell := (hi - lo) / float64(bw)
	tpos := int((theta - lo) / cell)
	var b strings.Builder
	for i := range bw {
		c := lo + (float64(i)+0.5)*cell
		switch {
		case i == tpos:
			b.WriteString("┃")
		case (c > 0 && c <= sum) || (c < 0 && c >= sum): // between 0 and Σ
			b.WriteString("█")
		default:
			b.WriteString("░")
		}
	}
	bar := b.String()
	if sum > theta {
		bar = st.OK.Render(bar)
	}
	return label + bar + right
}

func (m Model) decisionView() string {
	st := m.styles
	z := m.Z(m.x)
	d := m.Decision(m.x)
	word := strings.ToUpper(m.prob.Word(d))
	rel := "≤"
	if d > 0 {
		rel = ">"
	}
	p := sigmoid(z)
	dec := st.Bold.Render(word)
	if d > 0 {
		dec = st.OK.Render(word)
	}
	// σ(z) is the confidence in 1 (go); a 0 (stay) is 1 − σ(z) sure.
	sure := p
	if d == 0 {
		sure = 1 - p
	}
	if m.unit == SigmoidUnit {
		return fmt.Sprintf("confidence σ(%s) = %s, so %s sure → %s", num(z), st.Bold.Render(numfmt.F(p, 2)), pctOf(sure), dec) +
			st.Dim.Render(fmt.Sprintf("   (step: %s)", num(d)))
	}
	return "decision " + dec + st.Dim.Render(fmt.Sprintf("   Σ w·x %s θ, so step → %s (sigmoid: %s sure)", rel, num(d), pctOf(sure)))
}

func (m Model) tableView() []string {
	st := m.styles
	var hdr []string
	widths := make([]int, len(m.prob.Inputs))
	for k, in := range m.prob.Inputs {
		name := in.ID
		if m.prob.Name != "vacation" {
			name = in.Name
		}
		widths[k] = max(3, lipgloss.Width(name))
		hdr = append(hdr, name+strings.Repeat(" ", widths[k]-lipgloss.Width(name)))
	}
	out := "output"
	if m.unit == SigmoidUnit {
		out = "σ(z)"
	}
	lines := []string{st.Dim.Render(" " + strings.Join(hdr, " ") + " │  Σ w·x  " + fmt.Sprintf("%-6s %-6s", out, "target"))}
	wrong := 0
	for i, x := range m.rows {
		z := m.Z(x)
		d := m.Decision(x)
		var cells []string
		for k, v := range x {
			c := num(v)
			if v > 0 && ((d > 0 && m.w[k] > 0) || (d == 0 && m.w[k] < 0)) {
				c += "*"
			}
			cells = append(cells, fmt.Sprintf(" %-*s", widths[k], c))
		}
		o := m.prob.Word(d)
		if m.unit == SigmoidUnit {
			o = numfmt.F(sigmoid(z), 2)
		}
		mark := st.OK.Render("✓")
		if d != m.ys[i] {
			mark = st.Error.Render("✗")
			wrong++
		}
		row := strings.Join(cells, "") + " │ " + fixed(z-m.b) + "   " + fmt.Sprintf("%-6s %-6s ", o, m.prob.Word(m.ys[i])) + mark
		if sameRow(x, m.x) {
			row = st.Selected.Render(row)
		}
		if m.last != nil && sameRow(x, m.last.X) {
			row += st.Accent.Render(" ◂ learned")
		}
		lines = append(lines, row)
	}
	verdict := st.OK.Render("all rows right")
	if wrong > 0 {
		verdict = st.Warn.Render(fmt.Sprintf("%d of %d rows wrong", wrong, len(m.rows)))
	}
	lines = append(lines, " "+verdict+st.Dim.Render(" · * = input that decided the row"))
	return append([]string{spare + st.Dim.Render(" target: ") + m.prob.Rule}, lines...)
}

func sameRow(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// learnView shows the last step of the perceptron rule with the numbers
// filled in, and the rule's status.
func (m Model) learnView(w int) []string {
	st := m.styles
	var out []string
	if m.st == nil {
		return []string{st.Dim.Render("learning rule unavailable: ") + fmt.Sprint(m.stErr)}
	}
	r := m.last
	if r == nil {
		out = append(out, st.Dim.Render("learn: s applies w ← w + η(y − ŷ)x to the next sample, e a whole epoch"))
	} else {
		out = append(out, fmt.Sprintf("learn: x = %s, target y = %s, output ŷ = %s, error y − ŷ = %s",
			vec(r.X), num(r.Y), num(r.YHat), signed(r.Err)))
		if r.Err == 0 {
			out = append(out, "  right already: y − ŷ = 0, so w and b stay as they are")
		} else {
			out = append(out, fmt.Sprintf("  w ← w + η(y − ŷ)x = %s + %s·(%s)·%s = %s",
				vec(r.OldW), num(r.Eta), signed(r.Err), vec(r.X), vec(r.NewW)))
			out = append(out, fmt.Sprintf("  b ← b + η(y − ŷ)  = %s + %s·(%s) = %s, so θ = %s",
				num(r.OldB), num(r.Eta), signed(r.Err), num(r.NewB), num(-r.NewB)))
		}
	}
	pos := m.position()
	switch m.Status() {
	case network.Converged:
		out = append(out, st.OK.Render("converged: a whole epoch without a mistake")+st.Dim.Render(" · "+pos))
	case network.NotConverging:
		out = append(out, st.Error.Render("not converging: the rule cycles."))
		if len(m.w) == 2 {
			out = append(out, "No straight line puts the ● and ○ on different sides (see the plot).")
		} else {
			out = append(out, "No plane separates the classes.")
		}
		out = append(out, "Press "+st.Accent.Render("g")+" to add a hidden layer [n,3,1] (or G for [n,2,1]) and train by backprop.")
	default:
		out = append(out, st.Dim.Render(pos))
	}
	return out
}

// position is where the rule is, numbered as the trainer numbers it: the
// epoch in progress from 1 (at an epoch's end, the one that ended), and the
// samples seen: "epoch 1 · 1 sample seen".
func (m Model) position() string {
	ep := m.Epoch() + 1
	if m.st != nil && m.st.Pos().Phase == network.PhaseEpochEnd {
		ep = m.Epoch()
	}
	switch n := m.Steps(); n {
	case 0:
		return fmt.Sprintf("epoch %d · no sample seen yet", ep)
	case 1:
		return fmt.Sprintf("epoch %d · 1 sample seen", ep)
	default:
		return fmt.Sprintf("epoch %d · %d samples seen", ep, n)
	}
}

// plotWidth is the width of the 2-D plot, frame included.
const plotWidth = 22

// plotView draws the four points of a 2-input problem on [−0.5, 1.5]² and
// the region where the unit says 1 (·); the edge of that region is the line
// w₁x₁ + w₂x₂ = θ.
func (m Model) plotView() string {
	st := m.styles
	const cw, ch = plotWidth - 5, 9
	cell := func(c, r int) (float64, float64) {
		return -0.5 + (float64(c)+0.5)*2/cw, 1.5 - (float64(r)+0.5)*2/ch
	}
	col := func(x float64) int { return int((x + 0.5) / 2 * cw) }
	row := func(y float64) int { return int((1.5 - y) / 2 * ch) }
	grid := make([][]string, ch)
	for r := range grid {
		grid[r] = make([]string, cw)
		for c := range grid[r] {
			x1, x2 := cell(c, r)
			if m.Z([]float64{x1, x2}) > 0 {
				grid[r][c] = st.Dim.Render("·")
			} else {
				grid[r][c] = " "
			}
		}
	}
	for i, x := range m.rows {
		c, r := col(x[0]), row(x[1])
		g := "○"
		if m.ys[i] > 0 {
			g = "●"
		}
		if m.Decision(x) != m.ys[i] {
			g = st.Error.Render(g)
		}
		grid[r][c] = g
	}
	lines := []string{"x₂ ┌" + strings.Repeat("─", cw) + "┐"}
	for r := range grid {
		label := "   │"
		switch r {
		case row(1):
			label = " 1 │"
		case row(0):
			label = " 0 │"
		}
		lines = append(lines, label+strings.Join(grid[r], "")+"│")
	}
	lines = append(lines, "   └"+strings.Repeat("─", cw)+"┘")
	c0, c1 := col(0), col(1)
	lines = append(lines, strings.Repeat(" ", 4+c0)+"0"+strings.Repeat(" ", c1-c0-1)+"1  x₁")
	lines = append(lines, st.Dim.Render("   ● "+m.prob.Positive+"  ○ "+m.prob.Negative+"  · says "+m.prob.Positive))
	return strings.Join(lines, "\n")
}
