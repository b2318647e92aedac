package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/safetext"
	"backprop/network"
	"backprop/tui/widget"
)

// launcherAction is what a launcher item without a preset opens.
type launcherAction uint8

const (
	itemLessons launcherAction = iota + 1 // the guided lessons
	itemCSV                               // a prompt for a CSV file
	itemModel                             // a prompt for a model file
	itemBack                              // back to the screen esc left
	itemFuncs                             // the functions bench
)

// launcherItem is one line of the launcher: a preset or a file action.
type launcherItem struct {
	title, about string
	preset       string         // preset name, or ""
	action       launcherAction // when preset is ""
}

// launcher is the start screen: a list of presets and file actions. It is
// a sub-model of the root Model.
type launcher struct {
	app    *app
	nav    navigator
	keys   launcherKeys
	w, h   int
	items  []launcherItem
	cursor int
	err    string
	prompt *ask
	help   helpState
}

func newLauncher(a *app, nav navigator) *launcher {
	l := &launcher{app: a, nav: nav, keys: defaultLauncherKeys()}
	for _, p := range setup.Presets() {
		l.items = append(l.items, launcherItem{title: p.Name, about: p.Teaches, preset: p.Name})
	}
	l.items = append(l.items,
		launcherItem{title: "functions", about: "any function by hand from pairs of steep sigmoid steps", action: itemFuncs},
		launcherItem{title: "guided lessons…", about: "short lessons, perceptron to deep nets, with questions", action: itemLessons},
		launcherItem{title: "open a CSV file…", about: "train on your own table: last column is the target", action: itemCSV},
		launcherItem{title: "load a model file…", about: "resume a saved network exactly where it stopped", action: itemModel},
	)
	return l
}

// Init starts nothing.
func (l *launcher) Init() tea.Cmd { return nil }

// SetSize sets the cells the launcher draws in.
func (l *launcher) SetSize(w, h int) { l.w, l.h = w, h }

// typing reports whether a prompt takes the keys.
func (l *launcher) typing() bool { return l.prompt != nil }

// Update handles a message routed to the launcher.
func (l *launcher) Update(msg tea.Msg) tea.Cmd {
	if l.prompt != nil {
		return l.promptUpdate(msg)
	}
	items := l.entries()
	l.cursor = min(l.cursor, len(items)-1)
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		l.app.flash = ""
		if key.Matches(msg, l.keys.Help) {
			l.help.toggle(len(l.app.helpPages(l.helpGroups(), l.w, l.h)))
			return nil
		}
		if l.help.open && msg.String() == "esc" {
			l.help.open = false
			return nil
		}
		l.help.open = false // any other key acts where it can be seen
		switch {
		case key.Matches(msg, l.keys.Quit):
			return l.nav.quit()
		case key.Matches(msg, l.keys.Back):
			if _, ok := l.nav.resumable(); ok {
				l.nav.resume()
			} else {
				l.app.setFlash("nothing to go back to: pick an item, or q quits", false)
			}
		case key.Matches(msg, l.keys.Up):
			l.cursor = (l.cursor + len(items) - 1) % len(items)
		case key.Matches(msg, l.keys.Down):
			l.cursor = (l.cursor + 1) % len(items)
		case key.Matches(msg, l.keys.Theme):
			l.app.cycleTheme()
		case key.Matches(msg, l.keys.Pick):
			return l.pick(l.cursor)
		}
	case tea.MouseClickMsg:
		if i, ok := l.hit(msg.Mouse().X, msg.Mouse().Y); ok {
			if i == l.cursor {
				return l.pick(i)
			}
			l.cursor = i
		}
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			l.cursor = max(l.cursor-1, 0)
		case tea.MouseWheelDown:
			l.cursor = min(l.cursor+1, len(items)-1)
		}
	}
	return nil
}

func (l *launcher) promptUpdate(msg tea.Msg) tea.Cmd { return answer(l.app, &l.prompt, msg) }

