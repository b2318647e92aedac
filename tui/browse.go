package tui

import (
	"cmp"
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/datasets"

	"backprop/network"
	"backprop/tui/panes"
)

// browseState is the confusion-matrix browser: a cursor over the matrix's
// cells, the samples in the cursor's cell (or the most-confused samples),
// one of which is "probed" — run through the network without training so
// that the Topology, Inspector and Boundary show it. The matrix comes from
// an evaluation of the whole test set on a copy of the network, run as a
// tea.Cmd; it never blocks a frame and never touches the stepper.
type browseState struct {
	on       bool
	most     bool // list the most-confused samples instead of the cell's
	row, col int
	sel      int
	list     []panes.BrowseItem
	res      *browseResult
	inflight bool
	gen      int // bumped when the session changes; older results are dropped
	// probe: the trace of list[sel], for the weights of version probeVer
	probeTr  *network.Trace
	probeIdx int
	probeVer uint64
	noProbe  bool // a step key hands the panes back to training
	// what the state belongs to: a new session or data set starts afresh
	sess *session
	data *datasets.Dataset
}

// browseSync forgets results that belong to another session or data set.
func (t *trainer) browseSync() {
	b := &t.browse
	if t.sess == nil {
		return
	}
	if b.sess != t.sess || b.data != t.sess.data {
		*b = browseState{on: b.on, gen: b.gen + 1, sess: t.sess, data: t.sess.data}
	}
}

// browseResult is one evaluation of the test (or train) set.
type browseResult struct {
	version uint64
	done    int // Pos.Epoch (epochs completed) when evaluated
	epoch   int // the epoch as the status bar numbers it
	test    bool
	conf    [][]int
	acc     float64
	target  []int32
	pred    []int32
	prob    []float64 // output of the predicted class
}

type browseEvalMsg struct {
	gen int
	res *browseResult
}

// browseSet is the set the browser evaluates: test, else train.
func (s *session) browseSet() (network.Set, bool) {
	// the stepper's sets: the data as the network takes it (with its
	// input features computed)
	if s.data.Test.Len() > 0 {
		return s.st.Test(), true
	}
	return s.st.Train(), false
}

// browseEval evaluates a copy of net on set in a Cmd (net must not be the
// live one) and returns the result as a message.
func browseEval(gen int, net *network.Network, set network.Set, test bool, version uint64, done, shown int) tea.Cmd {
	return func() tea.Msg {
		n := set.Len()
		r := &browseResult{version: version, done: done, epoch: shown, test: test,
			target: make([]int32, n), pred: make([]int32, n), prob: make([]float64, n)}
		e := net.NewEvaluator(set)
		e.OnSample = func(i int, out []float64) {
			p := network.ClassOf(out)
			r.pred[i], r.target[i] = int32(p), int32(network.ClassOf(set.Y[i]))
			r.prob[i] = out[0]
			if len(out) > 1 {
				r.prob[i] = out[p]
			} else if p == 0 {
				r.prob[i] = 1 - out[0]
			}
		}
		e.Step(n)
		m := e.Metrics()
		r.conf, r.acc = m.Confusion, m.Accuracy
		return browseEvalMsg{gen: gen, res: r}
	}
}

// toggleBrowse opens or closes the browser.
func (t *trainer) toggleBrowse() tea.Cmd {
	b := &t.browse
	b.on = !b.on
	t.syncBrowseKeys()
	if !b.on {
		t.app.setFlash("confusion browser closed", false)
		return nil
	}
	b.noProbe = false
	if b.res != nil && b.res.conf != nil {
		t.browseList()
	}
	t.app.setFlash("confusion: arrows move the cell · tab/shift+tab step through its samples · M most confused · C closes", false)
	return t.browseRefresh()
}

// syncBrowseKeys switches the keymap to the browser's mode and back.
func (t *trainer) syncBrowseKeys() {
	t.keys.setBrowse(t.browse.on)
	t.helpLine.w = -1 // the short help may change
}

// setBrowse enables the browser's keys (on) and disables the bindings they
// share keys with, or the other way round.
func (km *keyMap) setBrowse(on bool) {
	for _, b := range []*key.Binding{&km.CellUp, &km.CellDown, &km.CellLeft, &km.CellRight, &km.NextProbe, &km.PrevProbe, &km.MostConfused} {
		b.SetEnabled(on)
	}
	for _, b := range []*key.Binding{&km.Up, &km.Down, &km.Left, &km.Right, &km.NextWeight, &km.PrevWeight} {
		b.SetEnabled(!on)
	}
}

