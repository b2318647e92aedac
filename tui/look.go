package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
)

// look holds the styles the root model draws with (frames, status bar,
// tabs), derived from the theme's Styles. Pane contents come from tui/panes
// with the theme's Styles directly.
type look struct {
	th                         *themes.Styles
	mono                       bool
	border, borderFocus, title lipgloss.Style
	titleFocus                 lipgloss.Style
	status, statusKey, errS    lipgloss.Style
	okS, dim, accent, selected lipgloss.Style
	tab, tabActive             lipgloss.Style
	// frame glyphs
	tl, tr, bl, br, hz, vt string
	// pre-rendered SGR wrappers (prefix, suffix) so a frame costs string
	// concatenation, not lipgloss renders
	bd, bdFocus, tt, ttFocus, st, stKey sgrPair
}

// sgrPair is the escape sequences a style puts around its text.
type sgrPair struct{ pre, post string }

func pairOf(s lipgloss.Style) sgrPair {
	r := s.Render("X")
	i := strings.Index(r, "X")
	if i < 0 {
		return sgrPair{}
	}
	return sgrPair{r[:i], r[i+1:]}
}

func (p sgrPair) wrap(s string) string { return p.pre + s + p.post }

func newLook(th *themes.Styles) *look {
	l := &look{th: th, mono: th.Mono}
	plain := lipgloss.NewStyle()
	l.border = plain.Foreground(th.Pane.GetBorderTopForeground())
	l.borderFocus = plain.Foreground(th.PaneFocused.GetBorderTopForeground())
	l.title, l.titleFocus = th.PaneTitle, th.PaneTitleFocused
	l.status, l.statusKey = th.StatusValue, th.StatusKey
	l.errS, l.okS, l.dim, l.accent, l.selected = th.Error, th.OK, th.Dim, th.Accent, th.Selected
	l.tab, l.tabActive = th.Dim, th.Title.Underline(true)
	l.tl, l.tr, l.bl, l.br, l.hz, l.vt = "╭", "╮", "╰", "╯", "─", "│"
	if th.Mono {
		l.border, l.borderFocus = plain, plain.Bold(true)
		l.tab, l.tabActive = plain, plain.Reverse(true)
	}
	l.bd, l.bdFocus = pairOf(l.border), pairOf(l.borderFocus)
	l.tt, l.ttFocus = pairOf(l.title), pairOf(l.titleFocus)
	l.st, l.stKey = pairOf(l.status), pairOf(l.statusKey)
	return l
}

// fit pads or truncates s (which may hold ANSI styles) to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-n)
}

// block splits s into exactly h lines of exactly w cells.
func block(s string, w, h int) []string {
	lines := strings.Split(s, "\n")
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// frame draws a rounded border with a title around content lines (which
// must already be exactly r.W−2 cells wide and r.H−2 lines) and returns
// r.H lines of r.W cells.
func (l *look) frame(title string, content []string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return block("", w, h)
	}
	bs, ts := l.bd, l.tt
	if focused {
		bs, ts = l.bdFocus, l.ttFocus
	}
	inner := w - 2
	t := ansi.Truncate(" "+title+" ", max(inner-2, 0), "…")
	tw := ansi.StringWidth(t)
	top := bs.wrap(l.tl+l.hz) + ts.wrap(t) + bs.wrap(strings.Repeat(l.hz, max(inner-1-tw, 0))+l.tr)
	if inner-1-tw < 0 {
		top = bs.wrap(l.tl + strings.Repeat(l.hz, inner) + l.tr)
	}
	out := make([]string, 0, h)
	out = append(out, top)
	side := bs.wrap(l.vt)
	blank := strings.Repeat(" ", inner)
	for i := 0; i < h-2; i++ {
		c := blank
		if i < len(content) {
			c = content[i]
		}
		out = append(out, side+c+side)
	}
	out = append(out, bs.wrap(l.bl+strings.Repeat(l.hz, inner)+l.br))
	return out
}