// openCSVFile opens the typed CSV file in the trainer.
func (l *launcher) openCSVFile(p *widget.Prompt) (string, error) {
	s, err := openCSV(l.app, p.Value())
	if err != nil {
		return "", err
	}
	l.prompt = nil
	l.openFile(s, s.name(), "")
	return "", nil
}

// openFile opens s, which the launcher built from a file, in the trainer
// once nothing unsaved would be lost; report is the flash then.
func (l *launcher) openFile(s *session, name, report string) {
	l.nav.guard("Open "+name, "open it", func() tea.Cmd {
		l.nav.leave()
		l.nav.openSession(s)
		if report != "" {
			l.app.setFlash(report, false)
		}
		return nil
	})
}

// openModelFile opens the typed model file in the trainer.
func (l *launcher) openModelFile(p *widget.Prompt) (string, error) {
	s, path, err := loadTyped(l.app, p.Value())
	if err != nil {
		return "", err
	}
	l.prompt = nil
	shown := l.app.shownPath(path, p.Value())
	l.openFile(s, safetext.Line(filepath.Base(shown)), "loaded "+shown)
	return "", nil
}

// openCSV builds a session on a CSV file: the last column is the target,
// features normalised, one sigmoid hidden layer of 8.
func openCSV(a *app, typed string) (*session, error) {
	path, err := a.resolve(typed)
	if err != nil {
		return nil, err
	}
	su := Setup{
		Data:  datasets.Spec{Name: path, Seed: 1, Normalize: true},
		Net:   network.Spec{Sizes: []int{0, 8, 0}, Acts: []network.Activation{network.Sigmoid, network.Sigmoid}, Cost: network.CrossEntropy},
		Hyper: setup.Presets()[0].Setup.Hyper,
	}
	su.Hyper.Rule, su.Hyper.Eta, su.Hyper.Batch = network.Backprop, 0.5, 10
	return newSession("", su, a.opts.Limits)
}

// loadTyped loads the model file the user typed; it returns the path too.
func loadTyped(a *app, typed string) (*session, string, error) {
	path, err := a.resolve(typed)
	if err != nil {
		return nil, "", err
	}
	s, err := loadSession(path, a.opts.Limits)
	if err != nil {
		return nil, path, a.hidePath(err, path, typed)
	}
	return s, path, nil
}

// entries are the launcher's items: "back to" the screen esc left, when
// there is one, then the presets and the file actions.
func (l *launcher) entries() []launcherItem {
	if it, ok := l.nav.resumable(); ok {
		return append([]launcherItem{it}, l.items...)
	}
	return l.items
}

func (l *launcher) pick(i int) tea.Cmd {
	it := l.entries()[i]
	l.err = ""
	switch {
	case it.action == itemBack:
		l.nav.resume()
		return nil
	case it.action == itemFuncs:
		return l.nav.guard("Open the functions bench", "open it", func() tea.Cmd {
			if err := l.nav.openFuncs(); err != nil {
				l.err = "functions: " + err.Error()
			}
			return nil
		})
	case it.preset == "" && it.action == itemLessons:
		return l.nav.guard("Open the guided lessons", "open them", func() tea.Cmd {
			cmd, err := l.nav.openLessons("")
			if err != nil {
				l.err = "lessons: " + err.Error()
				return nil
			}
			return cmd
		})
	}
	if it.preset == "" {
		label, apply := "CSV file (target = last column)", l.openCSVFile
		if it.action == itemModel {
			label, apply = "model file", l.openModelFile
		}
		if l.app.opts.Sandbox {
			label += " in the session folder"
		}
		l.prompt = newAsk(label, "", apply)
		return nil
	}
	return l.nav.guard("Open "+it.preset, "open "+it.preset, func() tea.Cmd {
		l.openPreset(it.preset)
		return nil
	})
}

