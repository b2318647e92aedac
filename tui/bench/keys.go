package bench

import (
	"charm.land/bubbles/v2/key"

	"backprop/tui/widget"
)

// KeyMap is the bench's key table; help and the README are generated from it.
// It leaves q, ?, esc, T and ctrl+c to the app around it.
type KeyMap struct {
	Toggle                   []key.Binding // 1, 2, 3: toggle input k
	Up, Down                 key.Binding   // focus the previous / next field
	Next, Prev               key.Binding   // same, with tab
	Inc, Dec, IncBig, DecBig key.Binding   // ±0.1 and ±1 on the focused field
	Type                     key.Binding   // type a value into the focused field
	Unit                     key.Binding   // step ↔ sigmoid
	Learn, Epoch             key.Binding   // perceptron rule: one sample, one epoch
	Undo, Reset              key.Binding
	Problem, PrevProblem     key.Binding // cycle vacation, AND, OR, NAND, XOR
	Hidden, Hidden2          key.Binding // open a [n,3,1] / [n,2,1] sigmoid network in the trainer
}

// DefaultKeyMap returns the bench's keys.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		Toggle: []key.Binding{
			b([]string{"1"}, "1", "toggle input 1"),
			b([]string{"2"}, "2", "toggle input 2"),
			b([]string{"3"}, "3", "toggle input 3"),
		},
		Up:          b([]string{"up", "k"}, "↑/k", "previous field"),
		Down:        b([]string{"down", "j"}, "↓/j", "next field"),
		Next:        b([]string{"tab"}, "tab", "next field"),
		Prev:        b([]string{"shift+tab"}, "shift+tab", "previous field"),
		Inc:         b([]string{"right", "l", "+", "="}, "→/+", "+0.1"),
		Dec:         b([]string{"left", "h", "-"}, "←/-", "−0.1"),
		IncBig:      b([]string{"shift+right", ">", "L"}, "shift+→/>", "+1"),
		DecBig:      b([]string{"shift+left", "<", "H"}, "shift+←/<", "−1"),
		Type:        b([]string{"w", "enter"}, "w/enter", "type a value"),
		Unit:        b([]string{"a"}, "a", "step ↔ sigmoid"),
		Learn:       b([]string{"s", "space"}, "s/space", "learn one sample"),
		Epoch:       b([]string{"e"}, "e", "learn one epoch"),
		Undo:        b([]string{"u", "ctrl+z"}, "u", "undo"),
		Reset:       b([]string{"R"}, "R", "weights to 0"),
		Problem:     b([]string{"d"}, "d", "next problem"),
		PrevProblem: b([]string{"D"}, "D", "previous problem"),
		Hidden:      b([]string{"g"}, "g", "hidden layer [n,3,1]"),
		Hidden2:     b([]string{"G"}, "G", "hidden layer [n,2,1]"),
	}
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Toggle[0], k.Learn, k.Down, k.Inc, k.Type, k.Unit, k.Problem, k.Hidden}
}

// FullHelp groups every binding into columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		append(append([]key.Binding{}, k.Toggle...), k.Unit, k.Problem, k.PrevProblem),
		{k.Up, k.Down, k.Next, k.Prev, k.Inc, k.Dec, k.IncBig, k.DecBig, k.Type},
		{k.Learn, k.Epoch, k.Undo, k.Reset, k.Hidden, k.Hidden2},
	}
}

// HelpGroups is every binding, every alternate key, as titled help.
func (k KeyMap) HelpGroups() []widget.HelpGroup {
	return []widget.HelpGroup{
		{Title: "Inputs and unit", Rows: []widget.HelpRow{
			widget.Row("toggle input 1, 2, 3", k.Toggle...),
			widget.Row("", k.Unit),
			widget.Row("next/previous problem", k.Problem, k.PrevProblem),
		}},
		{Title: "Weights and threshold θ", Rows: []widget.HelpRow{
			widget.Row("previous/next field", k.Up, k.Down),
			widget.Row("next/previous field", k.Next, k.Prev),
			widget.Row("field +0.1/−0.1", k.Inc, k.Dec),
			widget.Row("field +1/−1", k.IncBig, k.DecBig),
			widget.Row("", k.Type),
		}},
		{Title: "Perceptron rule", Rows: []widget.HelpRow{
			widget.Row("", k.Learn),
			widget.Row("", k.Epoch),
			widget.Row("", k.Undo),
			widget.Row("", k.Reset),
			widget.Row("open a [n,3,1]/[n,2,1] network in the trainer", k.Hidden, k.Hidden2),
		}},
	}
}
