package widget

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
)

// Choice is one answer of a Confirm: the keys that pick it and what the key
// hint calls it ("y", "quit").
type Choice struct {
	Keys []string
	Desc string
}

// Confirm is a question answered with one key: "Quit? xor (epoch 3) is not
// saved." with its answers under it ("y quit · s save first · n/esc
// stay"). The owner asks it before a key would lose work. esc always
// answers no.
type Confirm struct {
	question string
	choices  []Choice
	no       string
}

// NewConfirm asks question; choices are the answers besides no (esc and
// the keys of noKeys, described by noDesc).
func NewConfirm(question string, noDesc string, choices ...Choice) *Confirm {
	return &Confirm{question: question, choices: choices, no: noDesc}
}

// Question is what the confirm asks.
func (c *Confirm) Question() string { return c.question }

// Update reads a key: the index of the choice it picks, -1 for no (n or
// esc), or ok false for any other key (which the confirm swallows).
func (c *Confirm) Update(msg tea.Msg) (choice int, ok bool) {
	k, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		return 0, false
	}
	s := k.String()
	for i, ch := range c.choices {
		for _, key := range ch.Keys {
			if key == s {
				return i, true
			}
		}
	}
	if s == "esc" || s == "n" {
		return -1, true
	}
	return 0, false
}

// Lines draws the question (wrapped) and the answers in w cells, at most n
// lines.
func (c *Confirm) Lines(st *themes.Styles, w, n int) []string {
	var keys []string
	for _, ch := range c.choices {
		keys = append(keys, st.Prompt.Render(ch.Keys[0])+st.Dim.Render(" "+ch.Desc))
	}
	keys = append(keys, st.Prompt.Render("n/esc")+st.Dim.Render(" "+c.no))
	q := strings.Split(ansi.Wrap(st.Prompt.Render(c.question), max(w, 1), ""), "\n")
	h := strings.Split(ansi.Wrap(strings.Join(keys, st.Dim.Render(" · ")), max(w, 1), ""), "\n")
	if len(q)+len(h) > n {
		q = q[:max(n-len(h), 1)]
	}
	var lines []string
	for _, l := range append(q, h...) {
		lines = append(lines, fit(l, w))
	}
	if len(lines) > n {
		lines = lines[:n]
	}
	return lines
}
