package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"

	"backprop/tui/lesson"
	"backprop/tui/widget"
)

// The `?` help of every screen: the screen's whole keymap (every binding,
// every alternate key), plus the lesson's keys while a lesson is open,
// laid out by widget.HelpPages in columns that fit the screen. When it
// needs more than one page, ? turns the page.

// helpState is whether a screen shows its help, and which page.
type helpState struct {
	open bool
	page int
}

// toggle is the help key: open at the first page, then the next page,
// then close.
func (hs *helpState) toggle(pages int) {
	switch {
	case !hs.open:
		hs.open, hs.page = true, 0
	case hs.page+1 < pages:
		hs.page++
	default:
		hs.open = false
	}
}

// helpPages lays groups out for a help screen of w×h cells: the pages'
// columns take all its lines but the last.
func (a *app) helpPages(groups []widget.HelpGroup, w, h int) [][]string {
	return widget.HelpPages(groups, a.styles, w, h-1)
}

// helpScreen draws page hs.page of the help for groups in w×h cells: the
// columns, and under them what closes the help (and turns its page).
func (a *app) helpScreen(groups []widget.HelpGroup, hs helpState, w, h int) []string {
	if h < 2 {
		return block("", w, h)
	}
	pages := a.helpPages(groups, w, h)
	page := min(hs.page, len(pages)-1)
	foot := a.look.accent.Render("Keys") + a.look.dim.Render(" — ? or esc closes")
	if len(pages) > 1 {
		foot = a.look.accent.Render(fmt.Sprintf("Keys, page %d of %d", page+1, len(pages))) + a.look.dim.Render(" — ? next page · esc closes")
	}
	return append(pages[page], fit(foot, w))
}

// withLessonHelp adds the lesson's keys while a lesson is open.
func (a *app) withLessonHelp(groups []widget.HelpGroup) []widget.HelpGroup {
	if a.lessonKeys == nil {
		return groups
	}
	return append(groups, lessonHelp(*a.lessonKeys))
}

// lessonHelp is the lesson's keymap as a help group.
func lessonHelp(k lesson.KeyMap) widget.HelpGroup {
	// a–f and 1–6 on one line
	var letters, digits []string
	for _, b := range k.Choose {
		if ks := b.Keys(); len(ks) > 0 {
			letters = append(letters, ks[0])
			digits = append(digits, ks[1:]...)
		}
	}
	choose := key.NewBinding(key.WithKeys(append(letters, digits...)...))
	return widget.HelpGroup{Title: "Lesson", Rows: []widget.HelpRow{
		widget.Row("", k.Next),
		widget.Row("", k.Prev),
		widget.Row("scroll the lesson down/up", k.ScrollDown, k.ScrollUp),
		widget.Row("choose an answer", choose),
		widget.Row("previous/next answer", k.OptUp, k.OptDown),
		widget.Row("answer with the one marked", k.Answer),
	}}
}

// helpGroups is the trainer's key table as help.
func (t *trainer) helpGroups() []widget.HelpGroup {
	var groups []widget.HelpGroup
	for _, g := range t.table {
		if g.title == classKeysTitle && t.class == nil {
			continue // inert outside a class: the help over SSH lists them
		}
		hg := widget.HelpGroup{Title: g.title}
		for _, r := range g.rows {
			var bs []key.Binding
			for _, c := range r.cmds {
				bs = append(bs, *c.b)
			}
			hg.Rows = append(hg.Rows, widget.Row(r.desc, bs...))
		}
		groups = append(groups, hg)
	}
	return t.app.withLessonHelp(groups)
}

// KeysMarkdown renders the trainer's key table as Markdown (for the README),
// from the same table the keys run through and the help view shows.
func KeysMarkdown() string {
	a, err := newApp(Options{Theme: "mono"})
	if err != nil {
		return err.Error()
	}
	t := newTrainer(a, nil, nil)
	var b strings.Builder
	b.WriteString("| key | action | group |\n|---|---|---|\n")
	for _, g := range t.table {
		for _, r := range g.rows {
			for _, c := range r.cmds {
				fmt.Fprintf(&b, "| `%s` | %s | %s |\n", strings.Join(c.b.Keys(), "` `"), c.b.Help().Desc, g.title)
			}
		}
	}
	return b.String()
}
