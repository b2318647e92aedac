package tui

import (
	"os"
	"strings"
	"testing"
)

// The trainer's words the README quotes are the trainer's: each case
// presses keys and the README's quote must be on the screen (or in the
// flash) as well as in the README.
func TestREADMETrainerQuotes(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	cases := []struct {
		name  string
		m     func(t *testing.T) *Model
		keys  []string
		quote string
	}{
		{"rebuild says u undoes", xorModel, []string{"left", "n"}, "layer 1 has 5 neurons (training restarted; u undoes)"},
		{"quit asks", xorModel, []string{"e", "e", "e", "q"}, "Quit? The xor network (epoch 3) is not saved."},
		{"batch count", xorModel, []string{"s", "s", "}", "}"}, "b 2/3"},
		{"batch count after s", xorModel, []string{"s", "s", "}", "}", "s"}, "b 3/3  s 1/2"},
		{"save over another file", func(t *testing.T) *Model {
			m := xorModel(t)
			if err := os.WriteFile(m.app.opts.SaveDir+"/other.json", nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return m
		}, []string{"S", "o", "t", "h", "e", "r", ".", "j", "s", "o", "n", "enter"}, "✗ other.json exists: enter again replaces it, or type another name"},
		{"mnist folder refused", func(t *testing.T) *Model {
			m := newTestModel(t, Options{StateDir: t.TempDir()}, 80, 24)
			cursorTo(t, m, "mnist")
			return m
		}, []string{"enter", "/", "t", "m", "p", "enter"}, "✗ the mnist files are not in /tmp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.m(t)
			press(m, c.keys...)
			if !strings.Contains(readme, strings.Join(strings.Fields(c.quote), " ")) {
				t.Errorf("README.md does not quote %q", c.quote)
			}
			if scr := screen(t, m); !strings.Contains(scr, c.quote) && !strings.Contains(m.app.flash, c.quote) {
				t.Errorf("the trainer does not show %q:\n%s", c.quote, scr)
			}
		})
	}
}
