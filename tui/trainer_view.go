package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"backprop/internal/numfmt"
	"backprop/network"
	"backprop/tui/panes"
	"backprop/tui/widget"
)

// tabHint follows the tabs when there is room.
const tabHint = " v: next pane"

// tabLabel is tab i's label at a level of shortening: 0 the name, 1 long
// names abbreviated (Activ.), 2 the number only, but for the tab shown.
func tabLabel(name string, i, level int, shown bool) string {
	switch {
	case level >= 2 && !shown:
		return fmt.Sprintf(" %d", i+1)
	case level >= 1 && len(name) > 8:
		name = name[:5] + "."
	}
	return fmt.Sprintf(" %d %s ", i+1, name)
}

// tabsWidth is the cells the tabs take, with a space after each; name
// gives each pane's name.
func tabsWidth(level int, shown PaneKind, name func(PaneKind) string) int {
	n := 0
	for i, k := range tabbedPanes() {
		n += len([]rune(tabLabel(name(k), i, level, k == shown))) + 1
	}
	return n
}

// tabLevel is the least shortening that fits the tabs in w cells.
func tabLevel(w int, shown PaneKind, name func(PaneKind) string) int {
	for level := range 2 {
		if tabsWidth(level, shown, name) <= w {
			return level
		}
	}
	return 2
}

// tabAt returns the tab under column x of a tab row w cells wide, when
// the tab shown is shown.
func tabAt(x, w int, shown PaneKind, name func(PaneKind) string) (PaneKind, bool) {
	pos, level := 0, tabLevel(w, shown, name)
	for i, k := range tabbedPanes() {
		tw := len([]rune(tabLabel(name(k), i, level, k == shown)))
		if x >= pos && x < pos+tw {
			return k, true
		}
		pos += tw + 1
	}
	return 0, false
}

// tabsView is the tab row: every tabbed pane, the one shown marked, and
// the key that cycles them when there is room; names shortened rather
// than cut on a narrow row.
func (t *trainer) tabsView(w int) string {
	var b strings.Builder
	level := tabLevel(w, t.tab, t.paneTitle)
	for i, k := range tabbedPanes() {
		st := t.app.look.tab
		if k == t.tab {
			st = t.app.look.tabActive
		}
		b.WriteString(st.Render(tabLabel(t.paneTitle(k), i, level, k == t.tab)))
		b.WriteString(" ")
	}
	if tabsWidth(level, t.tab, t.paneTitle)+len([]rune(tabHint)) <= w {
		b.WriteString(t.app.look.dim.Render(tabHint))
	}
	return fit(b.String(), w)
}

// layout is Layout, given what the panes need, with the confusion
// browser, when open, in place of the Weights pane (full size) or of the
// tabbed pane (compact).
func (t *trainer) layout(w, h int) Screen {
	analysis := t.tab == PaneSurface || t.tab == PaneGradients
	base := Layout(w, h, t.tab, Needs{})
	if analysis && base.Tabs.W == 0 {
		base = withAnalysis(base) // full size: the middle column
	}
	scr := Layout(w, h, t.tab, t.needs(base))
	if analysis && scr.Tabs.W == 0 {
		scr = withAnalysis(scr)
	}
	if t.tab == PaneCompare && scr.Tabs.W == 0 && !scr.TooSmall {
		scr = withCompare(scr) // full size: the middle column
	}
	if t.tab == PaneHidden && scr.Tabs.W == 0 && !scr.TooSmall {
		scr = withHidden(scr) // full size: in the Sample pane's place
	}
	if !t.browse.on || scr.TooSmall {
		return scr
	}
	panes := slices.Clone(scr.Panes)
	for i, p := range panes {
		if p.Kind == PaneWeights || scr.Tabs.W > 0 && isTabbed(p.Kind) {
			panes[i].Kind = PaneConfusion
		}
	}
	scr.Panes = panes
	return scr
}

// needs is what the panes placed in scr (their widths do not depend on
// the needs) have to show. The confusion browser takes all it gets.
func (t *trainer) needs(scr Screen) Needs {
	var n Needs
	if t.sess == nil || scr.TooSmall || !scr.Tabs.Empty() {
		return n // the compact layout does not use them
	}
	for _, p := range scr.Panes {
		in := t.paneInput(p.W-2, p.H-2)
		switch p.Kind {
		case PaneActivations:
			n.Activations = panes.ActivationsRows(in)
		case PaneWeights:
			if !t.browse.on {
				n.Weights = panes.WeightsRows(in)
			}
		case PaneSample:
			if t.tab != PaneHidden { // Hidden space takes its place
				n.Sample = panes.SampleRows(in)
			}
		}
	}
	return n
}

// withAnalysis puts Surface and Gradients in the places of Activations
// and Weights.
func withAnalysis(scr Screen) Screen {
	panes := slices.Clone(scr.Panes)
	for i, p := range panes {
		switch p.Kind {
		case PaneActivations:
			panes[i].Kind = PaneSurface
		case PaneWeights:
			panes[i].Kind = PaneGradients
		}
	}
	scr.Panes = panes
	return scr
}

// withHidden puts the Hidden space pane in the place of Sample.
func withHidden(scr Screen) Screen {
	panes := slices.Clone(scr.Panes)
	for i, p := range panes {
		if p.Kind == PaneSample {
			panes[i].Kind = PaneHidden
		}
	}
	scr.Panes = panes
	return scr
}

