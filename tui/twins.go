package tui

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/network"
)

// Twins: A forks the focused session into a twin with bit-identical
// weights, data, split and shuffle order (network.Stepper.Fork); the
// learner changes one setting of the twin with the usual keys, and both
// step and run in lockstep: every step key steps every twin by the same
// granularity, and run mode trains the focused twin for its share of the
// tick's budget and then each other twin up to the same number of samples
// (Pos.Steps). Setting, structure, file and focus keys act on the focused
// twin only; Y focuses the next one; Z closes the focused one, asking
// when it holds work. The Compare pane (compare.go) overlays their curves.

// maxTwins bounds the twins: the original and three forks.
const maxTwins = 4

// twin is one session of a twin set, with what the trainer keeps per
// session while another twin is focused.
type twin struct {
	s     *session
	name  byte // 'A'…'D': the legend's name and colour, kept for its life
	prior []prior
	etas  map[network.Optimizer]float64
	// runID is the run whose undo snapshot this twin has taken (a run is
	// one undo step in every twin).
	runID int
}

// twinSet is the trainer's twins; empty (or one) when there are none.
type twinSet struct {
	list  []twin
	focus int
}

// on reports whether there are twins.
func (ts *twinSet) on() bool { return len(ts.list) > 1 }

// syncTwin records the trainer's session as the focused twin's: a rebuild
// undone or a file loaded replaces the session.
func (t *trainer) syncTwin() {
	if ts := &t.twins; ts.on() && t.sess != nil {
		ts.list[ts.focus].s = t.sess
	}
}

// others are the twins other than the focused one.
func (t *trainer) others() []*twin {
	ts := &t.twins
	if !ts.on() {
		return nil
	}
	var o []*twin
	for i := range ts.list {
		if i != ts.focus {
			o = append(o, &ts.list[i])
		}
	}
	return o
}

// fork makes a twin of s: its own stepper in the same state, the same data
// (shared, immutable), no file of its own, nothing unsaved yet.
func (s *session) fork() *session {
	c := *s
	c.st = s.st.Fork()
	c.setup.Net.Sizes = slices.Clone(s.setup.Net.Sizes)
	c.setup.Net.Acts = slices.Clone(s.setup.Net.Acts)
	c.file, c.historyFile = "", ""
	c.savedVersion = c.version
	return &c
}

// addTwin forks the focused session into a new twin and focuses it.
func (t *trainer) addTwin() {
	ts := &t.twins
	if !ts.on() {
		ts.list = []twin{{s: t.sess, name: 'A', etas: t.etas}}
		ts.focus = 0
	}
	if len(ts.list) >= maxTwins {
		t.app.setFlash(fmt.Sprintf("%d twins at most: Z closes the focused one", maxTwins), true)
		return
	}
	t.run.on = false
	t.catchUp()
	t.syncTwin()
	c := t.sess.fork()
	from := ts.list[ts.focus].name
	ts.list = append(ts.list, twin{s: c, name: freeName(ts.list), etas: maps.Clone(t.etas)})
	t.focusTwin(len(ts.list) - 1)
	t.shareUndo()
	t.tab = PaneCompare
	t.app.setFlash(fmt.Sprintf("twin %c: %c's weights, data and order; change one setting, then step or run both (Y switches)",
		ts.list[ts.focus].name, from), false)
}

// freeName is the first of A…D no twin has.
func freeName(list []twin) byte {
	for n := byte('A'); ; n++ {
		if !slices.ContainsFunc(list, func(tw twin) bool { return tw.name == n }) {
			return n
		}
	}
}

// focusTwin makes twin i the trainer's session, keeping the neuron looked
// at; the panes' caches and analyses belong to the session left.
func (t *trainer) focusTwin(i int) {
	ts := &t.twins
	cur := &ts.list[ts.focus]
	cur.s, cur.prior, cur.etas = t.sess, t.prior, t.etas
	focus := t.sess.focus
	ts.focus = i
	next := ts.list[i]
	t.sess, t.prior, t.etas = next.s, next.prior, next.etas
	if t.etas == nil {
		t.etas = map[network.Optimizer]float64{}
	}
	t.sess.focus = focus
	t.sess.clampFocus()
	t.view = nil
	t.run.snapped = false
	t.browse.noProbe = true
	t.resetAnalysis()
}

// nextTwin focuses the next twin (Y).
func (t *trainer) nextTwin() {
	ts := &t.twins
	if !ts.on() {
		t.app.setFlash("no twins: A forks this network into a twin", true)
		return
	}
	t.syncTwin()
	t.focusTwin((ts.focus + 1) % len(ts.list))
	t.app.setFlash(fmt.Sprintf("twin %c: %s", ts.list[ts.focus].name, twinLabel(t.twinSettings(), ts.focus)), false)
}

// closeTwin closes the focused twin (Z), asking first when it holds work.
func (t *trainer) closeTwin() tea.Cmd {
	ts := &t.twins
	if !ts.on() {
		t.app.setFlash("no twins to close: A forks this network into a twin", true)
		return nil
	}
	t.syncTwin()
	name := ts.list[ts.focus].name
	what := ""
	if t.sess.version != t.sess.savedVersion {
		what = fmt.Sprintf("twin %c (epoch %d) is not saved", name, epochShown(t.sess.st.Pos()))
	}
	return t.nav.confirmLoss(what, fmt.Sprintf("Close twin %c", name), "close it", func() tea.Cmd {
		t.dropTwin()
		return nil
	})
}

