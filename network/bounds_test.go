package network

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestSeriesMerges adds items one at a time to a series bounded to 8 and
// checks its shape after each: at most 8 entries, every entry but the
// last standing for span items, the last entry the last item.
func TestSeriesMerges(t *testing.T) {
	var s series[EpochStats]
	for e := 1; e <= 1000; e++ {
		m := Metrics{Loss: float64(e % 7), Accuracy: float64(e) / 1000}
		s.add(epochStats(e, m, Metrics{Loss: math.NaN(), Accuracy: math.NaN()}), foldEpochs, 8)
		span := max(s.span, 1)
		if len(s.v) > 8 || span&(span-1) != 0 {
			t.Fatalf("after %d: %d entries of span %d", e, len(s.v), span)
		}
		covered, first := 0, 1
		for i, x := range s.v {
			if i < len(s.v)-1 && x.span() != span || x.span() > span {
				t.Fatalf("after %d: entry %d spans %d, series span %d", e, i, x.span(), span)
			}
			if x.Epoch != first+x.span()-1 {
				t.Fatalf("after %d: entry %d is epoch %d spanning %d, want to end at %d", e, i, x.Epoch, x.span(), first+x.span()-1)
			}
			// its metrics are its last epoch's; min and max cover its span
			if x.TrainLoss != float64(x.Epoch%7) || x.TrainAcc != float64(x.Epoch)/1000 {
				t.Fatalf("entry %d: metrics %v, %v are not epoch %d's", i, x.TrainLoss, x.TrainAcc, x.Epoch)
			}
			wantMin, wantMax := 7.0, -1.0
			for ep := first; ep <= x.Epoch; ep++ {
				wantMin, wantMax = math.Min(wantMin, float64(ep%7)), math.Max(wantMax, float64(ep%7))
			}
			if x.Min.TrainLoss != wantMin || x.Max.TrainLoss != wantMax || x.Min.TrainAcc != float64(first)/1000 ||
				!math.IsNaN(x.Min.TestLoss) || !math.IsNaN(x.Max.TestAcc) {
				t.Fatalf("entry %d (epochs %d..%d): min %+v max %+v", i, first, x.Epoch, x.Min, x.Max)
			}
			covered += x.span()
			first = x.Epoch + 1
		}
		if covered != e || s.n != s.v[len(s.v)-1].span() {
			t.Fatalf("after %d: entries cover %d epochs, n = %d", e, covered, s.n)
		}
	}
}

// TestSeriesSnapshot: a snapshot shares the series' array; adding to the
// live series (folding into the last entry, appending, merging) and
// restoring the snapshot gives back exactly the snapshot's entries.
func TestSeriesSnapshot(t *testing.T) {
	var s series[float64]
	for i := range 37 {
		s.add(float64(i), foldLoss, 8)
	}
	want := slices.Clone(s.v)
	span, n := s.span, s.n
	sn := s.snapshot()
	for i := range 5 { // folds into the last entry, then appends, then merges
		s.add(float64(100+i), foldLoss, 8)
	}
	if slices.Equal(s.v, want) {
		t.Fatal("adding changed nothing")
	}
	sn.restore()
	if !slices.Equal(sn.v, want) || sn.span != span || sn.n != n {
		t.Fatalf("restored %v (span %d, n %d), want %v (span %d, n %d)", sn.v, sn.span, sn.n, want, span, n)
	}
	s.keepLast(3)
	if got := len(s.v); got != 2 { // the last entry holds n items, the one before span
		t.Fatalf("keepLast(3) kept %d entries of %v", got, s.v)
	}
}

// xorStepper is a 2→4→1 sigmoid network on XOR with the whole set as one
// mini-batch: an epoch is one update, the cheapest long run there is.
func xorStepper(t testing.TB) *Stepper {
	xor := Set{X: [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}, Y: [][]float64{{0}, {1}, {1}, {0}}}
	h := DefaultHyper()
	h.Eta, h.Batch = 2, 4
	return mustStepper(t, mustNet(t, []int{2, 4, 1}, []Activation{Sigmoid, Sigmoid}, CrossEntropy, 1), h, xor, xor)
}

// TestLongHistoryFile: the history of a long run is merged to at most
// MaxHistory entries in memory and in the model file, which stays small,
// and a model saved and loaded mid-run trains on exactly like the original.
// (Issue 18: a 2→4→1 net saved after 53,543 epochs was 6.3 MB.)
func TestLongHistoryFile(t *testing.T) {
	const epochs = 53543
	s := xorStepper(t)
	if _, err := s.Run(4 * epochs); err != nil {
		t.Fatal(err)
	}
	h := s.History()
	if len(h) > MaxHistory || h[len(h)-1].Epoch != epochs || h[0].span() < 2 {
		t.Fatalf("%d entries, last epoch %d, first span %d", len(h), h[len(h)-1].Epoch, h[0].span())
	}
	var b bytes.Buffer
	if err := s.Model().Write(&b); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 1<<20 {
		t.Errorf("model file after %d epochs: %d bytes, want < 1 MiB", epochs, b.Len())
	}
	t.Logf("after %d epochs: %d history entries (each %d epochs), model file %d bytes", epochs, len(h), h[0].span(), b.Len())
	m, err := ParseModel(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Stepper(s.Train(), s.Test())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.History(), s.History()) {
		t.Fatal("history differs after loading")
	}
	for _, st := range []*Stepper{s, r} {
		if _, err := st.Run(4 * 3000); err != nil { // folds, appends and merges again
			t.Fatal(err)
		}
	}
	sameWeights(t, "resumed", s.Net(), r.Net())
	if !slices.Equal(r.History(), s.History()) || r.hist.span != s.hist.span || r.hist.n != s.hist.n {
		t.Fatal("history differs after training on")
	}
}