// View composes the trainer screen from the layout.
func (t *trainer) View() string {
	w, h := t.w, t.h
	if t.sess == nil {
		return strings.Repeat("\n", max(h-1, 0)) // nothing open yet
	}
	scr := t.layout(w, h)
	lk := t.app.look
	lines := make([]string, h)
	if !scr.Tabs.Empty() {
		lines[scr.Tabs.Y] = t.tabsView(scr.Tabs.W)
	}
	switch {
	case t.class != nil && t.class.showWho:
		for i, l := range t.class.whoView(lk, scr.Main.W, scr.Main.H) {
			lines[scr.Main.Y+i] = l
		}
	case t.help.open:
		// the help takes the whole screen
		return strings.Join(t.app.helpScreen(t.helpGroups(), t.help, w, h), "\n")
	default:
		t.panesView(scr, lines)
	}
	if t.prompt != nil {
		// the prompt ends at the bottom line; a long note or error takes
		// the rows above the status bar too
		pl := t.prompt.Lines(t.app.styles, w, 4)
		copy(lines[max(scr.Help.Y+1-len(pl), 0):], pl)
	} else {
		t.bottomView(scr, w, lines)
	}
	return strings.Join(lines, "\n")
}

// bottomView draws the status bar, the help line and the flash, wrapped
// over the help line and the rows above when it is long, with the status
// bar kept above it; an explanation or text sample ends above the status
// bar wherever the flash put it, so the flash's real row count never
// hides the explanation's last lines.
func (t *trainer) bottomView(scr Screen, w int, lines []string) {
	fl := t.app.flashLines(w, 4)
	statusY, top := scr.Status.Y, scr.Help.Y
	if fl != nil {
		top = max(scr.Help.Y+1-len(fl), 0)
		if top <= scr.Status.Y {
			statusY = max(top-1, 0)
		}
	}
	if rows := max(statusY-scr.Main.Y, 0); t.whyShown() {
		// the explanation takes the rows above the status bar
		wl := t.whyView(scr.Status.W, min(max(scr.Status.Y-scr.Main.Y, 0)/2, rows))
		copy(lines[max(statusY-len(wl), 0):], wl)
	} else if t.textSampleShown() { // so does a text sample (trainer_sample.go)
		sl := t.textSampleView(scr.Status.W, min(max(scr.Status.Y-scr.Main.Y, 0)/2, rows))
		copy(lines[max(statusY-len(sl), 0):], sl)
	}
	lines[scr.Help.Y] = t.footView(scr.Help.W)
	copy(lines[top:], fl)
	if fl == nil || top > 0 {
		lines[statusY] = t.statusView(scr.Status.W)
	}
}

// panesView draws the panes into lines. Panes tile Main exactly, so each
// screen row is the left-to-right concatenation of the pane rows it
// crosses.
func (t *trainer) panesView(scr Screen, lines []string) {
	rows := make([][]string, len(scr.Panes))
	for i, p := range scr.Panes {
		content := t.renderPane(p.Kind, p.W-2, p.H-2)
		rows[i] = t.app.look.frame(t.paneTitle(p.Kind), content, p.W, p.H, p.Kind == PaneTopology || p.Kind == PaneInspector)
	}
	for y := scr.Main.Y; y < scr.Main.Y+scr.Main.H; y++ {
		var b strings.Builder
		for x := 0; x < scr.Main.W; {
			found := false
			for i, p := range scr.Panes {
				if p.X == x && y >= p.Y && y < p.Y+p.H {
					b.WriteString(rows[i][y-p.Y])
					x += p.W
					found = true
					break
				}
			}
			if !found {
				b.WriteString(" ")
				x++
			}
		}
		lines[y] = b.String()
	}
}

// footView is the bottom line: the short help.
func (t *trainer) footView(w int) string {
	if t.helpLine.w != w || t.helpLine.look != t.app.look {
		bs := t.keys.ShortHelp()
		t.helpLine.s = fit(widget.ShortHelp(t.app.styles, w, bs[:len(bs)-2], bs[len(bs)-2:]...), w)
		t.helpLine.w, t.helpLine.look = w, t.app.look
	}
	return t.helpLine.s
}

// epochShown is the epoch in progress, 1-based like History and the Sample
// pane; at EpochEnd it is the epoch just finished.
func epochShown(p network.Pos) int {
	if p.Phase == network.PhaseEpochEnd {
		return p.Epoch
	}
	return p.Epoch + 1
}

func humanRate(r float64) string {
	switch {
	case math.IsNaN(r) || r <= 0:
		return "0"
	case r >= 1e6:
		return numfmt.F(r/1e6, 1) + "M"
	case r >= 1e3:
		return numfmt.F(r/1e3, 1) + "k"
	}
	return numfmt.F(r, 0)
}

// paneTitle is k's title, on its frame and its tab: Topology is "Unrolled"
// on a sequence set, where it draws the network across the time steps, and
// Boundary is named for what it draws (panes.BoundaryName: "Fit" for one
// input, "Sequence" for a sequence set).
func (t *trainer) paneTitle(k PaneKind) string {
	if t.sess == nil || t.sess.st == nil {
		return k.String()
	}
	switch k {
	case PaneTopology:
		if t.sess.st.Train().Seq > 0 {
			return "Unrolled"
		}
	case PaneBoundary:
		return panes.BoundaryName(t.sess.st.Net(), t.sess.data)
	}
	return k.String()
}
