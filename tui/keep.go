package tui

import (
	"cmp"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/tui/widget"
)

// Keeping work. No key loses a network the learner trained without asking
// or without a way back:
//
//   - Keys that rebuild the network (a, c, n, N, g, G, d, z, x, X), load a
//     file over it (O), reset (R) or reseed (ctrl+r) are undoable: the
//     stepper's undo covers reset and reseed; a rebuild or a load keeps the
//     session it replaced in the trainer's prior stack, which u returns to
//     once the stepper has nothing left to undo. Their reports say "u
//     undoes".
//   - esc leaves the trainer (or the bench, or a lesson) for the launcher
//     and keeps it: the launcher's first item goes back to it, and so does
//     esc there.
//   - Quitting, or opening something else from the launcher (or the
//     bench's g), while the kept session has unsaved work asks first, and
//     offers to save it (Model.guard).

// maxPrior bounds the sessions the prior stack keeps. Each keeps a share of
// the undo budget, so together they hold at most one more budget.
const maxPrior = 4

// prior is a session a rebuild or a load replaced, and what replaced it
// ("layer 1: tanh", "loading m.json").
type prior struct {
	s   *session
	why string
}

// pushPrior keeps a copy of the session as it is now on the prior stack,
// before the change why rebuilds or replaces it; drop takes it off again
// (the change failed).
func (t *trainer) pushPrior(why string) (drop func()) {
	old := *t.sess
	old.st.SetUndoBudget(max(cmp.Or(old.undoBudget, setup.DefaultUndoBudget)/maxPrior, 1))
	t.prior = append(t.prior, prior{&old, why})
	if len(t.prior) > maxPrior {
		t.prior[0] = prior{}
		t.prior = t.prior[1:]
	}
	n := len(t.prior)
	return func() {
		if len(t.prior) == n && t.prior[n-1].s == &old {
			t.prior = t.prior[:n-1]
			old.st.SetUndoBudget(cmp.Or(old.undoBudget, setup.DefaultUndoBudget))
		}
	}
}

// popPrior returns to the session the last rebuild or load replaced, with
// its own undo history, and says which change it undid; false when there
// is none.
func (t *trainer) popPrior() (why string, ok bool) {
	if len(t.prior) == 0 {
		return "", false
	}
	p := t.prior[len(t.prior)-1]
	old := p.s
	t.prior[len(t.prior)-1] = prior{}
	t.prior = t.prior[:len(t.prior)-1]
	old.st.SetUndoBudget(cmp.Or(old.undoBudget, setup.DefaultUndoBudget))
	// a version the panes' caches have not seen; saved stays saved
	clean := old.version == old.savedVersion
	old.version = t.sess.version + 1
	if clean {
		old.savedVersion = old.version
	}
	t.sess = old
	t.view = nil
	t.run.on = false
	t.browse.noProbe = true
	old.clampFocus()
	return p.why, true
}

// confirmState is the open question and what each of its choices does.
type confirmState struct {
	*widget.Confirm
	do []func() tea.Cmd
}

// keep runs before anything else sees msg: the open question takes every
// key, and ctrl+c quits from anywhere (asking first when work would be
// lost). handled reports whether msg was consumed.
func (m *Model) keep(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		_, isMouse := msg.(tea.MouseMsg)
		return nil, isMouse && m.confirm != nil
	}
	if c := m.confirm; c != nil {
		i, ok := c.Update(k)
		if !ok {
			return nil, true
		}
		m.confirm = nil
		if i < 0 {
			m.app.setFlash("", false)
			return nil, true
		}
		return c.do[i](), true
	}
	if k.String() == "ctrl+c" {
		return m.quit(), true
	}
	return nil, false
}

// quit quits, or first asks when the trainer's session has unsaved work:
// y (or q, ctrl+c again) quits, s saves it first.
func (m *Model) quit() tea.Cmd {
	return m.guard("Quit", "quit", func() tea.Cmd { return tea.Quit }, "y", "q", "ctrl+c")
}

// guard runs then, or when the trainer's session has unsaved work that
// then would lose, asks first: "Open circle? xor at epoch 3 is not saved."
// yes is what the first choice says ("open circle"); yesKeys its keys
// (default y). s saves the session, then runs then.
func (m *Model) guard(question, yes string, then func() tea.Cmd, yesKeys ...string) tea.Cmd {
	if m.tr.twins.on() && m.tr.unsavedWork() != "" {
		return m.guardTwins(question, yes, then, yesKeys...)
	}
	return m.confirmLoss(m.tr.unsavedWork(), question, yes, then, yesKeys...)
}

