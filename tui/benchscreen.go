package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/themes"
	"backprop/tui/bench"
	"backprop/tui/widget"
)

// The perceptron bench (tui/bench) is the vacation preset's screen: one
// step unit with inputs toggled by hand. benchScreen embeds it: it keeps
// q, ctrl+c, ?, esc and T; every other key goes to the bench.

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

// benchScreen is the bench as a screen of the app: the bench component and
// the app's keys around it.
type benchScreen struct {
	app  *app
	nav  navigator
	keys *keyMap // the app's keys the bench screen keeps (q, ?, esc, T)
	w, h int
	m    bench.Model
	// fn, when set, is the functions bench, shown instead of m.
	fn   *bench.Funcs
	help helpState
}

func newBenchScreen(a *app, nav navigator, keys *keyMap, problem string) (*benchScreen, error) {
	b, err := bench.New(bench.Options{Problem: problem, Styles: a.styles})
	if err != nil {
		return nil, err
	}
	return &benchScreen{app: a, nav: nav, keys: keys, m: b}, nil
}

// newFuncsScreen is the functions bench as a screen.
func newFuncsScreen(a *app, nav navigator, keys *keyMap) (*benchScreen, error) {
	f, err := bench.NewFuncs(bench.FuncsOptions{Styles: a.styles, NoFiles: a.opts.Sandbox})
	if err != nil {
		return nil, err
	}
	return &benchScreen{app: a, nav: nav, keys: keys, fn: &f}, nil
}

// Init starts the bench.
func (b *benchScreen) Init() tea.Cmd { return b.m.Init() }

// SetSize sets the cells the bench screen draws in.
func (b *benchScreen) SetSize(w, h int) { b.w, b.h = w, h }

// typing reports whether the bench takes every key (a value is typed).
func (b *benchScreen) typing() bool {
	if b.fn != nil {
		return b.fn.Editing()
	}
	return b.m.Editing()
}

// benchKeys is the help shown on the bench screen: the bench's own keys and
// the app's.
type benchKeys struct {
	b    []key.Binding // the bench's short help
	root keyMap
}

// shortHelp is the bench's one-line help in w cells: its own keys, the
// menu, then ? and quit (always shown).
func (k benchKeys) shortHelp(st *themes.Styles, w int) string {
	all := k.root.Help
	all.SetHelp(all.Help().Key, "all keys")
	return widget.ShortHelp(st, w, append(k.b, k.root.Menu), all, k.root.Quit)
}

// helpGroups is the bench's keymap and the app's keys as help.
func (b *benchScreen) helpGroups() []widget.HelpGroup {
	k := b.keys
	app := widget.HelpGroup{Title: "App", Rows: widget.Rows(k.Theme, k.Help, k.Menu, k.Quit)}
	if b.app.lessonKeys != nil {
		app.Rows = append(app.Rows, widget.Row("", k.Lesson))
	}
	own := b.m.Keys().HelpGroups()
	if b.fn != nil {
		own = b.fn.Keys().HelpGroups()
	}
	return b.app.withLessonHelp(append(own, app))
}

// Update handles a message routed to the bench screen.
func (b *benchScreen) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && !b.typing() {
		switch {
		case key.Matches(k, b.keys.Quit):
			return b.nav.quit()
		case key.Matches(k, b.keys.Help):
			b.help.toggle(len(b.app.helpPages(b.helpGroups(), b.w, b.h)))
			return nil
		case key.Matches(k, b.keys.Menu):
			if b.help.open {
				b.help.open = false
				return nil
			}
			b.nav.toLauncher()
			return nil
		case key.Matches(k, b.keys.Theme):
			b.app.cycleTheme()
			return nil
		}
	}
	if _, ok := msg.(tea.KeyPressMsg); ok {
		b.help.open = false // any other key acts where it can be seen
	}
	if o, ok := msg.(bench.OpenTrainerMsg); ok {
		s, err := newSession("", b.app.withDataDir(Setup{Data: o.Data, Net: o.Net, Hyper: o.Hyper}), b.app.opts.Limits)
		if err != nil {
			b.app.setFlash(err.Error(), true)
			return nil
		}
		return b.nav.guard("Open a new network in the trainer", "open it", func() tea.Cmd {
			b.nav.openSession(s)
			b.app.setFlash("backprop with a hidden layer: press r to run, space to step", false)
			return nil
		})
	}
	if o, ok := msg.(bench.FuncsTrainerMsg); ok {
		return b.openFuncsTrainer(o)
	}
	var cmd tea.Cmd
	if b.fn != nil {
		*b.fn, cmd = b.fn.Update(msg)
		return cmd
	}
	b.m, cmd = b.m.Update(msg)
	return cmd
}

// openFuncsTrainer opens the trainer on the functions bench's network
// (the shared session builder, starting from its weights) to fine-tune it.
func (b *benchScreen) openFuncsTrainer(o bench.FuncsTrainerMsg) tea.Cmd {
	su := b.app.withDataDir(Setup{Data: o.Data, Hyper: o.Hyper})
	built, err := setup.NewWith("", su, o.Net, b.app.opts.Limits)
	if err != nil {
		b.app.setFlash(err.Error(), true)
		return nil
	}
	s := fromBuilt(built)
	return b.nav.guard("Open your function in the trainer", "open it", func() tea.Cmd {
		b.nav.openSession(s)
		b.app.setFlash("your steps as a network: r runs gradient descent, the Loss pane shows the MSE fall", false)
		return nil
	})
}

// View draws the bench screen.
func (b *benchScreen) View() string {
	w, h := b.w, b.h
	keys, view := benchKeys{root: *b.keys}, b.m.View
	if b.fn != nil {
		keys.b, view = b.fn.Keys().ShortHelp(), b.fn.View
	} else {
		keys.b = b.m.Keys().ShortHelp()
	}
	if b.help.open {
		return strings.Join(b.app.helpScreen(b.helpGroups(), b.help, w, h), "\n")
	}
	foot := b.app.flashLines(w, 4)
	if foot == nil {
		foot = []string{fit(keys.shortHelp(b.app.styles, w), w)}
	}
	lines := block(view(w, h-len(foot)), w, h-len(foot))
	return strings.Join(append(lines, foot...), "\n")
}
