package widget

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
)

func press(p *Prompt, keys ...string) (Event, tea.Cmd) {
	var ev Event
	var cmd tea.Cmd
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "ctrl+c":
			msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
		default:
			msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		ev, cmd = p.Update(msg)
	}
	return ev, cmd
}

// TestPromptReplacesOldValue: the old value is selected, so typing replaces
// it (it used to be appended to: `w 2 enter` on 0.8014 gave 0.80142).
func TestPromptReplacesOldValue(t *testing.T) {
	tests := []struct {
		keys   []string
		want   string
		edited bool
	}{
		{nil, "0.8014", false},
		{[]string{"2"}, "2", true},
		{[]string{"-", "1", ".", "5"}, "-1.5", true},
		{[]string{"backspace"}, "", true},
		{[]string{"left", "9"}, "0.80194", true},
		{[]string{"left", "backspace"}, "0.804", true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, " "), func(t *testing.T) {
			p := NewPrompt("w", "0.8014")
			if ev, _ := press(p, tt.keys...); ev != None {
				t.Fatalf("event %d", ev)
			}
			if p.Value() != tt.want || p.Edited() != tt.edited {
				t.Errorf("value %q edited %v, want %q %v", p.Value(), p.Edited(), tt.want, tt.edited)
			}
			if ev, _ := press(p, "enter"); ev != Submit {
				t.Errorf("enter: event %d, want Submit", ev)
			}
		})
	}
}

func TestPromptEvents(t *testing.T) {
	p := NewPrompt("η", "2")
	if ev, cmd := press(p, "esc"); ev != Cancel || cmd != nil {
		t.Errorf("esc: %d", ev)
	}
	if ev, cmd := press(p, "ctrl+c"); ev != Cancel || cmd == nil {
		t.Errorf("ctrl+c: %d, want Cancel and a quit", ev)
	}
	p.Fail(fmt.Errorf("η must be > 0"))
	st := themes.Mono()
	hint := p.Lines(st, 60, 2)[1]
	if !strings.Contains(hint, "η must be > 0") {
		t.Errorf("the error is not shown: %q", hint)
	}
	press(p, "5")
	if p.Err() != "" {
		t.Error("typing should clear the error")
	}
	if hint := p.Lines(st, 60, 2)[1]; !strings.Contains(hint, "enter ok · esc cancel") {
		t.Errorf("key hint %q", hint)
	}
}

// TestPromptCapsInput: pastes and typed text are capped as they arrive
// (BenchmarkPromptPaste measures that a megabyte costs no more than a
// kilobyte).
func TestPromptCapsInput(t *testing.T) {
	huge := strings.Repeat("0123456789", 100_000) // 1 MB
	p := NewPrompt("file", "")
	for i := 0; i < 3; i++ {
		p.Update(tea.PasteMsg{Content: huge})
	}
	if n := len([]rune(p.Value())); n != MaxInput {
		t.Errorf("after a paste: %d characters, want %d", n, MaxInput)
	}
	p.Update(tea.KeyPressMsg{Code: 'x', Text: huge})
	if n := len([]rune(p.Value())); n != MaxInput {
		t.Errorf("after a key: %d characters", n)
	}
	q := NewPrompt("w", "0")
	q.SetLimit(4)
	q.Allow("0123456789.-")
	q.Update(tea.PasteMsg{Content: "a1b2c3d4e5"})
	if q.Value() != "1234" {
		t.Errorf("filtered paste %q, want 1234", q.Value())
	}
	press(q, "x") // not allowed: the value stays
	if q.Value() != "1234" {
		t.Errorf("value %q", q.Value())
	}
}

func TestKeyLabel(t *testing.T) {
	tests := []struct {
		keys []string
		want string
	}{
		{[]string{"r", "enter"}, "r/enter"},
		{[]string{"up", "k"}, "↑/k"},
		{[]string{"shift+right", ">", "L"}, "shift+→/>/L"},
		{[]string{"1", "2", "3", "4", "5"}, "1–5"},
		{[]string{"pgdown", "ctrl+n"}, "pgdn/ctrl+n"},
		{[]string{"+", "="}, "+/="},
	}
	for _, tt := range tests {
		if got := KeyLabel(key.NewBinding(key.WithKeys(tt.keys...))); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.keys, got, tt.want)
		}
	}
}