// TestOldLongHistoryLoads: a file written before histories were bounded
// (one entry per epoch, more than MaxHistory) loads merged.
func TestOldLongHistoryLoads(t *testing.T) {
	s := xorStepper(t)
	s.Run(4 * 10)
	var b bytes.Buffer
	s.Model().Write(&b)
	var entries []string
	for e := 1; e <= 3*MaxHistory+5; e++ {
		entries = append(entries, fmt.Sprintf(`{"epoch": %d,"train_loss": %g,"train_acc": 1,"test_loss": null,"test_acc": null}`, e, 1/float64(e)))
	}
	old := b.String()
	i := strings.Index(old, `"history": [`)
	j := strings.Index(old[i:], "\n") + i // the history is one line
	if old[j-1] == ',' {
		j--
	}
	file := old[:i] + `"history": [` + strings.Join(entries, ",") + `]` + old[j:]
	m, err := ParseModel([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Stepper(s.Train(), s.Test())
	if err != nil {
		t.Fatal(err)
	}
	h := r.History()
	if len(h) > MaxHistory || h[len(h)-1].Epoch != 3*MaxHistory+5 || h[0].Max.TrainLoss != 1 {
		t.Fatalf("%d entries, last %+v, first %+v", len(h), h[len(h)-1], h[0])
	}
}

// TestMergedHistoryErrors: a merged history in a file must have the shape
// the series keeps.
func TestMergedHistoryErrors(t *testing.T) {
	s := xorStepper(t)
	s.Run(4 * (MaxHistory + 10))
	var b bytes.Buffer
	s.Model().Write(&b)
	good := b.String()
	if _, err := ParseModel(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ old, new, want string }{
		{`"epochs": 2,`, `"epochs": 3,`, "state.history[0].epochs: 3, want a power of two"},
		{`"epochs": 2,`, `"epochs": -1,`, "state.history[0].epochs: -1"},
		{`,"epochs": 2,"min": {`, `,"epochs": 2,"mini": {`, `unknown field "mini"`},
	} {
		bad := strings.Replace(good, c.old, c.new, 1)
		if _, err := ParseModel([]byte(bad)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: %v, want %q", c.old, c.new, err, c.want)
		}
	}
	// the second entry made to stand for 4 epochs
	i := strings.Index(good, `"epochs": 2,`)
	k := strings.Index(good[i+1:], `"epochs": 2,`) + i + 1
	bad := good[:k] + `"epochs": 4,` + good[k+len(`"epochs": 2,`):]
	if _, err := ParseModel([]byte(bad)); err == nil || !strings.Contains(err.Error(), "state.history[1].epochs: 4, want 2") {
		t.Errorf("uneven spans: %v", err)
	}
}

// TestBatchLossesBoundedInAnEpoch: an epoch of 10,000 one-sample batches
// keeps at most MaxBatchLosses values, the last one the last batch's.
func TestBatchLossesBoundedInAnEpoch(t *testing.T) {
	h := DefaultHyper()
	h.Batch = 1
	s := mustStepper(t, mustNet(t, []int{3, 2, 1}, []Activation{Tanh, Sigmoid}, Quadratic, 1), h, synth(10000, 3, 1, 1), Set{})
	if _, err := s.Run(9999); err != nil {
		t.Fatal(err)
	}
	s.Step(BySample)
	bl := s.BatchLosses()
	if len(bl) > MaxBatchLosses || s.batchLosses.span < 2 {
		t.Fatalf("%d batch losses of span %d after 10,000 batches", len(bl), s.batchLosses.span)
	}
	if tr := s.Trace(); bl[len(bl)-1] != tr.Loss*(1/float64(tr.Count)) {
		t.Fatalf("last batch loss %v, the batch's %v", bl[len(bl)-1], tr.Loss/float64(tr.Count))
	}
	r := roundTrip(t, s, s.Train(), s.Test())
	s.Run(3000)
	r.Run(3000)
	if !slices.Equal(s.BatchLosses(), r.BatchLosses()) {
		t.Fatal("batch losses differ after resuming")
	}
}

// TestUndoWithinBudget: the undo stack never holds more than its budget
// (counting the history arrays it keeps alive), and a state that alone
// exceeds the budget takes no snapshot.
func TestUndoWithinBudget(t *testing.T) {
	s := xorStepper(t)
	const budget = 1 << 20
	s.SetUndoBudget(budget)
	for i := range 3000 {
		if _, err := s.Run(4 * (1 + i%7)); err != nil {
			t.Fatal(err)
		}
		if s.UndoBytes() > budget {
			t.Fatalf("after %d runs: %d undo bytes, budget %d", i, s.UndoBytes(), budget)
		}
	}
	if d := s.UndoDepth(); d < 2 {
		t.Fatalf("undo depth %d", d)
	}
	s.SetUndoBudget(s.snapshotSize() - 1)
	if s.UndoDepth() != 0 || s.UndoBytes() != 0 {
		t.Fatalf("depth %d, %d bytes left over a budget smaller than one snapshot", s.UndoDepth(), s.UndoBytes())
	}
	s.Step(ByPhase)
	if s.UndoDepth() != 0 || s.Undo() {
		t.Fatal("a snapshot larger than the budget was kept")
	}
}

// TestSeenBounded: the perceptron's epoch-end states are bounded, oldest
// dropped.
func TestSeenBounded(t *testing.T) {
	var seen [][]float64
	const n = 1000
	keep := maxSeenFloats / n
	for i := range 3 * keep {
		state := make([]float64, n)
		state[0] = float64(i)
		seen = appendSeen(seen, state)
	}
	if len(seen) != keep || seen[0][0] != float64(2*keep) || seen[keep-1][0] != float64(3*keep-1) {
		t.Fatalf("%d states kept (want %d), from %v to %v", len(seen), keep, seen[0][0], seen[len(seen)-1][0])
	}
}

func TestCheckParams(t *testing.T) {
	err := CheckParams([]int{2, 40000, 40000, 1})
	if err == nil || !strings.Contains(err.Error(), "1,600,200,001 weights and biases") || !strings.Contains(err.Error(), "the limit is 2,097,152") {
		t.Fatalf("CheckParams(2,40000,40000,1) = %v", err)
	}
	// New refuses before it allocates (12.8 GB here).
	if _, err := New(Spec{Sizes: []int{2, 40000, 40000, 1}, Acts: []Activation{ReLU, ReLU, Sigmoid}}, NewRand(1)); err == nil ||
		!strings.Contains(err.Error(), "the limit is") {
		t.Fatalf("New: %v", err)
	}
	if err := CheckParams([]int{784, 1000, 1000, 10}); err != nil {
		t.Fatalf("a 1.8M-parameter network: %v", err)
	}
	// A model file at the limit loads again: weights, initial weights,
	// gradient sums and Adam's two moments, each number at most 24 bytes
	// ("-1.2345678901234567e-05,"), and 1 MiB for the rest.
	if worst := MaxParams*5*24 + 1<<20; worst > MaxModelBytes {
		t.Fatalf("a file at MaxParams may take %d bytes, more than MaxModelBytes (%d)", worst, MaxModelBytes)
	}
	if n := NumParamsOf([]int{2, 3, 1}); n != 13 {
		t.Fatalf("NumParamsOf(2,3,1) = %d, want 13", n)
	}
	if n := NumParamsOf([]int{math.MaxInt, math.MaxInt, 4}); n != math.MaxInt {
		t.Fatalf("no saturation: %d", n)
	}
	if err := CheckParams([]int{math.MaxInt, 2}); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("overflowing count: %v", err)
	}
	// A model file says which, before it looks at the rows.
	f := modelFile{Format: ModelFormat, Version: ModelVersion, Inputs: 65536, Cost: "quadratic",
		Layers: []modelLayer{{Activation: "relu", Weights: make([][]jfloat, 200)}}}
	if err := f.validate(); err == nil || !strings.Contains(err.Error(), "layers: network: layers 65536,200 have 13,107,400 weights") {
		t.Fatalf("model file: %v", err)
	}
}

// TestUndoRestoresHistory undoes runs across the history's merges: every
// undo gives back the history and batch losses as they were, entry for
// entry, though snapshots share the live arrays.
func TestUndoRestoresHistory(t *testing.T) {
	s := xorStepper(t)
	type mark struct {
		hist []EpochStats
		bl   []float64
		pos  Pos
	}
	var marks []mark
	for i := range 30 {
		marks = append(marks, mark{slices.Clone(s.History()), slices.Clone(s.BatchLosses()), s.Pos()})
		if i%5 == 4 {
			s.SetWeight(0, 0, 0, 0.5) // an edit between runs
		} else if _, err := s.Run(4 * (100 + 97*i%400)); err != nil {
			t.Fatal(err)
		}
	}
	if s.hist.span < 4 {
		t.Fatalf("the run never merged twice (span %d)", s.hist.span)
	}
	for i := len(marks) - 1; i >= 0; i-- {
		if !s.Undo() {
			t.Fatalf("undo %d failed", i)
		}
		m := marks[i]
		if s.Pos() != m.pos || !slices.Equal(s.History(), m.hist) || !slices.Equal(s.BatchLosses(), m.bl) {
			t.Fatalf("undo %d: at %+v with %d history entries, want %+v with %d", i, s.Pos(), len(s.History()), m.pos, len(m.hist))
		}
	}
}
