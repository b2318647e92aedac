package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/internal/numfmt"
	"backprop/network"
)

// Why did it blow up? When training diverges, or an update makes the loss
// jump (network.Stepper.SetBlowupFactor: the run stops there), run mode
// pauses and a tea.Cmd works out the explanation (network.Explain: the
// fastest-growing layer and weight, η against 2/λ_max) on a copy of the
// step, off Update. It shows above the status bar until the session
// changes or esc hides it.

// whyState is the explanation in progress or shown.
type whyState struct {
	gen     int      // bumped per request; a stale answer is dropped
	lines   []string // the explanation, one finding a line; nil: none
	version uint64   // the session version it explains
}

// whyMsg carries an explanation back to Update.
type whyMsg struct {
	gen   int
	lines []string
}

// blowupFactor is the loss-jump factor the trainer's steppers get.
func (t *trainer) blowupFactor() float64 {
	switch f := t.app.opts.BlowupFactor; {
	case f < 0:
		return 0
	case f == 0:
		return network.DefaultBlowupFactor
	default:
		return f
	}
}

// armBlowup sets the session's stepper's jump factor (a new stepper from a
// rebuild or a load starts without one).
func (t *trainer) armBlowup() {
	if f := t.blowupFactor(); t.sess != nil && t.sess.st.BlowupFactor() != f {
		_ = t.sess.st.SetBlowupFactor(f) // Options.BlowupFactor is checked by the CLI; a bad one leaves it off
	}
}

// watch is what checkBlowup compares with after training.
type watch struct {
	jump     *network.Jump
	diverged bool
}

func (t *trainer) watchBlowup() watch {
	t.armBlowup()
	st := t.sess.st
	return watch{jump: st.LastJump(), diverged: st.Status() == network.Diverged}
}

// checkBlowup pauses run mode and asks for an explanation when training
// since w diverged or jumped.
func (t *trainer) checkBlowup(w watch) tea.Cmd {
	st := t.sess.st
	diverged := st.Status() == network.Diverged && !w.diverged
	jumped := st.LastJump() != nil && st.LastJump() != w.jump
	if !diverged && !jumped {
		return nil
	}
	what := "the loss jumped"
	if t.run.on {
		what = "paused: the loss jumped"
	}
	t.run.on = false
	if jumped && !diverged {
		j := st.LastJump()
		span := "one update"
		if j.Updates > 1 {
			span = fmt.Sprintf("%d updates", j.Updates)
		}
		t.app.setFlash(fmt.Sprintf("%s: %s took the cost from %s to %s (working out why…)", what, span, fmtG(j.Before), fmtG(j.After)), true)
	}
	c, err := st.BlowUpCase()
	if err != nil {
		return nil
	}
	t.why.gen++
	t.why.lines = nil
	gen := t.why.gen
	return func() tea.Msg {
		e, err := network.Explain(c, network.ExplainOptions{})
		if err != nil {
			return whyMsg{gen: gen, lines: []string{err.Error()}}
		}
		return whyMsg{gen: gen, lines: e.Lines()}
	}
}

// onWhy shows an explanation that is still wanted.
func (t *trainer) onWhy(msg whyMsg) tea.Cmd {
	if msg.gen != t.why.gen || t.sess == nil {
		return nil
	}
	t.why.lines, t.why.version = msg.lines, t.sess.version
	t.app.flash = strings.TrimSuffix(t.app.flash, " (working out why…)")
	return nil
}

// whyShown reports whether the explanation is on screen.
func (t *trainer) whyShown() bool {
	return t.why.lines != nil && t.sess != nil && t.why.version == t.sess.version
}

// whyView is the explanation wrapped to w cells in at most h rows.
func (t *trainer) whyView(w, h int) []string {
	var out []string
	for i, l := range t.why.lines {
		if i == len(t.why.lines)-1 {
			l += " (esc hides this)"
		}
		for _, r := range strings.Split(ansi.Wrap(l, max(w-2, 1), ""), "\n") {
			r = strings.TrimRight(r, " ") // Wrap keeps the space it broke at: one cell too many
			prefix := "  "
			if len(out) == 0 {
				prefix = "! "
			}
			out = append(out, fit(t.app.look.errS.Render(prefix+r), w))
		}
	}
	if len(out) > h {
		out = out[len(out)-h:] // the verdict is last: keep it
	}
	return out
}

// fmtG formats a number with 3 significant digits.
func fmtG(v float64) string { return numfmt.G(v, 3) }