// openPreset opens a preset; when its idx files are not found, it tries
// the folder remembered for it, then asks for the folder.
func (l *launcher) openPreset(name string) {
	err := l.nav.openPreset(name)
	if !errors.Is(err, datasets.ErrNoIDX) {
		if err != nil {
			l.err = fmt.Sprintf("%s: %v", name, err)
		}
		return
	}
	if dir := l.app.rememberedDir(name); dir != "" && dir != l.app.opts.DataDir {
		if s, err := l.nav.presetSession(name, dir); err == nil {
			l.nav.leave()
			l.nav.openSession(s)
			return
		}
	}
	l.askDataDir(name, err)
}

// launcherTop is the first row of the item list.
const launcherTop = 3

// listHeight is the rows the item list may take (the rest scrolls): all
// but the title, a blank line, the help line and the error's lines (the
// list has those rows while there is no error).
func (l *launcher) listHeight() int {
	return max(l.h-launcherTop-2-len(l.errLines(l.w)), 3)
}

// errLines is the launcher's error wrapped to w (none without an error).
func (l *launcher) errLines(w int) []string {
	if l.err == "" {
		return nil
	}
	msg := ansi.Wordwrap(strings.Join(strings.Fields(l.err), " "), w, "")
	return strings.Split(msg, "\n")
}

func (l *launcher) hit(x, y int) (int, bool) {
	rows := l.listRows(l.w, l.listHeight())
	i := y - launcherTop
	if i < 0 || i >= len(rows) || x < 0 || x >= l.w {
		return 0, false
	}
	return rows[i].item, true
}

// helpGroups is the launcher's keys (and the lesson's) as help.
func (l *launcher) helpGroups() []widget.HelpGroup {
	return l.app.withLessonHelp(l.keys.helpGroups())
}

// View draws the launcher.
func (l *launcher) View() string {
	w, h := l.w, l.h
	lk := l.app.look
	if l.help.open {
		return strings.Join(l.app.helpScreen(l.helpGroups(), l.help, w, h), "\n")
	}
	var b strings.Builder
	b.WriteString(lk.accent.Render("backprop") + lk.dim.Render(" — watch a neural network learn, one step at a time") + "\n")
	b.WriteString(lk.dim.Render("pick something to train:") + "\n\n")
	items := l.entries()
	l.cursor = min(l.cursor, len(items)-1)
	nameW := l.nameWidth()
	for _, r := range l.listRows(w, l.listHeight()) {
		name := ""
		if r.first {
			name = items[r.item].title
		}
		name += strings.Repeat(" ", nameW-ansi.StringWidth(name))
		var line string
		switch {
		case r.item == l.cursor && r.first:
			line = lk.selected.Render(fit("▸ "+name+"  "+r.about, w))
		case r.item == l.cursor:
			line = lk.selected.Render(fit("  "+name+"  "+r.about, w))
		default:
			line = "  " + lk.accent.Render(name) + "  " + r.about
		}
		b.WriteString(fit(line, w) + "\n")
	}
	b.WriteString("\n")
	for _, line := range l.errLines(w) {
		b.WriteString(lk.errS.Render(line) + "\n")
	}
	lines := block(b.String(), w, h)
	if l.prompt != nil {
		pl := l.prompt.Lines(l.app.styles, w, 4)
		copy(lines[max(h-len(pl), 0):], pl)
		return strings.Join(lines, "\n")
	}
	if fl := l.app.flashLines(w, 4); fl != nil {
		copy(lines[max(h-len(fl), 0):], fl)
		return strings.Join(lines, "\n")
	}
	k := l.keys
	_, back := l.nav.resumable()
	k.Back.SetEnabled(back)
	lines[h-1] = fit(widget.ShortHelp(l.app.styles, w, []key.Binding{k.Up, k.Down, k.Pick, k.Back, k.Theme}, k.Help, k.Quit), w)
	return strings.Join(lines, "\n")
}
