package tui

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// promptKind says what a prompt's answer is for.
type promptKind uint8

const (
	promptWeight promptKind = iota
	promptLR
	promptDataset
	promptNoise
	promptSplit
	promptSave
	promptLoad
	promptHistory
	promptCSV
	promptLesson // not a prompt: the launcher's lessons item
)

// prompt is a one-line question answered with a bubbles textinput. Enter
// submits (the caller validates and may keep it open with an error), esc
// cancels.
type prompt struct {
	kind  promptKind
	label string
	input textinput.Model
	err   string
}

func newPrompt(kind promptKind, label, value string) *prompt {
	in := textinput.New()
	in.Prompt = ""
	in.SetValue(value)
	in.CursorEnd()
	in.CharLimit = 256
	in.Focus()
	return &prompt{kind: kind, label: label, input: in}
}

func (p *prompt) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (p *prompt) view(l *look, w int) string {
	room := max(w-len([]rune(p.label))-4, 1)
	if p.err != "" {
		// the input pads to its width: leave room for the reason (qa3 #5)
		room = max(min(room, len([]rune(p.input.Value()))+2), 1)
	}
	p.input.SetWidth(room)
	s := l.accent.Render(p.label+": ") + p.input.View()
	if p.err != "" {
		s += "  " + l.errS.Render(p.err)
	}
	return fit(s, w)
}
