package tui

import (
	"math/rand/v2"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/datasets"
	"backprop/internal/safetext"
)

// Text from the net: on a text set the sample key (") generates a few
// lines from the current network (datasets.SampleText through a
// network.Runner, on a copy, in a tea.Cmd) and shows them above the status
// bar until the weights change or esc hides them; the key again draws
// another. `backprop sample` does the same from a model file.

// sampleLen and sampleTemp are what one sample draws.
const (
	sampleLen  = 240
	sampleTemp = 0.8
)

// textSampleState is the sample in progress or shown.
type textSampleState struct {
	gen     int    // bumped per request: a stale answer is dropped, and it seeds the draws
	text    string // the sample; "" none
	version uint64 // the session version it was drawn from
	epoch   int    // the epoch it was drawn at
}

// textSampleMsg carries a sample back to Update.
type textSampleMsg struct {
	gen  int
	text string
}

// sampleText starts drawing a sample from the current network.
func (t *trainer) sampleText() tea.Cmd {
	ds := t.sess.data
	if ds == nil || len(ds.Vocab) == 0 {
		name := ""
		if ds != nil {
			name = " (this is " + safetext.Line(ds.Name) + ")"
		}
		t.app.setFlash("sample text: for text data, e.g. the text preset or --data text:FILE"+name, true)
		return nil
	}
	t.txt.gen++
	gen := t.txt.gen
	net := t.sess.st.Net().Clone()
	t.txt.version, t.txt.epoch, t.txt.text = t.sess.version, epochShown(t.sess.st.Pos()), ""
	t.app.setFlash("sampling the net…", false)
	return func() tea.Msg {
		rng := rand.New(rand.NewPCG(uint64(gen), 0x5a4d))
		r := net.NewRunner()
		return textSampleMsg{gen: gen, text: datasets.SampleText(ds, r.Step, "", sampleLen, sampleTemp, rng)}
	}
}

// onTextSample shows a sample that is still wanted.
func (t *trainer) onTextSample(m textSampleMsg) {
	if m.gen != t.txt.gen || t.sess == nil {
		return
	}
	t.txt.text = m.text
	if t.app.flash == "sampling the net…" {
		t.app.flash = ""
	}
}

// textSampleShown reports whether a sample of the current weights is on
// screen.
// While a run goes on the weights change every frame, so the sample stays
// (its title says the epoch it was drawn at) until esc or the run stops.
func (t *trainer) textSampleShown() bool {
	return t.txt.text != "" && t.sess != nil && (t.txt.version == t.sess.version || t.run.on)
}

// textSampleView is the sample wrapped to w cells in at most h rows: a
// title line, then the text (newlines shown as ⏎, control characters made
// visible).
func (t *trainer) textSampleView(w, h int) []string {
	st := t.app.look
	title := "the net writes (epoch " + strconv.Itoa(t.txt.epoch) + ", temperature 0.8; \" again, esc hides):"
	out := []string{fit(st.dim.Render(ansi.Truncate(title, w, "…")), w)}
	text := safetext.Line(strings.ReplaceAll(t.txt.text, "\n", "⏎"))
	for _, r := range strings.Split(ansi.Wrap(text, max(w-2, 1), ""), "\n") {
		out = append(out, fit("  "+r, w))
	}
	if len(out) > h {
		out = out[:max(h, 0)]
	}
	return out
}