// dropTwin removes the focused twin and focuses its neighbour.
func (t *trainer) dropTwin() {
	ts := &t.twins
	if !ts.on() {
		return
	}
	t.run.on = false
	t.syncTwin()
	i := ts.focus
	next := i + 1
	if next == len(ts.list) {
		next = i - 1
	}
	t.focusTwin(next)
	gone := ts.list[i] // as focusTwin stored it
	ts.list = slices.Delete(ts.list, i, i+1)
	if ts.focus > i {
		ts.focus--
	}
	gone.s.st.Close()
	for _, p := range gone.prior {
		p.s.st.Close()
	}
	if !ts.on() {
		ts.list, ts.focus = nil, 0
		t.sess.st.SetUndoBudget(cmp.Or(t.sess.undoBudget, setup.DefaultUndoBudget))
	}
	t.shareUndo()
	t.app.setFlash(fmt.Sprintf("twin %c closed", gone.name), false)
}

// shareUndo gives each twin an equal share of the session's undo budget,
// so that twins hold no more memory than one session.
func (t *trainer) shareUndo() {
	ts := &t.twins
	n := max(len(ts.list), 1)
	for i := range ts.list {
		s := ts.list[i].s
		if i == ts.focus {
			s = t.sess
		}
		s.st.SetUndoBudget(max(cmp.Or(s.undoBudget, setup.DefaultUndoBudget)/n, 1))
	}
}

// stepTwins steps the other twins by g, as the focused one just was.
func (t *trainer) stepTwins(g network.Granularity) {
	for _, tw := range t.others() {
		if tw.s.st.Status() == network.Diverged {
			continue
		}
		_ = tw.s.st.Step(g) // a twin that diverges shows it in Compare
		tw.s.version++
	}
}

// undoTwins undoes the other twins back to the focused one's position
// (Pos.Steps): a step or a run undone in all of them.
func (t *trainer) undoTwins() {
	at := t.sess.st.Pos().Steps
	for _, tw := range t.others() {
		for tw.s.st.Pos().Steps > at && tw.s.st.Undo() {
			tw.s.version++
		}
	}
}

// resetTwins resets the other twins to their initial weights (R resets
// every twin: they start again together).
func (t *trainer) resetTwins() {
	for _, tw := range t.others() {
		tw.s.st.Reset()
		tw.s.version++
	}
}

// runTwins trains the other twins up to the focused one's samples (run
// mode's tick, after the focused twin's share): per > 0 exactly, else
// each for at most share. A twin whose epoch evaluation is due does that.
func (t *trainer) runTwins(per int, share time.Duration) {
	lead := t.sess.st
	for _, tw := range t.others() {
		st := tw.s.st
		if st.Status() == network.Diverged {
			continue
		}
		gap := lead.Pos().Steps - st.Pos().Steps
		if _, due := st.Evaluating(); due > 0 && (gap > 0 || len(st.History()) < len(lead.History())) {
			st.EvaluateFor(share)
			tw.s.version++
			continue
		}
		if gap <= 0 {
			continue
		}
		budget := share
		if per > 0 {
			budget = 0
		}
		if tw.runID == t.run.id {
			_, _ = st.RunOn(gap, budget)
		} else if per > 0 {
			_, _ = st.Run(gap)
		} else {
			_, _ = st.RunUpTo(gap, budget)
		}
		tw.runID = t.run.id
		tw.s.version++
	}
}

// catchUp brings the other twins to the focused one's position and
// history at once: run mode stopped, or a key steps them all.
func (t *trainer) catchUp() {
	if !t.twins.on() {
		return
	}
	lead := t.sess.st
	for _, tw := range t.others() {
		st := tw.s.st
		if st.Status() == network.Diverged {
			continue
		}
		if gap := lead.Pos().Steps - st.Pos().Steps; gap > 0 {
			if tw.runID == t.run.id {
				_, _ = st.RunOn(gap, 0)
			} else {
				_, _ = st.Run(gap)
			}
			tw.s.version++
		}
		for _, due := st.Evaluating(); due > 0 && len(st.History()) < len(lead.History()); _, due = st.Evaluating() {
			st.EvaluateFor(time.Second)
			tw.s.version++
		}
	}
}

// twinsUnsaved names the twins but the focused one with unsaved work:
// "twin A (the xor network, epoch 2)", or "twins A and C"; n how many.
func (t *trainer) twinsUnsaved() (what string, n int) {
	var letters []string
	for _, tw := range t.others() {
		if tw.s.version != tw.s.savedVersion {
			letters = append(letters, string(tw.name))
			what = twinDesc(string(tw.name), tw.s)
		}
	}
	switch n = len(letters); {
	case n == 0:
		return "", 0
	case n > 1:
		what = "twins " + strings.Join(letters[:n-1], ", ") + " and " + letters[n-1]
	}
	return what, n
}

// twinDesc: "twin A (the xor network, epoch 2)".
func twinDesc(name string, s *session) string {
	return fmt.Sprintf("twin %s (the %s network, epoch %d)", name, s.name(), epochShown(s.st.Pos()))
}

// unsavedWork is what leaving the trainer would lose, "" when nothing:
// "twin B (the xor network, epoch 2) and twin A (…) are not saved".
func (t *trainer) unsavedWork() string {
	if t.sess == nil {
		return ""
	}
	own := t.sess.unsaved()
	if !t.twins.on() {
		return own
	}
	twins, n := t.twinsUnsaved()
	if own != "" {
		own = twinDesc(t.twinName(), t.sess)
	}
	switch {
	case n == 0 && own == "":
		return ""
	case n == 0:
		return own + " is not saved"
	case own == "" && n == 1:
		return twins + " is not saved"
	case own == "":
		return twins + " are not saved"
	}
	return own + " and " + twins + " are not saved"
}

// twinName is the focused twin's letter ("B"), "" without twins.
func (t *trainer) twinName() string {
	if !t.twins.on() {
		return ""
	}
	return string(t.twins.list[t.twins.focus].name)
}
