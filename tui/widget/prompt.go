// Package widget holds the small components every screen of the app shares:
// the one-line prompt every value and file name is typed into, and the key
// help laid out for the screen's size.
package widget

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/internal/safetext"
	"backprop/themes"
)

// MaxInput bounds what a prompt holds, in characters. Input beyond it is
// dropped as it arrives (keys and pastes alike), so a huge paste costs no
// more than a short one.
const MaxInput = 256

// Event is what a message did to a prompt.
type Event uint8

const (
	None   Event = iota // the text changed, or nothing happened
	Submit              // enter: the owner validates Value and applies it, or calls Fail
	Cancel              // esc (or ctrl+c, with tea.Quit): the owner closes the prompt
)

// Prompt is a one-line question: a label, the text typed, the keys that
// answer it and, after a refused answer, why. It opens with the current
// value selected, so typing replaces it, enter keeps it, and the arrow keys
// edit it.
type Prompt struct {
	label string
	old   string
	in    textinput.Model
	// selected: the old value is selected (nothing typed yet)
	selected bool
	edited   bool
	err      string
	note     string
	limit    int
	allow    func(rune) bool
	suggest  bool
	styled   *themes.Styles // the theme the input's styles come from
}

// NewPrompt opens a prompt for label with the current value old (may be
// empty). Text shown that may come from outside (old, a note, a refused
// answer's reason) is made safe for the terminal (safetext.Line).
func NewPrompt(label, old string) *Prompt {
	old = safetext.Line(old)
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = MaxInput
	// ctrl+v would read the clipboard of the machine the app runs on (the
	// server's, over SSH); terminals paste with bracketed paste instead
	in.KeyMap.Paste.SetEnabled(false)
	// a steady cursor: a blinking one redraws the screen twice a second
	// (over SSH, a frame each time)
	is := in.Styles()
	is.Cursor.Blink = false
	in.SetStyles(is)
	in.SetValue(capRunes(old, MaxInput, nil))
	in.CursorEnd()
	in.Focus()
	return &Prompt{label: label, old: old, in: in, selected: old != "", limit: MaxInput}
}

// SetLimit bounds the answer to n characters (at most MaxInput).
func (p *Prompt) SetLimit(n int) {
	p.limit = max(1, min(n, MaxInput))
	p.in.CharLimit = p.limit
}

// Allow keeps only the characters in chars from what is typed or pasted.
func (p *Prompt) Allow(chars string) {
	p.allow = func(r rune) bool { return strings.ContainsRune(chars, r) }
}

// SetSuggestions offers completions (tab accepts one).
func (p *Prompt) SetSuggestions(s []string) {
	p.in.ShowSuggestions = true
	p.in.SetSuggestions(s)
	p.suggest = true
}

// SetNote sets a line of advice shown after the keys (e.g. the valid
// names).
func (p *Prompt) SetNote(s string) { p.note = safetext.Line(s) }

// Label is what the prompt asks for.
func (p *Prompt) Label() string { return p.label }

// Old is the value the prompt opened with.
func (p *Prompt) Old() string { return p.old }

// Value is the answer as it stands.
func (p *Prompt) Value() string { return p.in.Value() }

// Edited reports whether anything was typed (enter on an untouched prompt
// keeps the old value).
func (p *Prompt) Edited() bool { return p.edited }

// SetValue replaces the answer (for tests and callers that fill it in).
func (p *Prompt) SetValue(s string) {
	p.in.SetValue(capRunes(s, p.limit, p.allow))
	p.in.CursorEnd()
	p.selected, p.edited, p.err = false, true, ""
}

// Err is why the last answer was refused ("" if it was not).
func (p *Prompt) Err() string { return p.err }

// Fail keeps the prompt open and says why its answer was refused.
func (p *Prompt) Fail(err error) {
	p.err = safetext.Line(err.Error())
	p.selected = false
}

// Update handles a key, a paste or a cursor blink.
func (p *Prompt) Update(msg tea.Msg) (Event, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch msg.String() {
		case "enter":
			return Submit, nil
		case "esc":
			return Cancel, nil
		case "ctrl+c":
			return Cancel, tea.Quit
		}
		return None, p.key(msg)
	case tea.PasteMsg:
		p.err = ""
		if msg.Content = capRunes(msg.Content, p.room(), p.allow); msg.Content == "" {
			return None, nil
		}
		p.replaceSelection()
		var cmd tea.Cmd
		p.in, cmd = p.in.Update(msg)
		return None, cmd
	}
	var cmd tea.Cmd
	p.in, cmd = p.in.Update(msg)
	return None, cmd
}

