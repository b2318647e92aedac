package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"backprop/network"
)

// tabLabel is the text of a pane's tab.
func tabLabel(k PaneKind, i int) string { return fmt.Sprintf(" %d %s ", i+1, k) }

// tabAt returns the tab under column x of the tab row.
func tabAt(x int) (PaneKind, bool) {
	pos := 0
	for i, k := range tabbedPanes() {
		w := len([]rune(tabLabel(k, i)))
		if x >= pos && x < pos+w {
			return k, true
		}
		pos += w + 1
	}
	return 0, false
}

func (t *trainer) tabsView(w int) string {
	var b strings.Builder
	for i, k := range tabbedPanes() {
		st := t.app.look.tab
		if k == t.tab {
			st = t.app.look.tabActive
		}
		b.WriteString(st.Render(tabLabel(k, i)))
		b.WriteString(" ")
	}
	b.WriteString(t.app.look.dim.Render(" v: next pane"))
	return fit(b.String(), w)
}

// layout is Layout with the confusion browser, when open, in place of the
// Weights pane (full size) or of the tabbed pane (compact).
func (t *trainer) layout(w, h int) Screen {
	scr := Layout(w, h, t.tab)
	if scr.Tabs.W == 0 && (t.tab == PaneSurface || t.tab == PaneGradients) {
		scr = withAnalysis(scr) // full size: the middle column
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
		if t.whyShown() {
			// the explanation takes the rows above the status bar
			wl := t.whyView(scr.Status.W, max(scr.Status.Y-scr.Main.Y, 0)/2)
			copy(lines[scr.Status.Y-len(wl):], wl)
		}
		lines[scr.Status.Y] = t.statusView(scr.Status.W)
		lines[scr.Help.Y] = t.footView(scr.Help.W)
	}
	return strings.Join(lines, "\n")
}

// panesView draws the panes into lines. Panes tile Main exactly, so each
// screen row is the left-to-right concatenation of the pane rows it
// crosses.
func (t *trainer) panesView(scr Screen, lines []string) {
	rows := make([][]string, len(scr.Panes))
	for i, p := range scr.Panes {
		content := t.renderPane(p.Kind, p.W-2, p.H-2)
		rows[i] = t.app.look.frame(p.Kind.String(), content, p.W, p.H, p.Kind == PaneTopology || p.Kind == PaneInspector)
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

// footView is the bottom line: the flash, else the short help.
func (t *trainer) footView(w int) string {
	if f := t.app.flashView(); f != "" {
		return fit(f, w)
	}
	if t.helpLine.w != w || t.helpLine.look != t.app.look {
		hm := &t.app.help
		hm.Styles = t.app.look.help
		hm.SetWidth(w)
		t.helpLine.s = fit(hm.ShortHelpView(t.keys.ShortHelp()), w)
		t.helpLine.w, t.helpLine.look = w, t.app.look
	}
	return t.helpLine.s
}

// statusView is the status bar: position, hyper-parameters, cost, speed
// and training status.
func (t *trainer) statusView(w int) string {
	s := t.sess
	st := s.st
	p := st.Pos()
	h := st.Hyper()
	phase := p.Phase.String()
	if p.Phase == network.PhaseForward || p.Phase == network.PhaseBackward {
		phase += fmt.Sprintf(" L%d", p.Layer+1)
	}
	// the latest mean cost: of the last mini-batch, else of the last epoch
	cost := "—"
	if bl := st.BatchLosses(); len(bl) > 0 {
		cost = fmt.Sprintf("%.4g", bl[len(bl)-1])
	} else if hist := st.History(); len(hist) > 0 {
		cost = fmt.Sprintf("%.4g", hist[len(hist)-1].TrainLoss)
	}
	l := t.app.look
	run := "⏸ " + speedLabel(t.run.speed)
	if t.run.on {
		run = fmt.Sprintf("▶ %s/s %s", humanRate(t.run.rate), speedLabel(t.run.speed))
	}
	// long labels when they fit, short ones otherwise
	type field struct{ long, short, val string }
	fields := []field{
		{"epoch", "ep", fmt.Sprint(epochShown(p))},
		{"batch", "b", fmt.Sprintf("%d/%d", p.Batch+1, st.BatchCount())},
		{"sample", "s", fmt.Sprintf("%d/%d", p.Sample+1, max(st.BatchSize(), 1))},
		{"phase", "", phase},
		{"η", "η", fmt.Sprintf("%g", h.Eta)},
		{"m", "m", fmt.Sprint(h.Batch)},
		{"last batch C̄", "C̄", cost}, // a mean over a batch: the Inspector's C is one sample's
	}
	width := 0
	for _, f := range fields {
		width += len([]rune(f.long)) + len([]rune(f.val)) + 3
	}
	width += len([]rune(run)) + 12
	var b strings.Builder
	if role := t.class.role(); role != "" {
		b.WriteString(l.stKey.wrap(role + "  "))
		width += len([]rune(role)) + 2
	}
	for _, f := range fields {
		k := f.long
		if width > w {
			k = f.short
		}
		if k != "" {
			b.WriteString(l.stKey.wrap(k + " "))
		}
		b.WriteString(l.st.wrap(f.val + "  "))
	}
	b.WriteString(l.st.wrap(run + "  "))
	if done, total := st.Evaluating(); done > 0 {
		b.WriteString(l.st.wrap(fmt.Sprintf("evaluating %d%%  ", done*100/total)))
	}
	switch status := st.Status(); status {
	case network.Diverged:
		what := "diverged"
		if d := st.Divergence(); d != nil {
			if d.Layer >= 0 {
				what = fmt.Sprintf("diverged: %s in layer %d", d.What, d.Layer+1)
			} else {
				what = "diverged: " + d.What
			}
		}
		b.WriteString(l.errS.Render(what))
	case network.Training:
		b.WriteString(l.st.wrap("training"))
	default:
		b.WriteString(l.okS.Render(status.String()))
	}
	return fit(b.String(), w)
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
		return fmt.Sprintf("%.1fM", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.1fk", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}
