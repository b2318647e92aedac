package lesson

import "charm.land/bubbles/v2/key"

// KeyMap is the lesson's key table. It avoids the trainer's and the bench's
// keys, except while a question waits for its answer: then the lesson takes
// every key but ctrl+c (see Model.HandlesKey).
type KeyMap struct {
	Next, Prev           key.Binding // next / previous step
	ScrollDown, ScrollUp key.Binding // scroll the step's text
	Choose               []key.Binding
	OptUp, OptDown       key.Binding
	Answer               key.Binding
}

// DefaultKeyMap returns the lesson keys.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	k := KeyMap{
		Next:       b([]string{"pgdown", "ctrl+n"}, "pgdn/ctrl+n", "next step"),
		Prev:       b([]string{"pgup", "ctrl+p"}, "pgup/ctrl+p", "previous step"),
		ScrollDown: b([]string{"ctrl+d"}, "ctrl+d", "scroll lesson down"),
		ScrollUp:   b([]string{"ctrl+u"}, "ctrl+u", "scroll lesson up"),
		OptUp:      b([]string{"up", "k"}, "↑", "previous option"),
		OptDown:    b([]string{"down", "j"}, "↓", "next option"),
		Answer:     b([]string{"enter"}, "enter", "answer"),
	}
	for i, c := range "abcdef" {
		k.Choose = append(k.Choose, b([]string{string(c), string(rune('1' + i))}, string(c), "choose "+string(c)))
	}
	return k
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Next, k.Prev} }

// FullHelp groups the bindings into columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Next, k.Prev, k.ScrollDown, k.ScrollUp}, {k.Choose[0], k.OptUp, k.OptDown, k.Answer}}
}