// room is how many characters may still be added: a selected value is
// replaced, so all of the limit.
func (p *Prompt) room() int {
	if p.selected {
		return p.limit
	}
	return max(p.limit-utf8.RuneCountInString(p.in.Value()), 0)
}

// replaceSelection clears a selected value before text is inserted.
func (p *Prompt) replaceSelection() {
	if p.selected {
		p.in.SetValue("")
		p.selected = false
	}
	p.edited = true
}

// key handles a key press: text replaces a selected value, deletions clear
// it, moves keep it for editing.
func (p *Prompt) key(k tea.KeyPressMsg) tea.Cmd {
	p.err = ""
	if k.Text != "" {
		if k.Text = capRunes(k.Text, p.room(), p.allow); k.Text == "" {
			return nil
		}
		p.replaceSelection()
		var cmd tea.Cmd
		p.in, cmd = p.in.Update(k)
		return cmd
	}
	if p.selected {
		p.selected = false
		switch k.String() {
		case "backspace", "delete", "ctrl+h", "ctrl+d", "ctrl+w", "ctrl+u", "ctrl+k", "alt+backspace":
			p.in.SetValue("")
			p.edited = true
			return nil
		}
	}
	before := p.in.Value()
	var cmd tea.Cmd
	p.in, cmd = p.in.Update(k)
	if p.in.Value() != before {
		p.edited = true
	}
	return cmd
}

// capRunes returns at most n of s's allowed characters, looking at no more
// than a bounded prefix of s (a pasted megabyte costs as much as a
// kilobyte). Characters a terminal would act on (controls, bidi overrides:
// see safetext) are dropped, since the prompt shows what it holds.
func capRunes(s string, n int, allow func(rune) bool) string {
	if n <= 0 {
		return ""
	}
	if limit := 4*n + 64; len(s) > limit {
		s = s[:limit]
	}
	var b strings.Builder
	for _, r := range s {
		if n == 0 {
			break
		}
		if !safetext.Printable(r) || allow != nil && !allow(r) {
			continue
		}
		b.WriteRune(r)
		n--
	}
	return b.String()
}

// hint is the prompt's second line: why the answer was refused, or the
// keys that answer it.
func (p *Prompt) hint(st *themes.Styles) string {
	if p.err != "" {
		return st.Error.Render("✗ "+p.err) + st.Dim.Render(" · esc cancels")
	}
	keys := "enter ok · esc cancel"
	switch {
	case p.selected:
		keys = "type to replace · ← → edit · enter keeps it · esc cancel"
	case p.suggest:
		keys = "tab completes · enter ok · esc cancel"
	}
	if p.note != "" {
		keys += " · " + p.note
	}
	return st.Dim.Render(keys)
}

// restyle takes the input's text and suggestion styles from the theme.
func (p *Prompt) restyle(st *themes.Styles) {
	if p.styled == st {
		return
	}
	p.styled = st
	is := p.in.Styles()
	is.Focused.Text, is.Focused.Suggestion, is.Focused.Placeholder = st.Input, st.Dim, st.Dim
	p.in.SetStyles(is)
}

// field draws label and answer in w cells.
func (p *Prompt) field(st *themes.Styles, w int) string {
	p.restyle(st)
	label := st.Prompt.Render(p.label + ": ")
	// the label, ": ", the answer and the cursor after it
	room := max(w-ansi.StringWidth(p.label)-4, 1)
	if p.selected {
		return label + st.Selected.Render(ansi.Truncate(p.in.Value(), room, "…"))
	}
	p.in.SetWidth(room)
	// the input pads to its width without counting a suggestion's tail:
	// what passes w is padding
	return ansi.Truncate(label+p.in.View(), w, "")
}

// Lines draws the prompt in at least two and at most n lines of w cells:
// the question with its answer, and under it the keys (or the error) and
// the note, wrapped.
func (p *Prompt) Lines(st *themes.Styles, w, n int) []string {
	lines := []string{fit(p.field(st, w), w)}
	hint := strings.Split(ansi.Wrap(p.hint(st), max(w, 1), ""), "\n")
	if len(hint) > n-1 {
		hint = hint[:max(n-1, 1)]
	}
	for _, h := range hint {
		lines = append(lines, fit(h, w))
	}
	return lines
}

// Change reports an edit: "name: old → new", or "name stays old" when
// nothing changed.
func Change(name, old, new string) string {
	if old == new {
		return fmt.Sprintf("%s stays %s", name, old)
	}
	return fmt.Sprintf("%s: %s → %s", name, old, new)
}

// fit pads or truncates s (which may hold ANSI styles) to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if n := ansi.StringWidth(s); n > w {
		return ansi.Truncate(s, w, "…")
	} else if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
