package tui

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"backprop/internal/testkit"
	"backprop/network"
)

// Issue 18, "Numbers that disagree".

// statusBatch reads "b I/N  s J/M" (or the long labels) off the status bar.
var statusBatch = regexp.MustCompile(`(?:b|batch) (\d+)/(\d+)\s+(?:s|sample) (\d+)/(\d+)`)

// The batch index can never exceed the batch count: --preset xor, `s s }
// }` showed `b 2/1`, then `s` showed `b 3/1`. The count is that of the
// epoch as it runs: the batches begun, then the rest at the new size.
func TestBatchIndexWithinCount(t *testing.T) {
	m := xorModel(t)
	for _, tc := range []struct {
		keys []string
		want string // status: batch and sample
		pane string // the Sample pane's line
	}{
		{[]string{"s", "s"}, "b 2/4  s 1/1", "batch 2/4 · sample 1/1"},
		{[]string{"}", "}"}, "b 2/3  s 1/1", "batch 2/3 · sample 1/1"},
		{[]string{"s"}, "b 3/3  s 1/2", "batch 3/3 · sample 1/2"},
		{[]string{"s"}, "b 3/3  s 2/2", "batch 3/3 · sample 2/2"},
		{[]string{"s"}, "b 1/1  s 1/4", "batch 1/1 · sample 1/4"}, // the next epoch at m = 4
	} {
		press(m, tc.keys...)
		scr := screen(t, m)
		if got := statusBatch.FindString(scr); got != tc.want {
			t.Errorf("after %v: status %q, want %q\n%s", tc.keys, got, tc.want, scr)
		}
		// the Sample pane, wide enough for its whole first line
		if pane := ansi.Strip(strings.Join(m.tr.renderPane(PaneSample, 70, 12), "\n")); !strings.Contains(pane, tc.pane) {
			t.Errorf("after %v: the Sample pane lacks %q\n%s", tc.keys, tc.pane, pane)
		}
	}
	// a new m before any sample of the batch is loaded applies to it: the
	// status said m 4 while the engine updated after one sample
	f := xorModel(t)
	press(f, "}", "}", "b")
	if p := f.tr.sess.st.Pos(); p.Sample != 3 || p.Phase != network.PhaseEpochEnd {
		t.Errorf("} } b on a fresh xor: %+v, want the whole batch of 4", p)
	}
}

// Whatever the learner presses, the status bar's batch and sample stay
// within their counts, and an epoch has as many batches as it said.
func TestBatchCountsHold(t *testing.T) {
	m := newTestModel(t, Options{Preset: "iris"}, 120, 40)
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"s", "s", "s", "b", "{", "}", "space", ".", "u"}
	for i := range 600 {
		k := keys[rng.IntN(len(keys))]
		press(m, k)
		st := m.tr.sess.st
		p := st.Pos()
		if p.Batch >= st.BatchCount() || p.Sample >= st.BatchSize() {
			t.Fatalf("key %d (%s): %+v with %d batches of %d", i, k, p, st.BatchCount(), st.BatchSize())
		}
		sm := statusBatch.FindStringSubmatch(screen(t, m))
		want := fmt.Sprintf("%d/%d %d/%d", p.Batch+1, st.BatchCount(), p.Sample+1, st.BatchSize())
		if sm == nil || sm[1]+"/"+sm[2]+" "+sm[3]+"/"+sm[4] != want {
			t.Fatalf("key %d (%s): status %v, want %s", i, k, sm, want)
		}
	}
}

// The Inspector's update line names the m the update divided by: digits'
// last mini-batch has 1348 mod 10 = 8 samples, and the engine averages over
// 8, not the batch size 10.
func TestInspectorUpdateNamesItsM(t *testing.T) {
	m := newTestModel(t, Options{Preset: "digits"}, 120, 40)
	press(m, "e")
	in := ansi.Strip(strings.Join(m.tr.renderPane(PaneInspector, 90, 14), "\n"))
	if !strings.Contains(in+" ", " m=8 ") {
		t.Errorf("after the epoch's short last batch the update line should say m=8:\n%s", in)
	}
	press(m, "b")
	in = ansi.Strip(strings.Join(m.tr.renderPane(PaneInspector, 90, 14), "\n"))
	if !strings.Contains(in+" ", " m=10 ") {
		t.Errorf("a whole batch: m=10:\n%s", in)
	}
}

// One screen, one figure for one thing: on MNIST the Confusion pane said
// `test 10000 · acc 93.8%` while the Sample pane said `confusion (test,
// 1000) acc 93.5%`. With the browser open both show the whole test set's
// figure; without it the Sample pane's subset says it is one.
func TestConfusionFiguresAgree(t *testing.T) {
	m := newTestModel(t, Options{Preset: "mnist", DataDir: testkit.MNISTDir(t)}, 120, 40)
	press(m, "b", "b")
	sample := func() string { return ansi.Strip(strings.Join(m.tr.renderPane(PaneSample, 60, 30), "\n")) }
	if s := sample(); !strings.Contains(s, "confusion (test: first 1000 of 10000) acc ") {
		t.Errorf("the Sample pane's subset is not labelled as one:\n%s", s)
	}
	_, cmd := m.Update(keyMsg("C"))
	for cmd != nil { // the browser's evaluation
		_, cmd = m.Update(cmd())
	}
	conf := ansi.Strip(strings.Join(m.tr.renderPane(PaneConfusion, 60, 20), "\n"))
	acc := regexp.MustCompile(`confusion test 10000 · acc (\S+%)`).FindStringSubmatch(conf)
	if acc == nil {
		t.Fatalf("Confusion pane:\n%s", conf)
	}
	if s := sample(); !strings.Contains(s, "confusion (test 10000) acc "+acc[1]) {
		t.Errorf("the Confusion pane says %s of the test set; the Sample pane:\n%s", acc[1], s)
	}
}