// TestHelpPages: every row is on a page, whole, in the size given.
func TestHelpPages(t *testing.T) {
	var groups []HelpGroup
	for g := 0; g < 8; g++ {
		hg := HelpGroup{Title: fmt.Sprintf("Group %d", g)}
		for r := 0; r < 6; r++ {
			hg.Rows = append(hg.Rows, HelpRow{Key: fmt.Sprintf("k%d%d", g, r), Desc: fmt.Sprintf("does thing %d of group %d with a longish description", r, g)})
		}
		groups = append(groups, hg)
	}
	st := themes.Mono()
	for _, sz := range [][2]int{{78, 21}, {118, 37}, {58, 15}, {30, 10}} {
		w, h := sz[0], sz[1]
		pages := HelpPages(groups, st, w, h)
		var all string
		for _, pg := range pages {
			if len(pg) != h {
				t.Fatalf("%dx%d: a page of %d lines", w, h, len(pg))
			}
			for _, l := range pg {
				if ansi.StringWidth(l) != w {
					t.Fatalf("%dx%d: a line of %d cells", w, h, ansi.StringWidth(l))
				}
				if strings.Contains(l, "…") {
					t.Errorf("%dx%d: cut: %q", w, h, l)
				}
				all += ansi.Strip(l) + "\n"
			}
		}
		// columns sit side by side, so a wrapped description's words are
		// split across lines: look for each key and each description's
		// first and last words
		words := strings.Fields(all)
		count := map[string]int{}
		for _, w := range words {
			count[w]++
		}
		for _, g := range groups {
			for _, r := range g.Rows {
				if count[r.Key] != 1 {
					t.Errorf("%dx%d: key %q shown %d times (%d pages)", w, h, r.Key, count[r.Key], len(pages))
				}
			}
		}
		if count["does"] != 48 || count["description"] != 48 {
			t.Errorf("%dx%d: %d/%d descriptions whole", w, h, count["does"], count["description"])
		}
		if w >= 118 && len(pages) != 1 {
			t.Errorf("%dx%d: %d pages, want 1", w, h, len(pages))
		}
	}
}

// BenchmarkPromptPaste: one paste into an empty prompt, of 1 KB and of
// 1 MB; the work is bounded by the prompt's limit, not the paste.
func BenchmarkPromptPaste(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 20} {
		paste := tea.PasteMsg{Content: strings.Repeat("x", n)}
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			for b.Loop() {
				p := NewPrompt("file", "")
				p.Update(paste)
			}
		})
	}
}

// A confirm is answered with one key: a choice's keys, n or esc for no;
// other keys are swallowed. Its lines are the question and the answers,
// fitted to the width.
func TestConfirm(t *testing.T) {
	c := NewConfirm("Quit? The xor network (epoch 3) is not saved.", "stay",
		Choice{Keys: []string{"y", "q"}, Desc: "quit"}, Choice{Keys: []string{"s"}, Desc: "save it first"})
	for _, tc := range []struct {
		msg    tea.Msg
		choice int
		ok     bool
	}{
		{tea.KeyPressMsg{Code: 'y', Text: "y"}, 0, true},
		{tea.KeyPressMsg{Code: 'q', Text: "q"}, 0, true},
		{tea.KeyPressMsg{Code: 's', Text: "s"}, 1, true},
		{tea.KeyPressMsg{Code: 'n', Text: "n"}, -1, true},
		{tea.KeyPressMsg{Code: tea.KeyEscape}, -1, true},
		{tea.KeyPressMsg{Code: 'x', Text: "x"}, 0, false},
		{tea.MouseClickMsg{}, 0, false},
	} {
		if i, ok := c.Update(tc.msg); i != tc.choice || ok != tc.ok {
			t.Errorf("%v: %d %v, want %d %v", tc.msg, i, ok, tc.choice, tc.ok)
		}
	}
	for _, w := range []int{80, 30} {
		lines := c.Lines(themes.Mono(), w, 4)
		text := ansi.Strip(strings.Join(lines, "\n"))
		for _, l := range lines {
			if ansi.StringWidth(l) != w {
				t.Errorf("%d: line %q is %d wide", w, ansi.Strip(l), ansi.StringWidth(l))
			}
		}
		if flat := strings.Join(strings.Fields(text), " "); !strings.Contains(flat, "Quit? The xor network (epoch 3) is not saved.") ||
			!strings.Contains(flat, "y quit · s save it first · n/esc stay") {
			t.Errorf("%d:\n%s", w, text)
		}
	}
}