// browseRefresh starts an evaluation when the browser is open, none is
// running and the weights changed since the last one — while run mode
// trains, at most once an epoch.
func (t *trainer) browseRefresh() tea.Cmd {
	t.browseSync()
	b := &t.browse
	s := t.sess
	if !b.on || b.inflight || s == nil {
		return nil
	}
	p := s.st.Pos()
	if r := b.res; r != nil && (r.version == s.version || t.run.on && r.done == p.Epoch) {
		return nil
	}
	set, test := s.browseSet()
	if set.Len() == 0 {
		return nil
	}
	b.inflight = true
	return browseEval(b.gen, s.st.Net().Clone(), set, test, s.version, p.Epoch, epochShown(p))
}

func (t *trainer) onBrowseEval(msg browseEvalMsg) tea.Cmd {
	b := &t.browse
	if msg.gen != b.gen {
		return nil
	}
	b.inflight = false
	b.res = msg.res
	if b.res.conf != nil {
		k := len(b.res.conf)
		b.row, b.col = min(b.row, k-1), min(b.col, k-1)
		t.browseList()
	}
	return t.browseRefresh() // the weights may have moved on meanwhile
}

// browseList rebuilds the list for the cursor cell (or the most-confused
// samples), keeping the selected sample when it is still there.
func (t *trainer) browseList() {
	b := &t.browse
	r := b.res
	keep := -1
	if b.sel >= 0 && b.sel < len(b.list) {
		keep = b.list[b.sel].Index
	}
	b.list = b.list[:0]
	for i := range r.target {
		t, p := int(r.target[i]), int(r.pred[i])
		if b.most && t != p || !b.most && t == b.row && p == b.col {
			b.list = append(b.list, panes.BrowseItem{Index: i, Target: t, Pred: p, Prob: r.prob[i]})
		}
	}
	slices.SortStableFunc(b.list, func(x, y panes.BrowseItem) int { return cmp.Compare(y.Prob, x.Prob) })
	b.sel = 0
	for i, it := range b.list {
		if it.Index == keep {
			b.sel = i
		}
	}
	b.probeTr = nil
}

func (t *trainer) moveCell(dr, dc int) {
	b := &t.browse
	if b.res == nil || b.res.conf == nil {
		return
	}
	k := len(b.res.conf)
	b.most = false
	b.row = (b.row + dr + k) % k
	b.col = (b.col + dc + k) % k
	b.sel = -1
	t.browseList()
	b.noProbe = false
}

func (t *trainer) moveProbe(d int) {
	b := &t.browse
	if len(b.list) == 0 {
		return
	}
	b.sel = (b.sel + d + len(b.list)) % len(b.list)
	b.probeTr = nil
	b.noProbe = false
}

func (t *trainer) toggleMost() {
	b := &t.browse
	if b.res == nil || b.res.conf == nil {
		return
	}
	b.most = !b.most
	b.sel = -1
	t.browseList()
	b.noProbe = false
}

// probe returns the trace of the selected sample and its label, or nil
// when nothing is probed. The trace is recomputed when the weights change
// (one sample: a forward and a backward pass).
func (t *trainer) probe() (*network.Trace, string) {
	t.browseSync()
	b := &t.browse
	s := t.sess
	if !b.on || b.noProbe || s == nil || len(b.list) == 0 || b.sel < 0 || b.sel >= len(b.list) {
		return nil, ""
	}
	it := b.list[b.sel]
	set, test := s.browseSet()
	if it.Index >= set.Len() {
		return nil, ""
	}
	if b.probeTr == nil || b.probeIdx != it.Index || b.probeVer != s.version {
		b.probeTr = s.st.Net().ProbeTrace(set.Input(it.Index, nil), set.Y[it.Index])
		b.probeIdx, b.probeVer = it.Index, s.version
	}
	part := "train"
	if test {
		part = "test"
	}
	return b.probeTr, fmt.Sprintf("%s #%d", part, it.Index)
}

// browseInput is the Confusion pane's content.
func (t *trainer) browseInput() *panes.Browse {
	t.browseSync()
	b := &t.browse
	pb := &panes.Browse{Row: b.row, Col: b.col, Most: b.most, List: b.list, Sel: b.sel}
	if r := b.res; r != nil {
		pb.Conf, pb.Acc, pb.N = r.conf, r.acc, len(r.target)
		pb.Set = "train"
		if r.test {
			pb.Set = "test"
		}
		if r.conf == nil {
			pb.Note = "no classes to confuse (regression data)"
		} else if r.version != t.sess.version {
			pb.Note = fmt.Sprintf("as of epoch %d", r.epoch)
		}
	}
	if b.inflight && pb.Note == "" {
		pb.Note = "evaluating…"
	}
	return pb
}
