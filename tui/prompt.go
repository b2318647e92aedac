package tui

import (
	tea "charm.land/bubbletea/v2"

	"backprop/tui/widget"
)

// ask is an open prompt (the one component every screen types into) and
// what its answer does: apply validates the answer and applies it, and
// returns the change to report ("η: 2 → 0.5"), or an error that keeps the
// prompt open with the reason under it.
type ask struct {
	*widget.Prompt
	apply func(p *widget.Prompt) (report string, err error)
	// then runs once the answer is applied (save, then quit).
	then func() tea.Cmd
	// cancel runs when esc closes it (a save of twin B asked for while
	// twin A was focused puts the focus back).
	cancel func()
}

func newAsk(label, old string, apply func(p *widget.Prompt) (string, error)) *ask {
	return &ask{Prompt: widget.NewPrompt(label, old), apply: apply}
}

// answer gives msg to the prompt in slot: enter applies the answer (and
// closes the prompt unless apply refused it or opened another), esc
// closes it. Mouse messages are ignored.
func answer(a *app, slot **ask, msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.MouseMsg); ok {
		return nil
	}
	p := *slot
	ev, cmd := p.Update(msg)
	switch ev {
	case widget.Cancel:
		*slot = nil
		if p.cancel != nil {
			p.cancel()
		}
	case widget.Submit:
		report, err := p.apply(p.Prompt)
		if err != nil {
			p.Fail(err)
			return cmd
		}
		if *slot == p {
			*slot = nil
		}
		if report != "" {
			a.setFlash(report, false)
		}
		if p.then != nil {
			cmd = tea.Batch(cmd, p.then())
		}
	}
	return cmd
}
