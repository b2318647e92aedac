package testkit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// Key returns the key press that name spells, as a terminal sends it:
//
//   - a character: "a", "1", "?", "+"; an upper-case letter is shift+letter
//     with its text ("G" is Code 'g', ShiftedCode 'G', Text "G");
//   - a named key: space, enter, esc, tab, backspace, delete, insert, up,
//     down, left, right, home, end, pgup, pgdown, f1…f12;
//   - either with modifiers: "ctrl+c", "alt+x", "shift+tab", "ctrl+shift+up".
//
// msg.String() is what key bindings match: Key("space").String() is
// "space", Key("G").String() is "G". Key panics on a name it cannot spell,
// so a typo fails the test at once.
func Key(name string) tea.KeyPressMsg {
	var mod tea.KeyMod
	rest := name
	for {
		m, after, ok := cutModifier(rest)
		if !ok {
			break
		}
		mod |= m
		rest = after
	}
	if code, ok := namedKey(rest); ok {
		k := tea.KeyPressMsg{Code: code, Mod: mod}
		if code == tea.KeySpace && mod == 0 {
			k.Text = " "
		}
		return k
	}
	r, size := utf8.DecodeRuneInString(rest)
	if rest == "" || size != len(rest) || r == utf8.RuneError || !unicode.IsPrint(r) {
		panic(fmt.Sprintf("testkit: no key named %q", name))
	}
	switch {
	case unicode.IsUpper(r) && mod&^tea.ModShift == 0:
		return tea.KeyPressMsg{Code: unicode.ToLower(r), ShiftedCode: r, Text: rest, Mod: mod | tea.ModShift}
	case mod != 0:
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: rest}
}

// Keys returns the key presses of names, in order (see Key); one string
// may hold several names separated by spaces: Keys("down down", "enter").
func Keys(names ...string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, n := range names {
		for _, f := range strings.Fields(n) {
			out = append(out, Key(f))
		}
	}
	return out
}

// Text returns the key presses that type s, one per character.
func Text(s string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range s {
		if r == ' ' {
			out = append(out, Key("space"))
			continue
		}
		out = append(out, Key(string(r)))
	}
	return out
}

// cutModifier splits a leading "ctrl+", "alt+" or "shift+" off name when
// a key name follows it.
func cutModifier(name string) (tea.KeyMod, string, bool) {
	for _, m := range []struct {
		prefix string
		mod    tea.KeyMod
	}{{"ctrl+", tea.ModCtrl}, {"alt+", tea.ModAlt}, {"shift+", tea.ModShift}} {
		if rest, ok := strings.CutPrefix(name, m.prefix); ok && rest != "" {
			return m.mod, rest, true
		}
	}
	return 0, name, false
}

// namedKey is the code of a named (non-character) key.
func namedKey(name string) (rune, bool) {
	switch name {
	case "space":
		return tea.KeySpace, true
	case "enter":
		return tea.KeyEnter, true
	case "esc":
		return tea.KeyEscape, true
	case "tab":
		return tea.KeyTab, true
	case "backspace":
		return tea.KeyBackspace, true
	case "delete":
		return tea.KeyDelete, true
	case "insert":
		return tea.KeyInsert, true
	case "up":
		return tea.KeyUp, true
	case "down":
		return tea.KeyDown, true
	case "left":
		return tea.KeyLeft, true
	case "right":
		return tea.KeyRight, true
	case "home":
		return tea.KeyHome, true
	case "end":
		return tea.KeyEnd, true
	case "pgup":
		return tea.KeyPgUp, true
	case "pgdown":
		return tea.KeyPgDown, true
	}
	var n int
	if _, err := fmt.Sscanf(name, "f%d", &n); err == nil && name == fmt.Sprintf("f%d", n) && n >= 1 && n <= 12 {
		return tea.KeyF1 + rune(n-1), true
	}
	return 0, false
}
