package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"backprop/tui/widget"
)

// helpShows checks that screen s shows the whole help of groups on one
// page: every key (alternates too), every title, nothing cut.
func helpShows(t *testing.T, s string, groups []widget.HelpGroup) {
	t.Helper()
	if strings.Contains(s, "…") {
		t.Errorf("something is cut:\n%s", s)
	}
	if !strings.Contains(s, "Keys — ? or esc closes") {
		t.Errorf("the help takes more than one page:\n%s", s)
	}
	words := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		for _, w := range strings.Fields(l) {
			words[w] = true
		}
	}
	n := 0
	for _, g := range groups {
		if !strings.Contains(s, g.Title) {
			t.Errorf("title %q missing", g.Title)
		}
		for _, r := range g.Rows {
			n++
			for _, k := range strings.Fields(r.Key) {
				if !words[k] {
					t.Errorf("key %q (%s) missing", k, r.Desc)
				}
			}
			// the description's words, wherever it wrapped
			for _, w := range strings.Fields(r.Desc) {
				if !words[w] {
					t.Errorf("%s: word %q of %q missing", r.Key, w, r.Desc)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no help rows")
	}
}

// TestHelpIsTheWholeKeymap: `?` on every screen shows every binding of its
// keymap (with the alternates ctrl+z, =, _, and F, J, P of a class, the
// confusion browser's keys, the bench's L/H), laid out so that nothing is
// cut at 80×24 and 120×40. It used to leave out F, J, P and the
// alternates, and cut entries (`focus follows…`) while four rows stayed
// empty.
func TestHelpIsTheWholeKeymap(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("trainer/%dx%d", w, h), func(t *testing.T) {
			m := newTestModel(t, Options{Preset: "xor"}, w, h)
			press(m, "?")
			s := screen(t, m)
			helpShows(t, s, m.tr.helpGroups())
			for _, k := range []string{"u/ctrl+z", "+/=", "-/_", "C", "M", "r/enter", "q/ctrl+c", "1–9"} {
				if !strings.Contains(s, k+" ") {
					t.Errorf("%q missing", k)
				}
			}
			if strings.Contains(s, classKeysTitle) {
				t.Errorf("the class keys are listed outside a class:\n%s", s)
			}
			golden.RequireEqual(t, s)
			press(m, "?")
			if m.tr.help.open {
				t.Error("? should close the help")
			}
		})
		t.Run(fmt.Sprintf("bench/%dx%d", w, h), func(t *testing.T) {
			m := newTestModel(t, Options{Preset: "vacation"}, w, h)
			press(m, "?")
			s := screen(t, m)
			helpShows(t, s, m.bench.helpGroups())
			for _, k := range []string{"shift+→/>/L", "shift+←/</H", "→/l/+/=", "u/ctrl+z", "s/space", "w/enter"} {
				if !strings.Contains(s, k+" ") {
					t.Errorf("%q missing", k)
				}
			}
			golden.RequireEqual(t, s)
			press(m, "esc")
			if m.bench.help.open || m.screen != screenBench {
				t.Error("esc should close the help, and only the help")
			}
		})
		t.Run(fmt.Sprintf("launcher/%dx%d", w, h), func(t *testing.T) {
			m := newTestModel(t, Options{}, w, h)
			press(m, "?")
			helpShows(t, screen(t, m), m.menu.helpGroups())
			press(m, "esc")
			if m.menu.help.open {
				t.Error("esc should close the help")
			}
		})
		t.Run(fmt.Sprintf("lesson/%dx%d", w, h), func(t *testing.T) {
			m := newTestModel(t, Options{StateDir: t.TempDir()}, w, h)
			cmd, err := m.openLessons("")
			if err != nil {
				t.Fatal(err)
			}
			run(m, cmd) // the first step's scene: the bench
			if m.screen != screenBench {
				t.Fatalf("the first lesson opens on screen %d", m.screen)
			}
			press(m, "?")
			s := screen(t, m)
			groups := m.bench.helpGroups()
			if g := groups[len(groups)-1]; g.Title != "Lesson" {
				t.Fatalf("the lesson's keys are not in the help: %q", g.Title)
			}
			if w == 80 {
				// the lesson fills the screen: ? shows the app's help
				// instead, and the lesson comes back when it closes
				helpShows(t, s, groups)
				press(m, "?")
				if m.lesson.hidden || m.bench.help.open {
					t.Errorf("closing the help: lesson hidden %v, help open %v", m.lesson.hidden, m.bench.help.open)
				}
			}
		})
	}
}

// TestHelpPagesWhenSmall: below 80×24 a help that does not fit takes pages
// that ? turns; nothing is cut.
func TestHelpPagesWhenSmall(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, MinWidth, MinHeight)
	press(m, "?")
	seen := ""
	for i := 0; i < 5 && m.tr.help.open; i++ {
		s := screen(t, m)
		if strings.Contains(s, "…") {
			t.Fatalf("page %d cuts:\n%s", i+1, s)
		}
		seen += s
		press(m, "?")
	}
	if m.tr.help.open {
		t.Fatal("? never closed the help")
	}
	for _, k := range []string{"step neuron", "save model", "save pane as a figure", "most confused"} {
		if !strings.Contains(seen, k) {
			t.Errorf("%q on no page", k)
		}
	}
}
