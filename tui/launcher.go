package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/cli/setup"
)

// launcherItem is one line of the launcher: a preset or a file action.
type launcherItem struct {
	title, about string
	preset       string     // preset name, or ""
	action       promptKind // promptCSV or promptLoad when preset is ""
}

// launcher is the start screen: a list of presets and file actions.
type launcher struct {
	items  []launcherItem
	cursor int
	err    string
}

func newLauncher() launcher {
	var l launcher
	for _, p := range setup.Presets() {
		l.items = append(l.items, launcherItem{title: p.Name, about: p.Teaches, preset: p.Name})
	}
	l.items = append(l.items,
		launcherItem{title: "guided lessons…", about: "six short lessons from the perceptron to SGD, with questions", action: promptLesson},
		launcherItem{title: "open a CSV file…", about: "train on your own table: last column is the target", action: promptCSV},
		launcherItem{title: "load a model file…", about: "resume a saved network exactly where it stopped", action: promptLoad},
	)
	return l
}

func (m *Model) launcherUpdate(msg tea.Msg) tea.Cmd {
	l := &m.menu
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.lkeys.Quit):
			return tea.Quit
		case key.Matches(msg, m.lkeys.Up):
			l.cursor = (l.cursor + len(l.items) - 1) % len(l.items)
		case key.Matches(msg, m.lkeys.Down):
			l.cursor = (l.cursor + 1) % len(l.items)
		case key.Matches(msg, m.lkeys.Theme):
			m.cycleTheme()
		case key.Matches(msg, m.lkeys.Pick):
			return m.pick(l.cursor)
		}
	case tea.MouseClickMsg:
		if i, ok := m.launcherHit(msg.Mouse().X, msg.Mouse().Y); ok {
			if i == l.cursor {
				return m.pick(i)
			}
			l.cursor = i
		}
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			l.cursor = max(l.cursor-1, 0)
		case tea.MouseWheelDown:
			l.cursor = min(l.cursor+1, len(l.items)-1)
		}
	}
	return nil
}

func (m *Model) pick(i int) tea.Cmd {
	it := m.menu.items[i]
	m.menu.err = ""
	if it.preset == "" && it.action == promptLesson {
		cmd, err := m.openLessons("")
		if err != nil {
			m.menu.err = "lessons: " + err.Error()
			return nil
		}
		return cmd
	}
	if it.preset == "" {
		label := "CSV file (target = last column)"
		if it.action == promptLoad {
			label = "model file"
		}
		if m.opts.Sandbox {
			label += " in the session folder"
		}
		m.prompt = newPrompt(it.action, label, "")
		return nil
	}
	p, err := setup.FindPreset(it.preset)
	if err == nil && isBenchPreset(p.Name) {
		if err = m.openBench(p.Name); err == nil {
			return nil
		}
	} else if err == nil {
		var s *session
		s, err = newSession(p.Name, m.withDataDir(p.Setup), m.opts.Limits)
		if err == nil {
			m.open(s)
			return nil
		}
	}
	m.menu.err = fmt.Sprintf("%s: %v", it.preset, err)
	return nil
}

// launcherTop is the first row of the item list.
const launcherTop = 3

// launcherWindow is the part of the item list that fits in h rows (the
// rest scrolls): the first item shown and how many.
func (m *Model) launcherWindow(h int) (first, n int) {
	n = max(h-launcherTop-5, 3) // help line, a blank line and up to 3 error lines
	n = min(n, len(m.menu.items))
	first = max(0, m.menu.cursor-n+1)
	return first, n
}

func (m *Model) launcherHit(x, y int) (int, bool) {
	w, h := m.area()
	first, n := m.launcherWindow(h)
	i := y - launcherTop
	if i < 0 || i >= n || x < 0 || x >= w {
		return 0, false
	}
	return first + i, true
}

func (m *Model) launcherView() string {
	w, h := m.area()
	l := &m.menu
	lk := m.look
	var b strings.Builder
	b.WriteString(lk.accent.Render("backprop") + lk.dim.Render(" — watch a neural network learn, one step at a time") + "\n")
	b.WriteString(lk.dim.Render("pick something to train:") + "\n\n")
	nameW := 0
	for _, it := range l.items {
		nameW = max(nameW, lipgloss.Width(it.title))
	}
	first, n := m.launcherWindow(h)
	for i := first; i < first+n; i++ {
		it := l.items[i]
		line := fmt.Sprintf("  %-*s  %s", nameW, it.title, it.about)
		if i == l.cursor {
			line = lk.selected.Render(fit("▸ "+line[2:], w))
		} else {
			line = "  " + lk.accent.Render(fmt.Sprintf("%-*s", nameW, it.title)) + "  " + it.about
		}
		b.WriteString(fit(line, w) + "\n")
	}
	b.WriteString("\n")
	if l.err != "" {
		msg := ansi.Wordwrap(strings.Join(strings.Fields(l.err), " "), w, "")
		for _, line := range strings.Split(msg, "\n") {
			b.WriteString(lk.errS.Render(line) + "\n")
		}
	}
	lines := block(b.String(), w, h-1)
	if m.prompt != nil {
		lines[h-2] = m.prompt.view(lk, w)
	}
	m.help.SetWidth(w)
	m.help.Styles = lk.help
	return strings.Join(lines, "\n") + "\n" + fit(m.help.ShortHelpView(m.lkeys.ShortHelp()), w)
}
