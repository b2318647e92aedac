package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/tui/bench"
)

// The perceptron bench (tui/bench) is the vacation preset's screen: one
// step unit with inputs toggled by hand. This file embeds it: the root
// model keeps q, ctrl+c, ?, esc and T; every other key goes to the bench.

// benchPresets are the presets that open the bench instead of the trainer.
func benchPresets() []string { return []string{"vacation"} }

func isBenchPreset(name string) bool {
	for _, p := range benchPresets() {
		if p == name {
			return true
		}
	}
	return false
}

func (m *Model) openBench(problem string) error {
	b, err := bench.New(bench.Options{Problem: problem, Styles: m.styles})
	if err != nil {
		return err
	}
	m.bench = b
	m.screen = screenBench
	m.run.on = false
	m.prompt = nil
	m.showHelp = false
	return nil
}

// benchKeys is the help shown on the bench screen: the bench's own keys and
// the app's.
type benchKeys struct {
	b    bench.KeyMap
	root keyMap
}

func (k benchKeys) ShortHelp() []key.Binding {
	return append(k.b.ShortHelp(), k.root.Help, k.root.Menu, k.root.Quit)
}

func (k benchKeys) FullHelp() [][]key.Binding {
	return append(k.b.FullHelp(), []key.Binding{k.root.Theme, k.root.Help, k.root.Menu, k.root.Quit})
}

func (m *Model) benchUpdate(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && !m.bench.Editing() {
		switch {
		case key.Matches(k, m.keys.Quit):
			return tea.Quit
		case key.Matches(k, m.keys.Help):
			m.showHelp = !m.showHelp
			return nil
		case key.Matches(k, m.keys.Menu):
			if m.showHelp {
				m.showHelp = false
				return nil
			}
			m.screen = screenLauncher
			return nil
		case key.Matches(k, m.keys.Theme):
			m.cycleTheme()
			return nil
		}
	}
	if o, ok := msg.(bench.OpenTrainerMsg); ok {
		s, err := newSession("", m.withDataDir(Setup{Data: o.Data, Net: o.Net, Hyper: o.Hyper}), m.opts.Limits)
		if err != nil {
			m.setFlash(err.Error(), true)
			return nil
		}
		m.open(s)
		m.setFlash("backprop with a hidden layer: press r to run, space to step", false)
		return nil
	}
	var cmd tea.Cmd
	m.bench, cmd = m.bench.Update(msg)
	return cmd
}

func (m *Model) benchView() string {
	w, h := m.area()
	keys := benchKeys{b: m.bench.Keys(), root: m.keys}
	m.help.Styles = m.look.help
	m.help.SetWidth(w)
	if m.showHelp {
		body := m.fullHelp(keys.FullHelp(), w-2, h-3)
		lines := m.look.frame("Keys — ? or esc closes", body, w, h-1, true)
		return strings.Join(append(lines, fit(m.help.ShortHelpView(keys.ShortHelp()), w)), "\n")
	}
	lines := block(m.bench.View(w, h-1), w, h-1)
	foot := fit(m.help.ShortHelpView(keys.ShortHelp()), w)
	if m.flash != "" {
		st := m.look.okS
		if m.flashErr {
			st = m.look.errS
		}
		foot = fit(st.Render(m.flash), w)
	}
	return strings.Join(append(lines, foot), "\n")
}