// guardTwins is guard with twins holding unsaved work: s saves the focused
// twin (named in the choice) and asks again about the rest; a saves every
// unsaved twin, one save prompt each (named after the twin: circle-B.json),
// then runs then.
func (m *Model) guardTwins(question, yes string, then func() tea.Cmd, yesKeys ...string) tea.Cmd {
	t := m.tr
	if len(yesKeys) == 0 {
		yesKeys = []string{"y"}
	}
	again := func() tea.Cmd { return m.guard(question, yes, then, yesKeys...) }
	choices := []widget.Choice{{Keys: yesKeys, Desc: yes + " without saving"}}
	do := []func() tea.Cmd{then}
	others, n := t.twinsUnsaved()
	// who: "A" of "twin A (the xor network, epoch 2)", "A and C" of "twins A and C"
	who := strings.TrimPrefix(strings.TrimPrefix(strings.SplitN(others, " (", 2)[0], "twins "), "twin ")
	if t.sess.unsaved() != "" {
		desc := "save twin " + t.twinName() + " first"
		if n > 0 {
			desc += "; you'll be asked about " + who + " next"
		}
		choices = append(choices, widget.Choice{Keys: []string{"s"}, Desc: desc})
		do = append(do, func() tea.Cmd { return m.saveThen(again) })
	}
	if n > 0 {
		desc := "save every twin first (a file each)"
		if n == 1 && t.sess.unsaved() == "" {
			desc = "save twin " + who + " first"
		}
		home := t.twins.focus
		choices = append(choices, widget.Choice{Keys: []string{"a"}, Desc: desc})
		do = append(do, func() tea.Cmd { return m.saveTwinsThen(then, home) })
	}
	m.confirm = &confirmState{
		Confirm: widget.NewConfirm(fmt.Sprintf("%s? %s.", question, capFirst(t.unsavedWork())), "cancel", choices...),
		do:      do,
	}
	return nil
}

// saveTwinsThen asks to save the first twin with unsaved work (focusing
// it), then the next, and once none is left runs then. esc on a prompt
// stops there, with the focus back on twin home: nothing is lost.
func (m *Model) saveTwinsThen(then func() tea.Cmd, home int) tea.Cmd {
	t := m.tr
	t.syncTwin()
	for i, tw := range t.twins.list {
		if tw.s.version == tw.s.savedVersion || tw.s.throwaway {
			continue
		}
		if i != t.twins.focus {
			t.focusTwin(i)
		}
		cmd := m.saveThen(func() tea.Cmd { return m.saveTwinsThen(then, home) })
		if p := t.prompt; p != nil {
			p.cancel = func() {
				if t.twins.on() && home < len(t.twins.list) && t.twins.focus != home {
					t.focusTwin(home)
				}
			}
		}
		return cmd
	}
	return then()
}

// confirmLoss is guard for a loss the caller names (what, "" for none):
// closing a twin asks about that twin alone.
func (m *Model) confirmLoss(what, question, yes string, then func() tea.Cmd, yesKeys ...string) tea.Cmd {
	if what == "" {
		return then()
	}
	if len(yesKeys) == 0 {
		yesKeys = []string{"y"}
	}
	m.confirm = &confirmState{
		Confirm: widget.NewConfirm(fmt.Sprintf("%s? %s.", question, capFirst(what)), "cancel",
			widget.Choice{Keys: yesKeys, Desc: yes + " without saving"},
			widget.Choice{Keys: []string{"s"}, Desc: "save it first"}),
		do: []func() tea.Cmd{then, func() tea.Cmd { return m.saveThen(then) }},
	}
	return nil
}

// saveThen shows the trainer with its save prompt; once the model is
// saved, then runs.
func (m *Model) saveThen(then func() tea.Cmd) tea.Cmd {
	if m.screen != screenTrainer {
		m.back = screenLauncher
		m.screen = screenTrainer
		if m.lesson.on {
			m.lesson.away = true
		}
	}
	m.tr.help.open = false
	m.tr.askSave()
	m.tr.prompt.then = then
	return nil
}

// confirmView draws the open question over the last lines of content.
func (m *Model) confirmView(content string) string {
	if m.confirm == nil {
		return content
	}
	lines := strings.Split(content, "\n")
	cl := m.confirm.Lines(m.app.styles, m.w, 4)
	copy(lines[max(len(lines)-len(cl), 0):], cl)
	return strings.Join(lines, "\n")
}

// capFirst upper-cases the first letter of s.
func capFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// resumable is the launcher's first item while there is a screen esc left:
// back to the trainer, the bench or the lesson, as it was.
func (m *Model) resumable() (launcherItem, bool) {
	it := launcherItem{action: itemBack}
	switch {
	case m.back == screenTrainer && m.tr.sess != nil:
		s := m.tr.sess
		it.title = "back to " + s.name()
		it.about = fmt.Sprintf("epoch %d, as you left it", epochShown(s.st.Pos()))
		if s.unsaved() != "" {
			it.about += " (not saved)"
		}
	case m.back == screenBench && m.bench != nil:
		it.title = "back to the bench"
		it.about = m.bench.m.Problem().Title + ", as you left it"
		if m.bench.fn != nil {
			it.title, it.about = "back to the functions bench", m.bench.fn.Target().Title+", as you left it"
		}
	default:
		return it, false
	}
	if m.lesson.away {
		l, si := m.lesson.m.Lesson()
		it.title = "back to the lesson"
		it.about = fmt.Sprintf("%s, step %d of %d", l.Title, si+1, len(l.Steps))
	}
	it.about += " · esc"
	return it, true
}

// resume goes back to the screen esc left (and its lesson).
func (m *Model) resume() {
	if _, ok := m.resumable(); !ok {
		return
	}
	m.screen, m.back = m.back, screenLauncher
	m.lesson.away = false
	m.menu.cursor = 0
}

// leave forgets what esc kept: the launcher opens something else (the
// learner was asked first if that loses unsaved work).
func (m *Model) leave() {
	if m.lesson.away {
		m.lesson = lessonPanel{}
	}
	m.back = screenLauncher
	m.tr.sess, m.tr.prior, m.tr.twins = nil, nil, twinSet{}
	m.tr.run.on = false
	m.bench = nil
}
