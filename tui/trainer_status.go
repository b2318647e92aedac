package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"backprop/internal/numfmt"
	"backprop/network"
)

// statusField is one field of the status bar: a styled label (long, and
// short for narrow screens; "" for none) and its styled value. Fields of a
// lower keep are left out first when even short labels do not fit.
type statusField struct {
	long, short string
	val         string // styled
	keep        int
}

// Status bar fields, from the first left out to the last.
const (
	keepTraining = iota // the word "training": the normal state
	keepSpeed           // the speed setting while running (the rate shows)
	keepM
	keepSample
	keepEta
	keepPhase
	keepCost
	keepBatch
	keepEpoch
	keepAlways // run state, a diverged/converged status, the class role
)

// statusView is the status bar: position, hyper-parameters, cost, speed
// and training status, laid out for w cells: long labels when they fit,
// short ones otherwise, then the least needed fields left out (never cut
// mid-word).
func (t *trainer) statusView(w int) string {
	fields := t.statusFields()
	sep := t.app.look.st.wrap("  ")
	if s := joinStatus(fields, sep, false, keepTraining); ansi.StringWidth(s) <= w {
		return fit(s, w)
	}
	for drop := keepTraining; drop < keepAlways; drop++ {
		if s := joinStatus(fields, sep, true, drop); ansi.StringWidth(s) <= w {
			return fit(s, w)
		}
	}
	return fit(joinStatus(fields, sep, true, keepAlways), w)
}

// joinStatus renders the fields whose keep is at least drop, with short
// or long labels, sep between them.
func joinStatus(fields []statusField, sep string, short bool, drop int) string {
	var parts []string
	for _, f := range fields {
		if f.keep < drop {
			continue
		}
		k := f.long
		if short {
			k = f.short
		}
		parts = append(parts, k+f.val)
	}
	return strings.Join(parts, sep)
}

// statusFields are the status bar's fields, in the order shown.
func (t *trainer) statusFields() []statusField {
	s := t.sess
	st := s.st
	p := st.Pos()
	h := st.Hyper()
	l := t.app.look
	key := func(k string) string {
		if k == "" {
			return ""
		}
		return l.stKey.wrap(k + " ")
	}
	val := func(v string) string { return l.st.wrap(v) }
	var fs []statusField
	etaKeep := keepEta
	if st.Status() == network.Diverged {
		etaKeep = keepEpoch // what to lower: kept while the phase and cost go
	}
	if role := t.class.role(); role != "" {
		fs = append(fs, statusField{val: l.stKey.wrap(role), keep: keepAlways})
	}
	if tw := t.twinStatus(); tw != "" {
		fs = append(fs, statusField{key("twin"), key("twin"), val(tw), keepAlways})
	}
	fs = append(fs,
		statusField{key("epoch"), key("ep"), val(fmt.Sprint(epochShown(p))), keepEpoch},
		statusField{key("batch"), key("b"), val(fmt.Sprintf("%d/%d", p.Batch+1, st.BatchCount())), keepBatch},
		statusField{key("sample"), key("s"), val(fmt.Sprintf("%d/%d", p.Sample+1, max(st.BatchSize(), 1))), keepSample},
		statusField{key("phase"), "", val(phaseLabel(p)), keepPhase},
		statusField{key("η"), key("η"), val(num(h.Eta)), etaKeep},
		statusField{key("m"), key("m"), val(fmt.Sprint(h.Batch)), keepM},
		// a mean over a batch: the Inspector's C is one sample's
		statusField{key("last batch C̄"), key("C̄"), val(t.lastCost()), keepCost},
	)
	return append(fs, t.runFields()...)
}

// phaseLabel is the phase just done, with its layer for forward and
// backward.
func phaseLabel(p network.Pos) string {
	phase := p.Phase.String()
	if p.Phase == network.PhaseForward || p.Phase == network.PhaseBackward {
		phase += fmt.Sprintf(" L%d", p.Layer+1)
	}
	return phase
}

// lastCost is the latest mean cost: of the last mini-batch, else of the
// last epoch ("—" before either).
func (t *trainer) lastCost() string {
	st := t.sess.st
	if bl := st.BatchLosses(); len(bl) > 0 {
		return numfmt.G(bl[len(bl)-1], 4)
	}
	if hist := st.History(); len(hist) > 0 {
		return numfmt.G(hist[len(hist)-1].TrainLoss, 4)
	}
	return "—"
}

// runFields: the run state (▶ rate and speed, or ⏸ speed), the epoch's
// evaluation in progress, and the training status.
func (t *trainer) runFields() []statusField {
	st := t.sess.st
	l := t.app.look
	var fs []statusField
	if t.run.on {
		fs = append(fs,
			statusField{val: l.st.wrap("▶ " + humanRate(t.run.rate) + "/s"), keep: keepAlways},
			statusField{val: l.st.wrap(speedLabel(t.run.speed)), keep: keepSpeed})
	} else {
		fs = append(fs, statusField{val: l.st.wrap("⏸ " + speedLabel(t.run.speed)), keep: keepAlways})
	}
	if done, total := st.Evaluating(); done > 0 {
		fs = append(fs, statusField{val: l.st.wrap(fmt.Sprintf("evaluating %d%%", done*100/total)), keep: keepCost})
	}
	switch status := st.Status(); status {
	case network.Diverged:
		// long: "diverged: weights in layer 1"; short: "diverged: L1 weights"
		what, short := "diverged", "diverged"
		if d := st.Divergence(); d != nil {
			if d.Layer >= 0 {
				what = fmt.Sprintf("diverged: %s in layer %d", d.What, d.Layer+1)
				short = fmt.Sprintf("diverged: L%d %s", d.Layer+1, d.What)
			} else {
				what, short = "diverged: "+d.What, "diverged: "+d.What
			}
		}
		fs = append(fs, statusField{long: l.errS.Render(what), short: l.errS.Render(short), keep: keepAlways})
	case network.Training:
		fs = append(fs, statusField{val: l.st.wrap("training"), keep: keepTraining})
	default:
		fs = append(fs, statusField{val: l.okS.Render(status.String()), keep: keepAlways})
	}
	return fs
}
